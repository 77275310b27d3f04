#include "core/errors.hpp"
#include "core/units.hpp"
#include "plan_file/plan_file.hpp"

#include <gtest/gtest.h>

using namespace landalloc;

namespace {

const char *k_minimal = R"toml(
[plan]
first_year = 2021
last_year = 2023

[housing_types.commercial]
unit_m2 = 100.0
far_min = 1.0
far_max = 2.5

[[targets]]
type = "commercial"
unit = "units"
values = [100.0, 200.0, 300.0]
)toml";

std::string error_of(const std::string &text) {
    try {
        (void)parse_plan(text, "test.toml");
    } catch (const PlanFileError &e) {
        return e.what();
    }
    return "(no error)";
}

} // namespace

TEST(Housing, ConversionsAreConsistent) {
    HousingType t;
    t.unit_m2 = 90;
    // Jiaxing Port: plot ratio 2.0, about 90 m2 a unit.
    const double area = 10000; // 1 ha
    EXPECT_DOUBLE_EQ(quantity_of(Quantity::land_ha, area, 2.0, t), 1.0);
    EXPECT_DOUBLE_EQ(quantity_of(Quantity::floor_m2, area, 2.0, t), 20000.0);
    EXPECT_NEAR(quantity_of(Quantity::units, area, 2.0, t), 20000.0 / 90.0, 1e-9);
    EXPECT_EQ(parse_quantity("m2"), Quantity::floor_m2);
    EXPECT_STREQ(quantity_unit(Quantity::units), "units");
    EXPECT_FALSE(parse_quantity("acres"));
}

TEST(PlanConfig, DefaultPlanParsesWithLianyungangTotals) {
    const PlanFile cfg = default_plan();
    EXPECT_EQ(cfg.first_year, 2021);
    EXPECT_EQ(cfg.last_year, 2025);
    ASSERT_EQ(cfg.targets.size(), 2u);
    // Residential land per year = commercial + affordable rental = 169, 179, 190, 202, 215 ha.
    const double expected[] = {169, 179, 190, 202, 215};
    for (int y = 0; y < 5; ++y) {
        double sum = 0;
        double rental = 0;
        for (const auto &t : cfg.targets) {
            sum += t.values[static_cast<std::size_t>(y)];
            if (cfg.types[static_cast<std::size_t>(cfg.type_index(t.type))].rental) {
                rental += t.values[static_cast<std::size_t>(y)];
            }
        }
        EXPECT_DOUBLE_EQ(sum, expected[y]) << "year " << 2021 + y;
        EXPECT_GE(rental / sum, 0.10) << "rental share, year " << 2021 + y;
    }
}

TEST(PlanConfig, MinimalPlanParses) {
    const PlanFile cfg = parse_plan(k_minimal, "test.toml");
    EXPECT_EQ(cfg.years(), 3);
    ASSERT_EQ(cfg.targets.size(), 1u);
    EXPECT_EQ(cfg.targets[0].unit, Quantity::units);
    EXPECT_DOUBLE_EQ(cfg.targets[0].tolerance, 0.05);
    EXPECT_TRUE(cfg.targets[0].binding);
    EXPECT_EQ(cfg.inputs.parcels, "parcels");
}

TEST(PlanConfig, TotalIsSplitEvenlyOverTheHorizon) {
    std::string text = k_minimal;
    text.replace(text.find("values = [100.0, 200.0, 300.0]"), 30, "total = 900.0");
    const PlanFile cfg = parse_plan(text, "test.toml");
    EXPECT_EQ(cfg.targets[0].values, (std::vector<double>{300, 300, 300}));
}

TEST(PlanConfig, UnknownKeyNamesKeyAndLine) {
    const std::string msg = error_of(std::string(k_minimal) + "\n[plan2]\nx = 1\n");
    EXPECT_NE(msg.find("test.toml:16"), std::string::npos) << msg;
    EXPECT_NE(msg.find("'plan2'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("unknown key"), std::string::npos) << msg;

    std::string typo = k_minimal;
    typo.replace(typo.find("far_max"), 7, "far_mx");
    const std::string msg2 = error_of(typo);
    EXPECT_NE(msg2.find("test.toml:9: key 'housing_types.commercial.far_mx': unknown key"),
              std::string::npos)
        << msg2;
}

TEST(PlanConfig, WrongNumberOfYearlyValues) {
    std::string text = k_minimal;
    text.replace(text.find("values = [100.0, 200.0, 300.0]"), 30, "values = [1.0, 2.0]");
    const std::string msg = error_of(text);
    EXPECT_NE(msg.find("targets[0].values"), std::string::npos) << msg;
    EXPECT_NE(msg.find("has 2 values but the horizon 2021-2023 has 3 years"), std::string::npos)
        << msg;
}

TEST(PlanConfig, OutOfRangeAndWrongTypes) {
    std::string text = k_minimal;
    text.replace(text.find("unit_m2 = 100.0"), 15, "unit_m2 = -5.0");
    EXPECT_NE(error_of(text).find("housing_types.commercial.unit_m2': -5 is out of range"),
              std::string::npos)
        << error_of(text);

    text = k_minimal;
    text.replace(text.find("first_year = 2021"), 17, "first_year = \"2021\"");
    EXPECT_NE(error_of(text).find("'plan.first_year': must be an integer"), std::string::npos)
        << error_of(text);

    text = k_minimal;
    text.replace(text.find("far_max = 2.5"), 13, "far_max = 0.5");
    EXPECT_NE(error_of(text).find("must not be below far_min"), std::string::npos);
}

TEST(PlanConfig, TargetForUnknownTypeIsAnError) {
    std::string text = k_minimal;
    text.replace(text.find("type = \"commercial\""), 19, "type = \"villas\"");
    const std::string msg = error_of(text);
    EXPECT_NE(msg.find("'villas' is not a housing type"), std::string::npos) << msg;
}

TEST(PlanConfig, InvalidTomlReportsLine) {
    const std::string msg = error_of("[plan]\nfirst_year = \n");
    EXPECT_NE(msg.find("test.toml:2: not valid TOML"), std::string::npos) << msg;
}

TEST(PlanConfig, MissingPlanFileIsAPlanFileError) {
    EXPECT_THROW(load_plan("/nonexistent/plan.toml"), PlanFileError);
}
