#pragma once
// Opening an output with plain OGR, for tests that check landalloc's files independently of its
// own reading code. Header-only: only the tests that link GDAL include it.

#include <gdal_priv.h>

#include <stdexcept>
#include <string>

namespace landalloc::test {

inline GDALDatasetUniquePtr open_vector(const std::string &path) {
    GDALAllRegister();
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY,
                                              nullptr, nullptr, nullptr));
    if (!ds) {
        throw std::runtime_error("cannot open " + path);
    }
    return ds;
}

} // namespace landalloc::test
