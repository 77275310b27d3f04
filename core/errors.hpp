#pragma once
// The error hierarchy of landalloc. Code throws these with a message that names the file, layer,
// feature id and field where that is known; only main() catches them and maps them to the exit
// codes documented in docs/exit-codes.md. This header includes no GDAL/GEOS header, so every
// module may use it.

#include <stdexcept>
#include <string>

namespace landalloc {

/// Process exit codes. Stable: scripts depend on them. Keep clear of 124-127 and 137.
enum class ExitCode : int {
    ok = 0,
    internal = 1,      ///< a bug: please report it
    usage = 2,         ///< bad command line
    input_data = 3,    ///< an input layer cannot be used (missing file, field, bad values)
    plan_file = 4,     ///< the plan file is malformed or has an invalid value
    output = 5,        ///< the output cannot be written (exists without --overwrite, disk error)
    targets_unmet = 6, ///< the plan was written, but a binding target is not met
};

class Error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
    virtual ExitCode exit_code() const noexcept { return ExitCode::internal; }
    virtual const char *kind() const noexcept { return "internal error"; }
};

/// An Error with a fixed exit code and kind (the message's prefix); the classes below differ in
/// nothing else.
template <ExitCode Code, const char *Kind> class CodedError : public Error {
  public:
    using Error::Error;
    ExitCode exit_code() const noexcept override { return Code; }
    const char *kind() const noexcept override { return Kind; }
};

namespace error_kind {
inline constexpr char usage[] = "usage error";
inline constexpr char input[] = "input error";
inline constexpr char plan_file[] = "plan file error";
inline constexpr char output[] = "output error";
inline constexpr char gis[] = "GIS library error";
} // namespace error_kind

class UsageError : public CodedError<ExitCode::usage, error_kind::usage> {
  public:
    using CodedError::CodedError;
};
class DataError : public CodedError<ExitCode::input_data, error_kind::input> {
  public:
    using CodedError::CodedError;
};
class PlanFileError : public CodedError<ExitCode::plan_file, error_kind::plan_file> {
  public:
    using CodedError::CodedError;
};
class OutputError : public CodedError<ExitCode::output, error_kind::output> {
  public:
    using CodedError::CodedError;
};

/// A function was called against its documented precondition (a bug in the caller, not the
/// user's data at fault): an internal error, exit code 1. The message reads like that of any
/// other exception run_cli reports as internal ("... (please report this)").
class PreconditionError : public Error {
  public:
    explicit PreconditionError(const std::string &what) : Error(what + " (please report this)") {}
};

/// A GEOS or GDAL call failed where it should not have (not the user's data at fault).
class GisError : public CodedError<ExitCode::internal, error_kind::gis> {
  public:
    using CodedError::CodedError;
};

} // namespace landalloc
