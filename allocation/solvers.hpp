#pragma once
// The solvers a plan may ask for ([solver] method, `landalloc plan --solver`): the one table of
// their names, what each does and how to make it. The plan-file parser, the command line's check
// and its help text take the names from here (docs/model.md, "Solvers").

#include "allocation/config.hpp"
#include "allocation/model.hpp"

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace landalloc {

struct SolverEntry {
    const char *name;        // as written in [solver] method and after --solver
    const char *description; // what it does, for the help text
    /// The allocator for a problem of `n_parcels` candidate parcels.
    std::unique_ptr<Allocator> (*make)(const SolverConfig &config, std::size_t n_parcels);
};

/// Every solver, the default ("auto") first.
std::span<const SolverEntry> solvers();

/// The solver named `name`, or nullptr.
const SolverEntry *find_solver(const std::string &name);

/// The names, in the order of solvers().
std::vector<std::string> solver_names();

/// The names as a list in prose: "auto, exact, heuristic or greedy".
std::string solver_names_text();

/// Each name with its description, in prose: "auto (...), exact (...), ... or greedy (...)".
std::string solver_descriptions_text();

/// The allocator the plan's [solver] asks for ("auto" picks exact up to
/// auto_exact_max_parcels candidate parcels, the heuristic beyond); a method not in the table
/// (the parsers refuse one) gets the heuristic.
std::unique_ptr<Allocator> make_allocator(const SolverConfig &config, std::size_t n_parcels);

} // namespace landalloc
