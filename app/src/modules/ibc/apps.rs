//! IBC applications other modules provide, and what they may do with IBC outside a packet
//! callback: acknowledge a packet they received earlier (an asynchronous acknowledgement) and
//! send a packet of their own.
//!
//! The `ibc` module knows no application but ICS-20: a module binds its port by handing an
//! [`IbcApp`] to [`Ibc::with_apps`](super::Ibc::with_apps), so the dependency runs one way
//! (applications depend on IBC, never IBC on them).

use std::time::Duration;

use ibc::core::channel::handler::{
    commit_packet_acknowledgment, emit_packet_acknowledgement_event_with_chan_end, send_packet,
};
use ibc::core::channel::types::acknowledgement::Acknowledgement;
use ibc::core::channel::types::channel::{ChannelEnd, State as ChannelState};
use ibc::core::channel::types::packet::Packet;
use ibc::core::channel::types::timeout::{TimeoutHeight, TimeoutTimestamp};
use ibc::core::host::types::identifiers::{ChannelId, PortId};
use ibc::core::host::types::path::{AckPath, ChannelEndPath, SeqSendPath};
use ibc::core::host::ValidationContext;
use ibc::core::router::module::Module as IbcModule;

use super::error::{IbcError, Kind};
use super::host::{IbcHost, Shared};
use crate::ctx::Ctx;
use crate::error::TxError;

/// An IBC application bound to one port.
pub trait IbcApp: Send + Sync {
    /// The port it owns.
    fn port(&self) -> &'static str;
    /// The application over one message's transaction context.
    fn bind<'s, 'c, 'a>(&self, shared: &'s Shared<'c, 'a>) -> Box<dyn IbcModule + 's>;
}

fn chan_err(why: impl ToString) -> IbcError {
    IbcError::Handler(why.to_string(), Kind::Channel)
}

fn port_id(port: &str) -> Result<PortId, TxError> {
    port.parse()
        .map_err(|e| TxError::internal(format!("port {port:?}: {e}")))
}

fn channel_id(channel: &str) -> Result<ChannelId, TxError> {
    channel
        .parse()
        .map_err(|e| chan_err(format!("channel id {channel:?}: {e}")).into())
}

/// Runs `f` with ibc-rs's host over `ctx`; a state error raised under it wins (out of gas
/// stays code 11).
fn with_host<T>(
    ctx: &mut Ctx,
    f: impl FnOnce(&mut IbcHost) -> Result<T, IbcError>,
) -> Result<T, TxError> {
    let shared = Shared::new(ctx);
    let result = f(&mut IbcHost::new(&shared)?);
    super::msgs::finish(&shared, result)
}

fn channel_end(host: &IbcHost, port: &PortId, channel: &ChannelId) -> Result<ChannelEnd, IbcError> {
    host.channel_end(&ChannelEndPath::new(port, channel))
        .map_err(|e| chan_err(format!("{port}/{channel}: {e}")))
}

/// The channel `port`/`channel` if it exists and is open, else why not.
pub fn open_channel(ctx: &mut Ctx, port: &str, channel: &str) -> Result<ChannelEnd, TxError> {
    let (port, channel) = (port_id(port)?, channel_id(channel)?);
    with_host(ctx, |host| {
        let end = channel_end(host, &port, &channel)?;
        if end.state != ChannelState::Open {
            return Err(chan_err(format!(
                "{port}/{channel} is {}, not open",
                end.state
            )));
        }
        Ok(end)
    })
}

/// Acknowledges `packet`, received on this chain earlier without an acknowledgement (its
/// application returned none): the commitment ibc-go proves, and the `write_acknowledgement`
/// event relayers look for. Refused if the channel is no longer open or the packet was
/// acknowledged already.
pub fn write_acknowledgement(ctx: &mut Ctx, packet: &Packet, ack: Vec<u8>) -> Result<(), TxError> {
    let ack = Acknowledgement::try_from(ack)
        .map_err(|e| TxError::internal(format!("acknowledgement: {e}")))?;
    with_host(ctx, |host| {
        let end = channel_end(host, &packet.port_id_on_b, &packet.chan_id_on_b)?;
        if end.state != ChannelState::Open {
            return Err(chan_err(format!(
                "{}/{} is {}: the acknowledgement of packet {} can't be written",
                packet.port_id_on_b, packet.chan_id_on_b, end.state, packet.seq_on_a
            )));
        }
        let path = AckPath::new(&packet.port_id_on_b, &packet.chan_id_on_b, packet.seq_on_a);
        if host.get_packet_acknowledgement(&path).is_ok() {
            return Err(chan_err(format!(
                "packet {} on {}/{} is acknowledged already",
                packet.seq_on_a, packet.port_id_on_b, packet.chan_id_on_b
            )));
        }
        commit_packet_acknowledgment(host, packet, &ack)
            .and_then(|()| {
                emit_packet_acknowledgement_event_with_chan_end(host, &end, packet.clone(), ack)
            })
            .map_err(chan_err)
    })
}

/// Sends `data` from `port`/`channel` to its counterparty, timing out `timeout` after this
/// block's time; returns the packet's sequence.
pub fn send(
    ctx: &mut Ctx,
    port: &str,
    channel: &str,
    data: Vec<u8>,
    timeout: Duration,
) -> Result<u64, TxError> {
    let (port, channel) = (port_id(port)?, channel_id(channel)?);
    with_host(ctx, |host| {
        let end = channel_end(host, &port, &channel)?;
        let counterparty = end.counterparty();
        let chan_on_b = counterparty
            .channel_id()
            .cloned()
            .ok_or_else(|| chan_err(format!("{port}/{channel} has no counterparty yet")))?;
        let seq = host
            .get_next_sequence_send(&SeqSendPath::new(&port, &channel))
            .map_err(chan_err)?;
        let now = host.host_timestamp().map_err(chan_err)?;
        let timeout_at = (now + timeout).map_err(chan_err)?;
        let packet = Packet {
            seq_on_a: seq,
            port_id_on_a: port.clone(),
            chan_id_on_a: channel.clone(),
            port_id_on_b: counterparty.port_id().clone(),
            chan_id_on_b: chan_on_b,
            data,
            timeout_height_on_b: TimeoutHeight::no_timeout(),
            timeout_timestamp_on_b: TimeoutTimestamp::At(timeout_at),
        };
        send_packet(host, packet).map_err(chan_err)?;
        Ok(u64::from(seq))
    })
}
