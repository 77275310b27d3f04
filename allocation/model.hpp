#pragma once
// The allocation as a mixed-integer program (docs/model.md has the mathematics). One Model is
// built from an AllocationProblem; the exact solver (CBC), the heuristic and the evaluation of
// any plan all use it, so they optimise and report the same objective.
//
//   max  sum_c  v_c x_c                                  suitability of chosen (parcel, year, type)
//        - sum_r (rho_r over_r + P_r short_r + F_r y_r)  over the target / short of L / short
//        - w   sum_z (under_z + surplus_z)               jobs-housing balance of each zone
//        - w_b sum_z (below_z + above_z)                 (optional) outside the jobs/dwellings band
//   s.t. sum_{c of parcel i} x_c <= 1                    each parcel at most once
//        sum_{c in r} q_c x_c - over_r <= T_r            target row r (target k, year y)
//        sum_{c in r} q_c x_c + short_r >= L_r  (= T_r; T_r (1 - lower_tol) if indicative)
//        short_r <= L_r y_r                                   y_r binary: short at all
//        sum_{c in r} q_c x_c <= U_r = T_r (1 + tol)
//        sum_{c in z} u_c x_c + under_z   >= t_z   t_z = ((J_z / J) W^ - W0_z) / k: the new units
//        sum_{c in z} u_c x_c - surplus_z <= t_z   that give the zone its share of the workers
//        D_z + sum u_c x_c + below_z >= J_z / r_max, D_z + sum u_c x_c - above_z <= J_z / r_min
//        sum_c a_sc x_c - viol_s <= b_s                  side row s of a rule (rental share,
//                                                        park cap, key areas, ...), viol costs C_s
//        x binary, over, short, under, surplus, viol >= 0
// A column may also supply a second target row (a bundled share of its floor area, rule 9).

#include "allocation/problem.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace landalloc {

/// A candidate decision: parcel -> (year, type), existing only where the parcel is eligible for
/// the type, available by the year, and the type has a positive target that year.
struct Column {
    std::uint32_t parcel = 0;
    std::uint32_t row = 0;         // target row (target k, year y)
    std::uint32_t type = 0;        // housing type index
    std::int32_t zone = -1;        // the parcel's zone
    std::int32_t bundle_row = -1;  // target row of the bundled type, or -1
    std::int32_t bundle_type = -1; // the bundled housing type (rule 9), or -1
    // (The 32-bit fields first: 72 bytes a column, not 80 with the padding between them.)
    double far = 0;      // plot ratio built at in its year (rule 6's bonus once the station opens)
    double value = 0;    // v_c: score x area in ha x (1 + early-supply bonus)
    double q = 0;        // contribution to the row, in the target's unit
    double units = 0;    // dwelling units added to the zone (host and bundled)
    double bundle_q = 0; // contribution to bundle_row, in its target's unit
    double bundle_share = 0; // share of the floor area that is bundled
};
static_assert(sizeof(Column) == 72, "a column's fields without padding between them");

/// A linear row of a rule: sum_c a_c x_c <= rhs, each unit past rhs costing `cost`.
struct SideRow {
    std::string rule;  // rental_share, park_cap, key_areas, zone_class_share, policy, destocking
    std::string label; // what it says, for the report
    std::string unit;  // ha, m2 or units: the unit of a, rhs and the violation
    int year = 0;      // 0: the whole horizon
    double rhs = 0;
    double cost = 0;
    bool binding = true;
    /// Share rows (a_c = (share - in_c) w_c, rhs 0): the minimum share, the weight w ("land" in
    /// ha or "units") and the host type the row counts (-1: all). share < 0: a cap row.
    double share = -1;
    std::string weight;
    int type = -1;
    /// Share rows over a set of types (policies, destocking bounds): the types counted (indexed
    /// by housing type; empty: `weight` and `type` above) and the measure of w, each column's
    /// typed_quantity. With `cap` the row is a maximum share: a_c = (in_c - share) w_c.
    std::vector<bool> members;
    Quantity measure = Quantity::land_ha;
    bool cap = false;
    /// Rows of a group target (PlanConfig::targets index; -1 otherwise): the upper row
    /// sum q x <= U, or with `lower` the row -sum q x <= -L.
    int target = -1;
    bool lower = false;
    /// Multiple of the best value per unit that one unit of violation costs; < 0: the binding
    /// (or indicative) shortfall cost of [objective].
    double cost_factor = -1;
    /// Fixed cost of any violation, however small (a group target's lower row: cost x its
    /// largest |a|, as TargetRow::F), so a group figure does not end a sliver short.
    double fixed = 0;
};

struct SideEntry {
    std::uint32_t row = 0;
    double a = 0;
};

struct TargetRow {
    int year = 0;
    std::size_t target = 0; // index into PlanConfig::targets
    std::size_t type = 0;
    double T = 0;
    double L = 0;
    double U = 0;
    double rho = 0; // cost of one unit over the target
    double P = 0;   // cost of one unit short of L
    /// Fixed cost of any shortfall below L, however small: P x the row's largest column q, as if
    /// a whole site were missing. Without it a sliver under the figure would cost less than the
    /// site that closes it, and a binding figure would end a few m2 short.
    double F = 0;
    bool binding = true;
    /// A row without a target of its own: it carries the columns of a group target's member type
    /// that has no target itself (T = L = 0, U = inf, no costs; q in ha).
    bool free = false;
};

/// One kink of a zone's jobs-housing cost as a function of the zone's new units u:
/// below x (at - u)+ + above x (u - at)+. The balance term is ZoneRow::slope and, in a zone
/// short of workers, one hinge at the zone's balanced units; the band adds one at each end.
struct ZoneHinge {
    double at = 0;    // in new units of the zone (may be negative: no unit is wanted)
    double below = 0; // cost of one unit short of `at`
    double above = 0; // cost of one unit past `at`
};

struct ZoneRow {
    double dwellings = 0;
    double jobs = 0;    // J_z: the zone's jobs and those of its parks ([indicators] park_jobs)
    double workers = 0; // W0_z: resident workers before the plan
    double balanced_units = 0; // (J_z / J) W^ - W0_z, over k: new units that balance the zone
    double min_dwellings = 0;  // J / r_max: the band's bottom
    double max_dwellings = 0;  // J / r_min: its top
    /// Cost of each new unit (negative: a gain). With the hinges it makes the balance term
    /// w |u - t| less its value at u = 0, w |t|: a zone short of workers (t > 0) gains w a unit
    /// up to t (slope -w, a hinge of 2w at t); one with enough (t <= 0) costs w a unit. So the
    /// objective counts the balance a plan gains, not the imbalance no plan can remove.
    double slope = 0;
    std::vector<ZoneHinge> hinges;
    bool active() const { return slope != 0 || !hinges.empty(); }
};

/// The city-wide figures of the balance term.
struct BalanceTerm {
    double k = 0;             // resident workers per new dwelling: persons_per_unit x labour rate
    double jobs = 0;          // J
    double workers_after = 0; // W^ = W0 + k x the units the targets imply
    double implied_units = 0; // the units the targets imply
};

struct Model {
    const AllocationProblem *problem = nullptr;
    std::vector<Column> columns;             // sorted by (parcel, row)
    std::vector<std::uint32_t> parcel_start; // columns of parcel i: [start[i], start[i+1])
    std::vector<TargetRow> rows;
    std::vector<ZoneRow> zones;
    double jh_cost = 0;   // w: cost of one new unit off a zone's balanced units
    double band_cost = 0; // cost of one dwelling outside the band (0: band off)
    BalanceTerm balance;
    std::vector<SideRow> side_rows;
    /// Floors no column can reach (a policy's `min` with no column in its zones, rhs < 0): not
    /// rows of the program (nothing the solvers choose changes them), reported as broken.
    std::vector<SideRow> unreachable_rows;
    /// The side-row coefficients of column c: side_entries[side_start[c] .. side_start[c + 1]);
    /// side_start is empty when there are no side rows.
    std::vector<std::uint32_t> side_start;
    std::vector<SideEntry> side_entries;
    /// Every column, best value density (value / q) first; ties by parcel id, then column index.
    /// Set by build_model; whoever changes a column's value afterwards calls order_by_density.
    std::vector<std::uint32_t> density_order;

    std::size_t n_parcels() const { return parcel_start.size() - 1; }
    /// The side-row entries of column c.
    std::pair<const SideEntry *, const SideEntry *> side(std::uint32_t c) const {
        if (side_start.empty()) {
            return {nullptr, nullptr};
        }
        return {side_entries.data() + side_start[c], side_entries.data() + side_start[c + 1]};
    }
};

Model build_model(const AllocationProblem &problem);

/// Prices the balance term and builds the zone rows again, for the plan the model's problem now
/// points to: a plan that differs from the one the model was built for in [jobs_housing] alone,
/// which nothing else in a model depends on. The model is then the one build_model would give.
void reweigh_balance(Model &m);

/// The kinds of row a column has a coefficient in (docs/model.md). A new kind of row is added
/// here and in for_each_coefficient; every solver, evaluate() and the plan's tables walk a
/// column's coefficients through it.
enum class RowKind {
    target, ///< its own target row (Column::row); coefficient q
    bundle, ///< the target row its bundled share supplies (rule 9, Column::bundle_row); bundle_q
    zone,   ///< its zone's jobs-housing hinges (index: the zone); coefficient units (dwellings)
    side,   ///< a side row of a rule or group target (index into side_rows); coefficient a
};

/// Calls f(kind, index, coefficient) for every row column `c` enters, in a fixed order: its
/// target row, the bundled row (if any), its zone (if any; active or not), its side rows. The
/// column's value v_c is the objective's coefficient, not a row's: callers take it themselves.
template <class F> void for_each_coefficient(const Model &m, std::uint32_t c, F &&f) {
    const Column &col = m.columns[c];
    f(RowKind::target, col.row, col.q);
    if (col.bundle_row >= 0) {
        f(RowKind::bundle, static_cast<std::uint32_t>(col.bundle_row), col.bundle_q);
    }
    if (col.zone >= 0) {
        f(RowKind::zone, static_cast<std::uint32_t>(col.zone), col.units);
    }
    for (auto [it, end] = m.side(c); it != end; ++it) {
        f(RowKind::side, it->row, it->a);
    }
}

/// Adds `sign` x column c's coefficients to the target rows' `supply` (its own row and the
/// bundled one), the zones' new `units` and the side rows' left-hand sides `side`.
void add_coefficients(const Model &m, std::uint32_t c, double sign, std::vector<double> &supply,
                      std::vector<double> &units, std::vector<double> &side);

/// Whether adding column `c` keeps every target row it supplies (its own and the bundled one)
/// within the upper tolerance U, given the rows' current `supply`.
bool fits_upper(const Model &m, std::uint32_t c, const std::vector<double> &supply);

/// The zones named by `ids`, as a mask over City::zones: an id names a zone, or a district
/// (Zone::district) for all its zones; a PlanFileError naming `key` and `line` for an id that is
/// neither.
std::vector<bool> zone_mask(const PlanConfig &cfg, const City &city,
                            const std::vector<std::string> &ids, int line, const std::string &key);

/// The member mask of `types` over PlanConfig::types (empty: every type); ids the plan does not
/// define are left out. The `member` argument of typed_quantity.
std::vector<bool> type_mask(const PlanConfig &cfg, const std::vector<std::string> &types);

/// The part of column `c`'s site that is of the `member` types (indexed by housing type), in
/// `unit`: the host's share (1 - bundle_share) when the host type is a member, plus the bundled
/// share when the bundled type is one. So a row over several types counts each part of a site
/// once, as the types' own rows do.
double typed_quantity(const Model &m, const Column &c, Quantity unit,
                      const std::vector<bool> &member);

/// The objective of a set of chosen columns, with its parts.
struct Evaluation {
    double objective = 0;
    double suitability = 0;
    double over_cost = 0;
    double short_cost = 0;
    double jh_cost = 0;
    double side_cost = 0;
    std::vector<double> row_supply;
    std::vector<double> zone_units;
    std::vector<double> side_lhs; // sum_c a_sc x_c of each side row
};

Evaluation evaluate(const Model &model, const std::vector<std::uint32_t> &chosen);

/// Sets model.density_order: every column, best value density (value / q) first; ties by parcel
/// id, then column index. One sort of the columns, which the solvers then read in order.
void order_by_density(Model &model);

/// The columns of each target row, in density order (Model::density_order, which the model must
/// have: PreconditionError otherwise).
std::vector<std::vector<std::uint32_t>> columns_by_row(const Model &model);

/// The jobs-housing cost (balance and band) of a zone with `added` new units.
double zone_cost(const Model &model, std::size_t zone, double added);
/// The cost of one hinge at `added` new units.
inline double hinge_cost(const ZoneHinge &h, double added) {
    return h.below * std::max(0.0, h.at - added) + h.above * std::max(0.0, added - h.at);
}
/// Whether a target row supplying `supply` is short of L (a part in a billion absorbs rounding).
inline bool row_short(const TargetRow &row, double supply) {
    return supply < row.L - 1e-9 * std::max(row.L, 1.0);
}
/// The over/short cost of a target row supplying `supply`, the fixed cost F included.
/// `fixed`: false leaves F out (a search phase that may pass through small shortfalls).
double row_cost(const TargetRow &row, double supply, bool fixed = true);
/// Whether a side row whose left-hand side is `lhs` is broken at all (a part in a billion
/// absorbs rounding), the test of its fixed cost.
inline bool side_broken(const SideRow &row, double lhs) {
    return lhs > row.rhs + 1e-9 * std::max(std::abs(row.rhs), 1.0);
}
/// The violation cost of a side row whose left-hand side is `lhs`; `fixed`: with its fixed cost.
inline double side_cost(const SideRow &row, double lhs, bool fixed = true) {
    return (lhs > row.rhs ? row.cost * (lhs - row.rhs) : 0.0) +
           (fixed && row.fixed > 0 && side_broken(row, lhs) ? row.fixed : 0.0);
}

/// The penalties every plan pays, whatever it allocates (>= 0): per target, the larger of its
/// rows' own floors (P for the part of a row's L its columns together cannot supply, and F then)
/// and the horizon's (the least P of its rows for what they ask beyond all its land can give, a
/// parcel once, and the least F); per hinge of a zone, its cost at the
/// nearest number of new units the zone's parcels can give (a zone past the band's top before
/// any unit pays for the excess). The objective plus this is the part a plan controls, and the
/// gap is relative to it: an objective that is mostly a penalty no plan can remove would make
/// any relative gap meaningless (issue 19).
double unavoidable_cost(const Model &model);

/// (bound - objective) / max(|objective + unavoidable|, 1e-9): the gap relative to the part of
/// the objective a plan controls.
double relative_gap(double bound, double objective, double unavoidable);

/// How a solve went: status, objective, a valid upper bound and the relative gap between them.
struct SolveReport {
    std::string solver; // "greedy", "exact (CBC)", "heuristic"
    std::string status; // "optimal", "gap limit", "time limit", "feasible", "no bound"
    double objective = 0;
    double bound = 0; // >= the optimum (maximisation); NaN when none is known
    /// relative_gap(bound, objective, unavoidable_cost); NaN when no bound
    double gap = 0;
    double unavoidable_cost = 0; // the model's unavoidable_cost(): part of every objective
    double seconds = 0;
    bool proven_optimal = false;
};

struct Solution {
    std::vector<std::uint32_t> chosen; // column indices
    SolveReport report;
};

/// What every allocator implements. Deterministic: the same model gives the same solution.
class Allocator {
  public:
    virtual ~Allocator() = default;
    virtual std::string name() const = 0;
    virtual Solution solve(const Model &model) const = 0;
};

/// Converts chosen columns into assignments.
std::vector<Assignment> to_assignments(const Model &model,
                                       const std::vector<std::uint32_t> &chosen);

} // namespace landalloc
