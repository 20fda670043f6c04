//! Chain-wide parameters: the resource limits every validator applies ([`limits`]) and the
//! chain's authority — the one address (on InferChain the governance contract, so SPEC holders
//! by vote) that may change them, pin codes and call contracts' `sudo`.
//!
//! - [`limits`]: the limits, their genesis section and checks; [`msgs`]: `MsgUpdateParams`;
//!   [`query`]: `inferchain.params.v1.Query`; [`state`]: the authority, for every module.

pub mod error;
pub mod limits;
mod msgs;
mod query;
pub mod state;
mod state_key;

use std::sync::Arc;

use inferchain_proto::inferchain::params::v1 as paramsv1;

pub use limits::{
    BlockGas, ChainLimits, ParamsGenesis, DEFAULT_MAX_BLOCK_GAS, DEFAULT_MAX_TX_GAS,
    DEFAULT_MIN_GAS_PRICE,
};
pub use state::ParamsRead;

use super::Module;
use crate::address::Address;
use crate::ctx::Ctx;
use crate::error::TxError;
use crate::genesis::Genesis;
use crate::router::{Routes, Senders};
use state::ParamsWrite;

pub const NAME: &str = "params";

pub struct Params;

impl Module for Params {
    fn name(&self) -> &'static str {
        NAME
    }

    fn register(&self, routes: &mut Routes) {
        // Governance is a contract: it must be able to send it.
        routes.msg::<paramsv1::MsgUpdateParams, _>(
            NAME,
            &Arc::new(msgs::MsgServer),
            Senders::AccountsAndContracts,
        );
        query::register(routes);
    }

    /// The limits are written by the app from this section and CometBFT's block gas (see
    /// `App::init_genesis`); the authority here.
    fn init_genesis(&self, ctx: &mut Ctx, genesis: &Genesis) -> Result<(), TxError> {
        let section: ParamsGenesis = genesis.section(NAME).map_err(TxError::internal)?;
        if let Some(authority) = &section.authority {
            let a: Address = authority.parse().map_err(|e| {
                TxError::invalid_address(format!("genesis params.authority {authority:?}: {e}"))
            })?;
            ctx.put_authority(&a)?;
        }
        Ok(())
    }
}
