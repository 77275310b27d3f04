// The comparison's HTML: plain tables side by side, one column per plan, inline CSS, nothing
// fetched; printable (A4 landscape).

#include "outputs/compare.hpp"
#include "outputs/styles.hpp"

#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

namespace landalloc {

namespace {

constexpr std::size_t k_max_listed = 2000; // parcels listed; the layer holds all

const char *const k_css = R"css(
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", sans-serif; margin: 1.5em;
       color: #222; font-size: 13px; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.6em; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { border: 1px solid #bbb; padding: 2px 6px; text-align: right; }
th { background: #eee; } td.t, th.t { text-align: left; }
td.diff { background: #fde8d8; }
p.note { color: #555; }
@media print { @page { size: A4 landscape; margin: 12mm; } body { margin: 0; font-size: 10px; }
               h2 { page-break-after: avoid; } tr { page-break-inside: avoid; } }
)css";

std::string esc(const std::string &s) { return xml_escape(s); }

std::string num(double v, int decimals) {
    if (!std::isfinite(v)) {
        return "–";
    }
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

std::string num(const std::optional<double> &v, int decimals) {
    return v ? num(*v, decimals) : "–";
}

std::string allocation_text(const std::optional<ComparedAllocation> &a) {
    return a ? std::to_string(a->year) + " " + a->type : std::string("–");
}

} // namespace

std::string render_comparison_html(const PlanComparison &cmp) {
    std::ostringstream s;
    s << "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<title>landalloc compare</title>\n<style>" << k_css << "</style>\n</head>\n<body>\n"
      << "<h1>Plan comparison</h1>\n<p>" << cmp.plans.size() << " plans of the same city ("
      << cmp.candidate_parcels
      << " candidate parcels), each compared with plan A: " << cmp.differences.size()
      << " parcels differ in year or housing type (the <code>differences</code> layer).</p>\n";

    // The plans.
    s << "<h2>Plans</h2>\n<table id=\"plans\">\n<tr><th class=\"t\">plan</th><th "
         "class=\"t\">label</th><th class=\"t\">file</th><th class=\"t\">scenario</th><th "
         "class=\"t\">plan name</th></tr>\n";
    for (const auto &p : cmp.plans) {
        s << "<tr><td class=\"t\">" << esc(p.letter) << "</td><td class=\"t\">" << esc(p.label)
          << "</td><td class=\"t\"><code>" << esc(p.path) << "</code></td><td class=\"t\">"
          << esc(p.scenario.empty() ? "–" : p.scenario) << "</td><td class=\"t\">"
          << esc(p.plan_name) << "</td></tr>\n";
    }
    s << "</table>\n";

    // Indicators side by side.
    const auto header = [&](const char *first) {
        s << "<tr><th class=\"t\">" << first << "</th>";
        for (const auto &p : cmp.plans) {
            s << "<th>" << esc(p.letter) << ": " << esc(p.label) << "</th>";
        }
        s << "</tr>\n";
    };
    const auto row = [&](const std::string &name, auto value) {
        s << "<tr><td class=\"t\">" << esc(name) << "</td>";
        for (const auto &p : cmp.plans) {
            s << "<td>" << value(p) << "</td>";
        }
        s << "</tr>\n";
    };
    s << "<h2>Side by side</h2>\n<table id=\"indicators\">\n";
    header("");
    row("parcels allocated", [](const ComparedPlan &p) { return std::to_string(p.allocated); });
    row("parcels differing from A",
        [](const ComparedPlan &p) { return std::to_string(p.differences); });
    row("land, ha", [](const ComparedPlan &p) { return num(p.ha_total, 2); });
    row("units", [](const ComparedPlan &p) { return num(p.units_total, 0); });
    row("binding targets met", [](const ComparedPlan &p) {
        return std::to_string(p.binding_met) + " / " + std::to_string(p.binding_total);
    });
    row("dissimilarity D after",
        [](const ComparedPlan &p) { return num(p.dissimilarity_after, 4); });
    row("excess commuting after",
        [](const ComparedPlan &p) { return num(p.excess_commuting_after, 4); });
    for (const int r : cmp.radii) {
        row("affordable rental area with a station within " + std::to_string(r) + " m, %",
            [r](const ComparedPlan &p) {
                const auto it = p.rental_station_share.find(r);
                return it == p.rental_station_share.end() || !it->second
                           ? std::string("–")
                           : num(100 * *it->second, 1);
            });
    }
    row("objective", [](const ComparedPlan &p) { return num(p.objective, 2); });
    row("gap, %",
        [](const ComparedPlan &p) { return p.gap ? num(100 * *p.gap, 4) : std::string("–"); });
    s << "</table>\n";

    // Supply by year and housing type.
    s << "<h2>Supply by year and housing type</h2>\n<p class=\"note\">Recomputed from each "
         "plan's <code>allocated_parcels</code>: land is the parcels' area_ha by housing type; "
         "units are their units plus the units bundled on other types' sites.</p>\n"
      << "<table id=\"supply\">\n<tr><th class=\"t\">year</th><th class=\"t\">housing "
         "type</th>";
    for (const auto &p : cmp.plans) {
        s << "<th>" << esc(p.letter) << " ha</th><th>" << esc(p.letter) << " units</th>";
    }
    s << "</tr>\n";
    for (const int y : cmp.years) {
        for (const auto &t : cmp.types) {
            s << "<tr><td class=\"t\">" << y << "</td><td class=\"t\">" << esc(t) << "</td>";
            const auto first = cmp.plans.front().supply.find({y, t});
            const ComparedSupply a =
                first == cmp.plans.front().supply.end() ? ComparedSupply{} : first->second;
            for (const auto &p : cmp.plans) {
                const auto it = p.supply.find({y, t});
                const ComparedSupply v = it == p.supply.end() ? ComparedSupply{} : it->second;
                const bool diff =
                    std::abs(v.ha - a.ha) > 5e-5 || std::abs(v.units - a.units) > 0.05;
                const char *cls = diff ? " class=\"diff\"" : "";
                s << "<td" << cls << ">" << num(v.ha, 2) << "</td><td" << cls << ">"
                  << num(v.units, 0) << "</td>";
            }
            s << "</tr>\n";
        }
    }
    s << "</table>\n";

    // Changes by kind.
    s << "<h2>Changes against A</h2>\n<table id=\"changes\">\n<tr><th "
         "class=\"t\">plan</th><th class=\"t\">change</th><th>parcels</th><th>ha</th></tr>\n";
    for (std::size_t i = 1; i < cmp.plans.size(); ++i) {
        std::map<std::string, std::pair<int, double>> by_kind;
        for (const auto &d : cmp.differences) {
            if (d.changes[i] != "same") {
                by_kind[d.changes[i]].first += 1;
                by_kind[d.changes[i]].second += d.area_ha;
            }
        }
        if (by_kind.empty()) {
            s << "<tr><td class=\"t\">" << esc(cmp.plans[i].letter)
              << "</td><td class=\"t\">none: the same allocation as A</td><td>0</td><td>0</td>"
                 "</tr>\n";
        }
        for (const auto &[kind, n] : by_kind) {
            s << "<tr><td class=\"t\">" << esc(cmp.plans[i].letter) << "</td><td class=\"t\">"
              << esc(kind) << "</td><td>" << n.first << "</td><td>" << num(n.second, 2)
              << "</td></tr>\n";
        }
    }
    s << "</table>\n";

    // The parcels that differ.
    s << "<h2>Parcels that differ</h2>\n";
    if (cmp.differences.size() > k_max_listed) {
        s << "<p class=\"note\">The first " << k_max_listed << " of " << cmp.differences.size()
          << " by parcel id; the <code>differences</code> layer holds all.</p>\n";
    }
    s << "<table id=\"differences\">\n<tr><th class=\"t\">parcel</th><th "
         "class=\"t\">zone</th><th>ha</th>";
    for (const auto &p : cmp.plans) {
        s << "<th class=\"t\">" << esc(p.letter) << "</th>";
    }
    s << "<th class=\"t\">change</th></tr>\n";
    for (std::size_t k = 0; k < cmp.differences.size() && k < k_max_listed; ++k) {
        const auto &d = cmp.differences[k];
        s << "<tr><td class=\"t\">" << esc(d.parcel_id) << "</td><td class=\"t\">" << esc(d.zone_id)
          << "</td><td>" << num(d.area_ha, 2) << "</td>";
        for (std::size_t i = 0; i < d.in.size(); ++i) {
            s << "<td class=\"t" << (i > 0 && d.changes[i] != "same" ? " diff" : "") << "\">"
              << esc(allocation_text(d.in[i])) << "</td>";
        }
        s << "<td class=\"t\">" << esc(d.change) << "</td></tr>\n";
    }
    s << "</table>\n</body>\n</html>\n";
    return s.str();
}

} // namespace landalloc
