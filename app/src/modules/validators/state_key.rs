//! The validators module's keys, in its own substore.

use crate::address::Address;
use crate::store::{state_key, Substore};

fn key(suffix: &[u8]) -> Vec<u8> {
    state_key(Substore::Validators, suffix)
}

/// The module's params (protobuf `Params`).
pub fn params() -> Vec<u8> {
    key(b"params")
}

/// The current set by consensus public key (32 bytes; protobuf `Validator`): what CometBFT
/// runs once the updates returned so far take effect.
pub fn set() -> Vec<u8> {
    key(b"set/")
}

pub fn member(pubkey: &[u8]) -> Vec<u8> {
    let mut k = set();
    k.extend_from_slice(pubkey);
    k
}

/// Every consensus address (20 bytes) that was in the set with an operator → its
/// `Validator` record as it was last in the set: who to pay for a signature and whom to
/// slash for evidence, also after it left the set. One entry per key ever seated.
pub fn by_address(address: &[u8]) -> Vec<u8> {
    let mut k = key(b"cons/");
    k.extend_from_slice(address);
    k
}

/// Tombstones: a consensus address that double-signed (→ the height of the offence).
pub fn jailed_address(address: &[u8]) -> Vec<u8> {
    let mut k = key(b"jailed_cons/");
    k.extend_from_slice(address);
    k
}

/// Tombstones: an operator that double-signed, with any key (→ the height of the offence).
pub fn jailed_operator(operator: &Address) -> Vec<u8> {
    let mut k = key(b"jailed_op/");
    k.extend_from_slice(operator.as_bytes());
    k
}
