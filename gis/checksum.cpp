#include "gis/checksum.hpp"

#include "core/errors.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <vector>

namespace landalloc::gis {

std::string file_sha256(const std::string &path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
        return {};
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw DataError(path + ": cannot read the file to checksum it");
    }
    const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                                      &EVP_MD_CTX_free);
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
        throw GisError("OpenSSL cannot start a SHA-256 digest");
    }
    std::array<char, 1 << 16> buf{};
    while (in) {
        in.read(buf.data(), buf.size());
        const auto n = static_cast<std::size_t>(in.gcount());
        if (n > 0 && EVP_DigestUpdate(ctx.get(), buf.data(), n) != 1) {
            throw GisError("OpenSSL SHA-256 update failed");
        }
    }
    std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
    unsigned int len = 0;
    if (EVP_DigestFinal_ex(ctx.get(), md.data(), &len) != 1) {
        throw GisError("OpenSSL SHA-256 final failed");
    }
    std::string hex;
    for (unsigned int i = 0; i < len; ++i) {
        char b[3];
        std::snprintf(b, sizeof b, "%02x", md[i]);
        hex += b;
    }
    return hex;
}

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

/// The regular files in `dir` whose base name (before the first dot of the extension) is `stem`,
/// compared without regard to case ("PARCELS.DBF", "parcels.shp.xml").
std::vector<std::string> files_of_stem(const std::filesystem::path &dir, const std::string &stem) {
    std::vector<std::string> out;
    std::error_code ec;
    const std::string want = lower(stem);
    for (const auto &e : std::filesystem::directory_iterator(dir, ec)) {
        std::error_code fe;
        if (!e.is_regular_file(fe)) {
            continue;
        }
        const std::string name = e.path().filename().string();
        const auto dot = name.find('.');
        if (dot != std::string::npos && lower(name.substr(0, dot)) == want) {
            out.push_back(e.path().string());
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace

std::vector<std::string> dataset_files(const std::string &source, const std::string &layer) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path p(source);
    if (fs::is_directory(p, ec)) {
        return files_of_stem(p, layer);
    }
    if (!fs::is_regular_file(p, ec)) {
        return {};
    }
    const std::string ext = lower(p.extension().string());
    if (ext == ".shp" || ext == ".dbf" || ext == ".shx") {
        const fs::path dir = p.has_parent_path() ? p.parent_path() : fs::path(".");
        std::vector<std::string> out = files_of_stem(dir, p.stem().string());
        if (!p.has_parent_path()) {
            for (auto &f : out) {
                f = fs::path(f).filename().string(); // as the user named the source
            }
        }
        return out;
    }
    return {source};
}

} // namespace landalloc::gis
