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

/// The next feed id and the next request id (big-endian u64; both start at 1).
pub fn next_feed_id() -> Vec<u8> {
    key(b"next_feed_id")
}

pub fn next_request_id() -> Vec<u8> {
    key(b"next_request_id")
}

/// Every feed, by id (protobuf `Feed`).
pub fn feeds() -> Vec<u8> {
    key(b"feed/")
}

pub fn feed(id: u64) -> Vec<u8> {
    let mut k = feeds();
    k.extend_from_slice(&id.to_be_bytes());
    k
}

/// Index of an owner's feeds: `feed_owner/<20-byte address><id>` → empty.
pub fn owner_feeds(owner: &Address) -> Vec<u8> {
    let mut k = key(b"feed_owner/");
    k.extend_from_slice(owner.as_bytes());
    k
}

pub fn owner_feed(owner: &Address, id: u64) -> Vec<u8> {
    let mut k = owner_feeds(owner);
    k.extend_from_slice(&id.to_be_bytes());
    k
}

/// Every request, by id (protobuf `InferenceRequest`).
pub fn requests() -> Vec<u8> {
    key(b"request/")
}

pub fn request(id: u64) -> Vec<u8> {
    let mut k = requests();
    k.extend_from_slice(&id.to_be_bytes());
    k
}

/// Index of a feed's requests: `req_feed/<feed id><request id>` → empty.
pub fn feed_requests(feed: u64) -> Vec<u8> {
    let mut k = key(b"req_feed/");
    k.extend_from_slice(&feed.to_be_bytes());
    k
}

/// Index of a requester's requests: `req_by/<20-byte address><request id>` → empty.
pub fn requester_requests(requester: &Address) -> Vec<u8> {
    let mut k = key(b"req_by/");
    k.extend_from_slice(requester.as_bytes());
    k
}

/// Index of the pending requests assigned to a model: `pending/<model id><request id>` →
/// empty, removed when the request resolves (what a prover sidecar resumes from).
pub fn model_pending(model: u64) -> Vec<u8> {
    let mut k = key(b"pending/");
    k.extend_from_slice(&model.to_be_bytes());
    k
}

/// The SLA queue: `deadline/<deadline height><request id>` → empty, for pending requests
/// only; EndBlock reads it from the front, so its work is bounded by what is due.
pub fn deadlines() -> Vec<u8> {
    key(b"deadline/")
}

pub fn deadline(height: u64, request: u64) -> Vec<u8> {
    let mut k = deadlines();
    k.extend_from_slice(&height.to_be_bytes());
    k.extend_from_slice(&request.to_be_bytes());
    k
}

/// The escrow's books (protobuf-free: four big-endian numbers), so that the module account's
/// balance can be checked against what it owes without a scan.
pub fn escrow_books() -> Vec<u8> {
    key(b"escrow_books")
}

/// `prefix` followed by `id` (big-endian): one entry of an id index.
pub fn indexed(prefix: &[u8], id: u64) -> Vec<u8> {
    let mut k = prefix.to_vec();
    k.extend_from_slice(&id.to_be_bytes());
    k
}

/// The packet a request from another chain arrived in (protobuf `ibc.core.channel.v1.Packet`),
/// kept until its acknowledgement is written when the request resolves.
pub fn ibc_packet(request: u64) -> Vec<u8> {
    let mut k = key(b"ibc_packet/");
    k.extend_from_slice(&request.to_be_bytes());
    k
}
