//! The gRPC server (port 9090 style). Every query path a module registers with the router is
//! served here by its path, through the same router as ABCI queries — one implementation,
//! two transports — at the height in the `x-cosmos-block-height` metadata (latest if
//! absent), with the handler's own status code. Beside them: the tx service (simulate against
//! the mempool, broadcast and look up through CometBFT), CometBFT's block and validator
//! service, the consensus params, and reflection.
//!
//! - [`routed`]: serving router paths as raw protobuf; services without a generated server.
//! - [`tx_service`], [`tendermint`], [`consensus`]: the services that are not module queries.

pub mod consensus;
pub mod routed;
pub mod tendermint;
pub mod tx_service;

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Result;
use cosmos_sdk_proto::cosmos::base::tendermint::v1beta1 as tmv1;
use cosmos_sdk_proto::cosmos::tx::v1beta1 as txv1;
use tonic::{Request, Response, Status};

use crate::node::Node;
use crate::rpc_client::CometRpc;

/// The height asked for in `x-cosmos-block-height` (0: latest).
fn request_height<T>(req: &Request<T>) -> i64 {
    req.metadata()
        .get("x-cosmos-block-height")
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.parse::<i64>().ok())
        .unwrap_or(0)
}

/// Runs one query through the node's router; returns the answer and the height it was
/// answered at. The query runs on tokio's blocking pool: a contract query or a simulation
/// can take seconds, and the server's few async workers must keep serving meanwhile.
async fn query_raw(
    node: Arc<Node>,
    path: &str,
    data: Vec<u8>,
    height: i64,
) -> Result<(Vec<u8>, i64), Status> {
    let path = path.to_string();
    tokio::task::spawn_blocking(move || node.grpc_query(&path, &data, height))
        .await
        .map_err(|e| Status::internal(format!("query task failed: {e}")))?
        .map_err(|e| Status::new(e.code, e.message))
}

fn with_height<T>(mut resp: Response<T>, height: i64) -> Response<T> {
    if let Ok(h) = height.to_string().parse() {
        resp.metadata_mut().insert("x-cosmos-block-height", h);
    }
    resp
}

fn rpc_status(e: crate::rpc_client::RpcError) -> Status {
    Status::unavailable(e.to_string())
}

pub async fn serve(node: Arc<Node>, addr: SocketAddr, rpc: &str) -> Result<()> {
    let rpc = CometRpc::new(rpc);
    let (reflection, reflection_v1alpha) = crate::grpc_reflection::services()?;
    let mut routes = tonic::service::Routes::default()
        .add_service(txv1::service_server::ServiceServer::new(
            tx_service::TxService::new(node.clone(), rpc.clone()),
        ))
        .add_service(tmv1::service_server::ServiceServer::new(
            tendermint::TendermintService::new(rpc.clone()),
        ))
        .add_service(routed::Routed(consensus::ConsensusQuery::new(rpc)))
        .add_service(reflection)
        .add_service(reflection_v1alpha);
    // Every other path: the router's, or Unimplemented.
    let router = routes.axum_router_mut();
    *router =
        std::mem::take(router).fallback_service(routed::Routed(routed::RouterPaths::new(node)));
    tracing::info!(%addr, "gRPC server listening");
    tonic::transport::Server::builder()
        .add_routes(routes)
        .serve(addr)
        .await?;
    Ok(())
}
