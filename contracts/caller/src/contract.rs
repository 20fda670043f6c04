#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{
    to_json_binary, AnyMsg, BankMsg, Binary, Coin, CosmosMsg, Deps, DepsMut, Env, Event,
    MessageInfo, Reply, Response, StdResult, SubMsg, SubMsgResponse, SubMsgResult, WasmMsg,
};
use cw2::set_contract_version;

use crate::error::ContractError;
use crate::msg::{
    CounterCountResponse, CounterExecuteMsg, CounterInstantiateMsg, CounterQueryMsg, ExecuteMsg,
    InstantiateMsg, Instantiated, LastReply, QueryMsg, REPLY_FAILING, REPLY_INCREMENT,
    REPLY_INSTANTIATE2,
};
use crate::proto;
use crate::state::{INSTANTIATED, LAST_REPLY, MARK};

pub const CONTRACT_NAME: &str = "crates.io:inferchain-caller";
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");

const INSTANTIATE2_RESPONSE_TYPE: &str = "/cosmwasm.wasm.v1.MsgInstantiateContract2Response";

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    deps: DepsMut,
    _env: Env,
    _info: MessageInfo,
    _msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    Ok(Response::new().add_attribute("action", "instantiate"))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(
    deps: DepsMut,
    _env: Env,
    _info: MessageInfo,
    msg: ExecuteMsg,
) -> Result<Response, ContractError> {
    match msg {
        ExecuteMsg::Send { to, amount } => {
            let to = deps.api.addr_validate(&to)?;
            Ok(Response::new()
                .add_attribute("action", "send")
                .add_attribute("to", to.as_str())
                .add_message(BankMsg::Send {
                    to_address: to.into_string(),
                    amount,
                }))
        }
        ExecuteMsg::CallIncrement { counter } => {
            MARK.save(deps.storage, &"call-increment".to_string())?;
            let msg = counter_execute(deps.as_ref(), &counter, &CounterExecuteMsg::Increment {})?;
            Ok(Response::new()
                .add_attribute("action", "call_increment")
                .add_submessage(SubMsg::reply_on_success(msg, REPLY_INCREMENT)))
        }
        ExecuteMsg::CallFailing { counter } => {
            MARK.save(deps.storage, &"call-failing".to_string())?;
            let msg = counter_execute(deps.as_ref(), &counter, &CounterExecuteMsg::Fail {})?;
            Ok(Response::new()
                .add_attribute("action", "call_failing")
                .add_submessage(SubMsg::reply_on_error(msg, REPLY_FAILING)))
        }
        ExecuteMsg::CallFailingNoReply { counter } => {
            MARK.save(deps.storage, &"call-failing-no-reply".to_string())?;
            let msg = counter_execute(deps.as_ref(), &counter, &CounterExecuteMsg::Fail {})?;
            Ok(Response::new()
                .add_attribute("action", "call_failing_no_reply")
                .add_message(msg))
        }
        ExecuteMsg::SendAny { type_url, value } => Ok(Response::new()
            .add_attribute("action", "send_any")
            .add_attribute("type_url", type_url.clone())
            .add_message(CosmosMsg::Any(AnyMsg { type_url, value }))),
        ExecuteMsg::Instantiate2Counter {
            code_id,
            salt,
            label,
        } => {
            let msg = WasmMsg::Instantiate2 {
                admin: None,
                code_id,
                label,
                msg: to_json_binary(&CounterInstantiateMsg { count: 0 })?,
                funds: vec![],
                salt,
            };
            Ok(Response::new()
                .add_attribute("action", "instantiate2_counter")
                .add_submessage(SubMsg::reply_always(msg, REPLY_INSTANTIATE2)))
        }
    }
}

fn counter_execute(deps: Deps, counter: &str, msg: &CounterExecuteMsg) -> StdResult<WasmMsg> {
    Ok(WasmMsg::Execute {
        contract_addr: deps.api.addr_validate(counter)?.into_string(),
        msg: to_json_binary(msg)?,
        funds: vec![],
    })
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn reply(deps: DepsMut, _env: Env, msg: Reply) -> Result<Response, ContractError> {
    if !matches!(msg.id, REPLY_INCREMENT | REPLY_FAILING | REPLY_INSTANTIATE2) {
        return Err(ContractError::UnknownReplyId { id: msg.id });
    }
    let last = match &msg.result {
        SubMsgResult::Ok(resp) => LastReply {
            id: msg.id,
            ok: true,
            error: None,
            data: response_data(resp),
            events: resp.events.iter().map(|e| e.ty.clone()).collect(),
            msg_responses: resp
                .msg_responses
                .iter()
                .map(|r| r.type_url.clone())
                .collect(),
            gas_used: msg.gas_used,
        },
        SubMsgResult::Err(err) => LastReply {
            id: msg.id,
            ok: false,
            error: Some(err.clone()),
            data: None,
            events: vec![],
            msg_responses: vec![],
            gas_used: msg.gas_used,
        },
    };
    LAST_REPLY.save(deps.storage, &last)?;

    let mut event = Event::new("caller_reply")
        .add_attribute("id", msg.id.to_string())
        .add_attribute("ok", last.ok.to_string());
    if msg.id == REPLY_INSTANTIATE2 {
        if let SubMsgResult::Ok(resp) = &msg.result {
            let instantiated = instantiated(resp);
            if let Some(addr) = instantiated
                .address_from_msg_responses
                .as_ref()
                .or(instantiated.address_from_events.as_ref())
            {
                event = event.add_attribute("contract_address", addr);
            }
            INSTANTIATED.save(deps.storage, &instantiated)?;
        }
    }
    Ok(Response::new()
        .add_event(event)
        .set_data(to_json_binary(&last)?))
}

#[allow(deprecated)] // `data`: still filled by chains before CosmWasm 2 (and by some after)
fn response_data(resp: &SubMsgResponse) -> Option<Binary> {
    resp.data.clone()
}

/// The new contract's address from both places a chain reports it.
fn instantiated(resp: &SubMsgResponse) -> Instantiated {
    let address_from_events = resp
        .events
        .iter()
        .filter(|e| e.ty == "instantiate")
        .flat_map(|e| e.attributes.iter())
        .find(|a| a.key == "_contract_address")
        .map(|a| a.value.clone());
    let encoded = resp
        .msg_responses
        .iter()
        .find(|r| r.type_url == INSTANTIATE2_RESPONSE_TYPE)
        .map(|r| r.value.clone())
        .or_else(|| response_data(resp));
    let (address_from_msg_responses, data) = match encoded {
        Some(bytes) => (
            proto::field(&bytes, 1).and_then(|a| String::from_utf8(a.to_vec()).ok()),
            proto::field(&bytes, 2).map(Binary::from),
        ),
        None => (None, None),
    };
    Instantiated {
        address_from_events,
        address_from_msg_responses,
        data,
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> StdResult<Binary> {
    match msg {
        QueryMsg::Grpc { path, data } => deps.querier.query_grpc(path, data),
        QueryMsg::DenomMetadata { denom } => {
            to_json_binary(&deps.querier.query_denom_metadata(denom)?)
        }
        QueryMsg::LastReply {} => to_json_binary(&LAST_REPLY.may_load(deps.storage)?),
        QueryMsg::Mark {} => to_json_binary(&MARK.may_load(deps.storage)?),
        QueryMsg::CounterValue { counter } => {
            let counter = deps.api.addr_validate(&counter)?;
            let resp: CounterCountResponse = deps
                .querier
                .query_wasm_smart(counter, &CounterQueryMsg::Count {})?;
            to_json_binary(&resp.count)
        }
        QueryMsg::Balance { denom } => {
            let coin: Coin = deps.querier.query_balance(env.contract.address, denom)?;
            to_json_binary(&coin)
        }
        QueryMsg::Instantiated {} => to_json_binary(&INSTANTIATED.may_load(deps.storage)?),
    }
}
