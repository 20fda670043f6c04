//! Read-only access for queries, and query errors shaped like the SDK's gRPC errors.

use std::sync::Arc;

use cosmos_sdk_proto::cosmos::base::query::v1beta1::PageRequest;

use crate::ctx::prefix_end;
use crate::store::{state_key, Snapshot, StoreError, Substore};

/// A gRPC status code and message; over ABCI it becomes `rpc error: code = X desc = ...`,
/// the text CosmJS and Hermes match on.
#[derive(Debug, Clone, thiserror::Error)]
#[error("rpc error: code = {} desc = {message}", code_name(*.code))]
pub struct QueryError {
    pub code: tonic::Code,
    pub message: String,
}

impl QueryError {
    pub fn not_found(m: impl Into<String>) -> Self {
        QueryError {
            code: tonic::Code::NotFound,
            message: m.into(),
        }
    }
    pub fn invalid(m: impl Into<String>) -> Self {
        QueryError {
            code: tonic::Code::InvalidArgument,
            message: m.into(),
        }
    }
    pub fn unimplemented(m: impl Into<String>) -> Self {
        QueryError {
            code: tonic::Code::Unimplemented,
            message: m.into(),
        }
    }
    pub fn internal(m: impl Into<String>) -> Self {
        QueryError {
            code: tonic::Code::Internal,
            message: m.into(),
        }
    }

    /// The SDK's ABCI code for this gRPC code (`baseapp.gRPCErrorToSDKError`).
    pub fn abci_code(&self) -> u32 {
        match self.code {
            tonic::Code::NotFound => 22,
            tonic::Code::InvalidArgument => 18,
            tonic::Code::Unimplemented => 6,
            tonic::Code::FailedPrecondition => 18,
            _ => 1,
        }
    }
}

fn code_name(code: tonic::Code) -> &'static str {
    use tonic::Code::*;
    match code {
        NotFound => "NotFound",
        InvalidArgument => "InvalidArgument",
        Unimplemented => "Unimplemented",
        FailedPrecondition => "FailedPrecondition",
        Unavailable => "Unavailable",
        _ => "Internal",
    }
}

impl From<StoreError> for QueryError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::HeightUnavailable { .. } => QueryError::invalid(e.to_string()),
            _ => QueryError::internal(e.to_string()),
        }
    }
}

pub fn decode_request<M: prost::Message + Default>(data: &[u8]) -> Result<M, QueryError> {
    M::decode(data).map_err(|e| QueryError::invalid(format!("decoding request: {e}")))
}

/// Committed state at one height.
pub struct QueryCtx {
    pub snapshot: Arc<Snapshot>,
    pub height: u64,
}

impl QueryCtx {
    pub fn get(&self, store: Substore, key: &[u8]) -> Result<Option<Vec<u8>>, QueryError> {
        Ok(self.snapshot.get_at(store, key, self.height)?)
    }

    /// Keys under `prefix` (prefix stripped), starting after `after` if given, at most `limit`.
    /// Only the latest height can be scanned: the tree hashes its keys.
    pub fn prefix_range(
        &self,
        store: Substore,
        prefix: &[u8],
        after: Option<&[u8]>,
        limit: usize,
    ) -> Result<Vec<(Vec<u8>, Vec<u8>)>, QueryError> {
        if self.height != self.snapshot.height() {
            return Err(QueryError::invalid(format!(
                "listing queries are served at the latest height ({}) only, not {}",
                self.snapshot.height(),
                self.height
            )));
        }
        let base = state_key(store, prefix);
        let start = match after {
            Some(a) => {
                let mut s = base.clone();
                s.extend_from_slice(a);
                s.push(0);
                s
            }
            None => base.clone(),
        };
        let end = prefix_end(&base);
        // Reads at most `limit` entries: a page never loads the rest of the prefix.
        Ok(self
            .snapshot
            .scan(&start, end.as_deref(), false, limit)?
            .into_iter()
            .map(|(k, v)| (k[base.len()..].to_vec(), v))
            .collect())
    }

    /// One page of entries under `prefix`, key-based (`next_key` = last key returned), as
    /// the SDK's `PageRequest` asks (offsets are not supported: the tree can't skip).
    pub fn page(
        &self,
        store: Substore,
        prefix: &[u8],
        req: Option<&PageRequest>,
    ) -> Result<(Vec<(Vec<u8>, Vec<u8>)>, Vec<u8>), QueryError> {
        let limit = match req.map(|p| p.limit).unwrap_or(0) {
            0 => DEFAULT_PAGE,
            n => (n as usize).min(MAX_PAGE),
        };
        let after = req.map(|p| p.key.as_slice()).filter(|k| !k.is_empty());
        let mut entries = self.prefix_range(store, prefix, after, limit + 1)?;
        let next = if entries.len() > limit {
            entries.truncate(limit);
            entries.last().map(|(k, _)| k.clone()).unwrap_or_default()
        } else {
            Vec::new()
        };
        Ok((entries, next))
    }
}

/// Default and maximum page size for listing queries.
const DEFAULT_PAGE: usize = 100;
const MAX_PAGE: usize = 1_000;
