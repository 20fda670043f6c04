//! The params module's keys, in the params substore.

use crate::store::{state_key, Substore};

/// The chain limits (JSON).
pub fn limits() -> Vec<u8> {
    state_key(Substore::Params, b"chain/limits")
}

/// The chain's authority (a bech32 address).
pub fn authority() -> Vec<u8> {
    state_key(Substore::Params, b"chain/authority")
}
