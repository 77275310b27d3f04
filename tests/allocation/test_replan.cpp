// The annual cycle (allocation/replan.hpp): a plan of 2021-2025 re-planned from 2023 after two of
// its 2021-2022 sites were not supplied and one site no plan had was. Every check recomputes from
// the plan's own allocations, not from the tables the re-plan wrote.

#include "allocation/planner.hpp"
#include "allocation/replan.hpp"
#include "allocation/solvers.hpp"
#include "core/errors.hpp"
#include "core/units.hpp"
#include "inputs/city.hpp"
#include "inputs/synth.hpp"
#include "plan_file/input_spec.hpp"
#include "plan_file/plan_file.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <tuple>

using namespace landalloc;

namespace {

const char *const k_plan = R"toml(
[plan]
name = "re-plan test"
first_year = 2021
last_year = 2025

[housing_types.commercial]
unit_m2 = 100.0
far_min = 1.0
far_max = 3.0

[housing_types.affordable_rental]
unit_m2 = 60.0
far_min = 1.2
far_max = 3.5
rental = true

[[targets]]
type = "affordable_rental"
values = [5.0, 5.0, 5.5, 6.0, 6.0]
tolerance = 0.1

[[targets]]
type = "commercial"
values = [40.0, 42.0, 45.0, 48.0, 50.0]
tolerance = 0.1

[solver]
method = "heuristic"

[inputs.synth]
parcels = 800
)toml";

struct Fixture {
    PlanFile cfg = parse_plan(k_plan, "replan.toml");
    City city;
    std::unique_ptr<Allocator> allocator;
    Plan first; // the plan of 2021-2025 from nothing
    Fixture() {
        const SynthCity made = make_synth_city(make_synth_options(cfg));
        city = load_city(make_input_spec(cfg, "", ""), made.layers).city;
        allocator = make_allocator(cfg.solver, city.parcels.size());
        first = make_plan(city, cfg, *allocator);
    }
};

const Fixture &fx() {
    static const Fixture f;
    return f;
}

ActualSite site(const Fixture &f, const Allocation &a, const std::string &status, int row) {
    ActualSite s;
    s.parcel_id = f.city.parcels[a.parcel].id;
    s.year = a.year;
    s.type = a.type;
    s.status = status;
    s.where = "actuals.csv, row " + std::to_string(row);
    return s;
}

/// Land of `type` in `year` (0: every year) from the allocations: a bundled share in its type.
double land_ha(const Plan &p, const std::string &type, int year) {
    double ha = 0;
    for (const Allocation &a : p.allocations) {
        if (year != 0 && a.year != year) {
            continue;
        }
        const double bundled = a.floor_m2 > 0 ? a.bundled_floor_m2 / a.floor_m2 : 0.0;
        if (a.type == type) {
            ha += ha_from_m2((1.0 - bundled) * a.area_m2);
        }
        if (a.bundled_type == type) {
            ha += ha_from_m2(bundled * a.area_m2);
        }
    }
    return ha;
}

/// The first plan as the bureau reports it: every 2021-2022 site supplied except the first
/// commercial site of each of the two years (withdrawn), one parcel no plan had supplied as
/// commercial in 2022, and the 2023-2025 sites as planned.
struct Edited {
    ReplanRequest rq;
    std::set<std::tuple<std::string, int, std::string>> kept; // sites before 2023 supplied
    std::string added;                                        // the parcel no plan had
};

Edited edited(const Fixture &f) {
    Edited e;
    e.rq.from_year = 2023;
    e.rq.actuals.source = "actuals.csv";
    std::set<int> withdrawn_years;
    int row = 0;
    for (const Allocation &a : f.first.allocations) {
        std::string status = a.year < 2023 ? "supplied" : "planned";
        if (a.year < 2023 && a.type == "commercial" && !withdrawn_years.count(a.year)) {
            withdrawn_years.insert(a.year);
            status = "withdrawn";
        } else if (a.year < 2023) {
            e.kept.insert({f.city.parcels[a.parcel].id, a.year, a.type});
        }
        e.rq.actuals.sites.push_back(site(f, a, status, ++row));
    }
    // A parcel the plan left out that could have been commercial in 2022.
    for (const Rejection &r : f.first.rejected) {
        const Parcel &p = f.city.parcels[r.parcel];
        if ((r.code == "outscored" || r.code == "did_not_fit") && r.best_type == "commercial" &&
            p.first_year <= 2022) {
            e.added = p.id;
            break;
        }
    }
    ActualSite add;
    add.parcel_id = e.added;
    add.year = 2022;
    add.type = "commercial";
    add.status = "supplied";
    add.where = "actuals.csv, row " + std::to_string(++row);
    e.rq.actuals.sites.push_back(add);
    e.kept.insert({e.added, 2022, "commercial"});
    return e;
}

} // namespace

TEST(Replan, KeepsTheFixedYearsAndMakesUpTheShortfallWithinTheRules) {
    const Fixture &f = fx();
    const Edited e = edited(f);
    ASSERT_FALSE(e.added.empty()) << "no outscored commercial parcel to add";
    ASSERT_TRUE(f.first.binding_targets_met()) << f.first.status;
    const Plan re = make_replan(f.city, f.cfg, *f.allocator, e.rq);

    // The fixed years are kept: exactly the sites supplied before 2023, with their status.
    std::set<std::tuple<std::string, int, std::string>> before;
    std::set<std::size_t> parcels;
    for (const Allocation &a : re.allocations) {
        EXPECT_TRUE(parcels.insert(a.parcel).second)
            << f.city.parcels[a.parcel].id << " is allocated twice";
        if (a.year < 2023) {
            before.insert({f.city.parcels[a.parcel].id, a.year, a.type});
            EXPECT_EQ(a.status, "supplied") << f.city.parcels[a.parcel].id;
        } else {
            EXPECT_EQ(a.status, "planned") << f.city.parcels[a.parcel].id;
        }
    }
    EXPECT_EQ(before, e.kept);

    // The shortfall of 2021-2022 is made up in 2023-2025, within each year's allowance of the
    // carried figure, so the five-year binding totals still hold.
    for (const Target &tg : f.cfg.targets) {
        double past_figure = 0, horizon_figure = 0;
        for (int y = 0; y < f.cfg.years(); ++y) {
            horizon_figure += tg.values[static_cast<std::size_t>(y)];
            past_figure += y < 2 ? tg.values[static_cast<std::size_t>(y)] : 0.0;
        }
        const double past = land_ha(re, tg.type, 2021) + land_ha(re, tg.type, 2022);
        const double left_figure = horizon_figure - past_figure;
        double carried_figures = 0;
        for (const AnnualRow &r : re.annual) {
            if (r.type != tg.type || r.year < 2023) {
                continue;
            }
            carried_figures += r.target;
            const double supplied = land_ha(re, tg.type, r.year);
            EXPECT_GE(supplied, r.target * (1 - 1e-9)) << tg.type << " " << r.year;
            EXPECT_LE(supplied, r.target * (1 + tg.tolerance) + 1e-9) << tg.type << " " << r.year;
        }
        // The years left carry what 2021-2022 did not supply.
        EXPECT_NEAR(carried_figures, left_figure + (past_figure - past), 1e-6) << tg.type;
        double total = 0;
        for (int y = 2021; y <= 2025; ++y) {
            total += land_ha(re, tg.type, y);
        }
        EXPECT_GE(total, horizon_figure * (1 - 1e-9)) << tg.type << ": the five-year total";
    }
    // The commercial sites withdrawn left 2021-2022 short: the carry raised the later figures.
    EXPECT_LT(land_ha(re, "commercial", 2021), 40.0);
    ASSERT_FALSE(re.replan.carried.empty());
    EXPECT_EQ(re.replan.from_year, 2023);
    EXPECT_EQ(re.replan.fixed_sites, static_cast<int>(e.kept.size()));
    EXPECT_EQ(re.replan.withdrawn_sites, 2);
    // The fixed years' shortfall is as supplied; the years left and the horizon totals are met.
    EXPECT_TRUE(re.binding_targets_met()) << re.status;
    for (const AnnualRow &r : re.annual) {
        if (r.year >= 2023) {
            EXPECT_TRUE(r.met) << r.year << " " << r.type << ": " << r.note;
        }
    }
}

TEST(Replan, TheRollingPlanComparesTheThreeYearsWithThePreviousPlan) {
    const Fixture &f = fx();
    const Edited e = edited(f);
    const Plan re = make_replan(f.city, f.cfg, *f.allocator, e.rq);
    ASSERT_FALSE(re.replan.rolling.empty());
    // Each row's figures are the sums of the plan's and the previous plan's sites of its year,
    // district and type.
    std::map<std::tuple<int, std::string, std::string>, std::pair<double, double>> want;
    const auto district = [&](std::size_t parcel) {
        const Zone &z = f.city.zones[static_cast<std::size_t>(f.city.parcels[parcel].zone)];
        return z.district.empty() ? z.id : z.district;
    };
    for (const Allocation &a : re.allocations) {
        if (a.year >= 2023 && a.bundled_type.empty()) {
            want[{a.year, district(a.parcel), a.type}].first += ha_from_m2(a.area_m2);
        }
    }
    for (const Allocation &a : f.first.allocations) {
        if (a.year >= 2023) {
            want[{a.year, district(a.parcel), a.type}].second += ha_from_m2(a.area_m2);
        }
    }
    std::set<int> years;
    for (const RollingRow &r : re.replan.rolling) {
        years.insert(r.year);
        const auto it = want.find({r.year, r.district, r.type});
        ASSERT_NE(it, want.end()) << r.year << " " << r.district << " " << r.type;
        EXPECT_NEAR(r.area_ha, it->second.first, 1e-6) << r.year << " " << r.district;
        EXPECT_NEAR(r.previous_area_ha, it->second.second, 1e-6) << r.year << " " << r.district;
        EXPECT_FALSE(r.why.empty());
        if (r.type == "commercial") {
            EXPECT_NE(r.why.find("carried: the commercial figure of " + std::to_string(r.year)),
                      std::string::npos)
                << r.why;
        }
    }
    EXPECT_EQ(years, (std::set<int>{2023, 2024, 2025}));
    EXPECT_EQ(re.replan.rolling.size(), want.size());
}

TEST(Replan, WithCarryNoneTheYearsLeftKeepTheirFigures) {
    const Fixture &f = fx();
    const Edited e = edited(f);
    PlanConfig cfg = f.cfg;
    cfg.replan.carry = Carry::none;
    const Plan re = make_replan(f.city, cfg, *f.allocator, e.rq);
    EXPECT_TRUE(re.replan.carried.empty());
    for (const AnnualRow &r : re.annual) {
        const Target &tg = cfg.targets[r.type == "commercial" ? 1 : 0];
        EXPECT_DOUBLE_EQ(r.target, tg.values[static_cast<std::size_t>(r.year - 2021)]) << r.year;
    }
}

TEST(Replan, BadActualsAreErrorsNamingTheRow) {
    const Fixture &f = fx();
    const auto message = [&](const ReplanRequest &rq) -> std::string {
        try {
            (void)make_replan(f.city, f.cfg, *f.allocator, rq);
        } catch (const DataError &err) {
            return err.what();
        }
        return "no error";
    };
    {
        Edited e = edited(f);
        e.rq.actuals.sites[3].parcel_id = "NO-SUCH-PARCEL";
        const std::string m = message(e.rq);
        EXPECT_NE(m.find("actuals.csv, row 4, field parcel_id: parcel 'NO-SUCH-PARCEL' is not in "
                         "the parcels layer"),
                  std::string::npos)
            << m;
    }
    {
        Edited e = edited(f);
        ActualSite twice = e.rq.actuals.sites.front(); // supplied in 2021 (the first row)
        twice.status = "supplied";
        twice.year = 2022;
        twice.where = "actuals.csv, row 99";
        e.rq.actuals.sites.front().status = "supplied";
        e.rq.actuals.sites.push_back(twice);
        const std::string m = message(e.rq);
        EXPECT_NE(m.find("actuals.csv, row 99, field parcel_id: parcel '" + twice.parcel_id +
                         "' is supplied twice, here and at actuals.csv, row 1"),
                  std::string::npos)
            << m;
    }
    {
        Edited e = edited(f);
        ActualSite late = e.rq.actuals.sites.back();
        late.year = 2024;
        late.where = "actuals.csv, row 77";
        e.rq.actuals.sites.back() = late; // supplied in 2024, not before 2023
        const std::string m = message(e.rq);
        EXPECT_NE(m.find("actuals.csv, row 77, field year: a site supplied in 2024 is not before "
                         "--from-year 2023"),
                  std::string::npos)
            << m;
    }
    {
        Edited e = edited(f);
        e.rq.actuals.sites[0].status = "demolished";
        const std::string m = message(e.rq);
        EXPECT_NE(m.find("row 1, field status: 'demolished' is not a status"), std::string::npos)
            << m;
    }
    {
        Edited e = edited(f);
        e.rq.from_year = 2021;
        EXPECT_THROW((void)make_replan(f.city, f.cfg, *f.allocator, e.rq), UsageError);
    }
}

// The residual model's objective differs from the full model's with the fixed columns added by
// one constant, for any choice of its columns.
TEST(Replan, TheResidualModelsObjectiveIsTheFullOnesLessAConstant) {
    const Fixture &f = fx();
    const AllocationProblem pr = build_problem(f.city, f.cfg);
    const Model full = build_model(pr);
    std::vector<std::uint32_t> fixed;
    std::set<std::uint32_t> parcels;
    for (std::uint32_t c = 0; c < full.columns.size() && fixed.size() < 12; c += 97) {
        if (full.rows[full.columns[c].row].year < 2023 &&
            parcels.insert(full.columns[c].parcel).second) {
            fixed.push_back(c);
        }
    }
    std::sort(fixed.begin(), fixed.end());
    std::vector<std::uint32_t> kept;
    const Model rest = residual_model(full, fixed, 2023, kept);
    ASSERT_EQ(rest.columns.size(), kept.size());
    double shift = std::numeric_limits<double>::quiet_NaN();
    for (int trial = 0; trial < 3; ++trial) {
        std::vector<std::uint32_t> pick; // every (trial + 2)-th residual column, one per parcel
        std::set<std::uint32_t> used;
        for (std::uint32_t c = 0; c < rest.columns.size();
             c += static_cast<std::uint32_t>(trial + 2)) {
            if (used.insert(rest.columns[c].parcel).second) {
                pick.push_back(c);
            }
        }
        std::vector<std::uint32_t> whole = fixed;
        for (std::uint32_t c : pick) {
            EXPECT_GE(full.rows[full.columns[kept[c]].row].year, 2023);
            EXPECT_FALSE(parcels.count(full.columns[kept[c]].parcel));
            whole.push_back(kept[c]);
        }
        std::sort(whole.begin(), whole.end());
        const double d = evaluate(full, whole).objective - evaluate(rest, pick).objective;
        if (trial == 0) {
            shift = d;
        } else {
            EXPECT_NEAR(d, shift, 1e-6 * std::max(1.0, std::abs(shift))) << trial;
        }
    }
}

// The previous plan's sites from 2023 are worth keep_bonus more: the re-plan keeps more of them
// than without the bonus, and replan.kept_sites counts them.
TEST(Replan, TheKeepBonusKeepsMoreOfThePreviousPlan) {
    const Fixture &f = fx();
    const Edited e = edited(f);
    std::set<std::tuple<std::size_t, int, std::string>> previous;
    for (const Allocation &a : f.first.allocations) {
        if (a.year >= 2023) {
            previous.insert({a.parcel, a.year, a.type});
        }
    }
    const auto kept = [&](const Plan &p) {
        int n = 0;
        for (const Allocation &a : p.allocations) {
            n += a.year >= 2023 && previous.count({a.parcel, a.year, a.type}) ? 1 : 0;
        }
        return n;
    };
    PlanConfig none = f.cfg;
    none.replan.keep_bonus = 0;
    const Plan without = make_replan(f.city, none, *f.allocator, e.rq);
    const Plan with = make_replan(f.city, f.cfg, *f.allocator, e.rq);
    EXPECT_EQ(with.replan.kept_sites, kept(with));
    EXPECT_EQ(with.replan.previous_sites, static_cast<int>(previous.size()));
    EXPECT_GT(kept(with), kept(without)) << kept(with) << " of " << previous.size();
}
