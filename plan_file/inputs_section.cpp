// Parsing [inputs] and its sub-tables (docs/plan-file.md, docs/inputs.md).

#include "plan_file/sections.hpp"

#include "core/errors.hpp"

#include "inputs/encoding.hpp"

#include <set>

namespace landalloc {

using detail::Ctx;

namespace {

/// The role of a layer key: "inputs.constraints[2]" -> "constraints", "inputs.zones" -> "zones".
std::string role_of(const std::string &key) {
    std::string r = key.substr(key.find('.') + 1);
    return r.substr(0, r.find('['));
}

/// The keys of [inputs.fields]: those of the layer role `role` ("constraints"), or all.
std::set<std::string> field_keys(const std::string &role = "") {
    std::set<std::string> keys;
    for (const auto &e : FieldMap::entries()) {
        if (role.empty() || role == e.layer) {
            keys.insert(e.key);
        }
    }
    return keys;
}

/// `[inputs.synth]`: a synthetic city instead of input layers (inputs/synth.hpp).
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
        ctx.check_keys(d, dp,
                       {"id", "name", "zone_class", "population", "jobs", "dwellings",
                        "destock_months", "district", "district_name"});
        SynthDistrict z;
        z.id = ctx.text(d, dp, "id", z.id);
        const std::string id = z.id.empty() ? synth_district_id(i) : z.id;
        if (d.get("id") && z.id.empty()) {
            ctx.fail(d.get("id"), dp + "id", "is empty; leave it out for " + id);
        }
        if (!ids.insert(id).second) {
            ctx.fail(d.get("id") ? d.get("id") : &node, dp + "id",
                     "'" + id + "' is the id of an earlier district; ids must be unique");
        }
        z.name = ctx.text(d, dp, "name", z.name);
        z.zone_class = ctx.text(d, dp, "zone_class", z.zone_class);
        for (auto [key, member] : {std::pair{"name", &SynthDistrict::name},
                                   std::pair{"zone_class", &SynthDistrict::zone_class}}) {
            if (d.get(key) && (z.*member).empty()) {
                ctx.fail(d.get(key), dp + key, "is empty; leave it out for a generated one");
            }
        }
        for (auto [key, member] : {std::pair{"population", &SynthDistrict::population},
                                   std::pair{"jobs", &SynthDistrict::jobs},
                                   std::pair{"dwellings", &SynthDistrict::dwellings}}) {
            z.*member = ctx.optional_number(d, dp, key, 0, 1e9);
        }
        z.destock_months = ctx.optional_number(d, dp, "destock_months", 0, 1200);
        // The district (区/县) the zone lies in: zones sharing one are planned together when a
        // plan file's zone list names it.
        z.district = ctx.text(d, dp, "district", z.district);
        z.district_name = ctx.text(d, dp, "district_name", z.district_name);
        for (auto [key, member] : {std::pair{"district", &SynthDistrict::district},
                                   std::pair{"district_name", &SynthDistrict::district_name}}) {
            if (d.get(key) && (z.*member).empty()) {
                ctx.fail(d.get(key), dp + key, "is empty; leave it out for none");
            }
        }
        if (d.get("district_name") && !d.get("district")) {
            ctx.fail(d.get("district_name"), dp + "district_name",
                     "needs a district (the parent district's id) beside it");
        }
        o.districts.push_back(std::move(z));
        ++i;
    }
    // A parent district's id must not be a zone's: a zone list naming it would be ambiguous.
    for (std::size_t k = 0; k < o.districts.size(); ++k) {
        const std::string &parent = o.districts[k].district;
        if (!parent.empty() && ids.count(parent)) {
            const toml::node *n = (*ds->as_array())[k].as_table()->get("district");
            ctx.fail(n, p + "districts[" + std::to_string(k) + "].district",
                     "'" + parent +
                         "' is the id of a zone (an [[inputs.synth.districts]] entry); "
                         "give the district an id of its own");
        }
    }
    return o;
}

} // namespace

/// `[inputs]`: the simple form (layer names) and the full form (a table per layer).
void parse_inputs(const Ctx &ctx, const toml::table &in, InputsConfig &I) {
    ctx.check_keys(in, "inputs.",
                   {"source", "zones", "districts", "stations", "parks", "parcels", "constraints",
                    "streets", "crs", "encoding", "fields", "values", "min_parcel_area_m2",
                    "zone_values", "generate", "synth"});
    if (const auto *sy = ctx.table(in, "inputs.", "synth")) {
        // The synthetic city is every input layer, under the default layer and field names.
        for (const char *key : {"source", "zones", "districts", "stations", "parks", "parcels",
                                "constraints", "encoding", "fields", "values", "generate"}) {
            if (const toml::node *n = in.get(key)) {
                ctx.fail(n, std::string("inputs.") + key,
                         "cannot be given with [inputs.synth], which generates every input "
                         "layer; drop one of them");
            }
        }
        I.synth = parse_synth(ctx, *sy);
    }
    I.plan_line = static_cast<int>(in.source().begin.line);
    I.source = ctx.text(in, "inputs.", "source", I.source);
    I.crs = ctx.text(in, "inputs.", "crs", I.crs);
    auto check_encoding = [&](const toml::table &t, const std::string &prefix,
                              const std::string &def) {
        const std::string e = ctx.text(t, prefix, "encoding", def);
        if (!e.empty() && !encoding_known(e)) {
            ctx.fail(t.get("encoding"), prefix + "encoding",
                     "'" + e + "' is not an encoding iconv knows (try GBK, GB18030, UTF-8)");
        }
        return e;
    };
    auto check_crs = [&](const toml::table &t, const std::string &prefix, const std::string &def) {
        const std::string c = ctx.text(t, prefix, "crs", def);
        if (!c.empty()) {
            if (!crs_known(c)) {
                ctx.fail(t.get("crs"), prefix + "crs",
                         "'" + c + "' is not a CRS that PROJ knows (try EPSG:4549)");
            }
        }
        return c;
    };
    I.encoding = check_encoding(in, "inputs.", I.encoding);
    check_crs(in, "inputs.", I.crs);
    // The working CRS measures areas and distances: a layer's crs may be geographic (it only
    // says what the data is in), the working one may not.
    if (!I.crs.empty() && !crs_projected(I.crs)) {
        ctx.fail(in.get("crs"), "inputs.crs",
                 "'" + I.crs +
                     "' is not a projected CRS; areas and distances need metres (try the "
                     "CGCS2000 Gauss-Kruger zone of the city, e.g. EPSG:4549, or leave it out)");
    }
    I.min_parcel_area_m2 =
        ctx.number(in, "inputs.", "min_parcel_area_m2", I.min_parcel_area_m2, 0, 1e9);

    // A layer is a name (simple form) or a table (full form).
    auto layer = [&](const toml::node &n, const std::string &key, const std::string &def) {
        InputsConfig::Layer L;
        L.layer = def;
        if (n.is_string()) {
            L.layer = *n.value<std::string>();
        } else if (n.is_table()) {
            const auto &t = *n.as_table();
            const std::string prefix = key + ".";
            ctx.check_keys(t, prefix, {"source", "layer", "encoding", "crs", "set"});
            L.source = ctx.text(t, prefix, "source", L.source);
            L.layer = ctx.text(t, prefix, "layer", L.layer);
            L.encoding = check_encoding(t, prefix, L.encoding);
            L.crs = check_crs(t, prefix, L.crs);
            if (const auto *set = ctx.table(t, prefix, "set")) {
                ctx.check_keys(*set, prefix + "set.", field_keys(role_of(key)));
                for (auto &&[k, v] : *set) {
                    const std::string field(k.str());
                    const std::optional<std::string> text = v.value<std::string>();
                    if (!text || text->empty()) {
                        ctx.fail(&v, prefix + "set." + field, "must be a non-empty string");
                    }
                    L.constants[field] = *text;
                }
            }
        } else {
            ctx.fail(&n, key,
                     "must be a layer name or a table (source, layer, encoding, crs, set)");
        }
        if (L.layer.empty()) {
            ctx.fail(&n, key, "the layer name is empty");
        }
        return L;
    };
    for (auto [role, name] : {std::pair{"zones", &I.zones}, std::pair{"districts", &I.districts},
                              std::pair{"stations", &I.stations}, std::pair{"parks", &I.parks},
                              std::pair{"parcels", &I.parcels}, std::pair{"streets", &I.streets}}) {
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
                         "destock_months, sales)");
            }
            const auto &t = *v.as_table();
            ctx.check_keys(
                t, prefix,
                {"population", "jobs", "dwellings", "zone_class", "destock_months", "sales"});
            ZoneValues z;
            for (auto [key, member] : {std::pair{"population", &ZoneValues::population},
                                       std::pair{"jobs", &ZoneValues::jobs},
                                       std::pair{"dwellings", &ZoneValues::dwellings},
                                       std::pair{"destock_months", &ZoneValues::destock_months},
                                       std::pair{"sales", &ZoneValues::sales}}) {
                z.*member = ctx.optional_number(t, prefix, key, 0, 1e9);
            }
            z.zone_class = ctx.optional_text(t, prefix, "zone_class");
            I.zone_values[id] = std::move(z);
        }
    }
    if (const auto *g = ctx.table(in, "inputs.", "generate")) {
        const std::string p = "inputs.generate.";
        GenerateSpec &G = I.generate;
        ctx.check_keys(*g, p, {"parcels", "parks", "seed"});
        G.parcels = static_cast<int>(
            ctx.integer(*g, p, "parcels", GenerateSpec::k_parcels_when_given, 1, 1000000));
        G.parks = static_cast<int>(ctx.integer(*g, p, "parks", G.parks, 0, 1000));
        G.seed =
            static_cast<std::uint64_t>(ctx.integer(*g, p, "seed", static_cast<std::int64_t>(G.seed),
                                                   0, std::numeric_limits<std::int64_t>::max()));
    }
    if (const auto *vm = ctx.table(in, "inputs.", "values")) {
        ctx.check_keys(*vm, "inputs.values.", field_keys());
        for (auto &&[k, v] : *vm) {
            const std::string field(k.str());
            const std::string prefix = "inputs.values." + field;
            if (!v.is_table()) {
                ctx.fail(&v, prefix,
                         "must be a table of the bureau's values to the tool's codes "
                         "(\"禁止建设\" = \"exclude\")");
            }
            for (auto &&[from, to] : *v.as_table()) {
                const std::optional<std::string> code = to.value<std::string>();
                if (!code || code->empty()) {
                    ctx.fail(&to, prefix + "." + std::string(from.str()),
                             "must be a non-empty string (the tool's code)");
                }
                I.value_maps[field][std::string(from.str())] = *code;
            }
        }
    }
    if (const auto *f = ctx.table(in, "inputs.", "fields")) {
        ctx.check_keys(*f, "inputs.fields.", field_keys());
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

} // namespace landalloc
