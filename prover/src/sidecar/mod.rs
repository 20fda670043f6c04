//! The prover sidecar on chain (`inferchain-prover serve --chain …`): it follows the chain's
//! `inference_request` events for the models it holds, proves each request (or several at
//! once in an aggregate), and submits signed fulfilments — never twice, across crashes (see
//! [`journal`]).

pub mod daemon;
pub mod events;
pub mod fulfil;
pub mod http;
pub mod journal;
pub mod metrics;
pub mod plan;
pub mod playground;
pub mod ws;

pub use daemon::{run, Config};
