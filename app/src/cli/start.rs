//! `inferchaind start`: the ABCI server CometBFT connects to, plus the gRPC server.

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result};
use clap::Args;
use inferchain_app::coins::GasPrice;
use inferchain_app::node::{AbciApp, Node, NodeConfig};
use inferchain_app::store::Store;

#[derive(Args)]
pub struct StartArgs {
    /// Address the ABCI server listens on (CometBFT's `proxy_app`).
    #[arg(long, default_value = "127.0.0.1:26658")]
    pub abci: String,
    /// Address of the gRPC server; "off" disables it.
    #[arg(long, default_value = "127.0.0.1:9090")]
    pub grpc_address: String,
    /// CometBFT RPC, used by the gRPC tx and tendermint services.
    #[arg(long, default_value = "http://127.0.0.1:26657")]
    pub rpc: String,
    /// This node's mempool fee floor; "" accepts zero-fee transactions.
    #[arg(long, default_value = "0.025uspec")]
    pub minimum_gas_prices: String,
    /// Keep this many recent versions provable (0 keeps all).
    #[arg(long, default_value_t = 100_000)]
    pub pruning_keep_recent: u64,
}

pub fn run(home: &Path, args: StartArgs) -> Result<()> {
    let genesis_path = super::genesis::genesis_path(home);
    let genesis: serde_json::Value = serde_json::from_slice(
        &std::fs::read(&genesis_path)
            .with_context(|| format!("reading {}", genesis_path.display()))?,
    )?;
    let chain_id = genesis["chain_id"]
        .as_str()
        .context("genesis has no chain_id")?
        .to_string();
    let min_gas_price = match args.minimum_gas_prices.trim() {
        "" => None,
        s => Some(GasPrice::parse(s).map_err(anyhow::Error::msg)?),
    };
    let data = home.join("data");
    std::fs::create_dir_all(&data)?;
    let store = Arc::new(Store::open(&data.join("inferchain.redb")).context("opening state")?);
    let node = Arc::new(Node::new(
        store,
        NodeConfig {
            chain_id: chain_id.clone(),
            min_gas_price,
            keep_recent: args.pruning_keep_recent,
            wasm_dir: data.join("wasm"),
        },
    )?);
    tracing::info!(%chain_id, abci = %args.abci, "starting ABCI server");

    let server = tendermint_abci::ServerBuilder::default()
        .bind(&args.abci, AbciApp(node.clone()))
        .with_context(|| format!("binding ABCI server to {}", args.abci))?;
    let abci = std::thread::spawn(move || server.listen());

    if args.grpc_address != "off" {
        let addr = args.grpc_address.parse().context("--grpc-address")?;
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?;
        rt.block_on(inferchain_app::grpc::serve(node, addr, &args.rpc))?;
    }
    match abci.join() {
        Ok(r) => r.context("ABCI server stopped"),
        Err(_) => anyhow::bail!("ABCI server thread panicked"),
    }
}
