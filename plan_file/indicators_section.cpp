// Parsing [indicators] (docs/indicators.md).

#include "plan_file/sections.hpp"

#include <algorithm>

#include "core/errors.hpp"

namespace landalloc {

using detail::Ctx;

/// `[indicators]`: accessibility and jobs-housing indicators (docs/indicators.md).
void parse_indicators(const Ctx &ctx, const toml::table &t, IndicatorOptions &o) {
    const std::string p = "indicators.";
    ctx.check_keys(t, p,
                   {"station_radii_m", "stations_open_by", "decay", "decay_scale_m", "decay_beta",
                    "decay_min_m", "cutoff_m", "park_jobs", "catchment_m", "park_catchment_m",
                    "labour_force_rate", "persons_per_unit", "commute_model", "commute_decay",
                    "commute_scale_m", "commute_beta"});
    if (const toml::node *r = t.get("station_radii_m")) {
        if (!r->is_array() || r->as_array()->empty()) {
            ctx.fail(r, p + "station_radii_m", "must be a non-empty array of distances in m");
        }
        o.station_radii_m.clear();
        for (auto &&x : *r->as_array()) {
            const auto d = x.value<double>();
            if (!d || !(x.is_integer() || x.is_floating_point()) || !(*d >= 1 && *d <= 100000)) {
                ctx.fail(&x, p + "station_radii_m", "each radius must be a number in [1, 100000]");
            }
            if (*d != std::round(*d) ||
                std::find(o.station_radii_m.begin(), o.station_radii_m.end(), *d) !=
                    o.station_radii_m.end()) {
                ctx.fail(&x, p + "station_radii_m",
                         "radii must be whole metres and distinct (they name output fields)");
            }
            o.station_radii_m.push_back(*d);
        }
    }
    o.stations_open_by =
        static_cast<int>(ctx.integer(t, p, "stations_open_by", o.stations_open_by, 0, 2200));
    o.park_catchment_m = ctx.number(t, p, "park_catchment_m", o.park_catchment_m, 1, 100000);
    auto decay_kind = [&](const std::string &key, DecayKind def) {
        const std::string k =
            ctx.text(t, p, key, def == DecayKind::power ? "power" : "exponential");
        if (k != "exponential" && k != "power") {
            ctx.fail(t.get(key), p + key, "'" + k + "' is not a decay; use exponential or power");
        }
        return k == "power" ? DecayKind::power : DecayKind::exponential;
    };
    o.decay.kind = decay_kind("decay", o.decay.kind);
    o.decay.scale_m = ctx.number(t, p, "decay_scale_m", o.decay.scale_m, 1, 1e6);
    o.decay.beta = ctx.number(t, p, "decay_beta", o.decay.beta, 0, 10);
    o.decay.min_distance_m = ctx.number(t, p, "decay_min_m", o.decay.min_distance_m, 1, 1e5);
    o.decay.cutoff_m = ctx.number(t, p, "cutoff_m", o.decay.cutoff_m, 1, 1e6);
    o.park_jobs = ctx.boolean(t, p, "park_jobs", o.park_jobs);
    o.catchment_m = ctx.number(t, p, "catchment_m", o.catchment_m, 1, 1e6);
    o.labour_force_rate = ctx.number(t, p, "labour_force_rate", o.labour_force_rate, 0, 1);
    o.persons_per_unit = ctx.number(t, p, "persons_per_unit", o.persons_per_unit, 0, 20);
    const std::string model =
        ctx.text(t, p, "commute_model",
                 o.commute_model == CommuteModel::production_constrained ? "production_constrained"
                                                                         : "doubly_constrained");
    if (model != "doubly_constrained" && model != "production_constrained") {
        ctx.fail(t.get("commute_model"), p + "commute_model",
                 "'" + model +
                     "' is not a model; use doubly_constrained or production_constrained");
    }
    o.commute_model = model == "production_constrained" ? CommuteModel::production_constrained
                                                        : CommuteModel::doubly_constrained;
    o.commute_decay.kind = decay_kind("commute_decay", o.commute_decay.kind);
    o.commute_decay.scale_m = ctx.number(t, p, "commute_scale_m", o.commute_decay.scale_m, 1, 1e6);
    o.commute_decay.beta = ctx.number(t, p, "commute_beta", o.commute_decay.beta, 0, 10);
    o.commute_decay.min_distance_m = o.decay.min_distance_m;
}

} // namespace landalloc
