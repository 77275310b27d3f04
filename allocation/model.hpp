#pragma once
// The allocation as a mixed-integer program (docs/model.md has the mathematics). One Model is
// built from an AllocationProblem; the exact solver (CBC), the heuristic and the evaluation of
// any plan all use it, so they optimise and report the same objective.
//
//   max  sum_c  v_c x_c                                  suitability of chosen (parcel, year, type)
//        - sum_r (rho_r over_r + P_r short_r + F_r y_r)  over the target / short of L / short
//        - w   sum_z (under_z + surplus_z)               jobs-housing deviation of each zone
//   s.t. sum_{c of parcel i} x_c <= 1                    each parcel at most once
//        sum_{c in r} q_c x_c - over_r <= T_r            target row r (target k, year y)
//        sum_{c in r} q_c x_c + short_r >= L_r  (= T_r; T_r (1 - lower_tol) if indicative)
//        short_r <= L_r y_r                                   y_r binary: short at all
//        sum_{c in r} q_c x_c <= U_r = T_r (1 + tol)
//        D_z + sum_{c in z} u_c x_c + under_z >= J_z / r_max   (too few dwellings for the jobs)
//        D_z + sum_{c in z} u_c x_c - surplus_z <= J_z / r_min (too many)
//        sum_c a_sc x_c - viol_s <= b_s                  side row s of a rule (rental share,
//                                                        park cap, key areas, ...), viol costs C_s
//        x binary, over, short, under, surplus, viol >= 0
// A column may also supply a second target row (a bundled share of its floor area, rule 9).

#include "allocation/problem.hpp"

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace landalloc {

/// A candidate decision: parcel -> (year, type), existing only where the parcel is eligible for
/// the type, available by the year, and the type has a positive target that year.
struct Column {
    std::uint32_t parcel = 0;
    std::uint32_t row = 0;  // target row (target k, year y)
    std::uint32_t type = 0; // housing type index
    std::int32_t zone = -1; // the parcel's zone
    double far = 0;   // plot ratio built at in its year (rule 6's bonus once the station opens)
    double value = 0; // v_c: score x area in ha x (1 + early-supply bonus)
    double q = 0;     // contribution to the row, in the target's unit
    double units = 0; // dwelling units added to the zone (host and bundled)
    std::int32_t bundle_row = -1;  // target row of the bundled type, or -1
    double bundle_q = 0;           // contribution to bundle_row, in its target's unit
    std::int32_t bundle_type = -1; // the bundled housing type (rule 9), or -1
    double bundle_share = 0;       // share of the floor area that is bundled
};

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

struct ZoneRow {
    double dwellings = 0;
    double min_dwellings = 0; // J / r_max
    double max_dwellings = 0; // J / r_min
    bool active = false;      // zone has jobs and the jobs-housing term is on
};

struct Model {
    const AllocationProblem *problem = nullptr;
    std::vector<Column> columns;             // sorted by (parcel, row)
    std::vector<std::uint32_t> parcel_start; // columns of parcel i: [start[i], start[i+1])
    std::vector<TargetRow> rows;
    std::vector<ZoneRow> zones;
    double jh_cost = 0; // w: cost of one dwelling of jobs-housing deviation
    std::vector<SideRow> side_rows;
    /// Floors no column can reach (a policy's `min` with no column in its zones, rhs < 0): not
    /// rows of the program (nothing the solvers choose changes them), reported as broken.
    std::vector<SideRow> unreachable_rows;
    /// The side-row coefficients of column c: side_entries[side_start[c] .. side_start[c + 1]);
    /// side_start is empty when there are no side rows.
    std::vector<std::uint32_t> side_start;
    std::vector<SideEntry> side_entries;

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

/// The kinds of row a column has a coefficient in (docs/model.md). A new kind of row is added
/// here and in for_each_coefficient; every solver, evaluate() and the plan's tables walk a
/// column's coefficients through it.
enum class RowKind {
    target, ///< its own target row (Column::row); coefficient q
    bundle, ///< the target row its bundled share supplies (rule 9, Column::bundle_row); bundle_q
    zone,   ///< its zone's jobs-housing rows (index: the zone); coefficient units (dwellings)
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

/// Sorts columns best value density (value / q) first; ties by parcel id, then column index.
void sort_by_density(const Model &model, std::vector<std::uint32_t> &columns);

/// The cost of the jobs-housing deviation of a zone with `added` new units.
double zone_cost(const Model &model, std::size_t zone, double added);
/// Whether a target row supplying `supply` is short of L (a part in a billion absorbs rounding).
inline bool row_short(const TargetRow &row, double supply) {
    return supply < row.L - 1e-9 * std::max(row.L, 1.0);
}
/// The over/short cost of a target row supplying `supply`, the fixed cost F included.
/// `fixed`: false leaves F out (a search phase that may pass through small shortfalls).
double row_cost(const TargetRow &row, double supply, bool fixed = true);
/// The violation cost of a side row whose left-hand side is `lhs`.
inline double side_cost(const SideRow &row, double lhs) {
    return lhs > row.rhs ? row.cost * (lhs - row.rhs) : 0.0;
}

/// How a solve went: status, objective, a valid upper bound and the relative gap between them.
struct SolveReport {
    std::string solver; // "greedy", "exact (CBC)", "heuristic"
    std::string status; // "optimal", "gap limit", "time limit", "feasible", "no bound"
    double objective = 0;
    double bound = 0; // >= the optimum (maximisation); NaN when none is known
    double gap = 0;   // (bound - objective) / max(|objective|, 1e-9); NaN when no bound
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
