#include "cli/command.hpp"
#include "gis/atomic_file.hpp"

#include <iostream>

int main(int argc, char **argv) {
    // SIGINT and SIGTERM remove the run's temporary outputs and exit with 130 or 143; a file-size
    // limit (SIGXFSZ) fails the write as an output error (docs/exit-codes.md).
    landalloc::gis::install_interrupt_handler();
    return landalloc::cli::run_cli(argc, argv, std::cout, std::cerr);
}
