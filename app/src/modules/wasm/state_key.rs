//! The wasm substore's layout (after wasmd's `x/wasm/types/keys.go`), one byte of prefix per
//! kind of record. Contract addresses are length-prefixed where a key continues after them.
//! Every function returns a full state key (the substore byte first); only this module
//! builds them.

use crate::address::Address;
use crate::store::Substore;

fn key(prefix: u8) -> Vec<u8> {
    vec![Substore::Wasm.id(), prefix]
}

const CODE: u8 = 0x01;
const CONTRACT: u8 = 0x02;
const CONTRACT_STORE: u8 = 0x03;
const SEQUENCE: u8 = 0x04;
const WASM_BYTES: u8 = 0x05;
const CONTRACTS_BY_CODE: u8 = 0x06;
const HISTORY: u8 = 0x07;
const CONTRACTS_BY_CREATOR: u8 = 0x08;
const PINNED: u8 = 0x0a;
const PARAMS: u8 = 0x0c;
pub const LAST_CODE_ID: &[u8] = b"lastCodeId";
pub const LAST_INSTANCE_ID: &[u8] = b"lastContractId";

fn with_addr(prefix: u8, addr: &Address) -> Vec<u8> {
    let mut k = Vec::with_capacity(3 + addr.as_bytes().len());
    k.push(Substore::Wasm.id());
    k.push(prefix);
    k.push(addr.as_bytes().len() as u8);
    k.extend_from_slice(addr.as_bytes());
    k
}

/// `CodeInfo` (protobuf) of a code id.
pub fn code(code_id: u64) -> Vec<u8> {
    let mut k = key(CODE);
    k.extend_from_slice(&code_id.to_be_bytes());
    k
}

pub fn codes_prefix() -> Vec<u8> {
    key(CODE)
}

/// The code id at the end of a `codes_prefix` / `pinned_prefix` entry's key suffix.
pub fn code_id_from_key(suffix: &[u8]) -> Option<u64> {
    Some(u64::from_be_bytes(suffix.try_into().ok()?))
}

/// `ContractInfo` (protobuf) of a contract.
pub fn contract(addr: &Address) -> Vec<u8> {
    with_addr(CONTRACT, addr)
}

/// Prefix of a contract's own key space.
pub fn contract_store(addr: &Address) -> Vec<u8> {
    with_addr(CONTRACT_STORE, addr)
}

pub fn sequence(name: &[u8]) -> Vec<u8> {
    let mut k = key(SEQUENCE);
    k.extend_from_slice(name);
    k
}

/// The wasm bytes behind a checksum (kept in state so a node can rebuild its module cache).
pub fn wasm_bytes(checksum: &[u8]) -> Vec<u8> {
    let mut k = key(WASM_BYTES);
    k.extend_from_slice(checksum);
    k
}

pub fn contracts_by_code_prefix(code_id: u64) -> Vec<u8> {
    let mut k = key(CONTRACTS_BY_CODE);
    k.extend_from_slice(&code_id.to_be_bytes());
    k
}

pub fn contract_by_code(code_id: u64, addr: &Address) -> Vec<u8> {
    let mut k = contracts_by_code_prefix(code_id);
    k.extend_from_slice(addr.as_bytes());
    k
}

pub fn contracts_by_creator_prefix(creator: &Address) -> Vec<u8> {
    with_addr(CONTRACTS_BY_CREATOR, creator)
}

pub fn contract_by_creator(creator: &Address, addr: &Address) -> Vec<u8> {
    let mut k = contracts_by_creator_prefix(creator);
    k.extend_from_slice(addr.as_bytes());
    k
}

pub fn history_prefix(addr: &Address) -> Vec<u8> {
    with_addr(HISTORY, addr)
}

pub fn history_entry(addr: &Address, seq: u64) -> Vec<u8> {
    let mut k = history_prefix(addr);
    k.extend_from_slice(&seq.to_be_bytes());
    k
}

/// Marks a code pinned (kept compiled in every node's memory).
pub fn pinned(code_id: u64) -> Vec<u8> {
    let mut k = key(PINNED);
    k.extend_from_slice(&code_id.to_be_bytes());
    k
}

pub fn pinned_prefix() -> Vec<u8> {
    key(PINNED)
}

/// The module's `Params` (protobuf).
pub fn params() -> Vec<u8> {
    key(PARAMS)
}
