#pragma once
// One builder for the plan files that tests and benchmarks write in code: the TOML text, table
// by table in the order the calls add them, parsed by the real parser (parse_plan), so a built
// plan gets the same defaults and checks as a plan file. No GoogleTest: bench/ links it too
// (landalloc_plan_builder).
//
//   const PlanFile plan = test::PlanBuilder()
//                             .plan(2021, 2025)
//                             .housing_type(test::commercial())
//                             .target({.type = "commercial", .unit = "ha", .values = {10, 12}})
//                             .build();

#include "inputs/city.hpp"
#include "plan_file/plan_file.hpp"

#include <optional>
#include <string>
#include <vector>

namespace landalloc::test {

/// A number as the plan file shows it: printf "%.*f" with `decimals`, or "%g" when negative.
/// The text is what the parser reads, so the decimals decide the value the plan gets.
struct Num {
    double value = 0;
    int decimals = -1;
    Num(double v, int d = -1) : value(v), decimals(d) {} // NOLINT: a double is a "%g" number
    std::string str() const;
};

/// A [housing_types.<name>] table; far_min and far_max are left out when not set.
struct HousingType {
    std::string name;
    Num unit_m2;
    std::optional<Num> far_min = {};
    std::optional<Num> far_max = {};
    bool rental = false;
};

/// The housing types the tests use (unit size and plot ratio range as in the example plans).
HousingType commercial();        // 100 m2 a unit, plot ratio 1.0-3.0
HousingType affordable_rental(); // 60 m2, 1.2-3.5, rental
HousingType talent();            // 80 m2, 1.0-3.5
HousingType resettlement();      // 90 m2, 1.0-3.0

/// A [[targets]] table: yearly `values`, or a `total` over the horizon, each number printed
/// with `decimals` (see Num); `tolerance` printed "%.3f".
struct Target {
    std::string type;
    std::string unit;
    std::vector<double> values = {};
    std::optional<double> total = {};
    int decimals = -1;
    std::optional<double> tolerance = {};
};

class PlanBuilder {
  public:
    /// A blank line before every table (how the hand-written plans look); default: none.
    PlanBuilder &spaced(bool on = true);
    /// [plan]: the horizon, and the name when not empty.
    PlanBuilder &plan(int first_year, int last_year, const std::string &name = "");
    PlanBuilder &housing_type(const HousingType &t);
    PlanBuilder &target(const Target &t);
    /// [jobs_housing]: the weight, and the ratio band when given.
    PlanBuilder &jobs_housing(Num weight, std::optional<Num> ratio_min = {},
                              std::optional<Num> ratio_max = {});
    /// [scoring.weights.<type>]
    PlanBuilder &weights(const std::string &type, Num transit, Num jobs, Num zone_class);
    /// [solver] method = "<method>"
    PlanBuilder &solver(const std::string &method);
    /// TOML appended as it is (rules, or anything the builder has no call for).
    PlanBuilder &raw(const std::string &toml);

    /// The plan file's text.
    const std::string &text() const { return m_text; }
    /// The text parsed; `path` names the file in error messages.
    PlanFile build(const std::string &path = "") const;

  private:
    void table(const std::string &header);
    void key(const std::string &key, const std::string &value);

    bool m_spaced = false;
    std::string m_text;
};

/// The land of all parcels of `city`, in ha (what a plan's shares of the reserve are taken of).
double reserve_ha(const City &city);

} // namespace landalloc::test
