//! IBC's transaction messages: the core ones (clients, connections, channels, packets) run
//! through ibc-rs's entry point; `MsgTransfer` through ICS-20's send.
//!
//! Each message is decoded into ibc-rs's domain type in the stateless check (identifiers,
//! heights, proof encodings validated there, so a malformed message is refused before it
//! costs a block anything) and again at execution, where ibc-rs validates it against state
//! (light client verification of headers and membership proofs) and executes it.

use ibc::apps::transfer::types::msgs::transfer::MsgTransfer as DomainMsgTransfer;
use ibc::core::entrypoint;
use ibc::core::handler::types::error::HandlerError;
use ibc::core::handler::types::msgs::MsgEnvelope;
use ibc::primitives::proto::Any as IbcAny;
use ibc_proto::ibc::applications::transfer::v1 as transferv1;
use ibc_proto::ibc::core::connection::v1 as connv1;
use ibc_proto::ibc::core::{channel::v1 as chanv1, client::v1 as clientv1};
use prost::{Message, Name};
use tendermint_proto::google::protobuf::Any;

use super::error::IbcError;
use super::host::{IbcHost, Shared};
use super::router::IbcRouter;
use super::state_key as key;
use super::transfer::{self, Transfer};
use crate::address::Address;
use crate::ctx::Ctx;
use crate::error::TxError;
use crate::router::MsgHandler;
use crate::state::StateRead;

/// An IBC message of the `ibc.core.*` packages: who signs it and what it answers.
pub trait CoreMsg: Message + Name + Default + Clone + Send + Sync + 'static {
    type Response: Message + Name + Default;
    fn signer(&self) -> &str;
}

macro_rules! core_msgs {
    ($($msg:ty => $resp:ty;)*) => {
        $(impl CoreMsg for $msg {
            type Response = $resp;
            fn signer(&self) -> &str {
                &self.signer
            }
        })*
    };
}

core_msgs! {
    clientv1::MsgCreateClient => clientv1::MsgCreateClientResponse;
    clientv1::MsgUpdateClient => clientv1::MsgUpdateClientResponse;
    clientv1::MsgUpgradeClient => clientv1::MsgUpgradeClientResponse;
    clientv1::MsgSubmitMisbehaviour => clientv1::MsgSubmitMisbehaviourResponse;
    connv1::MsgConnectionOpenInit => connv1::MsgConnectionOpenInitResponse;
    connv1::MsgConnectionOpenTry => connv1::MsgConnectionOpenTryResponse;
    connv1::MsgConnectionOpenAck => connv1::MsgConnectionOpenAckResponse;
    connv1::MsgConnectionOpenConfirm => connv1::MsgConnectionOpenConfirmResponse;
    chanv1::MsgChannelOpenInit => chanv1::MsgChannelOpenInitResponse;
    chanv1::MsgChannelOpenTry => chanv1::MsgChannelOpenTryResponse;
    chanv1::MsgChannelOpenAck => chanv1::MsgChannelOpenAckResponse;
    chanv1::MsgChannelOpenConfirm => chanv1::MsgChannelOpenConfirmResponse;
    chanv1::MsgChannelCloseInit => chanv1::MsgChannelCloseInitResponse;
    chanv1::MsgChannelCloseConfirm => chanv1::MsgChannelCloseConfirmResponse;
    chanv1::MsgRecvPacket => chanv1::MsgRecvPacketResponse;
    chanv1::MsgAcknowledgement => chanv1::MsgAcknowledgementResponse;
    chanv1::MsgTimeout => chanv1::MsgTimeoutResponse;
    chanv1::MsgTimeoutOnClose => chanv1::MsgTimeoutOnCloseResponse;
}

fn ibc_any<M: Message + Name>(msg: &M) -> IbcAny {
    IbcAny {
        type_url: M::type_url(),
        value: msg.encode_to_vec(),
    }
}

fn signer_address(signer: &str) -> Result<Address, TxError> {
    signer
        .parse()
        .map_err(|e| TxError::invalid_address(format!("IBC message signer {signer:?}: {e}")))
}

fn envelope<M: CoreMsg>(msg: &M) -> Result<MsgEnvelope, TxError> {
    MsgEnvelope::try_from(ibc_any(msg)).map_err(|e| {
        IbcError::Malformed {
            type_url: M::type_url(),
            reason: e.to_string(),
        }
        .into()
    })
}

/// The handler of every `ibc.core.*` message, routing packets to the bound applications.
pub struct CoreMsgs {
    pub apps: Vec<std::sync::Arc<dyn super::apps::IbcApp>>,
}

impl<M: CoreMsg> MsgHandler<M> for CoreMsgs {
    fn check_stateless(&self, msg: &M) -> Result<Vec<Address>, TxError> {
        envelope(msg)?;
        Ok(vec![signer_address(msg.signer())?])
    }

    fn execute(&self, ctx: &mut Ctx, msg: &M) -> Result<Any, TxError> {
        let env = envelope(msg)?;
        let shared = Shared::new(ctx);
        let result = {
            let mut host = IbcHost::new(&shared)?;
            let mut router = IbcRouter::new(&shared, &self.apps);
            entrypoint::dispatch(&mut host, &mut router, env)
        };
        finish(&shared, result.map_err(IbcError::from))?;
        Ok(crate::modules::to_any(&M::Response::default()))
    }
}

/// The first state error (out of gas stays code 11), else ibc-rs's own.
pub(super) fn finish<T>(shared: &Shared, result: Result<T, IbcError>) -> Result<T, TxError> {
    if let Some(failure) = shared.take_failure() {
        return Err(failure);
    }
    result.map_err(TxError::from)
}

impl From<HandlerError> for IbcError {
    fn from(e: HandlerError) -> Self {
        IbcError::Handler(e.to_string(), super::error::kind(&e))
    }
}

/// `ibc.applications.transfer.v1.MsgTransfer`: ICS-20's send.
pub struct TransferMsgs;

impl TransferMsgs {
    /// A voucher may be named `ibc/<HASH>` as on any Cosmos chain: ibc-rs wants its trace.
    fn resolve(
        state: &mut dyn StateRead,
        mut msg: transferv1::MsgTransfer,
    ) -> Result<transferv1::MsgTransfer, TxError> {
        if let Some(token) = msg.token.as_mut() {
            if let Some(hash) = token.denom.strip_prefix("ibc/") {
                let trace = state
                    .get_raw(&key::denom_trace(&hash.to_ascii_uppercase()))?
                    .ok_or_else(|| IbcError::UnknownDenom(token.denom.clone()))?;
                token.denom = String::from_utf8(trace)
                    .map_err(|_| TxError::internal("denomination trace is not UTF-8"))?;
            }
        }
        Ok(msg)
    }
}

fn transfer_domain(msg: &transferv1::MsgTransfer) -> Result<DomainMsgTransfer, TxError> {
    DomainMsgTransfer::try_from(msg.clone()).map_err(|e| {
        IbcError::Malformed {
            type_url: transferv1::MsgTransfer::type_url(),
            reason: e.to_string(),
        }
        .into()
    })
}

impl MsgHandler<transferv1::MsgTransfer> for TransferMsgs {
    fn check_stateless(&self, msg: &transferv1::MsgTransfer) -> Result<Vec<Address>, TxError> {
        if !msg
            .token
            .as_ref()
            .is_some_and(|t| t.denom.starts_with("ibc/"))
        {
            transfer_domain(msg)?;
        }
        if msg.source_port != transfer::PORT {
            return Err(IbcError::Malformed {
                type_url: transferv1::MsgTransfer::type_url(),
                reason: format!(
                    "source port {:?} is not {:?}",
                    msg.source_port,
                    transfer::PORT
                ),
            }
            .into());
        }
        Ok(vec![signer_address(&msg.sender)?])
    }

    fn execute(&self, ctx: &mut Ctx, msg: &transferv1::MsgTransfer) -> Result<Any, TxError> {
        let msg = Self::resolve(ctx, msg.clone())?;
        let domain = transfer_domain(&msg)?;
        // The packet gets the channel's next send sequence; read it back after the send.
        let seq_path = ibc::core::host::types::path::SeqSendPath::new(
            &domain.port_id_on_a,
            &domain.chan_id_on_a,
        );
        let shared = Shared::new(ctx);
        let result = {
            let mut host = IbcHost::new(&shared)?;
            let mut token = Transfer { shared: &shared };
            ibc::apps::transfer::handler::send_transfer(&mut host, &mut token, domain)
                .map_err(|e| IbcError::Transfer(e.to_string()))
        };
        finish(&shared, result)?;
        let next = {
            use crate::state::StateReadExt;
            ctx.get_u64(&key::path(&seq_path))?.unwrap_or(1)
        };
        Ok(crate::modules::to_any(&transferv1::MsgTransferResponse {
            sequence: next.saturating_sub(1),
        }))
    }
}
