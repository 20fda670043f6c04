//! Command-line definitions and dispatch.

mod broadcast;
mod feeds;
mod genesis;
mod ibc;
mod inference;
mod keys;
mod query;
mod start;
mod tx;
mod validators;
mod wasm;
mod wasm_query;
mod wasm_tx;

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(name = "inferchaind", version, about = "InferChain node and client")]
pub struct Cli {
    /// Node home: CometBFT's config/ and data/, the app's state, the keyring.
    #[arg(long, global = true, env = "INFERCHAIN_HOME", default_value_os_t = default_home())]
    pub home: PathBuf,
    #[command(subcommand)]
    pub command: Command,
}

fn default_home() -> PathBuf {
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default()
        .join(".inferchain")
}

#[derive(Subcommand)]
pub enum Command {
    /// Create a node home: CometBFT's config and keys (via `cometbft init`) and a genesis file
    /// with this chain id and an empty app state.
    Init {
        moniker: String,
        #[arg(long, default_value = "inferchain-local-1")]
        chain_id: String,
    },
    /// Run the ABCI application (and its gRPC server) for a CometBFT node.
    Start(start::StartArgs),
    /// Edit the genesis file in <home>/config/genesis.json.
    #[command(subcommand)]
    Genesis(genesis::GenesisCmd),
    /// Manage the local keyring.
    #[command(subcommand)]
    Keys(keys::KeysCmd),
    /// Build, sign and broadcast transactions.
    #[command(subcommand)]
    Tx(tx::TxCmd),
    /// Contract code tools.
    #[command(subcommand)]
    Wasm(wasm::WasmCmd),
    /// Query chain state.
    #[command(subcommand, alias = "q")]
    Query(query::QueryCmd),
    /// IBC facts for relayer configuration.
    #[command(subcommand)]
    Ibc(ibc::IbcCmd),
}

#[derive(Clone, Copy, Debug, Default, ValueEnum, PartialEq, Eq)]
pub enum Output {
    #[default]
    Text,
    Json,
}

/// Flags shared by every command that talks to a node.
#[derive(Args, Clone)]
pub struct NodeArgs {
    /// CometBFT RPC endpoint.
    #[arg(long, default_value = "tcp://127.0.0.1:26657", env = "INFERCHAIN_NODE")]
    pub node: String,
    #[arg(long, short = 'o', value_enum, default_value_t = Output::Text)]
    pub output: Output,
}

pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Init { moniker, chain_id } => genesis::init_home(&cli.home, &moniker, &chain_id),
        Command::Start(a) => start::run(&cli.home, a),
        Command::Genesis(c) => genesis::run(&cli.home, c),
        Command::Keys(c) => keys::run(&cli.home, c),
        Command::Wasm(c) => wasm::run(c),
        Command::Ibc(c) => ibc::run(c),
        Command::Tx(c) => runtime()?.block_on(tx::run(&cli.home, c)),
        Command::Query(c) => runtime()?.block_on(query::run(c)),
    }
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}

/// Prints `value` as JSON, or as indented `key: value` lines for humans.
/// Prints a result. A closed stdout (`| head`) ends the output quietly instead of panicking.
pub fn print(output: Output, value: &serde_json::Value) {
    let mut text = String::new();
    match output {
        Output::Json => text = format!("{value}\n"),
        Output::Text => render_text(&mut text, value, 0),
    }
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

fn render_text(out: &mut String, value: &serde_json::Value, indent: usize) {
    use serde_json::Value;
    use std::fmt::Write;
    let pad = " ".repeat(indent);
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                match v {
                    Value::Object(_) | Value::Array(_) => {
                        let _ = writeln!(out, "{pad}{k}:");
                        render_text(out, v, indent + 2);
                    }
                    _ => {
                        let _ = writeln!(out, "{pad}{k}: {}", scalar(v));
                    }
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                match item {
                    Value::Object(_) | Value::Array(_) => {
                        let _ = writeln!(out, "{pad}-");
                        render_text(out, item, indent + 2);
                    }
                    _ => {
                        let _ = writeln!(out, "{pad}- {}", scalar(item));
                    }
                }
            }
        }
        v => {
            let _ = writeln!(out, "{pad}{}", scalar(v));
        }
    }
}

fn scalar(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
