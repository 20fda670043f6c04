//! InferChain's node: an ABCI 2.0 application for CometBFT with Cosmos SDK transactions.

pub mod address;
pub mod ante;
pub mod app;
pub mod client;
pub mod coins;
pub mod ctx;
pub mod descriptors;
pub mod error;
pub mod gas;
pub mod genesis;
pub mod grpc;
pub mod grpc_reflection;
pub mod harness;
pub mod keyring;
pub mod modules;
/// The chain-wide limits and authority (`modules::params`), by their old path.
pub use modules::params;
pub mod node;
pub mod outcome;
pub mod query;
pub mod rest;
pub mod router;
pub mod rpc_client;
pub mod state;
pub mod statesync;
pub mod store;
pub mod tx;

pub mod wire;
