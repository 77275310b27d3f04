// What the plan says about its choices: the sentence behind each allocated site, the diagnosis
// of a short target row and the reason every candidate left out was left out (docs/model.md,
// "Diagnosis and explanations").

#include "allocation/explain.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <sstream>

namespace landalloc::explain {

std::string fmt(const char *f, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, f, v);
    return buf;
}

std::string reasons_for(const AllocationProblem &pr, const Model &m, std::uint32_t ci) {
    const Column &col = m.columns[ci];
    const std::size_t i = col.parcel;
    const std::size_t t = col.type;
    const PlanConfig &cfg = *pr.plan;
    const RulesConfig &rules = cfg.rules;
    const City &city = *pr.city;
    const Parcel &p = city.parcels[i];
    const HousingType &ht = pr.plan->types[t];
    const auto &parts = pr.parts[pr.at(i, t)];
    std::ostringstream os;
    os << "score " << fmt("%.3f", pr.score[pr.at(i, t)]) << " =";
    os << " transit " << fmt("%.3f", parts[0].value);
    // Along the streets (allocation/network.hpp) the straight line is said too.
    const bool streets = city.network_facts && !city.streets.empty();
    auto line = [&](double network, double straight) {
        return streets && std::isfinite(straight) && straight != network
                   ? " by street, " + fmt("%.0f", straight) + " m straight"
                   : std::string();
    };
    if (std::isfinite(p.station_distance_m)) {
        os << " (station " << fmt("%.0f", p.station_distance_m) << " m"
           << line(p.station_distance_m, p.station_line_m) << ")";
    }
    os << " + jobs " << fmt("%.3f", parts[1].value);
    if (p.in_park) {
        os << " (inside park)";
    } else if (std::isfinite(p.park_distance_m)) {
        os << " (park " << fmt("%.0f", p.park_distance_m) << " m"
           << line(p.park_distance_m, p.park_line_m) << ")";
    }
    os << " + zone " << fmt("%.3f", parts[2].value);
    if (p.zone >= 0) {
        os << " (" << city.zones[static_cast<std::size_t>(p.zone)].zone_class << ")";
    }
    // The TOD bonus (rule 6) raises the parcel cap and the type's maximum, not a constraint's cap.
    // It applies from the year the station opens.
    const int tod = rules.tod ? tod_band(*rules.tod, city, p) : -1;
    const int year = m.rows[col.row].year;
    const bool tod_open = tod >= 0 && year >= pr.tod_opens[i];
    const std::string bonus =
        tod_open ? " x " + fmt("%.2f", 1.0 + rules.tod->far_bonus[static_cast<std::size_t>(tod)])
                 : "";
    os << "; plot ratio " << fmt("%.2f", col.far) << " = min(parcel cap " << fmt("%.2f", p.far_cap)
       << bonus;
    if (std::isfinite(p.cap_far)) {
        os << ", " << city.constraints[static_cast<std::size_t>(p.capped_by)].kind << " cap "
           << fmt("%.2f", p.cap_far);
    }
    os << ", " << ht.id << " max " << fmt("%.2f", ht.far_max) << bonus << ")";
    os << "; available from " << p.first_year;
    // The rules that shaped the site's value, plot ratio or use.
    if (tod >= 0) {
        const auto k = static_cast<std::size_t>(tod);
        os << "; TOD: within " << fmt("%.0f", rules.tod->radii_m[k]) << " m of station "
           << city.stations[static_cast<std::size_t>(p.nearest_station)].id;
        if (tod_open) {
            os << ", plot ratio +" << fmt("%.0f", rules.tod->far_bonus[k] * 100) << " %, value +"
               << fmt("%.0f", rules.tod->value_bonus[k] * 100) << " %";
        } else {
            os << ", which opens in " << pr.tod_opens[i] << ": no bonus in " << year;
        }
    }
    if (p.zone >= 0) {
        const Zone &z = city.zones[static_cast<std::size_t>(p.zone)];
        const double d = destock_factor(cfg, z, ht.id);
        if (d != 1.0) {
            os << "; destocking: " << z.id << " has " << fmt("%.1f", z.destock_months)
               << " months of inventory, value x" << fmt("%.2f", d);
        }
    }
    if (rules.ar_siting && std::find(rules.ar_siting->types.begin(), rules.ar_siting->types.end(),
                                     ht.id) != rules.ar_siting->types.end()) {
        os << "; AR siting: station " << fmt("%.0f", p.station_distance_m) << " m, park "
           << fmt("%.0f", p.park_distance_m) << " m" << (streets ? " by street" : "")
           << "; land source " << p.land_source;
        const std::size_t rank = land_source_rank(*rules.ar_siting, p.land_source);
        if (rank < rules.ar_siting->land_source_priority.size()) {
            os << " (priority " << rank + 1 << " of "
               << rules.ar_siting->land_source_priority.size() << ")";
        }
    }
    if (const auto &cl = rules.commute_limit;
        cl && std::find(cl->types.begin(), cl->types.end(), ht.id) != cl->types.end() &&
        std::isfinite(p.commute_min)) {
        os << "; commute " << fmt("%.0f", p.commute_min) << " min to the nearest job centre"
           << (streets ? " by street" : " (straight line)") << ", limit "
           << fmt("%.0f", cl->minutes) << " min";
    }
    if (col.bundle_type >= 0) {
        std::string why;
        for (const BundlingRule &b : rules.bundling) {
            if (b.type == cfg.types[static_cast<std::size_t>(col.bundle_type)].id &&
                bundling_applies(b, city, p, &why)) {
                break;
            }
        }
        os << "; bundles " << fmt("%.0f", col.bundle_share * 100) << " % "
           << cfg.types[static_cast<std::size_t>(col.bundle_type)].id << " (" << why << ")";
    }
    const Target &tg = cfg.targets[m.rows[col.row].target];
    if (!tg.displaced_from.empty()) {
        os << "; resettlement for " << tg.displaced_from
           << (p.zone >= 0 && city.zones[static_cast<std::size_t>(p.zone)].id == tg.displaced_from
                   ? " (in the zone)"
                   : " (next to it)");
    }
    return os.str();
}

/// Why a row is short: what land of its type was on offer by its year, and what kept the rest
/// out.
std::pair<std::string, std::string> diagnose_short(const Model &m, std::size_t r,
                                                   const std::vector<bool> &used,
                                                   const std::string &unit) {
    const AllocationProblem &pr = *m.problem;
    const City &city = *pr.city;
    const TargetRow &row = m.rows[r];
    const Target &tg = pr.plan->targets[row.target];
    double offer = 0;      // eligible and available by the year
    double offer_free = 0; // ... and not used by another year or type
    for (const Column &c : m.columns) {
        if (c.row == r) {
            offer += c.q;
            if (!used[c.parcel]) {
                offer_free += c.q;
            }
        }
    }
    // Land of the type kept out, by reason (measured at the type's plot ratio), in the target's
    // zones only (a zone id, or a district id for its zones): land elsewhere could not serve it.
    auto in_scope = [&](const Parcel &p) {
        if (tg.zones.empty()) {
            return true;
        }
        if (p.zone < 0) {
            return false;
        }
        const Zone &z = city.zones[static_cast<std::size_t>(p.zone)];
        return std::find(tg.zones.begin(), tg.zones.end(), z.id) != tg.zones.end() ||
               (!z.district.empty() &&
                std::find(tg.zones.begin(), tg.zones.end(), z.district) != tg.zones.end());
    };
    std::size_t in_zones = 0;
    std::map<std::string, double> kept_out;
    for (std::size_t i = 0; i < pr.n_parcels; ++i) {
        const Parcel &p = city.parcels[i];
        if (!in_scope(p)) {
            continue;
        }
        ++in_zones;
        const Eligibility e = pr.eligibility[pr.at(i, row.type)];
        const double q =
            quantity_of(tg.unit, p.area_m2, pr.far[pr.at(i, row.type)], pr.plan->types[row.type]);
        if (e == Eligibility::excluded) {
            kept_out["excluded by " +
                     city.constraints[static_cast<std::size_t>(p.excluded_by)].kind] += q;
        } else if (e != Eligibility::ok) {
            kept_out[eligibility_reason(e)] += q;
        } else if (p.first_year > row.year) {
            kept_out["not available until " + std::to_string(p.first_year)] += q;
        }
    }
    std::ostringstream os;
    std::string cause;
    if (offer < row.L) {
        cause = "no_eligible_land";
        os << "not enough eligible land available by " << row.year << ": " << fmt("%.2f", offer)
           << " " << unit << " on offer in all";
    } else {
        cause = "competition";
        os << fmt("%.2f", offer) << " " << unit << " eligible by " << row.year << " but only "
           << fmt("%.2f", offer_free) << " left after other years and housing types took theirs";
    }
    if (!tg.zones.empty() && in_zones == 0) {
        os << "; the target's zones (";
        for (std::size_t k = 0; k < tg.zones.size(); ++k) {
            os << (k ? ", " : "") << tg.zones[k];
        }
        os << ") hold no candidate parcel";
    }
    if (!kept_out.empty()) {
        os << (tg.zones.empty() ? "; kept out:" : "; kept out in the target's zones:");
        bool first = true;
        for (const auto &[why, q] : kept_out) {
            os << (first ? " " : ", ") << fmt("%.2f", q) << " " << unit << " " << why;
            first = false;
        }
    }
    return {cause, os.str()};
}

void explain_rejections(const Model &m, const std::vector<bool> &used, Plan &plan) {
    const AllocationProblem &pr = *m.problem;
    const City &city = *pr.city;
    const PlanConfig &cfg = *pr.plan;
    // The marginal (lowest value density) chosen column of each row.
    std::vector<double> marginal(m.rows.size(), std::numeric_limits<double>::infinity());
    std::vector<std::size_t> marginal_parcel(m.rows.size(), 0);
    for (const auto &a : plan.allocations) {
        for (std::uint32_t ci = m.parcel_start[a.parcel]; ci < m.parcel_start[a.parcel + 1]; ++ci) {
            const Column &c = m.columns[ci];
            if (m.rows[c.row].year == a.year && cfg.types[c.type].id == a.type) {
                const double d = c.value / c.q;
                if (d < marginal[c.row]) {
                    marginal[c.row] = d;
                    marginal_parcel[c.row] = c.parcel;
                }
            }
        }
    }
    for (std::size_t i = 0; i < pr.n_parcels; ++i) {
        if (used[i]) {
            continue;
        }
        const Parcel &p = city.parcels[i];
        Rejection rj;
        rj.parcel = i;
        // Best type by score among eligible ones.
        double best = -1;
        for (std::size_t t = 0; t < pr.n_types; ++t) {
            if (pr.eligible(i, t) && pr.score[pr.at(i, t)] > best) {
                best = pr.score[pr.at(i, t)];
                rj.best_type = cfg.types[t].id;
            }
        }
        rj.best_score = std::max(best, 0.0);
        if (p.excluded_by != k_none) {
            const Constraint &c = city.constraints[static_cast<std::size_t>(p.excluded_by)];
            rj.code = "excluded";
            rj.detail = "overlaps " + c.kind + " " + c.id + " (layer " + c.layer + ") by " +
                        fmt("%.0f", p.excluded_overlap_m2) + " m2";
        } else if (p.zone == k_none) {
            rj.code = "outside_zones";
            rj.detail = "its interior point lies in no zone";
        } else if (p.first_year > cfg.last_year) {
            rj.code = "not_available";
            rj.detail = "not available until " + std::to_string(p.first_year) +
                        ", after the horizon ends in " + std::to_string(cfg.last_year);
        } else if (m.parcel_start[i] == m.parcel_start[i + 1]) {
            // No column: no eligible type with a target in an available year. Name what kept
            // out each type that has a target.
            bool allowed = false;
            bool eligible = false;
            std::map<Eligibility, std::vector<std::string>> why;
            for (std::size_t t = 0; t < pr.n_types; ++t) {
                const Eligibility e = pr.eligibility[pr.at(i, t)];
                allowed = allowed || e != Eligibility::type_not_allowed;
                eligible = eligible || e == Eligibility::ok;
                const bool has_target =
                    std::any_of(cfg.targets.begin(), cfg.targets.end(), [&](const Target &tg) {
                        return tg.type == cfg.types[t].id ||
                               std::find(tg.types.begin(), tg.types.end(), cfg.types[t].id) !=
                                   tg.types.end();
                    });
                if (e != Eligibility::ok && e != Eligibility::type_not_allowed && has_target) {
                    why[e].push_back(cfg.types[t].id);
                }
            }
            if (!allowed) {
                rj.code = "type_not_allowed";
                rj.detail = "the parcel allows only housing types without targets";
            } else if (!eligible && !why.empty()) {
                // The reason keeping out the most types; ties: the first in the enumeration.
                auto top = why.begin();
                for (auto it = why.begin(); it != why.end(); ++it) {
                    if (it->second.size() > top->second.size()) {
                        top = it;
                    }
                }
                rj.code = eligibility_code(top->first);
                for (const auto &[e, types] : why) {
                    std::string list;
                    for (const auto &t : types) {
                        list += (list.empty() ? "" : ", ") + t;
                    }
                    rj.detail +=
                        (rj.detail.empty() ? "" : "; ") + list + ": " + eligibility_reason(e);
                    if (e == Eligibility::far_too_low) {
                        rj.detail += " (cap " + fmt("%.2f", std::min(p.far_cap, p.cap_far)) + ")";
                    } else if (e == Eligibility::destock_stop && p.zone >= 0) {
                        rj.detail +=
                            " (" +
                            fmt("%.1f",
                                city.zones[static_cast<std::size_t>(p.zone)].destock_months) +
                            " months)";
                    }
                }
            } else {
                rj.code = "no_target";
                rj.detail = "no target for " + rj.best_type + " from " +
                            std::to_string(p.first_year) + " on";
            }
        } else {
            // Eligible: compare its best column with the marginal chosen site of that row.
            std::uint32_t bc = m.parcel_start[i];
            for (std::uint32_t ci = m.parcel_start[i]; ci < m.parcel_start[i + 1]; ++ci) {
                if (m.columns[ci].value / m.columns[ci].q > m.columns[bc].value / m.columns[bc].q) {
                    bc = ci;
                }
            }
            const Column &c = m.columns[bc];
            const TargetRow &row = m.rows[c.row];
            const double d = c.value / c.q;
            if (std::isfinite(marginal[c.row]) && d <= marginal[c.row]) {
                rj.code = "outscored";
                rj.detail =
                    "for " + cfg.types[c.type].id + " in " + std::to_string(row.year) + ": value " +
                    fmt("%.4f", d) + " per " + quantity_unit(cfg.targets[row.target].unit) +
                    " against the last chosen site " + city.parcels[marginal_parcel[c.row]].id +
                    " (" + fmt("%.4f", marginal[c.row]) + ")";
            } else {
                rj.code = "did_not_fit";
                rj.detail = "scores well for " + cfg.types[c.type].id + " in " +
                            std::to_string(row.year) + " (value " + fmt("%.4f", d) + ") but its " +
                            fmt("%.2f", c.q) + " " + quantity_unit(cfg.targets[row.target].unit) +
                            " would pass the target's band or worsen jobs-housing balance";
            }
        }
        plan.rejected.push_back(std::move(rj));
    }
    std::sort(plan.rejected.begin(), plan.rejected.end(),
              [&](const Rejection &a, const Rejection &b) {
                  return city.parcels[a.parcel].id < city.parcels[b.parcel].id;
              });
}

} // namespace landalloc::explain
