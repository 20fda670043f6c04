#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{
    to_json_binary, Addr, BankMsg, Binary, Coin, CosmosMsg, Decimal, Deps, DepsMut, Env,
    MessageInfo, Order, Reply, Response, StdError, StdResult, SubMsg, SubMsgResult, Uint128,
    WasmMsg,
};
use cw2::{get_contract_version, set_contract_version};
use cw_storage_plus::Bound;
use cw_utils::{must_pay, nonpayable};

use crate::error::ContractError;
use crate::msg::{
    ConfigResponse, ExecuteMsg, InstantiateMsg, MigrateMsg, Outcome, ProposalResponse,
    ProposalStatus, ProposalsResponse, QueryMsg, StakingPowerResponse, StakingQueryMsg, Tally,
    TallyResponse, VoteInfo, VoteOption, VoteResponse, VotesResponse, VotingParams,
};
use crate::state::{
    proposals, Ballot, Config, Proposal, BALLOTS, CONFIG, DEPOSITS_HELD, PROPOSAL_COUNT,
};

pub const CONTRACT_NAME: &str = "crates.io:inferchain-governance";
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");
/// The chain's native coin.
pub const DENOM: &str = "uspec";

const DEFAULT_LIMIT: u32 = 10;
const MAX_LIMIT: u32 = 100;

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    deps: DepsMut,
    _env: Env,
    _info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    validate_params(&msg.params)?;
    let staking = deps.api.addr_validate(&msg.staking)?;
    CONFIG.save(
        deps.storage,
        &Config {
            staking,
            params: msg.params,
        },
    )?;
    PROPOSAL_COUNT.save(deps.storage, &0)?;
    DEPOSITS_HELD.save(deps.storage, &Uint128::zero())?;
    Ok(Response::new().add_attribute("action", "instantiate"))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> Result<Response, ContractError> {
    match msg {
        ExecuteMsg::Propose {
            title,
            description,
            messages,
        } => execute_propose(deps, env, info, title, description, messages),
        ExecuteMsg::Vote { proposal_id, vote } => execute_vote(deps, env, info, proposal_id, vote),
        ExecuteMsg::Execute { proposal_id } => execute_execute(deps, env, info, proposal_id),
        ExecuteMsg::Close { proposal_id } => execute_close(deps, env, info, proposal_id),
        ExecuteMsg::UpdateConfig { staking, params } => {
            execute_update_config(deps, env, info, staking, params)
        }
        ExecuteMsg::RunProposalMessages { proposal_id } => {
            execute_run_messages(deps, env, info, proposal_id)
        }
        ExecuteMsg::AssertSolvent {} => execute_assert_solvent(deps, env, info),
    }
}

/// Only the sub-message of `Execute` replies (on error): the proposal's messages were rolled
/// back together; record why.
#[cfg_attr(not(feature = "library"), entry_point)]
pub fn reply(deps: DepsMut, _env: Env, msg: Reply) -> Result<Response, ContractError> {
    let proposal_id = msg.id;
    let error = match msg.result {
        SubMsgResult::Err(e) => e,
        SubMsgResult::Ok(_) => return Ok(Response::new()),
    };
    let mut proposal = load_proposal(deps.as_ref(), proposal_id)?;
    proposal.status = ProposalStatus::ExecutionFailed;
    proposal.execution_error = Some(error.clone());
    proposals().save(deps.storage, proposal_id, &proposal)?;
    Ok(Response::new()
        .add_attribute("action", "proposal_execution_failed")
        .add_attribute("proposal_id", proposal_id.to_string())
        .add_attribute("error", error))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> StdResult<Binary> {
    match msg {
        QueryMsg::Config {} => {
            let c = CONFIG.load(deps.storage)?;
            to_json_binary(&ConfigResponse {
                staking: c.staking,
                params: c.params,
                deposits_held: DEPOSITS_HELD.load(deps.storage)?,
            })
        }
        QueryMsg::Proposal { proposal_id } => {
            let p = proposals().load(deps.storage, proposal_id)?;
            to_json_binary(&proposal_response(deps, &env, proposal_id, p)?)
        }
        QueryMsg::Proposals {
            status,
            start_after,
            limit,
        } => to_json_binary(&query_proposals(deps, &env, status, start_after, limit)?),
        QueryMsg::Votes {
            proposal_id,
            start_after,
            limit,
        } => to_json_binary(&query_votes(deps, proposal_id, start_after, limit)?),
        QueryMsg::Vote { proposal_id, voter } => {
            let voter = deps.api.addr_validate(&voter)?;
            let vote = BALLOTS
                .may_load(deps.storage, (proposal_id, &voter))?
                .map(|b| VoteInfo {
                    voter,
                    vote: b.vote,
                    power: b.power,
                });
            to_json_binary(&VoteResponse { vote })
        }
        QueryMsg::Tally { proposal_id } => {
            let p = proposals().load(deps.storage, proposal_id)?;
            let params = CONFIG.load(deps.storage)?.params;
            to_json_binary(&TallyResponse {
                outcome: outcome(&p.tally, p.total_power, &params),
                voting_ended: env.block.time >= p.voting_end,
                tally: p.tally,
                total_power: p.total_power,
            })
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

// ---------------------------------------------------------------------------------------------
// helpers

fn validate_params(p: &VotingParams) -> Result<(), ContractError> {
    let invalid = |reason: &str| ContractError::InvalidParams {
        reason: reason.to_string(),
    };
    if p.quorum > Decimal::one()
        || p.threshold > Decimal::one()
        || p.veto_threshold > Decimal::one()
    {
        return Err(invalid("quorum and thresholds must be at most 1"));
    }
    if p.voting_period == 0 {
        return Err(invalid("voting_period must be positive"));
    }
    Ok(())
}

fn load_proposal(deps: Deps, id: u64) -> Result<Proposal, ContractError> {
    proposals()
        .may_load(deps.storage, id)?
        .ok_or(ContractError::ProposalNotFound { id })
}

/// What the votes decide (Cosmos SDK rules): quorum of the total power must vote; more than
/// `veto_threshold` of the votes `no_with_veto` vetoes; otherwise more than `threshold` of
/// the non-abstaining votes `yes` passes.
pub fn outcome(tally: &Tally, total_power: Uint128, params: &VotingParams) -> Outcome {
    let votes = tally.yes + tally.no + tally.abstain + tally.no_with_veto;
    if total_power.is_zero() || Decimal::from_ratio(votes, total_power) < params.quorum {
        return Outcome::NoQuorum;
    }
    if !votes.is_zero() && Decimal::from_ratio(tally.no_with_veto, votes) > params.veto_threshold {
        return Outcome::Vetoed;
    }
    let non_abstain = tally.yes + tally.no + tally.no_with_veto;
    if !non_abstain.is_zero() && Decimal::from_ratio(tally.yes, non_abstain) > params.threshold {
        Outcome::Passed
    } else {
        Outcome::Rejected
    }
}

/// Loads an open proposal whose voting ended, with the outcome of its votes.
fn ended_proposal(deps: Deps, env: &Env, id: u64) -> Result<(Proposal, Outcome), ContractError> {
    let proposal = load_proposal(deps, id)?;
    if proposal.status != ProposalStatus::Open {
        return Err(ContractError::NotOpen { id });
    }
    if env.block.time < proposal.voting_end {
        return Err(ContractError::VotingNotEnded { id });
    }
    let params = CONFIG.load(deps.storage)?.params;
    let o = outcome(&proposal.tally, proposal.total_power, &params);
    Ok((proposal, o))
}

fn release_deposit(deps: DepsMut, amount: Uint128) -> StdResult<()> {
    DEPOSITS_HELD.update(deps.storage, |d: Uint128| -> StdResult<Uint128> {
        Ok(d - amount)
    })?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// execute handlers

pub fn execute_propose(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    title: String,
    description: String,
    messages: Vec<CosmosMsg>,
) -> Result<Response, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let deposit = paid(&info)?;
    if deposit < config.params.min_deposit {
        return Err(ContractError::InsufficientDeposit {
            sent: deposit,
            min: config.params.min_deposit,
        });
    }
    if title.trim().is_empty() {
        return Err(ContractError::EmptyTitle {});
    }
    let start_height = env.block.height;
    let total: StakingPowerResponse = deps.querier.query_wasm_smart(
        &config.staking,
        &StakingQueryMsg::TotalPowerAtHeight {
            height: Some(start_height),
        },
    )?;
    let id = PROPOSAL_COUNT.update(deps.storage, |n: u64| -> StdResult<u64> { Ok(n + 1) })?;
    let proposal = Proposal {
        proposer: info.sender.clone(),
        title,
        description,
        messages,
        deposit,
        start_height,
        voting_end: env.block.time.plus_seconds(config.params.voting_period),
        total_power: total.power,
        tally: Tally::default(),
        status: ProposalStatus::Open,
        execution_error: None,
    };
    proposals().save(deps.storage, id, &proposal)?;
    DEPOSITS_HELD.update(deps.storage, |d: Uint128| -> StdResult<Uint128> {
        Ok(d + deposit)
    })?;
    Ok(Response::new()
        .add_attribute("action", "propose")
        .add_attribute("proposal_id", id.to_string())
        .add_attribute("proposer", info.sender)
        .add_attribute("deposit", deposit))
}

pub fn execute_vote(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    proposal_id: u64,
    vote: VoteOption,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let mut proposal = load_proposal(deps.as_ref(), proposal_id)?;
    if proposal.status != ProposalStatus::Open {
        return Err(ContractError::NotOpen { id: proposal_id });
    }
    if env.block.time >= proposal.voting_end {
        return Err(ContractError::VotingEnded { id: proposal_id });
    }
    if BALLOTS.has(deps.storage, (proposal_id, &info.sender)) {
        return Err(ContractError::AlreadyVoted {});
    }
    let config = CONFIG.load(deps.storage)?;
    let power: StakingPowerResponse = deps.querier.query_wasm_smart(
        &config.staking,
        &StakingQueryMsg::VotingPowerAtHeight {
            address: info.sender.to_string(),
            height: Some(proposal.start_height),
        },
    )?;
    if power.power.is_zero() {
        return Err(ContractError::NoVotingPower {
            height: proposal.start_height,
        });
    }
    let t = &mut proposal.tally;
    match vote {
        VoteOption::Yes => t.yes += power.power,
        VoteOption::No => t.no += power.power,
        VoteOption::Abstain => t.abstain += power.power,
        VoteOption::NoWithVeto => t.no_with_veto += power.power,
    }
    BALLOTS.save(
        deps.storage,
        (proposal_id, &info.sender),
        &Ballot {
            vote,
            power: power.power,
        },
    )?;
    proposals().save(deps.storage, proposal_id, &proposal)?;
    Ok(Response::new()
        .add_attribute("action", "vote")
        .add_attribute("proposal_id", proposal_id.to_string())
        .add_attribute("voter", info.sender)
        .add_attribute("power", power.power))
}

pub fn execute_execute(
    mut deps: DepsMut,
    env: Env,
    info: MessageInfo,
    proposal_id: u64,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let (mut proposal, outcome) = ended_proposal(deps.as_ref(), &env, proposal_id)?;
    if outcome != Outcome::Passed {
        return Err(ContractError::NotPassed { id: proposal_id });
    }
    // Marked executed now; the reply turns it into ExecutionFailed if the messages fail.
    proposal.status = ProposalStatus::Executed;
    proposals().save(deps.storage, proposal_id, &proposal)?;
    release_deposit(deps.branch(), proposal.deposit)?;
    let mut resp = Response::new()
        .add_attribute("action", "execute")
        .add_attribute("proposal_id", proposal_id.to_string());
    if !proposal.deposit.is_zero() {
        resp = resp.add_message(BankMsg::Send {
            to_address: proposal.proposer.to_string(),
            amount: vec![Coin::new(proposal.deposit, DENOM)],
        });
    }
    if !proposal.messages.is_empty() {
        // One sub-message runs all of them: if any fails, all roll back together and the
        // reply records the failure, so the proposal is never half-executed.
        resp = resp.add_submessage(SubMsg::reply_on_error(
            WasmMsg::Execute {
                contract_addr: env.contract.address.to_string(),
                msg: to_json_binary(&ExecuteMsg::RunProposalMessages { proposal_id })?,
                funds: vec![],
            },
            proposal_id,
        ));
    }
    Ok(resp)
}

pub fn execute_close(
    mut deps: DepsMut,
    env: Env,
    info: MessageInfo,
    proposal_id: u64,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let (mut proposal, outcome) = ended_proposal(deps.as_ref(), &env, proposal_id)?;
    if outcome == Outcome::Passed {
        return Err(ContractError::Passed { id: proposal_id });
    }
    proposal.status = ProposalStatus::Rejected;
    proposals().save(deps.storage, proposal_id, &proposal)?;
    release_deposit(deps.branch(), proposal.deposit)?;
    let coins = vec![Coin::new(proposal.deposit, DENOM)];
    let burn = matches!(outcome, Outcome::NoQuorum | Outcome::Vetoed);
    let mut resp = Response::new()
        .add_attribute("action", "close")
        .add_attribute("proposal_id", proposal_id.to_string())
        .add_attribute("outcome", format!("{outcome:?}"))
        .add_attribute("deposit_burned", burn.to_string());
    if !proposal.deposit.is_zero() {
        resp = resp.add_message(if burn {
            BankMsg::Burn { amount: coins }
        } else {
            BankMsg::Send {
                to_address: proposal.proposer.to_string(),
                amount: coins,
            }
        });
    }
    Ok(resp)
}

pub fn execute_update_config(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    staking: Option<String>,
    params: Option<VotingParams>,
) -> Result<Response, ContractError> {
    if info.sender != env.contract.address {
        return Err(ContractError::Unauthorized {});
    }
    let mut config = CONFIG.load(deps.storage)?;
    if let Some(s) = staking {
        config.staking = deps.api.addr_validate(&s)?;
    }
    if let Some(p) = params {
        validate_params(&p)?;
        config.params = p;
    }
    CONFIG.save(deps.storage, &config)?;
    Ok(Response::new().add_attribute("action", "update_config"))
}

pub fn execute_run_messages(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    proposal_id: u64,
) -> Result<Response, ContractError> {
    if info.sender != env.contract.address {
        return Err(ContractError::Unauthorized {});
    }
    let proposal = load_proposal(deps.as_ref(), proposal_id)?;
    if proposal.status != ProposalStatus::Executed {
        return Err(ContractError::NotPassed { id: proposal_id });
    }
    let check: CosmosMsg = WasmMsg::Execute {
        contract_addr: env.contract.address.to_string(),
        msg: to_json_binary(&ExecuteMsg::AssertSolvent {})?,
        funds: vec![],
    }
    .into();
    Ok(Response::new()
        .add_messages(proposal.messages)
        .add_message(check)
        .add_attribute("action", "run_proposal_messages")
        .add_attribute("proposal_id", proposal_id.to_string()))
}

pub fn execute_assert_solvent(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
) -> Result<Response, ContractError> {
    if info.sender != env.contract.address {
        return Err(ContractError::Unauthorized {});
    }
    let held = DEPOSITS_HELD.load(deps.storage)?;
    let balance = deps
        .querier
        .query_balance(&env.contract.address, DENOM)?
        .amount;
    let balance = Uint128::try_from(balance).map_err(StdError::from)?;
    if balance < held {
        return Err(ContractError::Insolvent {});
    }
    Ok(Response::new())
}

// ---------------------------------------------------------------------------------------------
// queries

fn proposal_response(deps: Deps, env: &Env, id: u64, p: Proposal) -> StdResult<ProposalResponse> {
    let decided = p.status != ProposalStatus::Open || env.block.time >= p.voting_end;
    let outcome = if decided {
        let params = CONFIG.load(deps.storage)?.params;
        Some(outcome(&p.tally, p.total_power, &params))
    } else {
        None
    };
    Ok(ProposalResponse {
        id,
        proposer: p.proposer,
        title: p.title,
        description: p.description,
        messages: p.messages,
        deposit: p.deposit,
        start_height: p.start_height,
        voting_end: p.voting_end,
        total_power: p.total_power,
        tally: p.tally,
        status: p.status,
        execution_error: p.execution_error,
        outcome,
    })
}

fn query_proposals(
    deps: Deps,
    env: &Env,
    status: Option<ProposalStatus>,
    start_after: Option<u64>,
    limit: Option<u32>,
) -> StdResult<ProposalsResponse> {
    let limit = limit.unwrap_or(DEFAULT_LIMIT).min(MAX_LIMIT) as usize;
    let min = start_after.map(Bound::exclusive);
    let items: Vec<(u64, Proposal)> = match status {
        Some(s) => proposals()
            .idx
            .status
            .prefix(s.tag())
            .range(deps.storage, min, None, Order::Ascending)
            .take(limit)
            .collect::<StdResult<_>>()?,
        None => proposals()
            .range(deps.storage, min, None, Order::Ascending)
            .take(limit)
            .collect::<StdResult<_>>()?,
    };
    let proposals = items
        .into_iter()
        .map(|(id, p)| proposal_response(deps, env, id, p))
        .collect::<StdResult<_>>()?;
    Ok(ProposalsResponse { proposals })
}

fn query_votes(
    deps: Deps,
    proposal_id: u64,
    start_after: Option<String>,
    limit: Option<u32>,
) -> StdResult<VotesResponse> {
    let limit = limit.unwrap_or(DEFAULT_LIMIT).min(MAX_LIMIT) as usize;
    let start: Option<Addr> = start_after
        .map(|a| deps.api.addr_validate(&a))
        .transpose()?;
    let votes = BALLOTS
        .prefix(proposal_id)
        .range(
            deps.storage,
            start.as_ref().map(Bound::exclusive),
            None,
            Order::Ascending,
        )
        .take(limit)
        .map(|r| {
            r.map(|(voter, b)| VoteInfo {
                voter,
                vote: b.vote,
                power: b.power,
            })
        })
        .collect::<StdResult<_>>()?;
    Ok(VotesResponse { votes })
}

/// The `uspec` sent with the message (exactly one coin, that denom). Amounts are kept as
/// `Uint128` in state; coins carry `Uint256`.
fn paid(info: &MessageInfo) -> Result<Uint128, ContractError> {
    let amount = must_pay(info, DENOM)?;
    Ok(Uint128::try_from(amount).map_err(StdError::from)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> VotingParams {
        VotingParams {
            min_deposit: Uint128::new(1),
            voting_period: 1,
            quorum: Decimal::percent(40),
            threshold: Decimal::percent(50),
            veto_threshold: Decimal::percent(33),
        }
    }

    fn tally(yes: u128, no: u128, abstain: u128, veto: u128) -> Tally {
        Tally {
            yes: yes.into(),
            no: no.into(),
            abstain: abstain.into(),
            no_with_veto: veto.into(),
        }
    }

    #[test]
    fn outcome_boundaries() {
        let p = params();
        let total = Uint128::new(100);
        // Quorum is inclusive: exactly 40% voting counts.
        assert_eq!(outcome(&tally(40, 0, 0, 0), total, &p), Outcome::Passed);
        assert_eq!(outcome(&tally(39, 0, 0, 0), total, &p), Outcome::NoQuorum);
        // Threshold is strict: exactly half yes does not pass.
        assert_eq!(outcome(&tally(30, 30, 0, 0), total, &p), Outcome::Rejected);
        assert_eq!(outcome(&tally(31, 30, 0, 0), total, &p), Outcome::Passed);
        // Abstain counts for quorum, not for the threshold.
        assert_eq!(outcome(&tally(10, 9, 40, 0), total, &p), Outcome::Passed);
        assert_eq!(outcome(&tally(0, 0, 60, 0), total, &p), Outcome::Rejected);
        // Veto above a third of all votes wins over a yes majority.
        assert_eq!(outcome(&tally(60, 0, 0, 34), total, &p), Outcome::Vetoed);
        assert_eq!(outcome(&tally(67, 0, 0, 33), total, &p), Outcome::Passed);
        // Nobody staked: nothing can reach quorum.
        assert_eq!(
            outcome(&tally(0, 0, 0, 0), Uint128::zero(), &p),
            Outcome::NoQuorum
        );
    }
}
