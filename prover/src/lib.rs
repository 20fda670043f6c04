//! zkML prover for InferChain: burn models trained on a synthetic credit-scoring dataset,
//! fixed-point quantization, and the prover sidecar (CLI, gRPC, and the chain daemon in
//! [`sidecar`]). The circuits and the verifier
//! live in the burn-free crate `inferchain-verifier` (re-exported as [`verifier`]).

pub mod chain;
pub mod dataset;
pub mod model;
pub mod quantize;
pub mod service;
pub mod sidecar;

pub use inferchain_verifier as verifier;
