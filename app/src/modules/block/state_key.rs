//! The block module's keys, in the params substore (chain-level bookkeeping).

use crate::store::{state_key, Substore};

/// Height and time of the last block that began.
pub fn last_block() -> Vec<u8> {
    state_key(Substore::Params, b"block/last")
}
