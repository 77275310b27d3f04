// Parsing [network] (allocation/network.hpp; docs/plan-file.md): how the street network of the
// `streets` layer is used.

#include "plan_file/sections.hpp"

namespace landalloc {

using detail::Ctx;

void parse_network(const Ctx &ctx, const toml::table &t, NetworkOptions &o) {
    const std::string p = "network.";
    ctx.check_keys(t, p,
                   {"walk_kmh", "snap_tolerance_m", "speeds_kmh", "other_speed_kmh", "stations",
                    "parks", "commute"});
    o.line = static_cast<int>(t.source().begin.line);
    o.walk_kmh = ctx.number(t, p, "walk_kmh", o.walk_kmh, 0.5, 30);
    o.snap_tolerance_m = ctx.number(t, p, "snap_tolerance_m", o.snap_tolerance_m, 0, 1e5);
    o.other_speed_kmh = ctx.number(t, p, "other_speed_kmh", o.other_speed_kmh, 1, 200);
    if (const auto *sp = ctx.table(t, p, "speeds_kmh")) {
        for (auto &&[k, v] : *sp) {
            const std::string cls(k.str());
            const auto d = v.value<double>();
            if (!d || !(v.is_integer() || v.is_floating_point()) || !(*d >= 1 && *d <= 200)) {
                ctx.fail(&v, p + "speeds_kmh." + cls, "must be a speed in km/h in [1, 200]");
            }
            o.speeds_kmh[cls] = *d;
        }
    }
    auto mode = [&](const char *key, TravelMode def) {
        const std::string s = ctx.text(t, p, key, travel_mode_name(def));
        const auto m = parse_travel_mode(s);
        if (!m) {
            ctx.fail(t.get(key), p + key,
                     "'" + s +
                         "' is not a travel mode; use walk, drive or "
                         "straight");
        }
        return *m;
    };
    o.stations = mode("stations", o.stations);
    o.parks = mode("parks", o.parks);
    o.commute = mode("commute", o.commute);
}

} // namespace landalloc
