//! Test contract for the chain's CosmWasm hosting: a counter with an owner.
//!
//! Exercises state writes, custom events (`wasm-counter`), response data, owner checks,
//! `migrate`, and a deliberate failure *after* a state write (`fail`), which callers use to
//! prove that a failed (sub-)message's writes are rolled back. Not deployed by the localnet.
pub mod contract;
pub mod error;
pub mod msg;
pub mod state;
