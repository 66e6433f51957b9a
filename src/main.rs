//! The `pianura` binary: parse arguments, run, print the error chain once.
//! Exit codes: 0 success, 2 error (bad input, infeasible request, I/O).

mod cli;

use clap::Parser;

fn main() {
    if let Err(e) = cli::run(cli::Cli::parse()) {
        // A reader that stopped early (`pianura graph | head`) is not an error.
        let closed = e.downcast_ref::<std::io::Error>().map(std::io::Error::kind);
        if closed == Some(std::io::ErrorKind::BrokenPipe) {
            return;
        }
        eprintln!("error: {e:#}");
        std::process::exit(2);
    }
}
