//! Read-only access for queries, and query errors shaped like the SDK's gRPC errors.

use std::sync::Arc;

use crate::error::TxError;
use crate::gas::GasMeter;
use crate::state::{price, StateDelta, StateRead};
use crate::store::{Snapshot, StoreError, Substore};

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
        ResourceExhausted => "ResourceExhausted",
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

/// Transaction-style errors met while reading state for a query: an exhausted query meter,
/// a refused request, corrupt state.
impl From<TxError> for QueryError {
    fn from(e: TxError) -> Self {
        let code = match e.code {
            11 => tonic::Code::ResourceExhausted,
            18 => tonic::Code::InvalidArgument,
            _ => tonic::Code::Internal,
        };
        QueryError {
            code,
            message: e.log,
        }
    }
}

/// Committed state at one height, as a client's query reads it.
pub struct QueryCtx {
    pub snapshot: Arc<Snapshot>,
    pub height: u64,
    /// Counts the store gas of the query (no limit: a query never writes, and contract
    /// queries carry a VM limit of their own).
    pub gas: GasMeter,
}

impl QueryCtx {
    pub fn new(snapshot: Arc<Snapshot>, height: u64) -> Self {
        QueryCtx {
            snapshot,
            height,
            gas: GasMeter::infinite(),
        }
    }

    fn at_latest(&self, what: &str) -> Result<(), TxError> {
        if self.height != self.snapshot.height() {
            return Err(TxError::invalid_request(format!(
                "{what} are served at the latest height ({}) only, not {}",
                self.snapshot.height(),
                self.height
            )));
        }
        Ok(())
    }
}

impl StateRead for QueryCtx {
    fn get_raw(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>, TxError> {
        let value = if self.height == self.snapshot.height() {
            self.snapshot.get(key)?
        } else {
            // Past heights are read from the substore's tree (the flat table is latest-only).
            let (store, module_key) = key
                .split_first()
                .and_then(|(id, rest)| Some((Substore::from_id(*id)?, rest)))
                .ok_or_else(|| TxError::internal("state key without a substore"))?;
            self.snapshot.get_at(store, module_key, self.height)?
        };
        price::read(&mut self.gas, value.as_ref())?;
        Ok(value)
    }

    /// Only the latest height can be scanned: the trees hash their keys.
    fn scan_raw(
        &mut self,
        start: &[u8],
        end: Option<&[u8]>,
        reverse: bool,
        limit: usize,
    ) -> Result<Vec<(Vec<u8>, Vec<u8>)>, TxError> {
        self.at_latest("listing queries")?;
        let entries = self.snapshot.scan(start, end, reverse, limit)?;
        price::scan(&mut self.gas, &entries, reverse && limit == 1)?;
        Ok(entries)
    }

    fn fork(&self) -> Result<StateDelta, TxError> {
        self.at_latest("smart queries")?;
        Ok(StateDelta::new(self.snapshot.clone()))
    }
}
