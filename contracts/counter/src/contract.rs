#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{
    to_json_binary, Binary, Deps, DepsMut, Env, Event, MessageInfo, Response, StdResult,
};
use cw2::{get_contract_version, set_contract_version};

use crate::error::ContractError;
use crate::msg::{
    CountResponse, ExecuteMsg, InstantiateMsg, MigrateMsg, OwnerResponse, QueryMsg, SudoMsg,
};
use crate::state::{COUNT, MIGRATED, OWNER};

pub const CONTRACT_NAME: &str = "crates.io:inferchain-counter";
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    deps: DepsMut,
    _env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    COUNT.save(deps.storage, &msg.count)?;
    OWNER.save(deps.storage, &info.sender)?;
    MIGRATED.save(deps.storage, &false)?;
    Ok(Response::new()
        .add_attribute("action", "instantiate")
        .add_attribute("owner", info.sender)
        .add_attribute("count", msg.count.to_string()))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(
    deps: DepsMut,
    _env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> Result<Response, ContractError> {
    match msg {
        ExecuteMsg::Increment {} => {
            let count = increment(deps)?;
            Ok(Response::new()
                .add_attribute("action", "increment")
                .add_event(Event::new("counter").add_attribute("count", count.to_string()))
                .set_data(to_json_binary(&count)?))
        }
        ExecuteMsg::Reset { count } => {
            if info.sender != OWNER.load(deps.storage)? {
                return Err(ContractError::Unauthorized {});
            }
            COUNT.save(deps.storage, &count)?;
            Ok(Response::new()
                .add_attribute("action", "reset")
                .add_event(Event::new("counter").add_attribute("count", count.to_string())))
        }
        ExecuteMsg::Fail {} => {
            // The write happens first; the error must make the chain discard it.
            let count = increment(deps)?;
            Err(ContractError::FailingOnPurpose { count })
        }
    }
}

fn increment(deps: DepsMut) -> Result<u64, ContractError> {
    let count = COUNT.load(deps.storage)? + 1;
    COUNT.save(deps.storage, &count)?;
    Ok(count)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, _env: Env, msg: QueryMsg) -> StdResult<Binary> {
    match msg {
        QueryMsg::Count {} => to_json_binary(&CountResponse {
            count: COUNT.load(deps.storage)?,
        }),
        QueryMsg::Owner {} => to_json_binary(&OwnerResponse {
            owner: OWNER.load(deps.storage)?.into_string(),
        }),
        QueryMsg::Migrated {} => to_json_binary(&MIGRATED.may_load(deps.storage)?.unwrap_or(false)),
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn migrate(deps: DepsMut, _env: Env, msg: MigrateMsg) -> Result<Response, ContractError> {
    let stored = get_contract_version(deps.storage)?;
    if stored.contract != CONTRACT_NAME {
        return Err(ContractError::WrongContract {
            found: stored.contract,
        });
    }
    set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    if let Some(count) = msg.count {
        COUNT.save(deps.storage, &count)?;
    }
    MIGRATED.save(deps.storage, &true)?;
    let count = COUNT.load(deps.storage)?;
    Ok(Response::new()
        .add_attribute("action", "migrate")
        .add_attribute("from_version", stored.version)
        .add_attribute("count", count.to_string()))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn sudo(deps: DepsMut, _env: Env, msg: SudoMsg) -> Result<Response, ContractError> {
    match msg {
        SudoMsg::Set { count } => {
            COUNT.save(deps.storage, &count)?;
            Ok(Response::new()
                .add_attribute("action", "sudo_set")
                .add_attribute("count", count.to_string()))
        }
    }
}
