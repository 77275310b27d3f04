#include "inputs/encoding.hpp"

#include "core/errors.hpp"
#include "gis/vector_io.hpp"

namespace landalloc {

bool encoding_known(const std::string &name) { return gis::encoding_known(name); }

bool crs_known(const std::string &user_input) {
    try {
        (void)gis::Crs::from_user_input(user_input);
        return true;
    } catch (const UsageError &) {
        return false;
    }
}

} // namespace landalloc
