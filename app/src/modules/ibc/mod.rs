//! IBC (`ibc` substore): ibc-rs 0.57's core — the 07-tendermint light client, connections,
//! channels, packets, acknowledgements and timeouts — and ICS-20 transfer, over this chain's
//! store in ibc-go's exact encodings, so ibc-go chains and the Hermes relayer see a Cosmos SDK
//! chain.
//!
//! - [`host`]: ibc-rs's host contexts over a transaction's state; [`state_key`] the ICS-24
//!   paths and the module's own bookkeeping keys.
//! - [`msgs`]: the transaction messages; [`router`]: ports → applications; [`transfer`]: ICS-20;
//!   [`apps`]: the ports other modules bind (the `inference` application), async acks, sends.
//! - [`events`]: IBC events, indexed for relayers; [`query`]: `ibc.core.*.v1.Query` and
//!   `ibc.applications.transfer.v1.Query`.
//! - `begin_block` records this chain's consensus state at each height (what a counterparty's
//!   client of this chain holds, checked in the connection handshake), for a window of
//!   [`HISTORICAL_ENTRIES`](crate::modules::validators::HISTORICAL_ENTRIES) heights.

pub mod apps;
pub mod error;
pub mod events;
pub mod host;
mod msgs;
pub mod query;
mod router;
pub mod state_key;
pub mod transfer;

use std::sync::Arc;

use ibc::primitives::proto::Protobuf;
use ibc_proto::ibc::applications::transfer::v1 as transferv1;
use ibc_proto::ibc::core::connection::v1 as connv1;
use ibc_proto::ibc::core::{channel::v1 as chanv1, client::v1 as clientv1};

pub use error::IbcError;

use super::Module;
use crate::ctx::Ctx;
use crate::error::TxError;
use crate::modules::validators::HISTORICAL_ENTRIES;
use crate::router::{Routes, Senders};
use crate::state::StateWrite;

pub const NAME: &str = "ibc";

/// The IBC module, with the applications other modules bind to their ports.
#[derive(Default)]
pub struct Ibc {
    apps: Vec<Arc<dyn apps::IbcApp>>,
}

impl Ibc {
    pub fn with_apps(apps: Vec<Arc<dyn apps::IbcApp>>) -> Self {
        Ibc { apps }
    }
}

impl Module for Ibc {
    fn name(&self) -> &'static str {
        NAME
    }

    fn register(&self, routes: &mut Routes) {
        let core = Arc::new(msgs::CoreMsgs {
            apps: self.apps.clone(),
        });
        macro_rules! core {
            ($($m:ty),* $(,)?) => { $(routes.msg::<$m, _>(NAME, &core, Senders::Accounts);)* };
        }
        core!(
            clientv1::MsgCreateClient,
            clientv1::MsgUpdateClient,
            clientv1::MsgUpgradeClient,
            clientv1::MsgSubmitMisbehaviour,
            connv1::MsgConnectionOpenInit,
            connv1::MsgConnectionOpenTry,
            connv1::MsgConnectionOpenAck,
            connv1::MsgConnectionOpenConfirm,
            chanv1::MsgChannelOpenInit,
            chanv1::MsgChannelOpenTry,
            chanv1::MsgChannelOpenAck,
            chanv1::MsgChannelOpenConfirm,
            chanv1::MsgChannelCloseInit,
            chanv1::MsgChannelCloseConfirm,
            chanv1::MsgRecvPacket,
            chanv1::MsgAcknowledgement,
            chanv1::MsgTimeout,
            chanv1::MsgTimeoutOnClose,
        );
        let transfer = Arc::new(msgs::TransferMsgs);
        routes.msg::<transferv1::MsgTransfer, _>(NAME, &transfer, Senders::AccountsAndContracts);
        query::register(routes);
    }

    fn init_genesis(
        &self,
        ctx: &mut Ctx,
        _genesis: &crate::genesis::Genesis,
    ) -> Result<(), TxError> {
        let revision = host::chain_id(&ctx.block.chain_id)?.revision_number();
        crate::state::StateWriteExt::put_u64(ctx, state_key::revision(), revision)
    }

    fn begin_block(&self, ctx: &mut Ctx) -> Result<(), TxError> {
        if ctx.block.header.next_validators_hash.is_empty() {
            // Not a decided block (no header facts): nothing for a counterparty to hold.
            return Ok(());
        }
        let height = ctx.block.height;
        let own = host::own_consensus_state(ctx)?;
        ctx.put_raw(
            state_key::host_consensus_state(height),
            Protobuf::<ibc::primitives::proto::Any>::encode_vec(own),
        )?;
        if let Some(old) = height.checked_sub(u64::from(HISTORICAL_ENTRIES)) {
            ctx.delete_raw(state_key::host_consensus_state(old))?;
        }
        Ok(())
    }
}
