//! `load`: drives any Cosmos chain over CometBFT RPC and the SDK's query paths (see
//! `inferchain_e2e::load`), prints one JSON report per run on stdout.
//!
//!   load --rpc URL --chain-id ID --prefix infer --denom uspec --gas-price 0.025 \
//!        --mnemonic-file FILE --workload bank|counter|cw20 [--wasm FILE] \
//!        [--accounts 16] [--txs 100] [--pid PID]...

use anyhow::{bail, Context, Result};
use inferchain_e2e::load::{run, LoadConfig};

fn parse() -> Result<LoadConfig> {
    let mut args = std::env::args().skip(1);
    let mut cfg = LoadConfig {
        rpc: "http://127.0.0.1:26657".into(),
        chain_id: String::new(),
        prefix: "infer".into(),
        denom: "uspec".into(),
        gas_price: 0.025,
        funder_mnemonic: String::new(),
        workload: inferchain_e2e::load::Workload::Bank,
        wasm: None,
        accounts: 16,
        txs_per_account: 100,
        pids: vec![],
    };
    while let Some(flag) = args.next() {
        let mut value = || args.next().with_context(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--rpc" => cfg.rpc = value()?,
            "--chain-id" => cfg.chain_id = value()?,
            "--prefix" => cfg.prefix = value()?,
            "--denom" => cfg.denom = value()?,
            "--gas-price" => cfg.gas_price = value()?.parse()?,
            "--mnemonic-file" => {
                let path = value()?;
                cfg.funder_mnemonic = std::fs::read_to_string(&path)
                    .with_context(|| format!("reading {path}"))?
                    .trim()
                    .to_string();
            }
            "--workload" => cfg.workload = value()?.parse()?,
            "--wasm" => cfg.wasm = Some(value()?.into()),
            "--accounts" => cfg.accounts = value()?.parse()?,
            "--txs" => cfg.txs_per_account = value()?.parse()?,
            "--pid" => cfg.pids.push(value()?.parse()?),
            "-h" | "--help" => {
                eprintln!(
                    "{}",
                    include_str!("load.rs")
                        .lines()
                        .take(6)
                        .collect::<Vec<_>>()
                        .join("\n")
                );
                std::process::exit(0);
            }
            other => bail!("unknown flag {other}"),
        }
    }
    if cfg.chain_id.is_empty() || cfg.funder_mnemonic.is_empty() {
        bail!("--chain-id and --mnemonic-file are required");
    }
    Ok(cfg)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<()> {
    let cfg = parse()?;
    let report = run(cfg).await?;
    println!("{}", serde_json::to_string(&report)?);
    Ok(())
}
