//! Command-line interface: clap arguments ([`args`]) → validated configs ([`config`]) →
//! library calls → tables or JSON on stdout, one file per command. No algorithm lives here;
//! errors get their context (`anyhow`) and are printed by `main`.

use anyhow::Result;

mod args;
mod common;
mod compare;
mod config;
mod ensemble;
mod features;
mod graph;
mod interrupt;
mod plan;
mod progress;
mod values;
mod zones;

pub use args::Cli;
use args::Command;

/// Runs one command.
pub fn run(cli: Cli) -> Result<()> {
    interrupt::install();
    install_logger();
    match cli.command {
        Command::Graph(args) => graph::run(args),
        Command::Features(args) => features::run(args),
        Command::Zones(args) => zones::run(args),
        Command::Plan(args) => plan::run(args),
        Command::Compare(args) => compare::run(args),
        Command::Ensemble(args) => ensemble::run(args),
    }
}

/// The library's diagnostics (the `log` facade) on stderr: debug lines with `PIANURA_DEBUG`
/// set, warnings otherwise; other crates' records are left out.
fn install_logger() {
    let level = if std::env::var_os("PIANURA_DEBUG").is_some() { log::LevelFilter::Debug } else { log::LevelFilter::Warn };
    env_logger::Builder::new()
        .filter_level(log::LevelFilter::Off)
        .filter_module("pianura", level)
        .format_timestamp(None)
        .format_target(false)
        .init();
}
