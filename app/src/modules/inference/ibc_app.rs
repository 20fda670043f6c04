//! The `inference` IBC application: other chains' contracts ask feeds for verified
//! inferences, and feeds publish their results to subscribers.
//!
//! - A request packet ([`ibc_packet::IbcRequest`]) on an unordered channel of port
//!   `inference` opens a request on an IBC-open feed, its fee drawn from the sender's deposit
//!   account ([`ibc_packet::deposit_account`]: funded over ICS-20). Nothing is acknowledged
//!   then: the acknowledgement is written when the request resolves — the verified result
//!   when a proof fulfils it, an error with the refund when its SLA is missed
//!   ([`acknowledge`], from the same place the consumer callback runs). A packet that can't
//!   open a request (malformed, unknown feed, drained deposit, …) is acknowledged at once
//!   with the error, and nothing is drawn.
//! - A feed with a `publish_channel` sends each verified result on it ([`publish`]); the
//!   subscriber's acknowledgement and a timeout are recorded as events, nothing more (a
//!   result is news, not a debt).

use std::time::Duration;

use ibc::core::channel::types::acknowledgement::Acknowledgement;
use ibc::core::channel::types::channel::{Counterparty, Order};
use ibc::core::channel::types::error::ChannelError;
use ibc::core::channel::types::packet::Packet;
use ibc::core::channel::types::Version as ChannelVersion;
use ibc::core::host::types::identifiers::{ChannelId, ConnectionId, PortId};
use ibc::core::router::module::Module as IbcModule;
use ibc::core::router::types::module::ModuleExtras;
use ibc::primitives::Signer;
use inferchain_proto::inferchain::inference::v1 as pb;

use super::error::{InferenceError, CODESPACE};
use super::feeds::{open_request, parse_amount, IbcPayment, NewRequest, MAX_CALLBACK_DATA};
use super::ibc_packet::{
    check_sender, deposit_account, Ack, IbcFailure, IbcRequest, IbcResult, PacketData, PORT,
    VERSION,
};
use super::state_key as key;
use crate::ctx::Ctx;
use crate::error::TxError;
use crate::modules::ibc::apps::{self, IbcApp};
use crate::modules::ibc::host::Shared;
use crate::state::{StateRead, StateWrite};

/// How long a published result may wait for a relayer before it times out.
pub const PUBLISH_TIMEOUT: Duration = Duration::from_secs(3600);
/// Gas one publication may use (the send of one packet).
const PUBLISH_GAS: u64 = 500_000;

/// The application's binding, handed to the `ibc` module.
pub struct InferencePort;

impl IbcApp for InferencePort {
    fn port(&self) -> &'static str {
        PORT
    }

    fn bind<'s, 'c, 'a>(&self, shared: &'s Shared<'c, 'a>) -> Box<dyn IbcModule + 's> {
        Box::new(InferenceIbc { shared })
    }
}

struct InferenceIbc<'s, 'c, 'a> {
    shared: &'s Shared<'c, 'a>,
}

impl std::fmt::Debug for InferenceIbc<'_, '_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("InferenceIbc")
    }
}

fn refuse(description: String) -> ChannelError {
    ChannelError::AppSpecific { description }
}

fn check_order(order: Order) -> Result<(), ChannelError> {
    if order != Order::Unordered {
        return Err(refuse(format!(
            "channels on port {PORT} are unordered (requests resolve in any order), not {order}"
        )));
    }
    Ok(())
}

fn check_version(version: &ChannelVersion, whose: &str) -> Result<(), ChannelError> {
    if version.as_str() != VERSION {
        return Err(refuse(format!(
            "{whose} version {:?} is not {VERSION:?}",
            version.as_str()
        )));
    }
    Ok(())
}

/// An error acknowledgement for a packet that opened no request.
fn refusal(e: &TxError, payer: String) -> Ack {
    Ack::Error(IbcFailure {
        code: e.code,
        codespace: e.codespace.to_string(),
        message: e.log.clone(),
        request_id: 0,
        refund: "0".into(),
        payer,
    })
}

/// Whether an error is the transaction's to fail with (out of gas, a broken invariant)
/// rather than the packet's to be refused with.
fn is_fatal(e: &TxError) -> bool {
    e.codespace == crate::error::SDK && (e.code == 11 || e.code == 1)
}

/// A received packet: `Ok(None)` when it opened a request (acknowledged later), `Ok(Some)`
/// when refused, `Err` for what must fail the transaction.
fn receive(ctx: &mut Ctx, packet: &Packet) -> Result<Option<Ack>, TxError> {
    let request = match PacketData::from_bytes(&packet.data) {
        Ok(PacketData::Request(r)) => r,
        Ok(PacketData::Result(_)) => {
            let e: TxError = InferenceError::MalformedPacket(
                "result packets go from InferChain to subscribers, not to it".into(),
            )
            .into();
            return Ok(Some(refusal(&e, String::new())));
        }
        Err(why) => {
            let e: TxError = InferenceError::MalformedPacket(why).into();
            return Ok(Some(refusal(&e, String::new())));
        }
    };
    let IbcRequest {
        feed_id,
        input,
        callback_data,
        sender,
        max_fee,
    } = request;
    let checked = check_sender(&sender)
        .and_then(|()| {
            if callback_data.len() > MAX_CALLBACK_DATA {
                return Err(format!("callback_data exceeds {MAX_CALLBACK_DATA} bytes"));
            }
            if input.is_empty() {
                return Err("the input is empty".into());
            }
            Ok(())
        })
        .map_err(|why| TxError::from(InferenceError::MalformedPacket(why)));
    if let Err(e) = checked {
        return Ok(Some(refusal(&e, String::new())));
    }
    let channel = packet.chan_id_on_b.to_string();
    let payer = deposit_account(&channel, &sender);
    let max_fee = match max_fee.as_str() {
        "" | "0" => None,
        s => match parse_amount("max_fee", s) {
            Ok(v) => Some(v),
            Err(e) => return Ok(Some(refusal(&e, payer.to_bech32()))),
        },
    };
    let origin = pb::IbcOrigin {
        channel_id: channel,
        sequence: u64::from(packet.seq_on_a),
        sender,
        payer: payer.to_bech32(),
    };
    let left = ctx
        .gas
        .limit()
        .map_or(u64::MAX, |l| l.saturating_sub(ctx.gas.used()));
    // In a layer of its own: a refused request leaves nothing behind but its acknowledgement.
    let opened = ctx.isolated(left, |sub| {
        let opened = open_request(
            sub,
            NewRequest {
                feed_id,
                requester: payer.clone(),
                input: &input,
                callback_data: &callback_data,
                ibc: Some(IbcPayment {
                    payer: payer.clone(),
                    max_fee,
                    origin,
                }),
            },
        )?;
        let raw: ibc_proto::ibc::core::channel::v1::Packet = packet.clone().into();
        sub.put_raw(
            key::ibc_packet(opened.request_id),
            prost::Message::encode_to_vec(&raw),
        )?;
        Ok(opened)
    });
    match opened {
        Ok(opened) => {
            ctx.emit(
                "inference_ibc_request",
                &[
                    ("request_id", opened.request_id.to_string()),
                    ("feed_id", feed_id.to_string()),
                    ("channel", packet.chan_id_on_b.to_string()),
                    ("sequence", packet.seq_on_a.to_string()),
                    ("payer", payer.to_bech32()),
                ],
            );
            Ok(None)
        }
        Err(e) if is_fatal(&e) => Err(e),
        Err(e) => Ok(Some(refusal(&e, payer.to_bech32()))),
    }
}

/// The verified result of a fulfilled request, as packets carry it.
pub(super) fn result_of(
    request: &pb::InferenceRequest,
    model: &pb::Model,
    proof_hash: &str,
    height: u64,
) -> IbcResult {
    IbcResult {
        request_id: request.id,
        feed_id: request.feed_id,
        output: request.output.clone(),
        model_id: model.id,
        model_commitment: model.commitment.clone(),
        proof_hash: proof_hash.to_string(),
        height,
        input_hash: request.input_hash.clone(),
        callback_data: request.callback_data.clone(),
    }
}

/// The failure acknowledgement of a request whose SLA was missed, `refund` uspec returned.
pub(super) fn sla_missed(request: &pb::InferenceRequest, refund: u128) -> Ack {
    let e: TxError = InferenceError::SlaMissed {
        id: request.id,
        deadline: request.deadline,
    }
    .into();
    Ack::Error(IbcFailure {
        code: e.code,
        codespace: CODESPACE.into(),
        message: e.log,
        request_id: request.id,
        refund: refund.to_string(),
        payer: request
            .ibc_origin
            .as_ref()
            .map(|o| o.payer.clone())
            .unwrap_or_default(),
    })
}

/// Writes the acknowledgement of a request that came over IBC, now resolved (nothing for
/// a local one). A channel closed meanwhile is recorded as an event; the request's own
/// resolution (payment or refund) stands either way.
pub(super) fn acknowledge(
    ctx: &mut Ctx,
    request: &pb::InferenceRequest,
    ack: Ack,
) -> Result<(), TxError> {
    if request.ibc_origin.is_none() {
        return Ok(());
    }
    let k = key::ibc_packet(request.id);
    let Some(raw) = ctx.get_raw(&k)? else {
        return Err(TxError::internal(format!(
            "request {} came over IBC but its packet is not stored",
            request.id
        )));
    };
    let raw: ibc_proto::ibc::core::channel::v1::Packet = prost::Message::decode(raw.as_slice())
        .map_err(|e| TxError::internal(format!("stored packet: {e}")))?;
    let packet =
        Packet::try_from(raw).map_err(|e| TxError::internal(format!("stored packet: {e}")))?;
    ctx.delete_raw(k)?;
    let success = matches!(ack, Ack::Result(_));
    match apps::write_acknowledgement(ctx, &packet, ack.to_bytes()) {
        Ok(()) => {
            ctx.emit(
                "inference_ibc_ack",
                &[
                    ("request_id", request.id.to_string()),
                    ("channel", packet.chan_id_on_b.to_string()),
                    ("sequence", packet.seq_on_a.to_string()),
                    ("success", success.to_string()),
                ],
            );
            Ok(())
        }
        Err(e) if is_fatal(&e) => Err(e),
        Err(e) => {
            ctx.emit(
                "inference_ibc_ack_error",
                &[("request_id", request.id.to_string()), ("log", e.log)],
            );
            Ok(())
        }
    }
}

/// Sends a feed's verified result to its publish channel (if it has one). A failed send (the
/// channel closed) is an event; the fulfilment stands.
pub(super) fn publish(ctx: &mut Ctx, feed: &pb::Feed, result: IbcResult) -> Result<(), TxError> {
    if feed.publish_channel.is_empty() {
        return Ok(());
    }
    let data = PacketData::Result(result.clone()).to_bytes();
    let sent = ctx.isolated(PUBLISH_GAS, |sub| {
        apps::send(sub, PORT, &feed.publish_channel, data, PUBLISH_TIMEOUT)
    });
    match sent {
        Ok(sequence) => ctx.emit(
            "inference_publish",
            &[
                ("feed_id", feed.id.to_string()),
                ("request_id", result.request_id.to_string()),
                ("channel", feed.publish_channel.clone()),
                ("sequence", sequence.to_string()),
            ],
        ),
        Err(e) if is_fatal(&e) && e.code == 11 => return Err(e),
        Err(e) => ctx.emit(
            "inference_publish_error",
            &[
                ("feed_id", feed.id.to_string()),
                ("request_id", result.request_id.to_string()),
                ("channel", feed.publish_channel.clone()),
                ("log", e.log),
            ],
        ),
    }
    Ok(())
}

impl InferenceIbc<'_, '_, '_> {
    /// A publication's fate (its acknowledgement or timeout), as an event.
    fn record(&self, packet: &Packet, outcome: &str) {
        self.shared.ctx().emit(
            "inference_publish_outcome",
            &[
                ("channel", packet.chan_id_on_a.to_string()),
                ("sequence", packet.seq_on_a.to_string()),
                ("outcome", outcome.to_string()),
            ],
        );
    }
}

impl IbcModule for InferenceIbc<'_, '_, '_> {
    fn on_chan_open_init_validate(
        &self,
        order: Order,
        _connection_hops: &[ConnectionId],
        _port_id: &PortId,
        _channel_id: &ChannelId,
        _counterparty: &Counterparty,
        version: &ChannelVersion,
    ) -> Result<ChannelVersion, ChannelError> {
        check_order(order)?;
        if !version.is_empty() {
            check_version(version, "the proposed")?;
        }
        Ok(ChannelVersion::new(VERSION.to_string()))
    }

    fn on_chan_open_init_execute(
        &mut self,
        _order: Order,
        _connection_hops: &[ConnectionId],
        _port_id: &PortId,
        _channel_id: &ChannelId,
        _counterparty: &Counterparty,
        _version: &ChannelVersion,
    ) -> Result<(ModuleExtras, ChannelVersion), ChannelError> {
        Ok((
            ModuleExtras::empty(),
            ChannelVersion::new(VERSION.to_string()),
        ))
    }

    fn on_chan_open_try_validate(
        &self,
        order: Order,
        _connection_hops: &[ConnectionId],
        _port_id: &PortId,
        _channel_id: &ChannelId,
        _counterparty: &Counterparty,
        counterparty_version: &ChannelVersion,
    ) -> Result<ChannelVersion, ChannelError> {
        check_order(order)?;
        check_version(counterparty_version, "the counterparty's")?;
        Ok(ChannelVersion::new(VERSION.to_string()))
    }

    fn on_chan_open_try_execute(
        &mut self,
        _order: Order,
        _connection_hops: &[ConnectionId],
        _port_id: &PortId,
        _channel_id: &ChannelId,
        _counterparty: &Counterparty,
        _counterparty_version: &ChannelVersion,
    ) -> Result<(ModuleExtras, ChannelVersion), ChannelError> {
        Ok((
            ModuleExtras::empty(),
            ChannelVersion::new(VERSION.to_string()),
        ))
    }

    fn on_chan_open_ack_validate(
        &self,
        _port_id: &PortId,
        _channel_id: &ChannelId,
        counterparty_version: &ChannelVersion,
    ) -> Result<(), ChannelError> {
        check_version(counterparty_version, "the counterparty's")
    }

    fn on_chan_open_confirm_validate(
        &self,
        _port_id: &PortId,
        _channel_id: &ChannelId,
    ) -> Result<(), ChannelError> {
        Ok(())
    }

    fn on_chan_close_init_validate(
        &self,
        _port_id: &PortId,
        _channel_id: &ChannelId,
    ) -> Result<(), ChannelError> {
        Err(refuse(format!(
            "channels on port {PORT} can't be closed from InferChain: requests in flight would \
             never be acknowledged"
        )))
    }

    fn on_recv_packet_execute(
        &mut self,
        packet: &Packet,
        _relayer: &Signer,
    ) -> (ModuleExtras, Option<Acknowledgement>) {
        let received = {
            let mut ctx = self.shared.ctx();
            receive(&mut ctx, packet)
        };
        let ack = match received {
            Ok(ack) => ack,
            Err(e) => {
                // Fails the transaction (out of gas stays code 11); the ack is moot.
                let _ = self.shared.host::<()>(Err(e.clone()));
                Some(refusal(&e, String::new()))
            }
        };
        let ack = ack.map(|a| {
            Acknowledgement::try_from(a.to_bytes()).expect("a JSON acknowledgement is not empty")
        });
        (ModuleExtras::empty(), ack)
    }

    fn on_acknowledgement_packet_validate(
        &self,
        _packet: &Packet,
        _acknowledgement: &Acknowledgement,
        _relayer: &Signer,
    ) -> Result<(), ChannelError> {
        Ok(())
    }

    fn on_acknowledgement_packet_execute(
        &mut self,
        packet: &Packet,
        acknowledgement: &Acknowledgement,
        _relayer: &Signer,
    ) -> (ModuleExtras, Result<(), ChannelError>) {
        let error = serde_json::from_slice::<serde_json::Value>(acknowledgement.as_bytes())
            .ok()
            .and_then(|v| v.get("error").map(|e| e.to_string()));
        match error {
            Some(e) => self.record(packet, &format!("error: {e}")),
            None => self.record(packet, "acknowledged"),
        }
        (ModuleExtras::empty(), Ok(()))
    }

    fn on_timeout_packet_validate(
        &self,
        _packet: &Packet,
        _relayer: &Signer,
    ) -> Result<(), ChannelError> {
        Ok(())
    }

    fn on_timeout_packet_execute(
        &mut self,
        packet: &Packet,
        _relayer: &Signer,
    ) -> (ModuleExtras, Result<(), ChannelError>) {
        self.record(packet, "timed out");
        (ModuleExtras::empty(), Ok(()))
    }
}
