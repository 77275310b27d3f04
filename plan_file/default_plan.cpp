// The built-in default plan: `landalloc default-plan` prints it, and a run without --plan uses it.

#include "plan_file/plan_file.hpp"

namespace landalloc {

namespace {

const char *const k_default_plan =
    R"toml(# landalloc built-in default plan: an example prefecture city the size of Lianyungang.
# Residential land 169, 179, 190, 202, 215 ha for 2021-2025 (Lianyungang plan, lianyungang.txt
# L598-606, indicative there; binding here so the example exercises binding rows), of which at
# least 10 % rental land (L285): affordable rental housing (保障性租赁住房) gets about 10 % of each
# year, commercial housing (商品住房) the rest. examples/lianyungang.toml carries the real plan.

[plan]
name = "Example city (built-in default plan)"
first_year = 2021
last_year = 2025
seed = 1

[housing_types.commercial]
name_zh = "商品住房"
unit_m2 = 100.0
far_min = 1.0
far_max = 3.0

[housing_types.affordable_rental]
name_zh = "保障性租赁住房"
affordable = true
unit_m2 = 60.0
far_min = 1.2
far_max = 3.5
rental = true

[[targets]]
type = "affordable_rental"
unit = "ha"
values = [17.0, 18.0, 19.0, 20.5, 21.5]
tolerance = 0.05
binding = true

[[targets]]
type = "commercial"
unit = "ha"
values = [152.0, 161.0, 171.0, 181.5, 193.5]
tolerance = 0.05
binding = true

[scoring]
station_decay_m = 800.0
park_decay_m = 2000.0

[scoring.weights.commercial]
transit = 0.4
jobs = 0.2
zone_class = 0.4

[scoring.weights.affordable_rental]
transit = 0.45
jobs = 0.45
zone_class = 0.1
)toml";

} // namespace

const std::string &default_plan_text() {
    static const std::string text(k_default_plan);
    return text;
}

PlanFile default_plan(const std::string &scenario) {
    return parse_plan(default_plan_text(), "", scenario);
}

} // namespace landalloc
