#include "outputs/schema.hpp"

#include <algorithm>
#include <string>

namespace landalloc {

std::vector<gis::FieldDef>
LayerSchema::field_defs(const std::vector<gis::FieldDef> &per_plan) const {
    std::vector<gis::FieldDef> defs;
    defs.reserve(fields.size() + per_plan.size());
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i == per_plan_at) {
            defs.insert(defs.end(), per_plan.begin(), per_plan.end());
        }
        defs.push_back({std::string(fields[i].name), fields[i].type, std::string(fields[i].alias)});
    }
    if (per_plan_at >= fields.size()) {
        defs.insert(defs.end(), per_plan.begin(), per_plan.end());
    }
    return defs;
}

std::vector<gis::FieldDef> fields_in(const LayerSchema &schema, std::vector<gis::FieldDef> fields,
                                     Language l) {
    if (l == Language::en && schema.name != k_layer_supply) {
        for (gis::FieldDef &f : fields) {
            if (std::any_of(schema.fields.begin(), schema.fields.end(),
                            [&](const FieldSchema &s) { return s.name == f.name; })) {
                f.alias.clear();
            }
        }
    }
    return fields;
}

} // namespace landalloc
