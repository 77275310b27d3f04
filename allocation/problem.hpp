#pragma once
// The allocation problem in numbers: which parcel may take which housing type, at what plot
// ratio, with what score. Built once from the City and the plan; allocation/model.hpp turns it
// into the mixed-integer program every allocator solves.

#include "allocation/config.hpp"
#include "core/domain.hpp"
#include "core/plan.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace landalloc {

/// Why a parcel can never take a housing type (or `ok`).
enum class Eligibility : unsigned char {
    ok,
    excluded,         // overlaps an exclusion constraint
    type_not_allowed, // the parcel's allowed types leave this one out
    far_too_low,      // the parcel's plot-ratio cap is below the type's minimum
    outside_zones,    // the parcel lies in no zone
    destock_stop,     // rule 2: the zone's inventory months stop new supply of the type
    ar_siting,        // rule 4: too far from every station and industrial park for AR
    zone_class,       // rule 7: the zone's class does not permit the type
    commute_limit,    // [rules.commute_limit]: beyond the commute time of jobs for the type
};

/// The sentence of an ineligibility, in `l`.
const char *eligibility_reason(Eligibility e, Language l = Language::en);
/// [rules.commute_limit] binding for `type` and the parcel's commute_min past its minutes.
bool beyond_commute_limit(const RulesConfig &rules, const Parcel &p, const std::string &type);
/// The rejection code of an ineligibility: far_too_low, destock_stop, ar_siting, zone_class, ...
const char *eligibility_code(Eligibility e);

struct AllocationProblem {
    const City *city = nullptr;
    const PlanConfig *plan = nullptr;
    std::size_t n_parcels = 0;
    std::size_t n_types = 0;
    // Indexed [parcel * n_types + type].
    std::vector<Eligibility> eligibility;
    std::vector<double> far; // plot ratio the type would be built at (TOD bonus included)
    /// Without the TOD bonus: the plot ratio before the station of the bonus opens (rule 6).
    std::vector<double> far_base;
    /// Per parcel: the TOD value factor (1 without) and the year its station opens (0: open).
    std::vector<double> tod_factor;
    std::vector<int> tod_opens;
    std::vector<double> score; // suitability in [0, 1]
    /// Value multiplier of the rules (destocking, AR land-source priority, TOD); 1 without.
    std::vector<double> factor;

    std::size_t at(std::size_t parcel, std::size_t type) const { return parcel * n_types + type; }
    /// The plot ratio and value factor of (parcel, type) in `year`: the TOD bonus counts only
    /// once the station it comes from is open.
    double far_in(std::size_t parcel, std::size_t type, int year) const {
        return year < tod_opens[parcel] ? far_base[at(parcel, type)] : far[at(parcel, type)];
    }
    double factor_in(std::size_t parcel, std::size_t type, int year) const {
        return year < tod_opens[parcel] ? factor[at(parcel, type)] / tod_factor[parcel]
                                        : factor[at(parcel, type)];
    }
    bool eligible(std::size_t parcel, std::size_t type) const {
        return eligibility[at(parcel, type)] == Eligibility::ok;
    }
    /// Frees the figures indexed by parcel and type once the model is built from them, for a
    /// caller that only solves it: the solvers read the model alone, and at a million parcels
    /// the figures are 200 MB. Nothing that explains a site (it reads them) may follow.
    void release_figures();
};

/// The suitability score's three terms for a parcel and a housing type, each weighted and
/// normalised: the score is transit + jobs + zone_class. Computed when asked (build_problem keeps
/// only their sum): stored, they were 24 bytes a parcel and type.
struct ScoreTerms {
    double transit = 0;
    double jobs = 0;
    double zone_class = 0;
};
ScoreTerms score_terms(const City &city, const PlanConfig &plan, const Parcel &p,
                       const HousingType &type);

/// One decision: parcel -> (year, type).
struct Assignment {
    std::size_t parcel = 0;
    int year = 0;
    std::size_t type = 0;
};

AllocationProblem build_problem(const City &city, const PlanConfig &plan);

// The rules' per-parcel tests, shared by the problem, the model and the explanations.

/// Index of the TOD radius the parcel's nearest station lies within (a station of one of the
/// rule's modes), or -1.
int tod_band(const TodRule &rule, const City &city, const Parcel &p);
/// Rank of the parcel's land source in the AR priority list (the list's length when absent).
std::size_t land_source_rank(const ArSitingRule &rule, const std::string &source);
/// Whether the site qualifies for a bundling rule (and which test made it, in `l`: "site of at
/// least 5 ha", ...).
bool bundling_applies(const BundlingRule &rule, const City &city, const Parcel &p,
                      std::string *why = nullptr, Language l = Language::en);
/// Whether a parcel may take resettlement for the displacing zone `zone` (rule 11): in the zone,
/// or in an adjacent zone within the rule's distance of the zone's centre.
bool resettlement_near(const ResettlementRule &rule, const City &city, const Parcel &p, int zone);
/// The zone's destocking multiplier for a type (1 without the rule or for other types).
double destock_factor(const PlanConfig &plan, const Zone &zone, const std::string &type);

} // namespace landalloc
