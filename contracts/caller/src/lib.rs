//! Test contract for the chain's CosmWasm hosting: message dispatch.
//!
//! Bank sends from the contract's balance, sub-messages with `reply_on_success` /
//! `reply_on_error` / `reply_always`, a plain message whose failure must fail the whole
//! transaction, `instantiate2`, and the wasm and bank queriers. Calls the counter test
//! contract (`inferchain-counter`) through the mirrored messages in `msg.rs`. Not deployed by
//! the localnet.
pub mod contract;
pub mod error;
pub mod msg;
pub mod proto;
pub mod state;
