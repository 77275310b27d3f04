// The demand model (allocation/demand.hpp). Being written: [demand] is refused until it lands.

#include "allocation/demand.hpp"

#include "allocation/plan_config.hpp"
#include "allocation/toml_ctx.hpp"

namespace landalloc {

void parse_demand(const detail::Ctx &ctx, const toml::table &t, PlanConfig &) {
    ctx.fail(&t, "demand", "the demand model is not available in this build");
}

} // namespace landalloc
