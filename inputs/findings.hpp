#pragma once
// Data-quality findings: values, not exceptions. Loading the inputs records every problem it meets
// (a repaired polygon, a skipped empty geometry, a missing field, a negative value) as a Finding in
// a FindingsReport; `landalloc validate` prints the report and can write it as a layer, and
// `landalloc plan` refuses to run when the report holds an error. The codes are documented in
// docs/inputs.md.

#include "gis/geometry.hpp"
#include "gis/vector_io.hpp"

#include <cstdint>
#include <iosfwd>
#include <map>
#include <string>
#include <vector>

namespace landalloc {

enum class Severity {
    info,    ///< worth knowing (the CRS chosen, a layer reprojected)
    warning, ///< the data was used after a repair or with a part left out
    error,   ///< the inputs cannot be used as they are
};

const char *severity_name(Severity s);

struct Finding {
    std::string code; // stable identifier, e.g. "invalid_geometry_repaired"
    Severity severity = Severity::warning;
    std::string source; // path or connection string ("" when not about a source)
    std::string layer;
    std::int64_t fid = -1; // feature id; -1 when about the whole layer
    std::string field;     // "" when not about one field
    std::string message;   // what is wrong and what to do
    /// The feature's own id, the bureau's (a parcel's DKBH), and the field holding it; "" when
    /// the finding is about no feature or the feature has none (load_city fills them in).
    std::string feature_key{};
    std::string key_field{};
    /// The feature's geometry in the working CRS; null when about no feature, when the geometry
    /// is unusable or the working CRS unknown (load_city fills it in).
    gis::Geometry geometry{};

    /// One line: "<source>, layer '<layer>', feature <fid> (<key_field> <feature_key>), field
    /// '<field>': <message>".
    std::string describe() const;
};

class FindingsReport {
  public:
    void add(Finding f);
    const std::vector<Finding> &findings() const { return m_findings; }
    /// The same, to fill in what is learnt after a finding was added (its feature's id and
    /// geometry, once every layer is read).
    std::vector<Finding> &findings() { return m_findings; }
    bool has_errors() const { return count(Severity::error) > 0; }
    int count(Severity s) const;
    /// The first error, or nullptr.
    const Finding *first_error() const;
    /// Count of each code, in code order.
    std::map<std::string, int> counts_by_code() const;
    /// The report for people: counts by code with up to `examples` examples each.
    void print(std::ostream &out, int examples = 3) const;
    /// The findings of one severity: the count of each code with up to `examples` examples.
    void print_codes(std::ostream &out, Severity severity, int examples = 3) const;

  private:
    std::vector<Finding> m_findings;
};

/// Writes the findings into a new GeoPackage (atomically): every finding in the attribute table
/// `findings`, and those about a feature with a usable geometry also in a spatial layer in `crs`
/// by the geometry's kind (`finding_areas`, `finding_points`, `finding_lines`; written only when
/// not empty), each with a default QGIS style by severity and the feature's id as label.
void write_findings_gpkg(const std::string &path, bool overwrite, const FindingsReport &report,
                         const gis::Crs &crs);

} // namespace landalloc
