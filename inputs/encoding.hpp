#pragma once
// What the inputs accept as a Shapefile encoding or a stated CRS, asked of iconv and PROJ through
// gis/ (so the plan file's parser can check the keys without depending on gis/).

#include <string>

namespace landalloc {

/// True when iconv can convert from `name` (GBK, GB18030, UTF-8, ...).
bool encoding_known(const std::string &name);
/// True when PROJ understands `user_input` as a CRS (EPSG:4549, a WKT, a PROJ string).
bool crs_known(const std::string &user_input);
/// True when `user_input` is a CRS PROJ understands and it is projected (metres, not degrees).
bool crs_projected(const std::string &user_input);

} // namespace landalloc
