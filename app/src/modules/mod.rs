//! Chain modules. The app core knows them only through [`Module`]; each owns its substore
//! keys behind its own read/write helpers.

pub mod auth;
pub mod bank;

use tendermint_proto::google::protobuf::Any;

use crate::address::Address;
use crate::ctx::Ctx;
use crate::error::TxError;
use crate::genesis::Genesis;
use crate::query::{QueryCtx, QueryError};

pub trait Module: Send + Sync {
    fn name(&self) -> &'static str;

    /// Writes the module's genesis state.
    fn init_genesis(&self, _ctx: &mut Ctx, _genesis: &Genesis) -> Result<(), TxError> {
        Ok(())
    }

    fn begin_block(&self, _ctx: &mut Ctx) -> Result<(), TxError> {
        Ok(())
    }

    fn end_block(&self, _ctx: &mut Ctx) -> Result<(), TxError> {
        Ok(())
    }

    /// Whether this module handles messages of `type_url`.
    fn handles(&self, _type_url: &str) -> bool {
        false
    }

    /// Stateless check of one message: decodes and validates it, returns who must sign it.
    fn check_msg(&self, msg: &Any) -> Result<Vec<Address>, TxError> {
        Err(TxError::unknown_request(format!(
            "unrecognized message type: {}",
            msg.type_url
        )))
    }

    /// Stateful check and execution; returns the message's response as an `Any`.
    fn deliver_msg(&self, _ctx: &mut Ctx, msg: &Any) -> Result<Any, TxError> {
        Err(TxError::unknown_request(format!(
            "unrecognized message type: {}",
            msg.type_url
        )))
    }

    /// Answers a gRPC-path query, or `None` if the path isn't this module's.
    fn query(
        &self,
        _q: &QueryCtx,
        _path: &str,
        _data: &[u8],
    ) -> Option<Result<Vec<u8>, QueryError>> {
        None
    }
}

/// Decodes an `Any` whose type URL the caller already matched.
pub fn decode_any<M: prost::Message + Default>(msg: &Any) -> Result<M, TxError> {
    M::decode(msg.value.as_slice())
        .map_err(|e| TxError::tx_decode(format!("decoding {}: {e}", msg.type_url)))
}

/// Packs a message as the SDK does: type URL `/<full proto name>` (no host part).
pub fn to_any<M: prost::Name>(msg: &M) -> Any {
    Any {
        type_url: type_url::<M>(),
        value: msg.encode_to_vec(),
    }
}

pub fn type_url<M: prost::Name>() -> String {
    format!("/{}", M::full_name())
}
