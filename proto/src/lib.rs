//! InferChain's protobuf types and gRPC services, generated from the `.proto` files beside
//! this crate (see `build.rs`). Cosmos SDK types come from `cosmos-sdk-proto` instead.

/// Encoded `FileDescriptorSet` of every InferChain `.proto`, for gRPC reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/inferchain_descriptor.bin"));

/// Encoded `FileDescriptorSet` of the Cosmos SDK, CometBFT and wasmd services `inferchaind`
/// serves (`proto/reflection/`), for gRPC reflection; wire-identical to the upstream files.
pub const COSMOS_FILE_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/cosmos_descriptor.bin"));

pub mod reflection_client;

pub mod inferchain {
    pub mod params {
        /// Chain-wide limits and their governance (`inferchain.params.v1`).
        pub mod v1 {
            tonic::include_proto!("inferchain.params.v1");

            /// Type URLs (`/inferchain.params.v1.<Name>`), as the router and `Any` need.
            macro_rules! named {
                ($($t:ident),*) => {$(
                    impl prost::Name for $t {
                        const NAME: &'static str = stringify!($t);
                        const PACKAGE: &'static str = "inferchain.params.v1";
                        fn full_name() -> String {
                            format!("inferchain.params.v1.{}", stringify!($t))
                        }
                    }
                )*};
            }
            named!(
                Params,
                MsgUpdateParams,
                MsgUpdateParamsResponse,
                QueryParamsRequest,
                QueryParamsResponse
            );
        }
    }
    pub mod inference {
        /// Architectures, models, proof verification and challenge scoring
        /// (`inferchain.inference.v1`).
        pub mod v1 {
            tonic::include_proto!("inferchain.inference.v1");

            macro_rules! named {
                ($($t:ident),*) => {$(
                    impl prost::Name for $t {
                        const NAME: &'static str = stringify!($t);
                        const PACKAGE: &'static str = "inferchain.inference.v1";
                        fn full_name() -> String {
                            format!("inferchain.inference.v1.{}", stringify!($t))
                        }
                    }
                )*};
            }
            named!(
                Params,
                Circuit,
                Architecture,
                ChallengeResult,
                Model,
                MsgRegisterModel,
                MsgRegisterModelResponse,
                MsgRetireModel,
                MsgRetireModelResponse,
                MsgSubmitScoreProof,
                MsgSubmitScoreProofResponse,
                MsgRegisterArchitecture,
                MsgRegisterArchitectureResponse,
                MsgUpdateParams,
                MsgUpdateParamsResponse,
                QueryParamsRequest,
                QueryParamsResponse,
                QueryArchitecturesRequest,
                QueryArchitecturesResponse,
                QueryArchitectureRequest,
                QueryArchitectureResponse,
                QueryModelRequest,
                QueryModelResponse,
                QueryModelsRequest,
                QueryModelsResponse,
                QueryChallengeRequest,
                QueryChallengeResponse,
                QueryVerifyProofRequest,
                QueryVerifyProofResponse,
                Feed,
                InferenceRequest,
                InferenceOutput,
                MsgSetModelOperator,
                MsgSetModelOperatorResponse,
                MsgCreateFeed,
                MsgCreateFeedResponse,
                MsgTopUpFeed,
                MsgTopUpFeedResponse,
                MsgCloseFeed,
                MsgCloseFeedResponse,
                MsgRequestInference,
                MsgRequestInferenceResponse,
                MsgFulfillInference,
                MsgFulfillInferenceResponse,
                MsgFulfillInferences,
                MsgFulfillInferencesResponse,
                QueryFeedRequest,
                QueryFeedResponse,
                QueryFeedsRequest,
                QueryFeedsResponse,
                QueryRequestRequest,
                QueryRequestResponse,
                QueryRequestsRequest,
                QueryRequestsResponse,
                QueryEscrowRequest,
                QueryEscrowResponse
            );
        }
    }
    pub mod validators {
        /// The validator set from the staking contract (`inferchain.validators.v1`).
        pub mod v1 {
            tonic::include_proto!("inferchain.validators.v1");

            macro_rules! named {
                ($($t:ident),*) => {$(
                    impl prost::Name for $t {
                        const NAME: &'static str = stringify!($t);
                        const PACKAGE: &'static str = "inferchain.validators.v1";
                        fn full_name() -> String {
                            format!("inferchain.validators.v1.{}", stringify!($t))
                        }
                    }
                )*};
            }
            named!(
                Params,
                Validator,
                MsgUpdateParams,
                MsgUpdateParamsResponse,
                QueryParamsRequest,
                QueryParamsResponse,
                QueryValidatorSetRequest,
                QueryValidatorSetResponse
            );
        }
    }
    pub mod prover {
        /// The prover sidecar's gRPC service (`inferchain.prover.v1.Prover`).
        pub mod v1 {
            tonic::include_proto!("inferchain.prover.v1");
        }
    }
}
