#pragma once
// The annual cycle (SPEC rule 13; docs/rolling.md): re-plan years from_year and later of the
// horizon from what happened before it. Sites supplied before from_year are fixed; each target's
// shortfall or surplus before from_year is carried into the years left, so a binding five-year
// total stays binding over what is left; the rest is solved again with every rule, and the plan
// covers the whole horizon (fixed years and re-planned years), so its annual table, rule checks
// and jobs-housing indicators count the fixed sites. The three-year rolling plan (三年滚动计划)
// compares years from_year .. from_year + 2 by district and type with the previous plan.

#include "allocation/config.hpp"
#include "allocation/model.hpp"
#include "core/domain.hpp"
#include "core/plan.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace landalloc {

struct ReplanRequest {
    int from_year = 0;
    ActualSites actuals;
    /// The previous plan, for the rolling plan's comparison: its sites of every year. Empty
    /// sites: the actuals' rows stand for it (their years from from_year on are the previous
    /// plan's; rows before it are as edited, so a deleted site is not known as planned).
    ActualSites previous;
};

/// "spread", "next_year" or "none"; and back (nullopt when not a name).
const char *carry_name(Carry carry);
std::optional<Carry> carry_from_name(const std::string &name);

/// Re-plans years request.from_year and later with `allocator` (make_plan's counterpart), the
/// shortfalls and surpluses before it carried as config.replan.carry says.
/// `config` has its demand applied when it has demand targets. Throws DataError naming the row
/// for bad actuals (an unknown parcel, type or status, a parcel supplied twice, a site supplied
/// in from_year or later, a year outside the horizon, a site the plan cannot place there) and
/// UsageError for a from_year outside (first_year, last_year].
Plan make_replan(const City &city, const PlanConfig &config, const Allocator &allocator,
                 const ReplanRequest &request);

/// The model without the fixed sites and the years before `from_year`: its columns are the
/// columns of `full` that are not of a fixed parcel nor of an earlier year, and its rows' right-
/// hand sides are what is left once the fixed columns are counted, so that for any choice of its
/// columns its objective differs from full's (with the fixed columns added) by a constant.
/// `kept[i]` is the column of `full` that column i of the result is.
Model residual_model(const Model &full, const std::vector<std::uint32_t> &fixed, int from_year,
                     std::vector<std::uint32_t> &kept);

/// A target whose figures a re-plan changed.
struct CarriedTarget {
    std::size_t target = 0;   // index into PlanConfig::targets
    double past_figure = 0;   // the figures of the years before from_year, summed
    double past_supplied = 0; // what those years supplied
    std::string sentence;     // what was carried and the figures before and after
};

/// Each target's figures for the years from `from_year` with the shortfall (or surplus) of the
/// years before it carried as `carry` says; `past_supplied[k]` is target k's supply before
/// from_year in its unit. Returns the targets whose figures changed.
std::vector<CarriedTarget> carry_targets(PlanConfig &config, int from_year, Carry carry,
                                         const std::vector<double> &past_supplied);

} // namespace landalloc
