//! `inferchaind`: run a node, manage keys, send transactions and query the chain.
//! Commands and flags follow the Cosmos SDK's (`keys`, `tx`, `query`, `--output json`).

mod cli;

use clap::Parser;

fn main() {
    let args = cli::Cli::parse();
    let filter = tracing_subscriber::EnvFilter::try_from_env("INFERCHAIN_LOG")
        // plonky2 logs every circuit it builds at info (verifiers are built at start).
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,plonky2=warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    if let Err(e) = cli::run(args) {
        eprintln!("Error: {e:#}");
        std::process::exit(1);
    }
}
