#include "inputs/encoding.hpp"

#include "gis/vector_io.hpp"

namespace landalloc {

bool encoding_known(const std::string &name) { return gis::encoding_known(name); }

bool crs_known(const std::string &user_input) { return gis::Crs::parse(user_input).has_value(); }

bool crs_projected(const std::string &user_input) {
    const auto crs = gis::Crs::parse(user_input);
    return crs && crs->is_projected();
}

} // namespace landalloc
