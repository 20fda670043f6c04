//! Test contract for the chain's CosmWasm hosting: code written to hurt the host.
//!
//! Each hostile message is a plain cosmwasm-std contract doing what an attacker would do; the
//! chain must stop it (out of gas, memory limit, stack overflow trap) without harm to the node
//! and bill the gas. `ping {}` and `recurse` with a small depth show the contract itself works.
//! Not deployed by the localnet.
pub mod contract;
pub mod msg;
pub mod state;
