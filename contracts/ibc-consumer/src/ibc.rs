//! The IBC entry points: the channel handshake with InferChain's port `inference`, the
//! acknowledgements of our requests (verified results, failures with refunds), timeouts
//! (refunds), and the results feeds publish to us.

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{
    from_json, BankMsg, Binary, DepsMut, Env, Ibc3ChannelOpenResponse, IbcBasicResponse,
    IbcChannel, IbcChannelCloseMsg, IbcChannelConnectMsg, IbcChannelOpenMsg,
    IbcChannelOpenResponse, IbcOrder, IbcPacketAckMsg, IbcPacketReceiveMsg, IbcPacketTimeoutMsg,
    IbcReceiveResponse, Never, StdResult, Storage,
};

use crate::error::ContractError;
use crate::msg::{Ack, PacketData, VERSION};
use crate::state::{Channel, Request, Status, CHANNEL, PUBLISHED, REQUESTS};

fn check_channel(
    channel: &IbcChannel,
    counterparty_version: Option<&str>,
) -> Result<(), ContractError> {
    if channel.order != IbcOrder::Unordered {
        return Err(ContractError::Order {
            order: format!("{:?}", channel.order),
        });
    }
    for v in [Some(channel.version.as_str()), counterparty_version]
        .into_iter()
        .flatten()
    {
        if v != VERSION {
            return Err(ContractError::Version {
                version: v.to_string(),
                expected: VERSION.to_string(),
            });
        }
    }
    Ok(())
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn ibc_channel_open(
    deps: DepsMut,
    _env: Env,
    msg: IbcChannelOpenMsg,
) -> Result<IbcChannelOpenResponse, ContractError> {
    if let Some(existing) = CHANNEL.may_load(deps.storage)? {
        return Err(ContractError::ChannelExists {
            channel: existing.channel_id,
        });
    }
    check_channel(msg.channel(), msg.counterparty_version())?;
    Ok(Some(Ibc3ChannelOpenResponse {
        version: VERSION.to_string(),
    }))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn ibc_channel_connect(
    deps: DepsMut,
    _env: Env,
    msg: IbcChannelConnectMsg,
) -> Result<IbcBasicResponse, ContractError> {
    let channel = msg.channel();
    check_channel(channel, msg.counterparty_version())?;
    CHANNEL.save(
        deps.storage,
        &Channel {
            channel_id: channel.endpoint.channel_id.clone(),
            counterparty_channel_id: channel.counterparty_endpoint.channel_id.clone(),
            next_sequence: 1,
        },
    )?;
    Ok(IbcBasicResponse::new()
        .add_attribute("action", "channel_connect")
        .add_attribute("channel", channel.endpoint.channel_id.clone()))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn ibc_channel_close(
    deps: DepsMut,
    _env: Env,
    msg: IbcChannelCloseMsg,
) -> Result<IbcBasicResponse, ContractError> {
    CHANNEL.remove(deps.storage);
    Ok(IbcBasicResponse::new()
        .add_attribute("action", "channel_close")
        .add_attribute("channel", msg.channel().endpoint.channel_id.clone()))
}

/// A feed's published result: kept, acknowledged as received.
#[cfg_attr(not(feature = "library"), entry_point)]
pub fn ibc_packet_receive(
    deps: DepsMut,
    _env: Env,
    msg: IbcPacketReceiveMsg,
) -> Result<IbcReceiveResponse, Never> {
    let ack = |v: serde_json::Value| Binary::from(v.to_string().into_bytes());
    match from_json::<PacketData>(&msg.packet.data) {
        Ok(PacketData::Result(result)) => {
            let key = (result.feed_id.u64(), result.request_id.u64());
            if let Err(e) = PUBLISHED.save(deps.storage, key, &result) {
                return Ok(IbcReceiveResponse::new(ack(
                    serde_json::json!({"error": {"message": e.to_string()}}),
                )));
            }
            Ok(
                IbcReceiveResponse::new(ack(serde_json::json!({"result": "AQ=="})))
                    .add_attribute("action", "published_result")
                    .add_attribute("feed_id", key.0.to_string())
                    .add_attribute("request_id", key.1.to_string()),
            )
        }
        Ok(PacketData::Request(_)) => Ok(IbcReceiveResponse::new(ack(
            serde_json::json!({"error": {"message": "this contract serves no requests"}}),
        ))),
        Err(e) => Ok(IbcReceiveResponse::new(ack(
            serde_json::json!({"error": {"message": format!("malformed packet: {e}")}}),
        ))),
    }
}

/// Refunds what the user paid: back to them, recorded on the request.
fn refund(request: &mut Request) -> Vec<BankMsg> {
    if request.paid.is_empty() || !request.refunded.is_empty() {
        return vec![];
    }
    request.refunded = request.paid.clone();
    vec![BankMsg::Send {
        to_address: request.user.to_string(),
        amount: request.paid.clone(),
    }]
}

fn load(storage: &dyn Storage, sequence: u64) -> StdResult<Option<Request>> {
    REQUESTS.may_load(storage, sequence)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn ibc_packet_ack(
    deps: DepsMut,
    _env: Env,
    msg: IbcPacketAckMsg,
) -> Result<IbcBasicResponse, ContractError> {
    let sequence = msg.original_packet.sequence;
    let Some(mut request) = load(deps.storage, sequence)? else {
        return Ok(IbcBasicResponse::new().add_attribute("action", "ack_unknown_packet"));
    };
    let mut msgs = vec![];
    let outcome = match from_json::<Ack>(&msg.acknowledgement.data) {
        Ok(Ack::Result(result)) => {
            request.status = Status::Fulfilled;
            request.result = Some(result);
            "fulfilled"
        }
        Ok(Ack::Error(failure)) => {
            request.status = Status::Failed;
            request.failure = Some(failure);
            msgs = refund(&mut request);
            "failed"
        }
        Err(e) => {
            request.status = Status::Failed;
            request.failure = Some(crate::msg::IbcFailure {
                message: format!("unreadable acknowledgement: {e}"),
                ..Default::default()
            });
            msgs = refund(&mut request);
            "failed"
        }
    };
    REQUESTS.save(deps.storage, sequence, &request)?;
    Ok(IbcBasicResponse::new()
        .add_messages(msgs)
        .add_attribute("action", "ack")
        .add_attribute("sequence", sequence.to_string())
        .add_attribute("outcome", outcome))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn ibc_packet_timeout(
    deps: DepsMut,
    _env: Env,
    msg: IbcPacketTimeoutMsg,
) -> Result<IbcBasicResponse, ContractError> {
    let sequence = msg.packet.sequence;
    let Some(mut request) = load(deps.storage, sequence)? else {
        return Ok(IbcBasicResponse::new().add_attribute("action", "timeout_unknown_packet"));
    };
    request.status = Status::TimedOut;
    let msgs = refund(&mut request);
    REQUESTS.save(deps.storage, sequence, &request)?;
    Ok(IbcBasicResponse::new()
        .add_messages(msgs)
        .add_attribute("action", "timeout")
        .add_attribute("sequence", sequence.to_string())
        .add_attribute(
            "refunded",
            request
                .refunded
                .iter()
                .map(|c| c.to_string())
                .collect::<Vec<_>>()
                .join(","),
        ))
}
