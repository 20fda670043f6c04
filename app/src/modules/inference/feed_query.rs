//! The feed side of `inferchain.inference.v1.Query`: feeds, requests and the escrow. All are
//! state reads, open to contracts too (a consumer contract may read its request).
//!
//! Lists page by id (`start_after` → `next`) and read at most `limit + 1` entries of one
//! index: filters beyond the index's own narrow a page, never widen the scan, so a page may
//! hold fewer than `limit` items while `next` says there are more.

use inferchain_proto::inferchain::inference::v1 as pb;
use prost::Message;

use super::feeds::{escrow_address, escrow_balance};
use super::state::InferenceRead;
use super::state_key as key;
use crate::address::Address;
use crate::query::{decode_request, QueryError};
use crate::router::{Askers, StateQuery};
use crate::state::StateRead;

const DEFAULT_LIMIT: usize = 50;
const MAX_LIMIT: usize = 200;

pub const METHODS: &[(&str, Askers, StateQuery)] = &[
    ("Feed", Askers::ClientsAndContracts, feed),
    ("Feeds", Askers::ClientsAndContracts, feeds),
    ("Request", Askers::ClientsAndContracts, request),
    ("Requests", Askers::ClientsAndContracts, requests),
    ("Escrow", Askers::ClientsAndContracts, escrow),
];

fn limit_of(n: u32) -> usize {
    match n as usize {
        0 => DEFAULT_LIMIT,
        n => n.min(MAX_LIMIT),
    }
}

fn address(field: &str, s: &str) -> Result<Address, QueryError> {
    s.parse()
        .map_err(|e| QueryError::invalid(format!("{field} {s:?}: {e}")))
}

/// At most `limit` ids of an id index after `start_after`, and the `next` to resume from.
fn page(
    q: &mut dyn StateRead,
    prefix: &[u8],
    start_after: u64,
    limit: usize,
) -> Result<(Vec<u64>, u64), QueryError> {
    let mut ids = q.indexed_ids(prefix, start_after, limit + 1)?;
    let next = if ids.len() > limit {
        ids.truncate(limit);
        *ids.last().expect("limit > 0")
    } else {
        0
    };
    Ok((ids, next))
}

fn feed(q: &mut dyn StateRead, data: &[u8]) -> Result<Vec<u8>, QueryError> {
    let req: pb::QueryFeedRequest = decode_request(data)?;
    let f = q
        .feed(req.id)?
        .ok_or_else(|| QueryError::not_found(format!("feed {} not found", req.id)))?;
    Ok(pb::QueryFeedResponse { feed: Some(f) }.encode_to_vec())
}

fn feeds(q: &mut dyn StateRead, data: &[u8]) -> Result<Vec<u8>, QueryError> {
    let req: pb::QueryFeedsRequest = decode_request(data)?;
    let limit = limit_of(req.limit);
    let (ids, next) = if req.owner.is_empty() {
        // The feeds themselves, by id: their keys are the index.
        page(q, &key::feeds(), req.start_after, limit)?
    } else {
        let owner = address("owner", &req.owner)?;
        page(q, &key::owner_feeds(&owner), req.start_after, limit)?
    };
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(f) = q.feed(id)? {
            out.push(f);
        }
    }
    Ok(pb::QueryFeedsResponse { feeds: out, next }.encode_to_vec())
}

fn request(q: &mut dyn StateRead, data: &[u8]) -> Result<Vec<u8>, QueryError> {
    let req: pb::QueryRequestRequest = decode_request(data)?;
    let r = q
        .request(req.id)?
        .ok_or_else(|| QueryError::not_found(format!("request {} not found", req.id)))?;
    Ok(pb::QueryRequestResponse { request: Some(r) }.encode_to_vec())
}

fn requests(q: &mut dyn StateRead, data: &[u8]) -> Result<Vec<u8>, QueryError> {
    let req: pb::QueryRequestsRequest = decode_request(data)?;
    if !matches!(
        req.status.as_str(),
        "" | "pending" | "fulfilled" | "timed_out"
    ) {
        return Err(QueryError::invalid(format!(
            "status {:?}: pending, fulfilled, timed_out or empty",
            req.status
        )));
    }
    let limit = limit_of(req.limit);
    // The narrowest index the filters allow.
    let prefix = if req.model_id != 0 && req.status == "pending" {
        key::model_pending(req.model_id)
    } else if req.feed_id != 0 {
        key::feed_requests(req.feed_id)
    } else if !req.requester.is_empty() {
        key::requester_requests(&address("requester", &req.requester)?)
    } else {
        key::requests()
    };
    let (ids, next) = page(q, &prefix, req.start_after, limit)?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let Some(r) = q.request(id)? else { continue };
        let keep = (req.feed_id == 0 || r.feed_id == req.feed_id)
            && (req.requester.is_empty() || r.requester == req.requester)
            && (req.status.is_empty() || r.status == req.status)
            && (req.model_id == 0 || r.model_id == req.model_id);
        if keep {
            out.push(r);
        }
    }
    Ok(pb::QueryRequestsResponse {
        requests: out,
        next,
    }
    .encode_to_vec())
}

fn escrow(q: &mut dyn StateRead, data: &[u8]) -> Result<Vec<u8>, QueryError> {
    let _: pb::QueryEscrowRequest = decode_request(data)?;
    let books = q.escrow_books()?;
    Ok(pb::QueryEscrowResponse {
        address: escrow_address().to_bech32(),
        balance: escrow_balance(q)?.to_string(),
        deposits: books.deposits.to_string(),
        pending_fees: books.pending_fees.to_string(),
        open_feeds: books.open_feeds,
        pending_requests: books.pending_requests,
    }
    .encode_to_vec())
}
