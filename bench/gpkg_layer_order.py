#!/usr/bin/python3
"""How GDAL 3.6's GeoPackage driver writes a plan's two parcel layers, by their order and SQLite's
page cache (docs/performance.md): the reason PlanWriter writes rejected_candidates first and
GpkgWriter asks for a 256 MiB cache.

Reads allocated_parcels and rejected_candidates of a plan GeoPackage into memory, then writes them
into a new GeoPackage as GpkgWriter does (one transaction a layer), in the order given, and prints
the seconds each layer's features took and the seconds the close took (GDAL completes the R-tree
indexes there).

Usage:  /usr/bin/python3 bench/gpkg_layer_order.py PLAN.gpkg OUT.gpkg ORDER [CACHE_MIB]
        ORDER: rejected_candidates,allocated_parcels or allocated_parcels,rejected_candidates
        CACHE_MIB: SQLite's page cache (PRAGMA cache_size); 0 leaves SQLite's default (2 MiB)
        OGR_GPKG_ALLOW_THREADED_RTREE=NO in the environment turns GDAL's background R-tree off.
A benchmark, not a test: it asserts nothing; keep the machine idle.
"""

import os
import sys
import time

from osgeo import gdal, ogr

gdal.UseExceptions()


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    source, out, order = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
    cache_mib = int(sys.argv[4]) if len(sys.argv) > 4 else 256
    src = ogr.Open(source)
    layers = {}
    for name in order:
        layer = src.GetLayerByName(name)
        feats = [(f.GetGeometryRef().ExportToWkb(),
                  [f.GetField(i) for i in range(f.GetFieldCount())]) for f in layer]
        layers[name] = (layer, feats)
    if os.path.exists(out):
        os.remove(out)
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(out)
    if cache_mib > 0:
        ds.ExecuteSQL(f"PRAGMA cache_size = -{cache_mib * 1024}")
    for name in order:
        t = time.time()
        layer, feats = layers[name]
        out_layer = ds.CreateLayer(name, layer.GetSpatialRef(), ogr.wkbMultiPolygon, ["FID=fid"])
        defn = layer.GetLayerDefn()
        for i in range(defn.GetFieldCount()):
            out_layer.CreateField(defn.GetFieldDefn(i))
        ds.StartTransaction()
        out_defn = out_layer.GetLayerDefn()
        for wkb, values in feats:
            f = ogr.Feature(out_defn)
            for i, v in enumerate(values):
                if v is not None:
                    f.SetField(i, v)
            f.SetGeometryDirectly(ogr.CreateGeometryFromWkb(wkb))
            out_layer.CreateFeature(f)
        ds.CommitTransaction()
        print(f"{name}: {len(feats)} features in {time.time() - t:.1f} s", flush=True)
    t = time.time()
    ds = None
    print(f"close: {time.time() - t:.1f} s")


if __name__ == "__main__":
    main()
