// `landalloc synth`: writes the deterministic example city (inputs/synth.hpp) as a GeoPackage.

#include "cli/commands.hpp"
#include "cli/output_check.hpp"
#include "inputs/synth.hpp"

namespace landalloc::cli {

namespace {

class SynthCommand final : public Command {
  public:
    const char *name() const override { return "synth"; }
    const char *description() const override {
        return "Generate a deterministic example city (districts, metro, parks, constraints, "
               "candidate parcels) as a GeoPackage";
    }
    void setup(CLI::App &app) override {
        app.add_option("-o,--out", m_out, "Output GeoPackage")->required();
        app.add_option("-n,--parcels", m_opt.parcels, "Number of candidate parcels")
            ->capture_default_str()
            ->check(CLI::Range(1, 2000000));
        app.add_option("-s,--seed", m_opt.seed, "Random seed; the same seed gives the same city")
            ->capture_default_str()
            ->check(seed_check());
        app.add_option("--scale", m_opt.scale,
                       "Linear size of the city relative to the default (34 x 26 km)")
            ->capture_default_str()
            ->check(CLI::Range(0.05, 50.0));
        app.add_option("--first-year", m_opt.first_year, "First year parcels become available")
            ->capture_default_str()
            ->check(CLI::Range(1900, 2200));
        app.add_option("--last-year", m_opt.last_year, "Last year of the horizon")
            ->capture_default_str()
            ->check(CLI::Range(1900, 2200));
        app.add_flag("--overwrite", m_overwrite, "Replace the output file if it exists");
    }
    int run(Io &io) override {
        check_output(m_out, ".gpkg", m_overwrite, {});
        const SynthSummary s = write_synth_city(m_opt, m_out, m_overwrite);
        if (!io.quiet) {
            io.out << "wrote " << m_out << ": " << s.zones << " zones, " << s.stations
                   << " stations, " << s.parks << " industrial parks, " << s.constraints
                   << " constraints, " << s.parcels << " candidate parcels ("
                   << static_cast<long>(s.parcel_area_ha + 0.5) << " ha), EPSG:" << m_opt.epsg
                   << ", seed " << m_opt.seed << "\n";
        }
        return 0;
    }

  private:
    SynthOptions m_opt;
    std::string m_out;
    bool m_overwrite = false;
};

} // namespace

std::unique_ptr<Command> make_synth_command() { return std::make_unique<SynthCommand>(); }

} // namespace landalloc::cli
