//! The inference module's keys, in its own substore.

use crate::address::Address;
use crate::store::{state_key, Substore};

fn key(suffix: &[u8]) -> Vec<u8> {
    state_key(Substore::Inference, suffix)
}

/// The module's params (protobuf `Params`).
pub fn params() -> Vec<u8> {
    key(b"params")
}

/// Every registered architecture, by name (protobuf `Architecture`).
pub fn architectures() -> Vec<u8> {
    key(b"arch/")
}

pub fn architecture(name: &str) -> Vec<u8> {
    let mut k = architectures();
    k.extend_from_slice(name.as_bytes());
    k
}

/// The next model id (big-endian u64; ids start at 1).
pub fn next_model_id() -> Vec<u8> {
    key(b"next_model_id")
}

/// Every model, by id (big-endian, so ids sort numerically; protobuf `Model`).
pub fn models() -> Vec<u8> {
    key(b"model/")
}

pub fn model(id: u64) -> Vec<u8> {
    let mut k = models();
    k.extend_from_slice(&id.to_be_bytes());
    k
}

/// Index of an owner's models: `owner/<20-byte address><id>` → empty.
pub fn owner_models(owner: &Address) -> Vec<u8> {
    let mut k = key(b"owner/");
    k.extend_from_slice(owner.as_bytes());
    k
}

pub fn owner_model(owner: &Address, id: u64) -> Vec<u8> {
    let mut k = owner_models(owner);
    k.extend_from_slice(&id.to_be_bytes());
    k
}

/// Index of an architecture's models: `by_arch/<name> 0x00 <id>` → empty (names have no 0).
pub fn architecture_models(arch: &str) -> Vec<u8> {
    let mut k = key(b"by_arch/");
    k.extend_from_slice(arch.as_bytes());
    k.push(0);
    k
}

pub fn architecture_model(arch: &str, id: u64) -> Vec<u8> {
    let mut k = architecture_models(arch);
    k.extend_from_slice(&id.to_be_bytes());
    k
}
