//! The `engram` binary: parse the arguments, run the command, map the outcome to an
//! exit status (0 success, 1 runtime failure, 2 bad input).

use clap::Parser;

fn main() {
    let cli = engram_cli::Cli::parse();
    std::process::exit(engram_cli::main(cli));
}
