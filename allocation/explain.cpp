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

namespace {

/// The station or park at `index` of `places` by its name, its id when it has none; "" when the
/// index names none (a city built without them).
template <class Place> std::string name_of(const std::vector<Place> &places, int index) {
    if (index < 0 || static_cast<std::size_t>(index) >= places.size()) {
        return {};
    }
    const Place &p = places[static_cast<std::size_t>(index)];
    return p.name.empty() ? p.id : p.name;
}

/// A housing type by its Chinese name in zh (the id when it has none), by its id in en.
const std::string &type_name(const HousingType &h, Language l) {
    return l == Language::zh && !h.name_zh.empty() ? h.name_zh : h.id;
}

/// A housing type id by its name in `l`.
std::string type_name(const PlanConfig &cfg, const std::string &id) {
    const int t = cfg.type_index(id);
    return t < 0 ? id : type_name(cfg.types[static_cast<std::size_t>(t)], cfg.language);
}

} // namespace

std::string reasons_for(const AllocationProblem &pr, const Model &m, std::uint32_t ci) {
    const Column &col = m.columns[ci];
    const std::size_t i = col.parcel;
    const std::size_t t = col.type;
    const PlanConfig &cfg = *pr.plan;
    const Language l = cfg.language;
    const bool zh = l == Language::zh;
    const RulesConfig &rules = cfg.rules;
    const City &city = *pr.city;
    const Parcel &p = city.parcels[i];
    const HousingType &ht = pr.plan->types[t];
    const ScoreTerms parts = score_terms(city, cfg, p, ht);
    const char *m_ = zh ? " 米" : " m";
    std::ostringstream os;
    os << tr(l, "score ", "得分 ") << fmt("%.3f", pr.score[pr.at(i, t)]) << " =";
    os << tr(l, " transit ", " 交通 ") << fmt("%.3f", parts.transit);
    // Along the streets (allocation/network.hpp) the straight line is said too.
    const bool streets = city.network_facts && !city.streets.empty();
    auto line = [&](double network, double straight) {
        if (!streets || !std::isfinite(straight) || straight == network) {
            return std::string();
        }
        return zh ? "（沿路网），直线 " + fmt("%.0f", straight) + " 米"
                  : " by street, " + fmt("%.0f", straight) + " m straight";
    };
    if (std::isfinite(p.station_distance_m)) {
        os << tr(l, " (station ", "（距");
        if (const std::string station = name_of(city.stations, p.nearest_station);
            !station.empty()) {
            os << station << " ";
        } else {
            os << tr(l, "", "站点 ");
        }
        os << fmt("%.0f", p.station_distance_m) << m_
           << line(p.station_distance_m, p.station_line_m) << tr(l, ")", "）");
    }
    os << tr(l, " + jobs ", " + 就业 ") << fmt("%.3f", parts.jobs);
    const std::string park = name_of(city.parks, p.nearest_park);
    if (p.in_park) {
        os << (zh ? "（位于" + (park.empty() ? std::string("产业园区") : park) + "内）"
                  : " (inside park" + (park.empty() ? "" : " " + park) + ")");
    } else if (std::isfinite(p.park_distance_m)) {
        os << (park.empty() ? tr(l, " (park ", "（距产业园区 ") : tr(l, " (park ", "（距")) << park
           << (park.empty() ? "" : " ") << fmt("%.0f", p.park_distance_m) << m_
           << line(p.park_distance_m, p.park_line_m) << tr(l, ")", "）");
    }
    os << tr(l, " + zone ", " + 片区 ") << fmt("%.3f", parts.zone_class);
    if (p.zone >= 0) {
        os << tr(l, " (", "（")
           << code_label(CodeList::zone_class,
                         city.zones[static_cast<std::size_t>(p.zone)].zone_class, l)
           << tr(l, ")", "）");
    }
    // The TOD bonus (rule 6) raises the parcel cap and the type's maximum, not a constraint's cap.
    // It applies from the year the station opens.
    const int tod = rules.tod ? tod_band(*rules.tod, city, p) : -1;
    const int year = m.rows[col.row].year;
    const bool tod_open = tod >= 0 && year >= pr.tod_opens[i];
    const std::string bonus =
        tod_open ? " x " + fmt("%.2f", 1.0 + rules.tod->far_bonus[static_cast<std::size_t>(tod)])
                 : "";
    os << tr(l, "; plot ratio ", "；容积率 ") << fmt("%.2f", col.far)
       << tr(l, " = min(parcel cap ", " = min(地块上限 ") << fmt("%.2f", p.far_cap) << bonus;
    if (std::isfinite(p.cap_far)) {
        os << ", "
           << code_label(CodeList::constraint_kind,
                         city.constraints[static_cast<std::size_t>(p.capped_by)].kind, l)
           << tr(l, " cap ", "上限 ") << fmt("%.2f", p.cap_far);
    }
    os << ", " << type_name(ht, l) << tr(l, " max ", "上限 ") << fmt("%.2f", ht.far_max) << bonus
       << ")";
    os << (zh ? "；" + std::to_string(p.first_year) + "年起可供"
              : "; available from " + std::to_string(p.first_year));
    // The rules that shaped the site's value, plot ratio or use.
    if (tod >= 0) {
        const auto k = static_cast<std::size_t>(tod);
        const std::string station = name_of(city.stations, p.nearest_station);
        const std::string radius = fmt("%.0f", rules.tod->radii_m[k]);
        os << (zh ? "；TOD：距" + station + " " + radius + " 米以内"
                  : "; TOD: within " + radius + " m of station " + station);
        if (tod_open) {
            os << tr(l, ", plot ratio +", "，容积率 +")
               << fmt("%.0f", rules.tod->far_bonus[k] * 100) << tr(l, " %, value +", " %，价值 +")
               << fmt("%.0f", rules.tod->value_bonus[k] * 100) << " %";
        } else if (zh) {
            os << "，该站 " << pr.tod_opens[i] << " 年开通：" << year << " 年无奖励";
        } else {
            os << ", which opens in " << pr.tod_opens[i] << ": no bonus in " << year;
        }
    }
    if (p.zone >= 0) {
        const Zone &z = city.zones[static_cast<std::size_t>(p.zone)];
        const double d = destock_factor(cfg, z, ht.id);
        if (d != 1.0) {
            if (zh) {
                os << "；去库存：片区" << (z.name.empty() ? z.id : z.name) << "去化周期 "
                   << fmt("%.1f", z.destock_months) << " 个月，价值 x" << fmt("%.2f", d);
            } else {
                os << "; destocking: " << z.id << " has " << fmt("%.1f", z.destock_months)
                   << " months of inventory, value x" << fmt("%.2f", d);
            }
        }
    }
    if (rules.ar_siting && std::find(rules.ar_siting->types.begin(), rules.ar_siting->types.end(),
                                     ht.id) != rules.ar_siting->types.end()) {
        os << tr(l, "; AR siting: station ", "；保障性租赁住房选址：距站点 ")
           << fmt("%.0f", p.station_distance_m) << m_ << tr(l, ", park ", "，距产业园区 ")
           << fmt("%.0f", p.park_distance_m) << m_
           << (streets ? tr(l, " by street", "（沿路网）") : "")
           << tr(l, "; land source ", "；土地来源 ")
           << code_label(CodeList::land_source, p.land_source, l);
        const std::size_t rank = land_source_rank(*rules.ar_siting, p.land_source);
        const std::size_t of = rules.ar_siting->land_source_priority.size();
        if (rank < of) {
            os << (zh ? "（优先级 " + std::to_string(rank + 1) + "/" + std::to_string(of) + "）"
                      : " (priority " + std::to_string(rank + 1) + " of " + std::to_string(of) +
                            ")");
        }
    }
    if (const auto &cl = rules.commute_limit;
        cl && std::find(cl->types.begin(), cl->types.end(), ht.id) != cl->types.end() &&
        std::isfinite(p.commute_min)) {
        if (zh) {
            os << "；至最近就业中心通勤 " << fmt("%.0f", p.commute_min) << " 分钟"
               << (streets ? "（沿路网）" : "（直线）") << "，限值 " << fmt("%.0f", cl->minutes)
               << " 分钟";
        } else {
            os << "; commute " << fmt("%.0f", p.commute_min) << " min to the nearest job centre"
               << (streets ? " by street" : " (straight line)") << ", limit "
               << fmt("%.0f", cl->minutes) << " min";
        }
    }
    if (col.bundle_type >= 0) {
        const HousingType &bt = cfg.types[static_cast<std::size_t>(col.bundle_type)];
        std::string why;
        for (const BundlingRule &b : rules.bundling) {
            if (b.type == bt.id && bundling_applies(b, city, p, &why, l)) {
                break;
            }
        }
        os << tr(l, "; bundles ", "；配建 ") << fmt("%.0f", col.bundle_share * 100) << " % "
           << type_name(bt, l) << tr(l, " (", "（") << why << tr(l, ")", "）");
    }
    const Target &tg = cfg.targets[m.rows[col.row].target];
    if (!tg.displaced_from.empty()) {
        const bool in_zone =
            p.zone >= 0 && city.zones[static_cast<std::size_t>(p.zone)].id == tg.displaced_from;
        if (zh) {
            os << "；征收安置：" << tg.displaced_from << (in_zone ? "（片区内）" : "（相邻片区）");
        } else {
            os << "; resettlement for " << tg.displaced_from
               << (in_zone ? " (in the zone)" : " (next to it)");
        }
    }
    return os.str();
}

/// Why a row is short: what land of its type was on offer by its year, and what kept the rest
/// out.
std::pair<std::string, std::string> diagnose_short(const Model &m, std::size_t r,
                                                   const std::vector<bool> &used,
                                                   const std::string &unit_code, Language l) {
    const bool zh = l == Language::zh;
    const std::string unit = code_label(CodeList::unit, unit_code, l);
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
            const std::string &kind =
                city.constraints[static_cast<std::size_t>(p.excluded_by)].kind;
            kept_out[zh ? "受" + code_label(CodeList::constraint_kind, kind, l) + "排除"
                        : "excluded by " + kind] += q;
        } else if (e != Eligibility::ok) {
            kept_out[eligibility_reason(e, l)] += q;
        } else if (p.first_year > row.year) {
            kept_out[zh ? std::to_string(p.first_year) + " 年起才可供"
                        : "not available until " + std::to_string(p.first_year)] += q;
        }
    }
    std::ostringstream os;
    std::string cause;
    if (offer < row.L) {
        cause = "no_eligible_land";
        if (zh) {
            os << "至 " << row.year << " 年可供的合格土地不足：共 " << fmt("%.2f", offer) << " "
               << unit;
        } else {
            os << "not enough eligible land available by " << row.year << ": " << fmt("%.2f", offer)
               << " " << unit << " on offer in all";
        }
    } else {
        cause = "competition";
        if (zh) {
            os << "至 " << row.year << " 年合格土地 " << fmt("%.2f", offer) << " " << unit
               << "，其他年度和住房类型占用后仅余 " << fmt("%.2f", offer_free);
        } else {
            os << fmt("%.2f", offer) << " " << unit << " eligible by " << row.year << " but only "
               << fmt("%.2f", offer_free)
               << " left after other years and housing types took theirs";
        }
    }
    if (!tg.zones.empty() && in_zones == 0) {
        os << tr(l, "; the target's zones (", "；指标片区（");
        for (std::size_t k = 0; k < tg.zones.size(); ++k) {
            os << (k ? tr(l, ", ", "、") : "") << tg.zones[k];
        }
        os << tr(l, ") hold no candidate parcel", "）内没有候选地块");
    }
    if (!kept_out.empty()) {
        os << (tg.zones.empty()
                   ? tr(l, "; kept out:", "；未纳入：")
                   : tr(l, "; kept out in the target's zones:", "；指标片区内未纳入："));
        bool first = true;
        for (const auto &[why, q] : kept_out) {
            os << (first ? tr(l, " ", "") : tr(l, ", ", "，")) << fmt("%.2f", q) << " " << unit
               << " " << why;
            first = false;
        }
    }
    return {cause, os.str()};
}

void explain_rejections(const Model &m, const std::vector<bool> &used, Plan &plan) {
    const AllocationProblem &pr = *m.problem;
    const City &city = *pr.city;
    const PlanConfig &cfg = *pr.plan;
    const Language l = cfg.language;
    const bool zh = l == Language::zh;
    const char *sep = zh ? "、" : ", ";
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
            rj.detail = zh ? "与" + code_label(CodeList::constraint_kind, c.kind, l) + " " + c.id +
                                 "（图层 " + c.layer + "）重叠 " +
                                 fmt("%.0f", p.excluded_overlap_m2) + " 平方米"
                           : "overlaps " + c.kind + " " + c.id + " (layer " + c.layer + ") by " +
                                 fmt("%.0f", p.excluded_overlap_m2) + " m2";
        } else if (p.zone == k_none) {
            rj.code = "outside_zones";
            rj.detail = tr(l, "its interior point lies in no zone", "地块内点不在任何片区内");
        } else if (p.first_year > cfg.last_year) {
            rj.code = "not_available";
            rj.detail = zh ? std::to_string(p.first_year) + " 年起才可供，规划期至 " +
                                 std::to_string(cfg.last_year) + " 年结束"
                           : "not available until " + std::to_string(p.first_year) +
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
                rj.detail = tr(l, "the parcel allows only housing types without targets",
                               "地块只允许无指标的住房类型");
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
                        list += (list.empty() ? "" : sep) + type_name(cfg, t);
                    }
                    rj.detail += (rj.detail.empty() ? "" : tr(l, "; ", "；")) + list +
                                 tr(l, ": ", "：") + eligibility_reason(e, l);
                    if (e == Eligibility::far_too_low) {
                        rj.detail += tr(l, " (cap ", "（上限 ") +
                                     fmt("%.2f", std::min(p.far_cap, p.cap_far)) + tr(l, ")", "）");
                    } else if (e == Eligibility::destock_stop && p.zone >= 0) {
                        rj.detail +=
                            tr(l, " (", "（") +
                            fmt("%.1f",
                                city.zones[static_cast<std::size_t>(p.zone)].destock_months) +
                            tr(l, " months)", " 个月）");
                    }
                }
            } else {
                rj.code = "no_target";
                rj.detail = zh ? std::to_string(p.first_year) + " 年起无" +
                                     type_name(cfg, rj.best_type) + "指标"
                               : "no target for " + rj.best_type + " from " +
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
            const std::string type = type_name(cfg, cfg.types[c.type].id);
            const std::string year = std::to_string(row.year);
            const std::string unit =
                code_label(CodeList::unit, quantity_unit(cfg.targets[row.target].unit), l);
            if (std::isfinite(marginal[c.row]) && d <= marginal[c.row]) {
                rj.code = "outscored";
                const std::string &last = city.parcels[marginal_parcel[c.row]].id;
                rj.detail = zh ? year + " 年" + type + "：每" + unit + "价值 " + fmt("%.4f", d) +
                                     "，低于最后入选地块 " + last + "（" +
                                     fmt("%.4f", marginal[c.row]) + "）"
                               : "for " + type + " in " + year + ": value " + fmt("%.4f", d) +
                                     " per " + unit + " against the last chosen site " + last +
                                     " (" + fmt("%.4f", marginal[c.row]) + ")";
            } else {
                rj.code = "did_not_fit";
                const std::string q = fmt("%.2f", c.q) + " " + unit;
                rj.detail = zh ? year + " 年" + type + "得分较高（价值 " + fmt("%.4f", d) +
                                     "），但其 " + q + " 将超出指标区间或不利于职住平衡"
                               : "scores well for " + type + " in " + year + " (value " +
                                     fmt("%.4f", d) + ") but its " + q +
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
