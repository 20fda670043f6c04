//! Chain modules. The app core knows them only through [`Module`]; each owns its state keys
//! (`state_key.rs`) behind its own extension traits over the state layer (`state.rs`),
//! registers its message handlers and queries with the router, and has its hooks here.
//! Adding a module: write its folder, add it to [`crate::app::modules`].

pub mod auth;
pub mod bank;
pub mod block;
pub mod ibc;
pub mod inference;
pub mod params;
pub mod validators;
pub mod wasm;

use tendermint_proto::google::protobuf::Any;
use tendermint_proto::v0_38::abci::ValidatorUpdate;

use crate::ctx::Ctx;
use crate::error::TxError;
use crate::genesis::Genesis;
use crate::router::Routes;

pub trait Module: Send + Sync {
    fn name(&self) -> &'static str;

    /// Registers the module's message handlers and gRPC queries.
    fn register(&self, routes: &mut Routes);

    /// Writes the module's genesis state.
    fn init_genesis(&self, _ctx: &mut Ctx, _genesis: &Genesis) -> Result<(), TxError> {
        Ok(())
    }

    /// Runs at the start of every block; `ctx.block` holds the block's header facts.
    fn begin_block(&self, _ctx: &mut Ctx) -> Result<(), TxError> {
        Ok(())
    }

    fn end_block(&self, _ctx: &mut Ctx) -> Result<(), TxError> {
        Ok(())
    }

    /// Runs after every module's `end_block`: changes to CometBFT's validator set, returned
    /// in `ResponseFinalizeBlock.validator_updates` (power 0 removes a validator; they take
    /// effect two blocks later). One module of the chain owns the set (`validators`).
    fn validator_updates(&self, _ctx: &mut Ctx) -> Result<Vec<ValidatorUpdate>, TxError> {
        Ok(Vec::new())
    }

    /// Runs once when a node starts, over its committed state, before any block: work that
    /// must not happen inside one (building proof verifiers). An error refuses the start.
    fn start(&self, _state: &mut dyn crate::state::StateRead) -> Result<(), String> {
        Ok(())
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
