//! The `ibc` substore's keys.
//!
//! What a counterparty verifies lives under ibc-go's own paths (ICS-24, `clients/…/clientState`,
//! `commitments/ports/…`), as their UTF-8 bytes: a relayer asks `store/ibc/key` for exactly
//! that key and the counterparty's light client checks the proof against it. Bookkeeping no
//! counterparty reads (host consensus states, ordered consensus-height indexes, denom traces)
//! sits under a leading `0x00` byte, which no ICS-24 path (ASCII letters first) can start with.

use ibc::core::host::types::identifiers::ClientId;

use crate::store::{state_key, Substore};

/// The full state key of an ICS-24 path (its `Display` is ibc-go's key).
pub fn path(p: &impl std::fmt::Display) -> Vec<u8> {
    state_key(Substore::Ibc, p.to_string().as_bytes())
}

/// Every key under an ICS-24 path prefix such as `channelEnds/ports/` (for listing queries).
pub fn path_prefix(prefix: &str) -> Vec<u8> {
    state_key(Substore::Ibc, prefix.as_bytes())
}

fn private(tag: &[u8], rest: &[u8]) -> Vec<u8> {
    let mut k = Vec::with_capacity(2 + tag.len() + rest.len());
    k.push(0);
    k.extend_from_slice(tag);
    k.push(b'/');
    k.extend_from_slice(rest);
    state_key(Substore::Ibc, &k)
}

/// This chain's own consensus state at `height` (what a counterparty's client of us holds):
/// written at each block's start, kept for a window of recent heights.
pub fn host_consensus_state(height: u64) -> Vec<u8> {
    private(b"host", &height.to_be_bytes())
}

/// `client`'s consensus heights in order (revision, height big-endian), for the light
/// client's neighbour lookups (`next_consensus_state` / `prev_consensus_state`) and pruning.
pub fn consensus_height(client: &ClientId, revision: u64, height: u64) -> Vec<u8> {
    let mut rest = consensus_heights_rest(client);
    rest.extend_from_slice(&revision.to_be_bytes());
    rest.extend_from_slice(&height.to_be_bytes());
    private(b"csh", &rest)
}

pub fn consensus_heights(client: &ClientId) -> Vec<u8> {
    private(b"csh", &consensus_heights_rest(client))
}

fn consensus_heights_rest(client: &ClientId) -> Vec<u8> {
    let mut rest = client.as_str().as_bytes().to_vec();
    rest.push(b'/');
    rest
}

/// When (host time and height) a client was updated to a height: ibc-go's
/// `processedTime` / `processedHeight`, one record here.
pub fn update_meta(client: &ClientId, revision: u64, height: u64) -> Vec<u8> {
    let mut rest = consensus_heights_rest(client);
    rest.extend_from_slice(&revision.to_be_bytes());
    rest.extend_from_slice(&height.to_be_bytes());
    private(b"meta", &rest)
}

/// ICS-20: the denomination trace behind a voucher's `ibc/<HASH>` name.
pub fn denom_trace(hash_hex: &str) -> Vec<u8> {
    private(b"trace", hash_hex.as_bytes())
}

pub fn denom_traces() -> Vec<u8> {
    private(b"trace", b"")
}

/// ICS-20: how much of a native denomination sits in escrow over all channels
/// (ibc-go's `TotalEscrowForDenom`).
pub fn total_escrow(denom: &str) -> Vec<u8> {
    private(b"escrow", denom.as_bytes())
}

/// This chain's revision number (from its chain id, at genesis): queries name heights with it.
pub fn revision() -> Vec<u8> {
    private(b"revision", b"")
}
