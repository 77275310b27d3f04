#include "allocation/plan_config.hpp"

#include "gis/errors.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

namespace landalloc {

namespace {

/// Error helpers that name the file, line and dotted key.
class Ctx {
  public:
    explicit Ctx(std::string path) : m_path(std::move(path)) {}

    [[noreturn]] void fail(const toml::node *node, const std::string &key,
                           const std::string &what) const {
        std::ostringstream os;
        os << (m_path.empty() ? "built-in plan" : m_path);
        if (node && node->source().begin.line > 0) {
            os << ":" << node->source().begin.line;
        }
        os << ": key '" << key << "': " << what;
        throw PlanFileError(os.str());
    }

    void check_keys(const toml::table &t, const std::string &prefix,
                    const std::set<std::string> &allowed) const {
        for (auto &&[k, v] : t) {
            if (!allowed.contains(std::string(k.str()))) {
                std::string list;
                for (const auto &a : allowed) {
                    list += (list.empty() ? "" : ", ") + a;
                }
                fail(&v, prefix + std::string(k.str()), "unknown key (allowed here: " + list + ")");
            }
        }
    }

    double number(const toml::table &t, const std::string &prefix, const std::string &key,
                  double def, double lo, double hi) const {
        const toml::node *n = t.get(key);
        if (!n) {
            return def;
        }
        std::optional<double> v = n->value<double>();
        if (!v || !(n->is_integer() || n->is_floating_point())) {
            fail(n, prefix + key, "must be a number");
        }
        if (!std::isfinite(*v) || *v < lo || *v > hi) {
            std::ostringstream os;
            os << *v << " is out of range [" << lo << ", " << hi << "]";
            fail(n, prefix + key, os.str());
        }
        return *v;
    }

    std::int64_t integer(const toml::table &t, const std::string &prefix, const std::string &key,
                         std::int64_t def, std::int64_t lo, std::int64_t hi) const {
        const toml::node *n = t.get(key);
        if (!n) {
            return def;
        }
        if (!n->is_integer()) {
            fail(n, prefix + key, "must be an integer");
        }
        const auto v = *n->value<std::int64_t>();
        if (v < lo || v > hi) {
            fail(n, prefix + key,
                 std::to_string(v) + " is out of range [" + std::to_string(lo) + ", " +
                     std::to_string(hi) + "]");
        }
        return v;
    }

    std::string text(const toml::table &t, const std::string &prefix, const std::string &key,
                     const std::string &def) const {
        const toml::node *n = t.get(key);
        if (!n) {
            return def;
        }
        if (!n->is_string()) {
            fail(n, prefix + key, "must be a string");
        }
        return *n->value<std::string>();
    }

    bool boolean(const toml::table &t, const std::string &prefix, const std::string &key,
                 bool def) const {
        const toml::node *n = t.get(key);
        if (!n) {
            return def;
        }
        if (!n->is_boolean()) {
            fail(n, prefix + key, "must be true or false");
        }
        return *n->value<bool>();
    }

    const toml::table *table(const toml::table &t, const std::string &prefix,
                             const std::string &key) const {
        const toml::node *n = t.get(key);
        if (!n) {
            return nullptr;
        }
        if (!n->is_table()) {
            fail(n, prefix + key, "must be a table ([" + prefix + key + "])");
        }
        return n->as_table();
    }

    const std::string &path() const { return m_path; }

  private:
    std::string m_path;
};

const char *const k_default_plan =
    R"toml(# landalloc built-in default plan: an example prefecture city the size of Lianyungang.
# Residential land 169, 179, 190, 202, 215 ha for 2021-2025 (Lianyungang plan, L285), of which at
# least 10 % rental land (L285): affordable rental housing (保障性租赁住房) gets about 10 % of each
# year, commercial housing (商品住房) the rest.

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

} // namespace

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
    ctx.check_keys(root, "", {"plan", "housing_types", "targets", "scoring", "inputs"});

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
            ctx.check_keys(t, prefix, {"type", "unit", "values", "total", "tolerance", "binding"});
            Target tg;
            tg.type = ctx.text(t, prefix, "type", "");
            if (cfg.type_index(tg.type) < 0) {
                ctx.fail(t.get("type") ? t.get("type") : &node, prefix + "type",
                         "'" + tg.type + "' is not a housing type defined in [housing_types]");
            }
            if (!seen.insert(tg.type).second) {
                ctx.fail(t.get("type"), prefix + "type",
                         "a second target for '" + tg.type + "'; give one per type");
            }
            try {
                tg.unit = parse_quantity(ctx.text(t, prefix, "unit", "ha"));
            } catch (const std::invalid_argument &e) {
                ctx.fail(t.get("unit"), prefix + "unit", e.what());
            }
            tg.tolerance = ctx.number(t, prefix, "tolerance", 0.05, 0.0, 1.0);
            tg.binding = ctx.boolean(t, prefix, "binding", true);
            const toml::node *values = t.get("values");
            const toml::node *total = t.get("total");
            if ((values == nullptr) == (total == nullptr)) {
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
            } else {
                const double tot = ctx.number(t, prefix, "total", 0, 0, 1e12);
                tg.values.assign(static_cast<std::size_t>(cfg.years()), tot / cfg.years());
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

    if (const auto *in = ctx.table(root, "", "inputs")) {
        ctx.check_keys(*in, "inputs.",
                       {"source", "zones", "stations", "parks", "parcels", "constraints", "crs"});
        auto &I = cfg.inputs;
        I.source = ctx.text(*in, "inputs.", "source", "");
        I.zones = ctx.text(*in, "inputs.", "zones", I.zones);
        I.stations = ctx.text(*in, "inputs.", "stations", I.stations);
        I.parks = ctx.text(*in, "inputs.", "parks", I.parks);
        I.parcels = ctx.text(*in, "inputs.", "parcels", I.parcels);
        I.crs = ctx.text(*in, "inputs.", "crs", "");
        if (const toml::node *c = in->get("constraints")) {
            if (!c->is_array()) {
                ctx.fail(c, "inputs.constraints", "must be an array of layer names");
            }
            I.constraints.clear();
            for (auto &&x : *c->as_array()) {
                if (!x.is_string()) {
                    ctx.fail(&x, "inputs.constraints", "each entry must be a layer name");
                }
                I.constraints.push_back(*x.value<std::string>());
            }
        }
    }
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
