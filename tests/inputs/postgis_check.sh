#!/usr/bin/env bash
# Reads the example city from PostGIS (a "PG:" connection string) and checks that the plan equals
# the plan of the same city read from its GeoPackage. Starts a throw-away PostgreSQL cluster on a
# Unix socket (no TCP) and stops it on exit.
#
# Usage: postgis_check.sh LANDALLOC_BINARY WORK_DIR
# Exit 0: same plan; 1: a difference or a failure; 77: PostgreSQL/PostGIS not installed (skip).
set -euo pipefail
bin=$1
work=$2
rm -rf "$work"
mkdir -p "$work"

pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$pgbin" ] || [ ! -x "$pgbin/initdb" ] || ! ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1; then
    echo "SKIP: PostgreSQL with PostGIS is not installed (scripts/setup installs postgresql-15-postgis-3)"
    exit 77
fi
# PostgreSQL refuses to run as root: run the server as 'postgres' then.
as=()
if [ "$(id -u)" = 0 ]; then
    as=(runuser -u postgres --)
fi
pgdir=$(mktemp -d /tmp/landalloc-pg-XXXXXX)
chmod 777 "$pgdir"
cleanup() {
    "${as[@]}" "$pgbin/pg_ctl" -D "$pgdir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$pgdir"
}
trap cleanup EXIT
"${as[@]}" "$pgbin/initdb" -D "$pgdir/data" -A trust -U postgres >"$pgdir/initdb.log" 2>&1
"${as[@]}" "$pgbin/pg_ctl" -D "$pgdir/data" -l "$pgdir/server.log" -w \
    -o "-k $pgdir -p 55432 -c listen_addresses=''" start >/dev/null
conn="host=$pgdir port=55432 user=postgres dbname=postgres"
psql "$conn" -q -c "CREATE EXTENSION postgis;"

"$bin" synth --out "$work/city.gpkg" --parcels 2500 --seed 5 --quiet
ogr2ogr -f PostgreSQL "PG:$conn" "$work/city.gpkg" -preserve_fid -lco GEOMETRY_NAME=geom
"$bin" plan "$work/city.gpkg" --out "$work/from-gpkg.gpkg" --solver heuristic --quiet
# A password in the connection (trust authentication ignores it) must reach no output and no
# message (issue 17, item 8): it was stored verbatim in run_metadata.input and the report.
secret=Hunter2secret
"$bin" plan "PG:$conn password=$secret" --out "$work/from-postgis.gpkg" --solver heuristic \
    --quiet 2>"$work/plan-stderr.txt"
if grep -a -l "$secret" "$work/from-postgis.gpkg" "$work/from-postgis.html" "$work/plan-stderr.txt"; then
    echo "FAIL: the password reached the files above"
    exit 1
fi
input=$(ogrinfo -ro -q "$work/from-postgis.gpkg" -sql "SELECT value FROM run_metadata WHERE key = 'input'" | grep value | sed 's/.*= //')
case "$input" in
*"password=***"*) ;;
*)
    echo "FAIL: run_metadata.input does not show the password as ***: $input"
    exit 1
    ;;
esac
# A connection that fails names the source without its password, in one line, exit 3.
set +e
"$bin" validate "PG:host=$pgdir port=55433 dbname=nosuch password=$secret" >"$work/bad.txt" 2>&1
code=$?
set -e
if [ "$code" != 3 ] || grep -q "$secret" "$work/bad.txt"; then
    echo "FAIL: a failing connection gave exit $code or showed the password:"
    cat "$work/bad.txt"
    exit 1
fi

list() {
    ogrinfo -ro -q "$1" -sql "SELECT parcel_id, year, housing_type, area_ha FROM allocated_parcels ORDER BY parcel_id" |
        grep -E '^  (parcel_id|year|housing_type|area_ha)'
}
list "$work/from-gpkg.gpkg" >"$work/a.txt"
list "$work/from-postgis.gpkg" >"$work/b.txt"
n=$(grep -c parcel_id "$work/a.txt" || true)
if [ "$n" -lt 50 ]; then
    echo "FAIL: only $n allocated parcels in the GeoPackage plan"
    exit 1
fi
if ! diff -q "$work/a.txt" "$work/b.txt" >/dev/null; then
    echo "FAIL: the plan from PostGIS differs from the plan from the GeoPackage:"
    diff "$work/a.txt" "$work/b.txt" | head -20
    exit 1
fi
crs=$(ogrinfo -ro -q "$work/from-postgis.gpkg" -sql "SELECT value FROM run_metadata WHERE key = 'crs'" | grep value | sed 's/.*= //')
echo "ok: $n parcels allocated identically from PostGIS and from the GeoPackage (CRS $crs); the password reached no output"
