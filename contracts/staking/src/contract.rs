#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{
    to_json_binary, Addr, BankMsg, Binary, Coin, Decimal, Decimal256, Deps, DepsMut, Env,
    MessageInfo, Order, Reply, Response, StdError, StdResult, Storage, SubMsg, SubMsgResult,
    Uint128, Uint256, WasmMsg,
};
use cw2::{get_contract_version, set_contract_version};
use cw_storage_plus::Bound;
use cw_utils::must_pay;

use crate::error::ContractError;
use crate::msg::{
    consensus_key_proof_message, ConfigResponse, ConsensusKeyResponse, ExecuteMsg, InstantiateMsg,
    MigrateMsg, Params, PendingRewardsResponse, QueryMsg, ReputationExecuteMsg, Role,
    SlashDestination, StakeInfo, StakeResponse, StakersResponse, SudoMsg, TotalPowerResponse,
    TotalsResponse, UnbondingEntry, UnbondingResponse, VotingPowerResponse,
};
use crate::state::{
    stakers, Config, RewardPool, Staker, Totals, CONFIG, CONSENSUS_KEYS, PARAMS, POWER,
    REWARD_POOLS, TOTALS, TOTAL_POWER, UNBONDING,
};

pub const CONTRACT_NAME: &str = "crates.io:inferchain-staking";
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");
/// The chain's native coin.
pub const DENOM: &str = "uspec";

/// Reply id of the reputation report sent with a slash.
pub const REPUTATION_REPORT_REPLY: u64 = 1;

const DEFAULT_LIMIT: u32 = 10;
const MAX_LIMIT: u32 = 100;

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    let owner = match msg.owner {
        Some(o) => deps.api.addr_validate(&o)?,
        None => info.sender,
    };
    let config = Config {
        owner,
        slashers: validate_addrs(deps.as_ref(), &msg.slashers)?,
        reputation: msg
            .reputation
            .map(|r| deps.api.addr_validate(&r))
            .transpose()?,
    };
    validate_params(deps.as_ref(), &msg.params)?;
    CONFIG.save(deps.storage, &config)?;
    PARAMS.save(deps.storage, &msg.params)?;
    TOTALS.save(deps.storage, &Totals::default())?;
    TOTAL_POWER.save(deps.storage, &Uint128::zero(), env.block.height)?;
    Ok(Response::new()
        .add_attribute("action", "instantiate")
        .add_attribute("owner", config.owner))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> Result<Response, ContractError> {
    match msg {
        ExecuteMsg::Bond {
            role,
            consensus_pubkey,
            consensus_key_proof,
        } => execute_bond(deps, env, info, role, consensus_pubkey, consensus_key_proof),
        ExecuteMsg::Unbond { amount } => execute_unbond(deps, env, info, amount),
        ExecuteMsg::Claim {} => execute_claim(deps, env, info),
        ExecuteMsg::Slash {
            address,
            fraction,
            reason,
        } => {
            let config = CONFIG.load(deps.storage)?;
            if info.sender != config.owner && !config.slashers.contains(&info.sender) {
                return Err(ContractError::Unauthorized {});
            }
            slash(deps, env, &address, fraction, &reason)
        }
        ExecuteMsg::DistributeRewards { role } => execute_distribute_rewards(deps, info, role),
        ExecuteMsg::ClaimRewards {} => execute_claim_rewards(deps, info),
        ExecuteMsg::UpdateParams { params } => execute_update_params(deps, info, params),
        ExecuteMsg::UpdateConfig {
            owner,
            slashers,
            reputation,
        } => execute_update_config(deps, info, owner, slashers, reputation),
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn sudo(deps: DepsMut, env: Env, msg: SudoMsg) -> Result<Response, ContractError> {
    match msg {
        SudoMsg::Slash {
            address,
            fraction,
            reason,
        } => slash(deps, env, &address, fraction, &reason),
    }
}

/// Only the best-effort reputation report of a slash replies, and only when it failed.
#[cfg_attr(not(feature = "library"), entry_point)]
pub fn reply(_deps: DepsMut, _env: Env, msg: Reply) -> Result<Response, ContractError> {
    let error = match msg.result {
        SubMsgResult::Err(e) => e,
        SubMsgResult::Ok(_) => String::new(),
    };
    Ok(Response::new()
        .add_attribute("action", "reputation_report_failed")
        .add_attribute("error", error))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> StdResult<Binary> {
    match msg {
        QueryMsg::Config {} => to_json_binary(&query_config(deps)?),
        QueryMsg::Params {} => to_json_binary(&PARAMS.load(deps.storage)?),
        QueryMsg::Stake { address } => to_json_binary(&query_stake(deps, address)?),
        QueryMsg::Stakers {
            role,
            start_after,
            limit,
        } => to_json_binary(&query_stakers(deps, role, start_after, limit)?),
        QueryMsg::Totals {} => to_json_binary(&query_totals(deps)?),
        QueryMsg::Unbonding { address } => to_json_binary(&query_unbonding(deps, address)?),
        QueryMsg::PendingRewards { address } => {
            to_json_binary(&query_pending_rewards(deps, address)?)
        }
        QueryMsg::VotingPowerAtHeight { address, height } => {
            to_json_binary(&query_voting_power(deps, env, address, height)?)
        }
        QueryMsg::TotalPowerAtHeight { height } => {
            to_json_binary(&query_total_power(deps, env, height)?)
        }
        QueryMsg::ConsensusKey { pubkey } => to_json_binary(&ConsensusKeyResponse {
            operator: CONSENSUS_KEYS.may_load(deps.storage, pubkey.as_slice())?,
        }),
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
// execute handlers

fn min_stake(params: &Params, role: Role) -> Uint128 {
    match role {
        Role::Modeler => params.min_stake_modeler,
        Role::Validator => params.min_stake_validator,
    }
}

/// Brings `staker.pending_rewards` up to the role's current reward index. Must run before
/// every change of `staker.bonded`.
fn settle(staker: &mut Staker, pool: &RewardPool) -> StdResult<()> {
    if pool.index > staker.reward_index {
        let delta = pool.index - staker.reward_index;
        let earned = Uint256::from(staker.bonded.u128()).mul_floor(delta);
        staker.pending_rewards += Uint128::try_from(earned)?;
    }
    staker.reward_index = pool.index;
    Ok(())
}

fn load_pool(storage: &dyn Storage, role: Role) -> StdResult<RewardPool> {
    Ok(REWARD_POOLS
        .may_load(storage, role.tag())?
        .unwrap_or_default())
}

/// Saves a staker and the voting-power snapshot of its bonded stake.
fn save_staker(
    storage: &mut dyn Storage,
    height: u64,
    addr: &Addr,
    staker: &Staker,
) -> StdResult<()> {
    stakers().save(storage, addr, staker)?;
    POWER.save(storage, addr, &staker.bonded, height)
}

fn save_totals(storage: &mut dyn Storage, height: u64, totals: &Totals) -> StdResult<()> {
    TOTALS.save(storage, totals)?;
    TOTAL_POWER.save(
        storage,
        &(totals.bonded_modeler + totals.bonded_validator),
        height,
    )
}

pub fn execute_bond(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    role: Role,
    consensus_pubkey: Option<Binary>,
    consensus_key_proof: Option<Binary>,
) -> Result<Response, ContractError> {
    let amount = paid(&info)?;
    match (&consensus_pubkey, &consensus_key_proof) {
        (Some(pk), proof) => {
            if role != Role::Validator {
                return Err(ContractError::PubkeyNotAllowed {});
            }
            if pk.len() != 32 {
                return Err(ContractError::InvalidPubkey { len: pk.len() });
            }
            let proof = proof.as_ref().ok_or(ContractError::MissingKeyProof {})?;
            verify_key_proof(deps.as_ref(), &env, &info.sender, pk, proof)?;
            if let Some(operator) = CONSENSUS_KEYS.may_load(deps.storage, pk.as_slice())? {
                if operator != info.sender {
                    return Err(ContractError::PubkeyInUse {
                        operator: operator.into_string(),
                    });
                }
            }
        }
        (None, Some(_)) => return Err(ContractError::ProofWithoutPubkey {}),
        (None, None) => {}
    }
    let params = PARAMS.load(deps.storage)?;
    let pool = load_pool(deps.storage, role)?;
    let mut staker = match stakers().may_load(deps.storage, &info.sender)? {
        Some(mut s) if !s.bonded.is_zero() => {
            if s.role != role {
                return Err(ContractError::RoleMismatch {});
            }
            settle(&mut s, &pool)?;
            s
        }
        // Never bonded, or fully unbonded (rewards of the old role are already settled
        // because settle ran when the stake went to zero).
        Some(s) => Staker {
            role,
            bonded: Uint128::zero(),
            consensus_pubkey: s.consensus_pubkey,
            reward_index: pool.index,
            pending_rewards: s.pending_rewards,
        },
        None => Staker {
            role,
            bonded: Uint128::zero(),
            consensus_pubkey: None,
            reward_index: pool.index,
            pending_rewards: Uint128::zero(),
        },
    };
    staker.bonded += amount;
    let min = min_stake(&params, role);
    if staker.bonded < min {
        return Err(ContractError::BelowMinimumStake {
            amount: staker.bonded,
            min,
        });
    }
    if role == Role::Modeler {
        staker.consensus_pubkey = None;
    }
    if let Some(pk) = consensus_pubkey {
        // A replaced key is free again for whoever proves it.
        if let Some(old) = &staker.consensus_pubkey {
            if *old != pk {
                CONSENSUS_KEYS.remove(deps.storage, old.as_slice());
            }
        }
        CONSENSUS_KEYS.save(deps.storage, pk.as_slice(), &info.sender)?;
        staker.consensus_pubkey = Some(pk);
    }
    save_staker(deps.storage, env.block.height, &info.sender, &staker)?;
    let mut totals = TOTALS.load(deps.storage)?;
    *totals.bonded_mut(role) += amount;
    save_totals(deps.storage, env.block.height, &totals)?;
    Ok(Response::new()
        .add_attribute("action", "bond")
        .add_attribute("address", info.sender)
        .add_attribute("role", format!("{role:?}").to_lowercase())
        .add_attribute("amount", amount)
        .add_attribute("bonded", staker.bonded))
}

/// Checks the proof of possession of a consensus key: its ed25519 signature over
/// [`consensus_key_proof_message`] for this chain and `operator`.
fn verify_key_proof(
    deps: Deps,
    env: &Env,
    operator: &Addr,
    pubkey: &Binary,
    proof: &Binary,
) -> Result<(), ContractError> {
    let message = consensus_key_proof_message(&env.block.chain_id, operator.as_str());
    // A malformed signature or key is an invalid proof, not a contract failure.
    let valid = proof.len() == 64
        && deps
            .api
            .ed25519_verify(&message, proof, pubkey)
            .unwrap_or(false);
    if !valid {
        return Err(ContractError::InvalidKeyProof {
            message: String::from_utf8_lossy(&message).into_owned(),
        });
    }
    Ok(())
}

pub fn execute_unbond(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    amount: Uint128,
) -> Result<Response, ContractError> {
    cw_utils::nonpayable(&info)?;
    if amount.is_zero() {
        return Err(ContractError::ZeroAmount {});
    }
    let mut staker = stakers()
        .may_load(deps.storage, &info.sender)?
        .filter(|s| !s.bonded.is_zero())
        .ok_or(ContractError::NotBonded {})?;
    if amount > staker.bonded {
        return Err(ContractError::InsufficientBonded {
            requested: amount,
            bonded: staker.bonded,
        });
    }
    let params = PARAMS.load(deps.storage)?;
    let remaining = staker.bonded - amount;
    let min = min_stake(&params, staker.role);
    if !remaining.is_zero() && remaining < min {
        return Err(ContractError::BelowMinimumStake {
            amount: remaining,
            min,
        });
    }
    let mut entries = UNBONDING
        .may_load(deps.storage, &info.sender)?
        .unwrap_or_default();
    if entries.len() >= params.max_unbonding_entries as usize {
        return Err(ContractError::TooManyUnbondingEntries {
            max: params.max_unbonding_entries,
        });
    }
    let release_at = env.block.time.plus_seconds(params.unbonding_period);
    entries.push(UnbondingEntry { amount, release_at });
    UNBONDING.save(deps.storage, &info.sender, &entries)?;

    let pool = load_pool(deps.storage, staker.role)?;
    settle(&mut staker, &pool)?;
    staker.bonded = remaining;
    save_staker(deps.storage, env.block.height, &info.sender, &staker)?;
    let mut totals = TOTALS.load(deps.storage)?;
    *totals.bonded_mut(staker.role) -= amount;
    totals.unbonding += amount;
    save_totals(deps.storage, env.block.height, &totals)?;
    Ok(Response::new()
        .add_attribute("action", "unbond")
        .add_attribute("address", info.sender)
        .add_attribute("amount", amount)
        .add_attribute("release_at", release_at.seconds().to_string()))
}

pub fn execute_claim(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
) -> Result<Response, ContractError> {
    cw_utils::nonpayable(&info)?;
    let entries = UNBONDING
        .may_load(deps.storage, &info.sender)?
        .unwrap_or_default();
    let (matured, waiting): (Vec<_>, Vec<_>) = entries
        .into_iter()
        .partition(|e| e.release_at <= env.block.time);
    let amount: Uint128 = matured.iter().map(|e| e.amount).sum();
    if amount.is_zero() {
        return Err(ContractError::NothingToClaim {});
    }
    if waiting.is_empty() {
        UNBONDING.remove(deps.storage, &info.sender);
    } else {
        UNBONDING.save(deps.storage, &info.sender, &waiting)?;
    }
    let mut totals = TOTALS.load(deps.storage)?;
    totals.unbonding -= amount;
    TOTALS.save(deps.storage, &totals)?;
    Ok(Response::new()
        .add_message(BankMsg::Send {
            to_address: info.sender.to_string(),
            amount: vec![Coin::new(amount, DENOM)],
        })
        .add_attribute("action", "claim")
        .add_attribute("address", info.sender)
        .add_attribute("amount", amount))
}

/// Slashes `fraction` of the bonded stake and of every unbonding entry of `address`.
/// Shared by `ExecuteMsg::Slash` (after the caller check) and `SudoMsg::Slash`.
pub fn slash(
    deps: DepsMut,
    env: Env,
    address: &str,
    fraction: Decimal,
    reason: &str,
) -> Result<Response, ContractError> {
    if fraction.is_zero() || fraction > Decimal::one() {
        return Err(ContractError::InvalidFraction {});
    }
    let addr = deps.api.addr_validate(address)?;
    let mut totals = TOTALS.load(deps.storage)?;
    let mut slashed_bonded = Uint128::zero();
    let staker = stakers().may_load(deps.storage, &addr)?;
    if let Some(mut s) = staker.clone() {
        let pool = load_pool(deps.storage, s.role)?;
        settle(&mut s, &pool)?;
        slashed_bonded = s.bonded.mul_floor(fraction);
        s.bonded -= slashed_bonded;
        *totals.bonded_mut(s.role) -= slashed_bonded;
        save_staker(deps.storage, env.block.height, &addr, &s)?;
    }
    let mut slashed_unbonding = Uint128::zero();
    if let Some(entries) = UNBONDING.may_load(deps.storage, &addr)? {
        let entries: Vec<UnbondingEntry> = entries
            .into_iter()
            .map(|mut e| {
                let cut = e.amount.mul_floor(fraction);
                slashed_unbonding += cut;
                e.amount -= cut;
                e
            })
            .filter(|e| !e.amount.is_zero())
            .collect();
        if entries.is_empty() {
            UNBONDING.remove(deps.storage, &addr);
        } else {
            UNBONDING.save(deps.storage, &addr, &entries)?;
        }
        totals.unbonding -= slashed_unbonding;
    }
    save_totals(deps.storage, env.block.height, &totals)?;

    let total = slashed_bonded + slashed_unbonding;
    let mut resp = Response::new()
        .add_attribute("action", "slash")
        .add_attribute("address", &addr)
        .add_attribute("reason", reason)
        .add_attribute("slashed_bonded", slashed_bonded)
        .add_attribute("slashed_unbonding", slashed_unbonding);
    if total.is_zero() {
        return Ok(resp);
    }
    let coins = vec![Coin::new(total, DENOM)];
    let params = PARAMS.load(deps.storage)?;
    resp = match params.slash_destination {
        SlashDestination::Burn => resp.add_message(BankMsg::Burn { amount: coins }),
        SlashDestination::Address { address } => resp.add_message(BankMsg::Send {
            to_address: address,
            amount: coins,
        }),
    };
    let config = CONFIG.load(deps.storage)?;
    if let (Some(reputation), Some(Role::Modeler)) = (config.reputation, staker.map(|s| s.role)) {
        // Best effort: a failing reputation contract must not undo the slash.
        resp = resp.add_submessage(SubMsg::reply_on_error(
            WasmMsg::Execute {
                contract_addr: reputation.into_string(),
                msg: to_json_binary(&ReputationExecuteMsg::RecordSlash {
                    modeler: addr.into_string(),
                    amount: total,
                })?,
                funds: vec![],
            },
            REPUTATION_REPORT_REPLY,
        ));
    }
    Ok(resp)
}

pub fn execute_distribute_rewards(
    deps: DepsMut,
    info: MessageInfo,
    role: Role,
) -> Result<Response, ContractError> {
    let amount = paid(&info)?;
    let mut totals = TOTALS.load(deps.storage)?;
    let mut pool = load_pool(deps.storage, role)?;
    let bonded = totals.bonded(role);
    let to_share = amount + pool.undistributed;
    if bonded.is_zero() {
        pool.undistributed = to_share;
    } else {
        pool.index += Decimal256::from_ratio(to_share, bonded);
        pool.undistributed = Uint128::zero();
    }
    REWARD_POOLS.save(deps.storage, role.tag(), &pool)?;
    totals.rewards_held += amount;
    TOTALS.save(deps.storage, &totals)?;
    Ok(Response::new()
        .add_attribute("action", "distribute_rewards")
        .add_attribute("role", format!("{role:?}").to_lowercase())
        .add_attribute("amount", amount))
}

pub fn execute_claim_rewards(deps: DepsMut, info: MessageInfo) -> Result<Response, ContractError> {
    cw_utils::nonpayable(&info)?;
    let mut staker = stakers()
        .may_load(deps.storage, &info.sender)?
        .ok_or(ContractError::NothingToClaim {})?;
    let pool = load_pool(deps.storage, staker.role)?;
    settle(&mut staker, &pool)?;
    let amount = staker.pending_rewards;
    if amount.is_zero() {
        return Err(ContractError::NothingToClaim {});
    }
    staker.pending_rewards = Uint128::zero();
    stakers().save(deps.storage, &info.sender, &staker)?;
    let mut totals = TOTALS.load(deps.storage)?;
    totals.rewards_held -= amount;
    TOTALS.save(deps.storage, &totals)?;
    Ok(Response::new()
        .add_message(BankMsg::Send {
            to_address: info.sender.to_string(),
            amount: vec![Coin::new(amount, DENOM)],
        })
        .add_attribute("action", "claim_rewards")
        .add_attribute("address", info.sender)
        .add_attribute("amount", amount))
}

fn assert_owner(deps: Deps, sender: &Addr) -> Result<Config, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    if *sender != config.owner {
        return Err(ContractError::Unauthorized {});
    }
    Ok(config)
}

pub fn execute_update_params(
    deps: DepsMut,
    info: MessageInfo,
    params: Params,
) -> Result<Response, ContractError> {
    assert_owner(deps.as_ref(), &info.sender)?;
    validate_params(deps.as_ref(), &params)?;
    PARAMS.save(deps.storage, &params)?;
    Ok(Response::new().add_attribute("action", "update_params"))
}

pub fn execute_update_config(
    deps: DepsMut,
    info: MessageInfo,
    owner: Option<String>,
    slashers: Option<Vec<String>>,
    reputation: Option<String>,
) -> Result<Response, ContractError> {
    let mut config = assert_owner(deps.as_ref(), &info.sender)?;
    if let Some(o) = owner {
        config.owner = deps.api.addr_validate(&o)?;
    }
    if let Some(s) = slashers {
        config.slashers = validate_addrs(deps.as_ref(), &s)?;
    }
    if let Some(r) = reputation {
        config.reputation = Some(deps.api.addr_validate(&r)?);
    }
    CONFIG.save(deps.storage, &config)?;
    Ok(Response::new()
        .add_attribute("action", "update_config")
        .add_attribute("owner", config.owner))
}

fn validate_addrs(deps: Deps, addrs: &[String]) -> StdResult<Vec<Addr>> {
    addrs.iter().map(|a| deps.api.addr_validate(a)).collect()
}

fn validate_params(deps: Deps, params: &Params) -> Result<(), ContractError> {
    if params.max_unbonding_entries == 0 {
        return Err(ContractError::InvalidParams {
            reason: "max_unbonding_entries must be positive".into(),
        });
    }
    if params.min_stake_modeler.is_zero() || params.min_stake_validator.is_zero() {
        return Err(ContractError::InvalidParams {
            reason: "minimum stakes must be positive".into(),
        });
    }
    if let SlashDestination::Address { address } = &params.slash_destination {
        deps.api.addr_validate(address)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// queries

fn query_config(deps: Deps) -> StdResult<ConfigResponse> {
    let c = CONFIG.load(deps.storage)?;
    Ok(ConfigResponse {
        owner: c.owner,
        slashers: c.slashers,
        reputation: c.reputation,
    })
}

fn stake_info(address: Addr, s: Staker) -> StakeInfo {
    StakeInfo {
        address,
        role: s.role,
        bonded: s.bonded,
        consensus_pubkey: s.consensus_pubkey,
    }
}

fn query_stake(deps: Deps, address: String) -> StdResult<StakeResponse> {
    let addr = deps.api.addr_validate(&address)?;
    let stake = stakers()
        .may_load(deps.storage, &addr)?
        .filter(|s| !s.bonded.is_zero())
        .map(|s| stake_info(addr, s));
    Ok(StakeResponse { stake })
}

fn query_stakers(
    deps: Deps,
    role: Role,
    start_after: Option<String>,
    limit: Option<u32>,
) -> StdResult<StakersResponse> {
    let limit = limit.unwrap_or(DEFAULT_LIMIT).min(MAX_LIMIT) as usize;
    let max = match start_after {
        Some(a) => {
            let addr = deps.api.addr_validate(&a)?;
            let s = stakers().load(deps.storage, &addr)?;
            Some(Bound::exclusive((s.bonded.u128(), addr)))
        }
        None => None,
    };
    let stakers = stakers()
        .idx
        .by_stake
        .sub_prefix(role.tag())
        .range(deps.storage, None, max, Order::Descending)
        .take_while(|r| r.as_ref().map(|(_, s)| !s.bonded.is_zero()).unwrap_or(true))
        .take(limit)
        .map(|r| r.map(|(addr, s)| stake_info(addr, s)))
        .collect::<StdResult<Vec<_>>>()?;
    Ok(StakersResponse { stakers })
}

fn query_totals(deps: Deps) -> StdResult<TotalsResponse> {
    let t = TOTALS.load(deps.storage)?;
    Ok(TotalsResponse {
        bonded_modeler: t.bonded_modeler,
        bonded_validator: t.bonded_validator,
        bonded: t.bonded_modeler + t.bonded_validator,
        unbonding: t.unbonding,
        rewards_held: t.rewards_held,
    })
}

fn query_unbonding(deps: Deps, address: String) -> StdResult<UnbondingResponse> {
    let addr = deps.api.addr_validate(&address)?;
    Ok(UnbondingResponse {
        entries: UNBONDING.may_load(deps.storage, &addr)?.unwrap_or_default(),
    })
}

fn query_pending_rewards(deps: Deps, address: String) -> StdResult<PendingRewardsResponse> {
    let addr = deps.api.addr_validate(&address)?;
    let rewards = match stakers().may_load(deps.storage, &addr)? {
        Some(mut s) => {
            let pool = load_pool(deps.storage, s.role)?;
            settle(&mut s, &pool)?;
            s.pending_rewards
        }
        None => Uint128::zero(),
    };
    Ok(PendingRewardsResponse { rewards })
}

fn query_voting_power(
    deps: Deps,
    env: Env,
    address: String,
    height: Option<u64>,
) -> StdResult<VotingPowerResponse> {
    let addr = deps.api.addr_validate(&address)?;
    let height = height.unwrap_or(env.block.height);
    let power = POWER
        .may_load_at_height(deps.storage, &addr, height)?
        .unwrap_or_default();
    Ok(VotingPowerResponse { power, height })
}

fn query_total_power(deps: Deps, env: Env, height: Option<u64>) -> StdResult<TotalPowerResponse> {
    let height = height.unwrap_or(env.block.height);
    let power = TOTAL_POWER
        .may_load_at_height(deps.storage, height)?
        .unwrap_or_default();
    Ok(TotalPowerResponse { power, height })
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
    use cosmwasm_std::testing::{message_info, mock_dependencies, mock_env};
    use cosmwasm_std::{coins, from_json, CosmosMsg};

    fn setup() -> cosmwasm_std::OwnedDeps<
        cosmwasm_std::testing::MockStorage,
        cosmwasm_std::testing::MockApi,
        cosmwasm_std::testing::MockQuerier,
    > {
        let mut deps = mock_dependencies();
        let owner = deps.api.addr_make("owner");
        instantiate(
            deps.as_mut(),
            mock_env(),
            message_info(&owner, &[]),
            InstantiateMsg {
                owner: None,
                slashers: vec![],
                reputation: None,
                params: Params {
                    min_stake_modeler: Uint128::new(10),
                    min_stake_validator: Uint128::new(10),
                    unbonding_period: 10,
                    max_unbonding_entries: 2,
                    slash_destination: SlashDestination::Burn,
                },
            },
        )
        .unwrap();
        deps
    }

    fn bond(deps: DepsMut, who: &Addr, amount: u128) {
        execute(
            deps,
            mock_env(),
            message_info(who, &coins(amount, DENOM)),
            ExecuteMsg::Bond {
                role: Role::Validator,
                consensus_pubkey: None,
                consensus_key_proof: None,
            },
        )
        .unwrap();
    }

    fn pending(deps: Deps, who: &Addr) -> u128 {
        let r: PendingRewardsResponse = from_json(
            query(
                deps,
                mock_env(),
                QueryMsg::PendingRewards {
                    address: who.to_string(),
                },
            )
            .unwrap(),
        )
        .unwrap();
        r.rewards.u128()
    }

    #[test]
    fn rewards_wait_for_stakers_and_late_stakers_get_no_past_rewards() {
        let mut deps = setup();
        let a = deps.api.addr_make("a");
        let b = deps.api.addr_make("b");
        let payer = deps.api.addr_make("payer");
        let distribute = |deps: DepsMut, amount: u128| {
            execute(
                deps,
                mock_env(),
                message_info(&payer, &coins(amount, DENOM)),
                ExecuteMsg::DistributeRewards {
                    role: Role::Validator,
                },
            )
            .unwrap();
        };
        // Nobody bonded yet: kept for the first distribution with stakers.
        distribute(deps.as_mut(), 30);
        bond(deps.as_mut(), &a, 10);
        assert_eq!(pending(deps.as_ref(), &a), 0);
        distribute(deps.as_mut(), 10);
        assert_eq!(pending(deps.as_ref(), &a), 40);
        // b joins later and shares only what comes after.
        bond(deps.as_mut(), &b, 30);
        distribute(deps.as_mut(), 40);
        assert_eq!(pending(deps.as_ref(), &a), 50);
        assert_eq!(pending(deps.as_ref(), &b), 30);
    }

    #[test]
    fn unbonding_entries_are_bounded() {
        let mut deps = setup();
        let a = deps.api.addr_make("a");
        bond(deps.as_mut(), &a, 100);
        let unbond = |deps: DepsMut| {
            execute(
                deps,
                mock_env(),
                message_info(&a, &[]),
                ExecuteMsg::Unbond {
                    amount: Uint128::new(10),
                },
            )
        };
        unbond(deps.as_mut()).unwrap();
        unbond(deps.as_mut()).unwrap();
        let err = unbond(deps.as_mut()).unwrap_err();
        assert!(matches!(
            err,
            ContractError::TooManyUnbondingEntries { max: 2 }
        ));
    }

    #[test]
    fn slash_fraction_must_be_in_range() {
        let mut deps = setup();
        let a = deps.api.addr_make("a");
        bond(deps.as_mut(), &a, 100);
        for f in [Decimal::zero(), Decimal::percent(101)] {
            let err = sudo(
                deps.as_mut(),
                mock_env(),
                SudoMsg::Slash {
                    address: a.to_string(),
                    fraction: f,
                    reason: "x".into(),
                },
            )
            .unwrap_err();
            assert!(matches!(err, ContractError::InvalidFraction {}));
        }
        // A full slash empties the stake.
        let res = sudo(
            deps.as_mut(),
            mock_env(),
            SudoMsg::Slash {
                address: a.to_string(),
                fraction: Decimal::one(),
                reason: "double sign".into(),
            },
        )
        .unwrap();
        assert_eq!(
            res.messages[0].msg,
            CosmosMsg::Bank(BankMsg::Burn {
                amount: coins(100, DENOM)
            })
        );
    }

    /// A consensus key (seed `seed`) and its proof for `operator` on `chain_id`.
    fn key_and_proof(seed: u8, chain_id: &str, operator: &Addr) -> (Binary, Binary) {
        let sk = ed25519_zebra::SigningKey::from([seed; 32]);
        let pk = ed25519_zebra::VerificationKey::from(&sk);
        let sig = sk.sign(&consensus_key_proof_message(chain_id, operator.as_str()));
        (
            Binary::from(<[u8; 32]>::from(pk).to_vec()),
            Binary::from(sig.to_bytes().to_vec()),
        )
    }

    fn bond_key(
        deps: DepsMut,
        who: &Addr,
        pubkey: Option<Binary>,
        proof: Option<Binary>,
    ) -> Result<Response, ContractError> {
        execute(
            deps,
            mock_env(),
            message_info(who, &coins(10, DENOM)),
            ExecuteMsg::Bond {
                role: Role::Validator,
                consensus_pubkey: pubkey,
                consensus_key_proof: proof,
            },
        )
    }

    fn key_owner(deps: Deps, pubkey: &Binary) -> Option<Addr> {
        let r: ConsensusKeyResponse = from_json(
            query(
                deps,
                mock_env(),
                QueryMsg::ConsensusKey {
                    pubkey: pubkey.clone(),
                },
            )
            .unwrap(),
        )
        .unwrap();
        r.operator
    }

    #[test]
    fn a_consensus_key_needs_a_proof_of_possession_for_this_chain_and_operator() {
        let mut deps = setup();
        let a = deps.api.addr_make("a");
        let b = deps.api.addr_make("b");
        let chain = mock_env().block.chain_id;
        let (pk, proof) = key_and_proof(7, &chain, &a);
        assert!(matches!(
            bond_key(deps.as_mut(), &a, Some(pk.clone()), None).unwrap_err(),
            ContractError::MissingKeyProof {}
        ));
        assert!(matches!(
            bond_key(deps.as_mut(), &a, None, Some(proof.clone())).unwrap_err(),
            ContractError::ProofWithoutPubkey {}
        ));
        // Signed for another operator, another chain, or by another key; or not 64 bytes.
        let (_, for_b) = key_and_proof(7, &chain, &b);
        let (_, other_chain) = key_and_proof(7, "other-chain-1", &a);
        let (_, other_key) = key_and_proof(8, &chain, &a);
        let short = Binary::from(proof.as_slice()[..63].to_vec());
        for bad in [for_b, other_chain, other_key, short] {
            let err = bond_key(deps.as_mut(), &a, Some(pk.clone()), Some(bad)).unwrap_err();
            assert!(
                matches!(&err, ContractError::InvalidKeyProof { message }
                    if *message == format!("inferchain/consensus-key/v1/{chain}/{a}")),
                "{err}"
            );
        }
        bond_key(deps.as_mut(), &a, Some(pk.clone()), Some(proof)).unwrap();
        assert_eq!(key_owner(deps.as_ref(), &pk), Some(a.clone()));
        let stake: StakeResponse = from_json(
            query(
                deps.as_ref(),
                mock_env(),
                QueryMsg::Stake {
                    address: a.to_string(),
                },
            )
            .unwrap(),
        )
        .unwrap();
        assert_eq!(stake.stake.unwrap().consensus_pubkey, Some(pk));
    }

    #[test]
    fn one_consensus_key_belongs_to_one_operator_until_replaced() {
        let mut deps = setup();
        let a = deps.api.addr_make("a");
        let b = deps.api.addr_make("b");
        let chain = mock_env().block.chain_id;
        let (pk, proof_a) = key_and_proof(7, &chain, &a);
        bond_key(deps.as_mut(), &a, Some(pk.clone()), Some(proof_a.clone())).unwrap();
        // b holds the key too (a shared key file) and proves it: still a's.
        let (_, proof_b) = key_and_proof(7, &chain, &b);
        let err = bond_key(deps.as_mut(), &b, Some(pk.clone()), Some(proof_b.clone())).unwrap_err();
        assert!(
            matches!(&err, ContractError::PubkeyInUse { operator } if *operator == a.to_string())
        );
        // a registers the same key again (a top-up with it): fine.
        bond_key(deps.as_mut(), &a, Some(pk.clone()), Some(proof_a)).unwrap();
        // a moves to another key: the old one is free for b.
        let (pk2, proof2) = key_and_proof(9, &chain, &a);
        bond_key(deps.as_mut(), &a, Some(pk2.clone()), Some(proof2)).unwrap();
        assert_eq!(key_owner(deps.as_ref(), &pk), None);
        assert_eq!(key_owner(deps.as_ref(), &pk2), Some(a));
        bond_key(deps.as_mut(), &b, Some(pk.clone()), Some(proof_b)).unwrap();
        assert_eq!(key_owner(deps.as_ref(), &pk), Some(b));
    }
}
