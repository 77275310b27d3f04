#include "plan_builder.hpp"

#include <cstdio>

namespace landalloc::test {

std::string Num::str() const {
    char buf[64];
    if (decimals < 0) {
        std::snprintf(buf, sizeof buf, "%g", value);
    } else {
        std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
    }
    return buf;
}

HousingType commercial() { return {"commercial", Num(100, 1), Num(1, 1), Num(3, 1), false}; }
HousingType affordable_rental() {
    return {"affordable_rental", Num(60, 1), Num(1.2, 1), Num(3.5, 1), true};
}
HousingType talent() { return {"talent", Num(80, 1), Num(1, 1), Num(3.5, 1), false}; }
HousingType resettlement() { return {"resettlement", Num(90, 1), Num(1, 1), Num(3, 1), false}; }

namespace {

std::string quoted(const std::string &s) { return "\"" + s + "\""; }

} // namespace

void PlanBuilder::table(const std::string &header) {
    m_text += (m_spaced ? "\n" : "") + header + "\n";
}

void PlanBuilder::key(const std::string &key, const std::string &value) {
    m_text += key + " = " + value + "\n";
}

PlanBuilder &PlanBuilder::spaced(bool on) {
    m_spaced = on;
    return *this;
}

PlanBuilder &PlanBuilder::plan(int first_year, int last_year, const std::string &name) {
    table("[plan]");
    if (!name.empty()) {
        key("name", quoted(name));
    }
    key("first_year", std::to_string(first_year));
    key("last_year", std::to_string(last_year));
    return *this;
}

PlanBuilder &PlanBuilder::housing_type(const HousingType &t) {
    table("[housing_types." + t.name + "]");
    key("unit_m2", t.unit_m2.str());
    if (t.far_min) {
        key("far_min", t.far_min->str());
    }
    if (t.far_max) {
        key("far_max", t.far_max->str());
    }
    if (t.rental) {
        key("rental", "true");
    }
    return *this;
}

PlanBuilder &PlanBuilder::target(const Target &t) {
    table("[[targets]]");
    key("type", quoted(t.type));
    key("unit", quoted(t.unit));
    if (!t.values.empty()) {
        std::string list;
        for (double v : t.values) {
            list += (list.empty() ? "" : ", ") + Num(v, t.decimals).str();
        }
        key("values", "[" + list + "]");
    }
    if (t.total) {
        key("total", Num(*t.total, t.decimals).str());
    }
    if (t.tolerance) {
        key("tolerance", Num(*t.tolerance, 3).str());
    }
    return *this;
}

PlanBuilder &PlanBuilder::jobs_housing(Num weight, std::optional<Num> ratio_min,
                                       std::optional<Num> ratio_max) {
    table("[jobs_housing]");
    if (ratio_min) {
        key("ratio_min", ratio_min->str());
    }
    if (ratio_max) {
        key("ratio_max", ratio_max->str());
    }
    key("weight", weight.str());
    return *this;
}

PlanBuilder &PlanBuilder::weights(const std::string &type, Num transit, Num jobs, Num zone_class) {
    table("[scoring.weights." + type + "]");
    key("transit", transit.str());
    key("jobs", jobs.str());
    key("zone_class", zone_class.str());
    return *this;
}

PlanBuilder &PlanBuilder::solver(const std::string &method) {
    table("[solver]");
    key("method", quoted(method));
    return *this;
}

PlanBuilder &PlanBuilder::raw(const std::string &toml) {
    m_text += toml;
    return *this;
}

PlanFile PlanBuilder::build(const std::string &path) const { return parse_plan(m_text, path); }

double reserve_ha(const City &city) {
    double total_ha = 0;
    for (const auto &p : city.parcels) {
        total_ha += p.area_m2 / 1e4;
    }
    return total_ha;
}

} // namespace landalloc::test
