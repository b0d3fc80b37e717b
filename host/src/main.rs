//! The `hearth` binary: parses the command line and runs it.

use clap::Parser;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some(hearth::sandbox::HELPER_ARG) {
        hearth::sandbox::run_helper(&args[2..]);
    }
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
