#include "allocation/solvers.hpp"

#include "allocation/exact.hpp"
#include "allocation/greedy.hpp"
#include "allocation/heuristic.hpp"

namespace landalloc {

namespace {

std::unique_ptr<Allocator> make_exact(const SolverConfig &config, std::size_t) {
    ExactOptions o;
    o.time_limit_s = config.time_limit_s;
    o.gap = config.gap;
    return std::make_unique<ExactAllocator>(o);
}

std::unique_ptr<Allocator> make_heuristic(const SolverConfig &config, std::size_t) {
    HeuristicOptions o;
    o.bound_iterations = config.heuristic_iterations;
    return std::make_unique<HeuristicAllocator>(o);
}

std::unique_ptr<Allocator> make_greedy(const SolverConfig &, std::size_t) {
    return std::make_unique<GreedyAllocator>();
}

std::unique_ptr<Allocator> make_auto(const SolverConfig &config, std::size_t n_parcels) {
    return n_parcels <= static_cast<std::size_t>(config.auto_exact_max_parcels)
               ? make_exact(config, n_parcels)
               : make_heuristic(config, n_parcels);
}

constexpr SolverEntry k_solvers[] = {
    {"auto", "exact up to solver.auto_exact_max_parcels candidate parcels, the heuristic beyond",
     make_auto},
    {"exact", "CBC, proven gap", make_exact},
    {"heuristic", "local search, certified gap", make_heuristic},
    {"greedy", "the greedy construction alone, no bound", make_greedy},
};

/// "a, b, c or d" of the parts.
std::string in_prose(const std::vector<std::string> &parts) {
    std::string s;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        s += (i == 0 ? "" : i + 1 == parts.size() ? " or " : ", ") + parts[i];
    }
    return s;
}

} // namespace

std::span<const SolverEntry> solvers() { return k_solvers; }

const SolverEntry *find_solver(const std::string &name) {
    for (const SolverEntry &s : k_solvers) {
        if (name == s.name) {
            return &s;
        }
    }
    return nullptr;
}

std::vector<std::string> solver_names() {
    std::vector<std::string> out;
    for (const SolverEntry &s : k_solvers) {
        out.emplace_back(s.name);
    }
    return out;
}

std::string solver_names_text() { return in_prose(solver_names()); }

std::string solver_descriptions_text() {
    std::vector<std::string> parts;
    for (const SolverEntry &s : k_solvers) {
        parts.push_back(std::string(s.name) + " (" + s.description + ")");
    }
    return in_prose(parts);
}

std::unique_ptr<Allocator> make_allocator(const SolverConfig &config, std::size_t n_parcels) {
    const SolverEntry *s = find_solver(config.method);
    return s ? s->make(config, n_parcels) : make_heuristic(config, n_parcels);
}

} // namespace landalloc
