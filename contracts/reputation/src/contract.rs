#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{
    to_json_binary, Addr, Binary, Deps, DepsMut, Env, MessageInfo, Order, Response, StdResult,
    Uint128,
};
use cw2::{get_contract_version, set_contract_version};
use cw_storage_plus::Bound;

use crate::error::ContractError;
use crate::formula::{apply_challenge_result, recompute_score};
use crate::msg::{
    ChallengeResult, ConfigResponse, ExecuteMsg, FormulaParams, InstantiateMsg, MigrateMsg,
    QueryMsg, RankingResponse, ReputationResponse, SudoMsg,
};
use crate::state::{reputations, Config, CONFIG, PARAMS, RECORDED_CHALLENGES};

pub const CONTRACT_NAME: &str = "crates.io:inferchain-reputation";
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");

const DEFAULT_LIMIT: u32 = 10;
const MAX_LIMIT: u32 = 100;

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    deps: DepsMut,
    _env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    validate_params(&msg.params)?;
    let owner = match msg.owner {
        Some(o) => deps.api.addr_validate(&o)?,
        None => info.sender,
    };
    let reporters = validate_addrs(deps.as_ref(), &msg.reporters)?;
    CONFIG.save(deps.storage, &Config { owner, reporters })?;
    PARAMS.save(deps.storage, &msg.params)?;
    Ok(Response::new().add_attribute("action", "instantiate"))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(
    deps: DepsMut,
    _env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> Result<Response, ContractError> {
    match msg {
        ExecuteMsg::RecordChallengeResults {
            challenge_id,
            field_size,
            results,
        } => {
            assert_reporter(deps.as_ref(), &info.sender)?;
            record_challenge_results(deps, challenge_id, field_size, results)
        }
        ExecuteMsg::RecordConsumption { modeler, count } => {
            assert_reporter(deps.as_ref(), &info.sender)?;
            record_consumption(deps, modeler, count)
        }
        ExecuteMsg::RecordSlash { modeler, amount } => {
            assert_reporter(deps.as_ref(), &info.sender)?;
            record_slash(deps, modeler, amount)
        }
        ExecuteMsg::UpdateParams { params } => {
            assert_owner(deps.as_ref(), &info.sender)?;
            validate_params(&params)?;
            PARAMS.save(deps.storage, &params)?;
            Ok(Response::new().add_attribute("action", "update_params"))
        }
        ExecuteMsg::UpdateConfig { owner, reporters } => {
            let mut config = assert_owner(deps.as_ref(), &info.sender)?;
            if let Some(o) = owner {
                config.owner = deps.api.addr_validate(&o)?;
            }
            if let Some(r) = reporters {
                config.reporters = validate_addrs(deps.as_ref(), &r)?;
            }
            CONFIG.save(deps.storage, &config)?;
            Ok(Response::new().add_attribute("action", "update_config"))
        }
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn sudo(deps: DepsMut, _env: Env, msg: SudoMsg) -> Result<Response, ContractError> {
    match msg {
        SudoMsg::RecordChallengeResults {
            challenge_id,
            field_size,
            results,
        } => record_challenge_results(deps, challenge_id, field_size, results),
        SudoMsg::RecordConsumption { modeler, count } => record_consumption(deps, modeler, count),
        SudoMsg::RecordSlash { modeler, amount } => record_slash(deps, modeler, amount),
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, _env: Env, msg: QueryMsg) -> StdResult<Binary> {
    match msg {
        QueryMsg::Config {} => to_json_binary(&query_config(deps)?),
        QueryMsg::Reputation { address } => to_json_binary(&query_reputation(deps, address)?),
        QueryMsg::Ranking { start_after, limit } => {
            to_json_binary(&query_ranking(deps, start_after, limit)?)
        }
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn migrate(deps: DepsMut, _env: Env, _msg: MigrateMsg) -> Result<Response, ContractError> {
    let stored = get_contract_version(deps.storage)?;
    if stored.contract != CONTRACT_NAME {
        return Err(ContractError::WrongContract {
            found: stored.contract,
        });
    }
    set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    Ok(Response::new()
        .add_attribute("action", "migrate")
        .add_attribute("from_version", stored.version)
        .add_attribute("to_version", CONTRACT_VERSION))
}

fn assert_owner(deps: Deps, sender: &Addr) -> Result<Config, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    if *sender != config.owner {
        return Err(ContractError::Unauthorized {});
    }
    Ok(config)
}

fn assert_reporter(deps: Deps, sender: &Addr) -> Result<(), ContractError> {
    let config = CONFIG.load(deps.storage)?;
    if !config.reporters.contains(sender) {
        return Err(ContractError::Unauthorized {});
    }
    Ok(())
}

fn validate_addrs(deps: Deps, addrs: &[String]) -> StdResult<Vec<Addr>> {
    addrs.iter().map(|a| deps.api.addr_validate(a)).collect()
}

fn validate_params(params: &FormulaParams) -> Result<(), ContractError> {
    if params.decay_bps > 10_000 {
        return Err(ContractError::InvalidParams {
            reason: "decay_bps must be at most 10000".into(),
        });
    }
    Ok(())
}

pub fn record_challenge_results(
    deps: DepsMut,
    challenge_id: u64,
    field_size: u32,
    results: Vec<ChallengeResult>,
) -> Result<Response, ContractError> {
    if RECORDED_CHALLENGES.has(deps.storage, challenge_id) {
        return Err(ContractError::AlreadyRecorded { challenge_id });
    }
    RECORDED_CHALLENGES.save(deps.storage, challenge_id, &())?;
    let params = PARAMS.load(deps.storage)?;
    for r in &results {
        if r.rank == 0 || r.rank > field_size {
            return Err(ContractError::InvalidRank {
                rank: r.rank,
                field_size,
            });
        }
        let addr = deps.api.addr_validate(&r.modeler)?;
        let mut rep = reputations()
            .may_load(deps.storage, &addr)?
            .unwrap_or_default();
        apply_challenge_result(&params, &mut rep, r.rank, field_size)?;
        reputations().save(deps.storage, &addr, &rep)?;
    }
    Ok(Response::new()
        .add_attribute("action", "record_challenge_results")
        .add_attribute("challenge_id", challenge_id.to_string())
        .add_attribute("results", results.len().to_string()))
}

pub fn record_consumption(
    deps: DepsMut,
    modeler: String,
    count: u64,
) -> Result<Response, ContractError> {
    let addr = deps.api.addr_validate(&modeler)?;
    let params = PARAMS.load(deps.storage)?;
    let mut rep = reputations()
        .may_load(deps.storage, &addr)?
        .unwrap_or_default();
    rep.consumption += Uint128::from(count);
    recompute_score(&params, &mut rep)?;
    reputations().save(deps.storage, &addr, &rep)?;
    Ok(Response::new()
        .add_attribute("action", "record_consumption")
        .add_attribute("modeler", addr)
        .add_attribute("count", count.to_string()))
}

pub fn record_slash(
    deps: DepsMut,
    modeler: String,
    amount: Uint128,
) -> Result<Response, ContractError> {
    let addr = deps.api.addr_validate(&modeler)?;
    let params = PARAMS.load(deps.storage)?;
    let mut rep = reputations()
        .may_load(deps.storage, &addr)?
        .unwrap_or_default();
    rep.slashes += 1;
    rep.slashed_amount += amount;
    rep.penalty += params.slash_penalty;
    recompute_score(&params, &mut rep)?;
    reputations().save(deps.storage, &addr, &rep)?;
    Ok(Response::new()
        .add_attribute("action", "record_slash")
        .add_attribute("modeler", addr)
        .add_attribute("amount", amount))
}

fn query_config(deps: Deps) -> StdResult<ConfigResponse> {
    let c = CONFIG.load(deps.storage)?;
    Ok(ConfigResponse {
        owner: c.owner,
        reporters: c.reporters,
        params: PARAMS.load(deps.storage)?,
    })
}

fn query_reputation(deps: Deps, address: String) -> StdResult<ReputationResponse> {
    let address = deps.api.addr_validate(&address)?;
    let reputation = reputations()
        .may_load(deps.storage, &address)?
        .unwrap_or_default();
    Ok(ReputationResponse {
        address,
        reputation,
    })
}

fn query_ranking(
    deps: Deps,
    start_after: Option<String>,
    limit: Option<u32>,
) -> StdResult<RankingResponse> {
    let limit = limit.unwrap_or(DEFAULT_LIMIT).min(MAX_LIMIT) as usize;
    let max = match start_after {
        Some(a) => {
            let addr = deps.api.addr_validate(&a)?;
            let rep = reputations().load(deps.storage, &addr)?;
            Some(Bound::exclusive((rep.score.u128(), addr)))
        }
        None => None,
    };
    let ranking = reputations()
        .idx
        .by_score
        .range(deps.storage, None, max, Order::Descending)
        .take(limit)
        .map(|r| {
            r.map(|(address, reputation)| ReputationResponse {
                address,
                reputation,
            })
        })
        .collect::<StdResult<Vec<_>>>()?;
    Ok(RankingResponse { ranking })
}
