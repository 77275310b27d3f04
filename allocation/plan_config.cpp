#include "allocation/plan_config.hpp"

#include "allocation/toml_ctx.hpp"

#include "gis/errors.hpp"
#include "gis/vector_io.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

namespace landalloc {

namespace {

using detail::Ctx;

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

/// `[inputs.synth]`: a synthetic city instead of input layers (layers/synth.hpp).
SynthOptions parse_synth(const Ctx &ctx, const toml::table &t) {
    const std::string p = "inputs.synth.";
    ctx.check_keys(t, p, {"parcels", "scale", "seed", "metro_lines", "parks", "districts"});
    SynthOptions o;
    o.parcels = static_cast<int>(ctx.integer(t, p, "parcels", o.parcels, 1, 2000000));
    o.scale = ctx.number(t, p, "scale", o.scale, 0.05, 50);
    o.seed = static_cast<std::uint64_t>(ctx.integer(t, p, "seed", static_cast<std::int64_t>(o.seed),
                                                    0, std::numeric_limits<std::int64_t>::max()));
    o.metro_lines = static_cast<int>(
        ctx.integer(t, p, "metro_lines", o.metro_lines, 0, k_synth_max_metro_lines));
    o.parks = static_cast<int>(ctx.integer(t, p, "parks", o.parks, 0, k_synth_max_parks));
    const toml::node *ds = t.get("districts");
    if (!ds) {
        return o;
    }
    if (!ds->is_array_of_tables() || ds->as_array()->empty()) {
        ctx.fail(ds, p + "districts",
                 "must be a non-empty array of tables ([[inputs.synth.districts]])");
    }
    if (ds->as_array()->size() > static_cast<std::size_t>(k_synth_max_districts)) {
        ctx.fail(ds, p + "districts",
                 "has " + std::to_string(ds->as_array()->size()) + " districts; at most " +
                     std::to_string(k_synth_max_districts));
    }
    std::set<std::string> ids;
    std::size_t i = 0;
    for (auto &&node : *ds->as_array()) {
        const auto &d = *node.as_table();
        const std::string dp = p + "districts[" + std::to_string(i) + "].";
        ctx.check_keys(
            d, dp,
            {"id", "name", "zone_class", "population", "jobs", "dwellings", "destock_months"});
        SynthDistrict z;
        z.id = ctx.text(d, dp, "id", "");
        const std::string id = z.id.empty() ? synth_district_id(i) : z.id;
        if (d.get("id") && z.id.empty()) {
            ctx.fail(d.get("id"), dp + "id", "is empty; leave it out for " + id);
        }
        if (!ids.insert(id).second) {
            ctx.fail(d.get("id") ? d.get("id") : &node, dp + "id",
                     "'" + id + "' is the id of an earlier district; ids must be unique");
        }
        z.name = ctx.text(d, dp, "name", "");
        z.zone_class = ctx.text(d, dp, "zone_class", "");
        for (const char *key : {"name", "zone_class"}) {
            if (d.get(key) && ctx.text(d, dp, key, "").empty()) {
                ctx.fail(d.get(key), dp + key, "is empty; leave it out for a generated one");
            }
        }
        for (auto [key, member] : {std::pair{"population", &SynthDistrict::population},
                                   std::pair{"jobs", &SynthDistrict::jobs},
                                   std::pair{"dwellings", &SynthDistrict::dwellings}}) {
            if (d.get(key)) {
                z.*member = ctx.number(d, dp, key, 0, 0, 1e9);
            }
        }
        if (d.get("destock_months")) {
            z.destock_months = ctx.number(d, dp, "destock_months", 0, 0, 1200);
        }
        o.districts.push_back(std::move(z));
        ++i;
    }
    return o;
}

/// `[inputs]`: the simple form (layer names) and the full form (a table per layer).
void parse_inputs(const Ctx &ctx, const toml::table &in, InputsConfig &I) {
    ctx.check_keys(in, "inputs.",
                   {"source", "zones", "stations", "parks", "parcels", "constraints", "crs",
                    "encoding", "fields", "min_parcel_area_m2", "zone_values", "generate",
                    "synth"});
    if (const auto *sy = ctx.table(in, "inputs.", "synth")) {
        // The synthetic city is every input layer, under the default layer and field names.
        for (const char *key : {"source", "zones", "stations", "parks", "parcels", "constraints",
                                "encoding", "fields", "generate"}) {
            if (const toml::node *n = in.get(key)) {
                ctx.fail(n, std::string("inputs.") + key,
                         "cannot be given with [inputs.synth], which generates every input "
                         "layer; drop one of them");
            }
        }
        I.synth = parse_synth(ctx, *sy);
    }
    I.plan_line = static_cast<int>(in.source().begin.line);
    I.source = ctx.text(in, "inputs.", "source", "");
    I.crs = ctx.text(in, "inputs.", "crs", "");
    auto check_encoding = [&](const toml::table &t, const std::string &prefix) {
        const std::string e = ctx.text(t, prefix, "encoding", "");
        if (!e.empty() && !gis::encoding_known(e)) {
            ctx.fail(t.get("encoding"), prefix + "encoding",
                     "'" + e + "' is not an encoding iconv knows (try GBK, GB18030, UTF-8)");
        }
        return e;
    };
    auto check_crs = [&](const toml::table &t, const std::string &prefix) {
        const std::string c = ctx.text(t, prefix, "crs", "");
        if (!c.empty()) {
            try {
                (void)gis::Crs::from_user_input(c);
            } catch (const UsageError &) {
                ctx.fail(t.get("crs"), prefix + "crs",
                         "'" + c + "' is not a CRS that PROJ knows (try EPSG:4549)");
            }
        }
        return c;
    };
    I.encoding = check_encoding(in, "inputs.");
    check_crs(in, "inputs.");
    I.min_parcel_area_m2 = ctx.number(in, "inputs.", "min_parcel_area_m2", 1000, 0, 1e9);

    // A layer is a name (simple form) or a table (full form).
    auto layer = [&](const toml::node &n, const std::string &key, const std::string &def) {
        InputsConfig::Layer L;
        L.layer = def;
        if (n.is_string()) {
            L.layer = *n.value<std::string>();
        } else if (n.is_table()) {
            const auto &t = *n.as_table();
            const std::string prefix = key + ".";
            ctx.check_keys(t, prefix, {"source", "layer", "encoding", "crs"});
            L.source = ctx.text(t, prefix, "source", "");
            L.layer = ctx.text(t, prefix, "layer", def);
            L.encoding = check_encoding(t, prefix);
            L.crs = check_crs(t, prefix);
        } else {
            ctx.fail(&n, key, "must be a layer name or a table (source, layer, encoding, crs)");
        }
        if (L.layer.empty()) {
            ctx.fail(&n, key, "the layer name is empty");
        }
        return L;
    };
    for (auto [role, name] : {std::pair{"zones", &I.zones}, std::pair{"stations", &I.stations},
                              std::pair{"parks", &I.parks}, std::pair{"parcels", &I.parcels}}) {
        if (const toml::node *n = in.get(role)) {
            auto L = layer(*n, std::string("inputs.") + role, role);
            *name = L.layer;
            I.layers[role] = std::move(L);
        }
    }
    if (const toml::node *c = in.get("constraints")) {
        if (!c->is_array()) {
            ctx.fail(c, "inputs.constraints",
                     "must be an array of layer names or tables ([[inputs.constraints]])");
        }
        I.constraints.clear();
        std::size_t i = 0;
        for (auto &&x : *c->as_array()) {
            auto L = layer(x, "inputs.constraints[" + std::to_string(i++) + "]", "constraints");
            I.constraints.push_back(L.layer);
            I.constraint_layers.push_back(std::move(L));
        }
    }
    if (const auto *zv = ctx.table(in, "inputs.", "zone_values")) {
        for (auto &&[k, v] : *zv) {
            const std::string id(k.str());
            const std::string prefix = "inputs.zone_values." + id + ".";
            if (!v.is_table()) {
                ctx.fail(&v, "inputs.zone_values." + id,
                         "must be a table (population, jobs, dwellings, zone_class, "
                         "destock_months)");
            }
            const auto &t = *v.as_table();
            ctx.check_keys(t, prefix,
                           {"population", "jobs", "dwellings", "zone_class", "destock_months"});
            ZoneValues z;
            for (auto [key, member] : {std::pair{"population", &ZoneValues::population},
                                       std::pair{"jobs", &ZoneValues::jobs},
                                       std::pair{"dwellings", &ZoneValues::dwellings},
                                       std::pair{"destock_months", &ZoneValues::destock_months}}) {
                if (t.get(key)) {
                    z.*member = ctx.number(t, prefix, key, 0, 0, 1e9);
                }
            }
            if (t.get("zone_class")) {
                z.zone_class = ctx.text(t, prefix, "zone_class", "");
            }
            I.zone_values[id] = std::move(z);
        }
    }
    if (const auto *g = ctx.table(in, "inputs.", "generate")) {
        ctx.check_keys(*g, "inputs.generate.", {"parcels", "parks", "seed"});
        I.generate.parcels =
            static_cast<int>(ctx.integer(*g, "inputs.generate.", "parcels", 1000, 1, 1000000));
        I.generate.parks =
            static_cast<int>(ctx.integer(*g, "inputs.generate.", "parks", 4, 0, 1000));
        I.generate.seed = static_cast<std::uint64_t>(ctx.integer(
            *g, "inputs.generate.", "seed", 2021, 0, std::numeric_limits<std::int64_t>::max()));
    }
    if (const auto *f = ctx.table(in, "inputs.", "fields")) {
        std::set<std::string> keys;
        for (const auto &e : FieldMap::entries()) {
            keys.insert(e.key);
        }
        ctx.check_keys(*f, "inputs.fields.", keys);
        for (const auto &e : FieldMap::entries()) {
            std::string &member = I.fields.*(e.member);
            member = ctx.text(*f, "inputs.fields.", e.key, member);
            if (member.empty()) {
                ctx.fail(f->get(e.key), std::string("inputs.fields.") + e.key,
                         "the field name is empty");
            }
        }
    }
}

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
    o.stations_open_by = static_cast<int>(ctx.integer(t, p, "stations_open_by", 0, 0, 2200));
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
    const std::string model = ctx.text(t, p, "commute_model", "doubly_constrained");
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

} // namespace

std::string PlanConfig::where(int line) const {
    std::string s = source_path.empty() ? "built-in plan" : source_path;
    if (line > 0) {
        s += ":" + std::to_string(line);
    }
    return s;
}

int PlanConfig::type_index(const std::string &id) const {
    for (std::size_t i = 0; i < types.size(); ++i) {
        if (types[i].id == id) {
            return static_cast<int>(i);
        }
    }
    return -1;
}

PlanConfig parse_plan(const std::string &text, const std::string &path) {
    const Ctx ctx(path);
    toml::table root;
    try {
        root = toml::parse(text, path.empty() ? std::string("built-in plan") : path);
    } catch (const toml::parse_error &e) {
        std::ostringstream os;
        os << (path.empty() ? "built-in plan" : path) << ":" << e.source().begin.line
           << ": not valid TOML: " << e.description();
        throw PlanFileError(os.str());
    }
    ctx.check_keys(root, "",
                   {"plan", "housing_types", "targets", "scoring", "objective", "jobs_housing",
                    "solver", "inputs", "indicators", "rules", "demand"});

    PlanConfig cfg;
    cfg.source_path = path;
    cfg.source_text = text;

    if (const auto *plan = ctx.table(root, "", "plan")) {
        ctx.check_keys(*plan, "plan.", {"name", "first_year", "last_year", "seed"});
        cfg.name = ctx.text(*plan, "plan.", "name", cfg.name);
        cfg.first_year =
            static_cast<int>(ctx.integer(*plan, "plan.", "first_year", 2021, 1990, 2100));
        cfg.last_year = static_cast<int>(
            ctx.integer(*plan, "plan.", "last_year", cfg.first_year + 4, 1990, 2100));
        cfg.seed = static_cast<std::uint64_t>(
            ctx.integer(*plan, "plan.", "seed", 1, 0, std::numeric_limits<std::int64_t>::max()));
        if (cfg.last_year < cfg.first_year || cfg.years() > 30) {
            ctx.fail(plan->get("last_year"), "plan.last_year",
                     "the horizon must run forwards and span at most 30 years");
        }
    } else {
        ctx.fail(nullptr, "plan", "the [plan] table is required (first_year, last_year)");
    }

    const auto *types = ctx.table(root, "", "housing_types");
    if (!types || types->empty()) {
        ctx.fail(nullptr, "housing_types", "at least one [housing_types.<id>] table is required");
    }
    for (auto &&[k, v] : *types) {
        const std::string id(k.str());
        const std::string prefix = "housing_types." + id + ".";
        if (!v.is_table()) {
            ctx.fail(&v, "housing_types." + id, "must be a table");
        }
        const auto &t = *v.as_table();
        ctx.check_keys(t, prefix, {"name_zh", "unit_m2", "far_min", "far_max", "rental"});
        HousingType h;
        h.id = id;
        h.name_zh = ctx.text(t, prefix, "name_zh", "");
        h.unit_m2 = ctx.number(t, prefix, "unit_m2", 90, 10, 500);
        h.far_min = ctx.number(t, prefix, "far_min", 1.0, 0.1, 20);
        h.far_max = ctx.number(t, prefix, "far_max", 3.0, 0.1, 20);
        h.rental = ctx.boolean(t, prefix, "rental", false);
        if (h.far_max < h.far_min) {
            ctx.fail(t.get("far_max"), prefix + "far_max", "must not be below far_min");
        }
        cfg.types.push_back(std::move(h));
    }

    const toml::node *targets = root.get("targets");
    if (targets && !targets->is_array_of_tables()) {
        ctx.fail(targets, "targets", "must be an array of tables ([[targets]])");
    }
    if (targets) {
        std::set<std::string> seen;
        std::size_t i = 0;
        for (auto &&node : *targets->as_array()) {
            const auto &t = *node.as_table();
            const std::string prefix = "targets[" + std::to_string(i++) + "].";
            ctx.check_keys(t, prefix,
                           {"type", "types", "unit", "values", "total", "tolerance", "binding",
                            "at_least", "zones", "displaced_from", "demand"});
            Target tg;
            tg.line = static_cast<int>(t.source().begin.line);
            if (t.get("types")) {
                // A group target: the supply of several types together.
                if (t.get("type")) {
                    ctx.fail(t.get("types"), prefix + "types",
                             "give either type (one housing type) or types (a group), not both");
                }
                tg.types = ctx.strings(t, prefix, "types");
                if (tg.types.size() < 2) {
                    ctx.fail(t.get("types"), prefix + "types",
                             "a group needs at least two housing types (else use type)");
                }
                for (const auto &id : tg.types) {
                    if (cfg.type_index(id) < 0) {
                        ctx.fail(t.get("types"), prefix + "types",
                                 "'" + id + "' is not a housing type defined in [housing_types]");
                    }
                    tg.type += (tg.type.empty() ? "" : "+") + id;
                }
                for (const char *key : {"demand", "displaced_from"}) {
                    if (t.get(key)) {
                        ctx.fail(t.get(key), prefix + key,
                                 "not available for a group target (types); give it per type");
                    }
                }
            } else {
                tg.type = ctx.text(t, prefix, "type", "");
                if (cfg.type_index(tg.type) < 0) {
                    ctx.fail(t.get("type") ? t.get("type") : &node, prefix + "type",
                             "'" + tg.type + "' is not a housing type defined in [housing_types]");
                }
            }
            tg.zones = ctx.strings(t, prefix, "zones");
            tg.displaced_from = ctx.text(t, prefix, "displaced_from", "");
            std::string key = tg.type + "|" + tg.displaced_from;
            for (const auto &z : tg.zones) {
                key += "|" + z;
            }
            if (!seen.insert(key).second) {
                ctx.fail(t.get("type"), prefix + "type",
                         "a second target for '" + tg.type +
                             "' in the same zones; give one per type and zone set");
            }
            try {
                tg.unit = parse_quantity(ctx.text(t, prefix, "unit", "ha"));
            } catch (const std::invalid_argument &e) {
                ctx.fail(t.get("unit"), prefix + "unit", e.what());
            }
            tg.tolerance = ctx.number(t, prefix, "tolerance", 0.05, 0.0, 1.0);
            tg.binding = ctx.boolean(t, prefix, "binding", true);
            tg.at_least = ctx.boolean(t, prefix, "at_least", false);
            tg.demand = ctx.text(t, prefix, "demand", "");
            if (!tg.demand.empty() && tg.demand != "housing" && tg.demand != "talent") {
                ctx.fail(t.get("demand"), prefix + "demand",
                         "'" + tg.demand + "' is not a demand; use housing or talent");
            }
            if (!tg.demand.empty() && tg.unit == Quantity::land_ha) {
                ctx.fail(t.get("demand"), prefix + "demand",
                         "demand gives floor area; use unit = \"m2\" or \"units\"");
            }
            const toml::node *values = t.get("values");
            const toml::node *total = t.get("total");
            if (!tg.demand.empty()) {
                if (values || total) {
                    ctx.fail(values ? values : total, prefix + (values ? "values" : "total"),
                             "a target with demand takes its values from [demand]; drop this");
                }
            } else if ((values == nullptr) == (total == nullptr)) {
                ctx.fail(&node, prefix + "values",
                         "give either values (one per year) or total (split evenly)");
            }
            if (values) {
                if (!values->is_array()) {
                    ctx.fail(values, prefix + "values", "must be an array of numbers");
                }
                for (auto &&x : *values->as_array()) {
                    const auto d = x.value<double>();
                    if (!d || *d < 0 || !std::isfinite(*d)) {
                        ctx.fail(&x, prefix + "values", "each value must be a number >= 0");
                    }
                    tg.values.push_back(*d);
                }
                if (static_cast<int>(tg.values.size()) != cfg.years()) {
                    ctx.fail(values, prefix + "values",
                             "has " + std::to_string(tg.values.size()) + " values but the " +
                                 "horizon " + std::to_string(cfg.first_year) + "-" +
                                 std::to_string(cfg.last_year) + " has " +
                                 std::to_string(cfg.years()) + " years");
                }
            } else if (total) {
                const double tot = ctx.number(t, prefix, "total", 0, 0, 1e12);
                tg.values.assign(static_cast<std::size_t>(cfg.years()), tot / cfg.years());
            } else {
                tg.values.assign(static_cast<std::size_t>(cfg.years()), 0.0);
            }
            cfg.targets.push_back(std::move(tg));
        }
    }

    if (const auto *sc = ctx.table(root, "", "scoring")) {
        ctx.check_keys(
            *sc, "scoring.",
            {"station_decay_m", "park_decay_m", "zone_class", "unknown_zone_class", "weights"});
        cfg.scoring.station_decay_m =
            ctx.number(*sc, "scoring.", "station_decay_m", 800, 1, 100000);
        cfg.scoring.park_decay_m = ctx.number(*sc, "scoring.", "park_decay_m", 2000, 1, 100000);
        cfg.scoring.unknown_zone_class =
            ctx.number(*sc, "scoring.", "unknown_zone_class", 0.5, 0, 1);
        if (const auto *zc = ctx.table(*sc, "scoring.", "zone_class")) {
            for (auto &&[k, v] : *zc) {
                cfg.scoring.zone_class[std::string(k.str())] =
                    ctx.number(*zc, "scoring.zone_class.", std::string(k.str()), 0.5, 0, 1);
            }
        }
        if (const auto *w = ctx.table(*sc, "scoring.", "weights")) {
            for (auto &&[k, v] : *w) {
                const std::string id(k.str());
                const std::string prefix = "scoring.weights." + id + ".";
                if (cfg.type_index(id) < 0) {
                    ctx.fail(&v, "scoring.weights." + id, "not a housing type");
                }
                if (!v.is_table()) {
                    ctx.fail(&v, "scoring.weights." + id, "must be a table");
                }
                const auto &t = *v.as_table();
                ctx.check_keys(t, prefix, {"transit", "jobs", "zone_class"});
                TypeWeights tw;
                tw.transit = ctx.number(t, prefix, "transit", tw.transit, 0, 100);
                tw.jobs = ctx.number(t, prefix, "jobs", tw.jobs, 0, 100);
                tw.zone_class = ctx.number(t, prefix, "zone_class", tw.zone_class, 0, 100);
                cfg.scoring.weights[id] = tw;
            }
        }
    }

    if (const auto *ob = ctx.table(root, "", "objective")) {
        ctx.check_keys(*ob, "objective.",
                       {"over_target_cost", "short_binding_cost", "short_indicative_cost",
                        "early_supply_bonus"});
        auto &O = cfg.objective;
        O.over_target_cost = ctx.number(*ob, "objective.", "over_target_cost", 1.0, 0, 1e6);
        O.short_binding_cost = ctx.number(*ob, "objective.", "short_binding_cost", 100.0, 0, 1e6);
        O.short_indicative_cost =
            ctx.number(*ob, "objective.", "short_indicative_cost", 5.0, 0, 1e6);
        O.early_supply_bonus = ctx.number(*ob, "objective.", "early_supply_bonus", 0.001, 0, 0.1);
    }

    if (const auto *jh = ctx.table(root, "", "jobs_housing")) {
        ctx.check_keys(*jh, "jobs_housing.", {"ratio_min", "ratio_max", "weight"});
        auto &J = cfg.jobs_housing;
        J.ratio_min = ctx.number(*jh, "jobs_housing.", "ratio_min", 0.8, 0.01, 100);
        J.ratio_max = ctx.number(*jh, "jobs_housing.", "ratio_max", 1.5, 0.01, 100);
        J.weight = ctx.number(*jh, "jobs_housing.", "weight", 2.0, 0, 1e6);
        if (J.ratio_max < J.ratio_min) {
            ctx.fail(jh->get("ratio_max"), "jobs_housing.ratio_max", "must not be below ratio_min");
        }
    }

    if (const auto *so = ctx.table(root, "", "solver")) {
        ctx.check_keys(
            *so, "solver.",
            {"method", "time_limit_s", "gap", "auto_exact_max_parcels", "heuristic_iterations"});
        auto &S = cfg.solver;
        S.method = ctx.text(*so, "solver.", "method", S.method);
        if (S.method != "auto" && S.method != "exact" && S.method != "heuristic" &&
            S.method != "greedy") {
            ctx.fail(so->get("method"), "solver.method",
                     "'" + S.method + "' is not a method; use auto, exact, heuristic or greedy");
        }
        S.time_limit_s = ctx.number(*so, "solver.", "time_limit_s", 60, 0.1, 1e6);
        S.gap = ctx.number(*so, "solver.", "gap", 1e-3, 0, 1);
        S.auto_exact_max_parcels = static_cast<int>(
            ctx.integer(*so, "solver.", "auto_exact_max_parcels", 1000, 0, 100000000));
        S.heuristic_iterations =
            static_cast<int>(ctx.integer(*so, "solver.", "heuristic_iterations", 300, 0, 1000000));
    }

    if (const auto *in = ctx.table(root, "", "inputs")) {
        parse_inputs(ctx, *in, cfg.inputs);
    }
    if (const auto *ind = ctx.table(root, "", "indicators")) {
        parse_indicators(ctx, *ind, cfg.indicators);
    }
    if (const auto *ru = ctx.table(root, "", "rules")) {
        parse_rules(ctx, *ru, cfg);
    }
    if (const auto *de = ctx.table(root, "", "demand")) {
        parse_demand(ctx, *de, cfg);
    }
    cfg.indicators.ratio_min = cfg.jobs_housing.ratio_min;
    cfg.indicators.ratio_max = cfg.jobs_housing.ratio_max;
    return cfg;
}

PlanConfig load_plan(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw PlanFileError(path + ": cannot read the plan file (does it exist?)");
    }
    std::ostringstream os;
    os << in.rdbuf();
    return parse_plan(os.str(), path);
}

const std::string &default_plan_text() {
    static const std::string text(k_default_plan);
    return text;
}

PlanConfig default_plan() { return parse_plan(default_plan_text(), ""); }

} // namespace landalloc
