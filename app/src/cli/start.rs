//! `inferchaind start`: the ABCI server CometBFT connects to, plus the gRPC server and the
//! REST server (with the web app).

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result};
use clap::Args;
use inferchain_app::coins::GasPrice;
use inferchain_app::node::{AbciApp, Node, NodeConfig};
use inferchain_app::rest::web::SiteConfig;
use inferchain_app::statesync::SnapshotConfig;
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
    /// Take a state-sync snapshot at every height divisible by this (0: none). New nodes
    /// restore one instead of replaying the chain (CometBFT's `[statesync]`).
    #[arg(long, default_value_t = 0)]
    pub snapshot_interval: u64,
    /// State-sync snapshots kept on disk (in `<home>/data/snapshots`).
    #[arg(long, default_value_t = 2)]
    pub snapshot_keep_recent: usize,
    /// Address of the REST (LCD) server and web app; "off" disables it. It answers through
    /// the gRPC server, so it needs `--grpc-address`.
    #[arg(long, default_value = "127.0.0.1:1317")]
    pub api_address: String,
    /// The web app's built bundle (`web/dist`), served at `/` by the REST server.
    #[arg(long)]
    pub web_dir: Option<std::path::PathBuf>,
    /// A JSON object merged into the web app's `config.json` (e.g. the prover sidecar's URL
    /// and the contracts' addresses).
    #[arg(long)]
    pub web_config: Option<std::path::PathBuf>,
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
            min_gas_price: min_gas_price.clone(),
            keep_recent: args.pruning_keep_recent,
            wasm_dir: data.join("wasm"),
            snapshots: Some(SnapshotConfig {
                dir: data.join("snapshots"),
                interval: args.snapshot_interval,
                keep_recent: args.snapshot_keep_recent,
            }),
        },
    )?);
    tracing::info!(%chain_id, abci = %args.abci, "starting ABCI server");

    let server = tendermint_abci::ServerBuilder::default()
        .bind(&args.abci, AbciApp(node.clone()))
        .with_context(|| format!("binding ABCI server to {}", args.abci))?;
    let abci = std::thread::spawn(move || server.listen());

    if args.api_address != "off" && args.grpc_address == "off" {
        anyhow::bail!("the REST server (--api-address) answers through gRPC: set --grpc-address");
    }
    if args.grpc_address != "off" {
        let addr: std::net::SocketAddr = args.grpc_address.parse().context("--grpc-address")?;
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?;
        let grpc = inferchain_app::grpc::serve(node, addr, &args.rpc);
        if args.api_address == "off" {
            rt.block_on(grpc)?;
        } else {
            let api = args.api_address.parse().context("--api-address")?;
            let site = SiteConfig {
                chain_id,
                rpc: args.rpc.clone(),
                web_dir: args.web_dir,
                web_config: args.web_config,
                min_gas_price,
            };
            rt.block_on(async {
                tokio::try_join!(grpc, inferchain_app::rest::serve(api, addr, site)).map(|_| ())
            })?;
        }
    }
    match abci.join() {
        Ok(r) => r.context("ABCI server stopped"),
        Err(_) => anyhow::bail!("ABCI server thread panicked"),
    }
}
