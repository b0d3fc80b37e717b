//! The `hearth` binary: parses the command line and runs it.

use clap::Parser;

fn main() {
    hearth::logging::init();
    let cli = hearth::cli::Cli::parse();
    match hearth::cli::run(cli) {
        Ok(code) => std::process::exit(code),
        Err(err) => {
            eprintln!("hearth: {err:#}");
            std::process::exit(1);
        }
    }
}
