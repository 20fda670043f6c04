#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{
    to_json_binary, Binary, Coin, Deps, DepsMut, Env, IbcMsg, IbcTimeout, Int64, MessageInfo,
    Order, Response, StdResult,
};
use cw2::set_contract_version;
use cw_storage_plus::Bound;

use crate::error::ContractError;
use crate::msg::{
    ExecuteMsg, IbcRequest, InstantiateMsg, PacketData, PublishedResponse, QueryMsg,
    RequestsResponse,
};
use crate::state::{Config, Request, Status, CHANNEL, CONFIG, PUBLISHED, REQUESTS};

pub const CONTRACT_NAME: &str = "crates.io:inferchain-ibc-consumer";
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");
const DEFAULT_TIMEOUT_SECONDS: u64 = 600;
const MAX_LIMIT: u32 = 100;

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    deps: DepsMut,
    _env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    CONFIG.save(
        deps.storage,
        &Config {
            owner: info.sender.clone(),
            price: msg.price,
            max_fee: msg.max_fee,
        },
    )?;
    Ok(Response::new()
        .add_attribute("action", "instantiate")
        .add_attribute("owner", info.sender))
}

fn coins_text(coins: &[Coin]) -> String {
    let parts: Vec<String> = coins.iter().map(Coin::to_string).collect();
    if parts.is_empty() {
        "nothing".into()
    } else {
        parts.join(",")
    }
}

/// The user pays exactly the configured price (or nothing when there is none).
fn check_payment(config: &Config, info: &MessageInfo) -> Result<Vec<Coin>, ContractError> {
    let ok = match &config.price {
        None => info.funds.is_empty(),
        Some(p) if p.amount.is_zero() => info.funds.is_empty(),
        Some(p) => info.funds.len() == 1 && info.funds[0] == *p,
    };
    if !ok {
        return Err(ContractError::Price {
            price: config
                .price
                .as_ref()
                .map_or("nothing".into(), Coin::to_string),
            paid: coins_text(&info.funds),
        });
    }
    Ok(info.funds.clone())
}

/// Sends `data` on the channel and records the request under the packet's sequence.
fn send(
    deps: DepsMut,
    env: &Env,
    request: Request,
    data: Binary,
    timeout_seconds: Option<u64>,
) -> Result<Response, ContractError> {
    let mut channel = CHANNEL
        .may_load(deps.storage)?
        .ok_or(ContractError::NoChannel {})?;
    let sequence = channel.next_sequence;
    channel.next_sequence += 1;
    CHANNEL.save(deps.storage, &channel)?;
    let request = Request {
        sequence,
        ..request
    };
    REQUESTS.save(deps.storage, sequence, &request)?;
    let timeout = env
        .block
        .time
        .plus_seconds(timeout_seconds.unwrap_or(DEFAULT_TIMEOUT_SECONDS));
    Ok(Response::new()
        .add_message(IbcMsg::SendPacket {
            channel_id: channel.channel_id.clone(),
            data,
            timeout: IbcTimeout::with_timestamp(timeout),
        })
        .add_attribute("action", "request")
        .add_attribute("sequence", sequence.to_string())
        .add_attribute("feed_id", request.feed_id.to_string())
        .add_attribute("channel", channel.channel_id))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> Result<Response, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    match msg {
        ExecuteMsg::Request {
            feed_id,
            input,
            timeout_seconds,
        } => {
            if input.is_empty() {
                return Err(ContractError::EmptyInput {});
            }
            let paid = check_payment(&config, &info)?;
            let next = CHANNEL
                .may_load(deps.storage)?
                .ok_or(ContractError::NoChannel {})?
                .next_sequence;
            let packet = PacketData::Request(IbcRequest {
                feed_id,
                input: input.iter().copied().map(Int64::new).collect(),
                // Echoed back in the result: the sequence this request goes out with.
                callback_data: Binary::from(next.to_be_bytes().to_vec()),
                sender: env.contract.address.to_string(),
                max_fee: config.max_fee.clone(),
            });
            let request = Request {
                sequence: 0,
                user: info.sender,
                feed_id: feed_id.u64(),
                input,
                paid,
                status: Status::Pending,
                result: None,
                failure: None,
                refunded: vec![],
                raw: false,
            };
            send(
                deps,
                &env,
                request,
                to_json_binary(&packet)?,
                timeout_seconds,
            )
        }
        ExecuteMsg::SendRaw {
            data,
            timeout_seconds,
        } => {
            if info.sender != config.owner {
                return Err(ContractError::Unauthorized {});
            }
            let request = Request {
                sequence: 0,
                user: info.sender,
                feed_id: 0,
                input: vec![],
                paid: info.funds,
                status: Status::Pending,
                result: None,
                failure: None,
                refunded: vec![],
                raw: true,
            };
            send(deps, &env, request, data, timeout_seconds)
        }
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, _env: Env, msg: QueryMsg) -> StdResult<Binary> {
    match msg {
        QueryMsg::Config {} => to_json_binary(&CONFIG.load(deps.storage)?),
        QueryMsg::Channel {} => to_json_binary(&CHANNEL.may_load(deps.storage)?),
        QueryMsg::Request { sequence } => {
            to_json_binary(&REQUESTS.may_load(deps.storage, sequence)?)
        }
        QueryMsg::Requests { start_after, limit } => {
            let limit = limit.unwrap_or(30).min(MAX_LIMIT) as usize;
            let requests = REQUESTS
                .range(
                    deps.storage,
                    start_after.map(Bound::exclusive),
                    None,
                    Order::Ascending,
                )
                .take(limit)
                .map(|r| r.map(|(_, v)| v))
                .collect::<StdResult<Vec<_>>>()?;
            to_json_binary(&RequestsResponse { requests })
        }
        QueryMsg::Published { feed_id } => {
            let results = PUBLISHED
                .prefix(feed_id.u64())
                .range(deps.storage, None, None, Order::Ascending)
                .take(MAX_LIMIT as usize)
                .map(|r| r.map(|(_, v)| v))
                .collect::<StdResult<Vec<_>>>()?;
            to_json_binary(&PublishedResponse { results })
        }
    }
}
