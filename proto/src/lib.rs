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
    pub mod prover {
        /// The prover sidecar's gRPC service (`inferchain.prover.v1.Prover`).
        pub mod v1 {
            tonic::include_proto!("inferchain.prover.v1");
        }
    }
}
