//! `cosmos.consensus.v1.Query/Params`: the consensus parameters CometBFT runs with.

use serde_json::Value;
use tonic::codegen::http;
use tonic::{Request, Response, Status};

use super::routed::{HandRouted, RoutedFuture};
use super::tendermint::call_at_height;
use super::{request_height, with_height};
use crate::rpc_client::{int, num, CometRpc};

/// `cosmos.consensus.v1` messages (SDK 0.47+), which cosmos-sdk-proto does not export.
pub mod consensusv1 {
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct QueryParamsRequest {}

    #[derive(Clone, PartialEq, prost::Message)]
    pub struct QueryParamsResponse {
        #[prost(message, optional, tag = "1")]
        pub params: Option<tendermint_proto::types::ConsensusParams>,
    }
}

/// `cosmos.consensus.v1.Query`: the consensus parameters CometBFT runs with (clients such as
/// cosmpy read the block gas limit here), from CometBFT's `/consensus_params`.
#[derive(Clone)]
pub struct ConsensusQuery {
    rpc: CometRpc,
}

impl ConsensusQuery {
    pub fn new(rpc: CometRpc) -> Self {
        ConsensusQuery { rpc }
    }
}

/// CometBFT's `/consensus_params` JSON as the protobuf message.
fn consensus_params(p: &Value) -> tendermint_proto::types::ConsensusParams {
    use tendermint_proto::types as t;
    let duration = |nanos: i64| tendermint_proto::google::protobuf::Duration {
        seconds: nanos.div_euclid(1_000_000_000),
        nanos: nanos.rem_euclid(1_000_000_000) as i32,
    };
    t::ConsensusParams {
        block: Some(t::BlockParams {
            max_bytes: int(&p["block"]["max_bytes"]),
            max_gas: int(&p["block"]["max_gas"]),
        }),
        evidence: Some(t::EvidenceParams {
            max_age_num_blocks: int(&p["evidence"]["max_age_num_blocks"]),
            max_age_duration: Some(duration(int(&p["evidence"]["max_age_duration"]))),
            max_bytes: int(&p["evidence"]["max_bytes"]),
        }),
        validator: Some(t::ValidatorParams {
            pub_key_types: p["validator"]["pub_key_types"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|k| k.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default(),
        }),
        version: Some(t::VersionParams {
            app: num(&p["version"]["app"]),
        }),
        abci: Some(t::AbciParams {
            vote_extensions_enable_height: int(&p["abci"]["vote_extensions_enable_height"]),
        }),
    }
}

impl ConsensusQuery {
    async fn params(
        rpc: CometRpc,
        req: Request<consensusv1::QueryParamsRequest>,
    ) -> Result<Response<consensusv1::QueryParamsResponse>, Status> {
        let height = match request_height(&req) {
            0 => None,
            h => Some(h),
        };
        let r = call_at_height(&rpc, "consensus_params", serde_json::json!({}), height).await?;
        let height = int(&r["block_height"]);
        Ok(with_height(
            Response::new(consensusv1::QueryParamsResponse {
                params: Some(consensus_params(&r["consensus_params"])),
            }),
            height,
        ))
    }
}

struct ConsensusParamsMethod(CometRpc);

impl tonic::server::UnaryService<consensusv1::QueryParamsRequest> for ConsensusParamsMethod {
    type Response = consensusv1::QueryParamsResponse;
    type Future = tonic::codegen::BoxFuture<Response<Self::Response>, Status>;
    fn call(&mut self, req: Request<consensusv1::QueryParamsRequest>) -> Self::Future {
        Box::pin(ConsensusQuery::params(self.0.clone(), req))
    }
}

/// The service's one method, routed by hand (no generated server for these types).
impl HandRouted for ConsensusQuery {
    const NAME: &'static str = "cosmos.consensus.v1.Query";

    fn route<B>(&self, req: http::Request<B>) -> RoutedFuture
    where
        B: tonic::codegen::Body + Send + 'static,
        B::Error: Into<tonic::codegen::StdError> + Send + 'static,
    {
        let rpc = self.rpc.clone();
        Box::pin(async move {
            if req.uri().path() != "/cosmos.consensus.v1.Query/Params" {
                let path = req.uri().path().to_string();
                return Ok(Status::unimplemented(format!("{path} is not served")).into_http());
            }
            let mut grpc = tonic::server::Grpc::new(tonic::codec::ProstCodec::default());
            Ok(grpc.unary(ConsensusParamsMethod(rpc), req).await)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consensus_params_from_cometbft_json() {
        // CometBFT v0.38's `/consensus_params` result.
        let json: Value = serde_json::from_str(
            r#"{"block":{"max_bytes":"22020096","max_gas":"-1"},
                "evidence":{"max_age_num_blocks":"100000","max_age_duration":"172800000000000","max_bytes":"1048576"},
                "validator":{"pub_key_types":["ed25519"]},"version":{"app":"0"},
                "abci":{"vote_extensions_enable_height":"0"}}"#,
        )
        .unwrap();
        let p = consensus_params(&json);
        let block = p.block.unwrap();
        assert_eq!((block.max_bytes, block.max_gas), (22_020_096, -1));
        let evidence = p.evidence.unwrap();
        assert_eq!(evidence.max_age_num_blocks, 100_000);
        let age = evidence.max_age_duration.unwrap();
        assert_eq!((age.seconds, age.nanos), (172_800, 0));
        assert_eq!(evidence.max_bytes, 1_048_576);
        assert_eq!(p.validator.unwrap().pub_key_types, vec!["ed25519"]);
    }
}
