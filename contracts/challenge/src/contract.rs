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
use sha2::{Digest, Sha256};

use crate::error::ContractError;
use crate::msg::{
    ChallengeResponse, ChallengeStatus, ChallengesResponse, ConfigResponse, ConfigUpdate,
    CreateChallengeMsg, ExecuteMsg, FeedModel, ForfeitDestination, InstantiateMsg,
    LeaderboardResponse, LiabilitiesResponse, MigrateMsg, ModelResponse, QueryMsg,
    ReputationChallengeResult, ReputationExecuteMsg, StakingQueryMsg, StakingRole,
    StakingStakeResponse, SudoMsg, TestSetResponse,
};
use crate::state::{
    challenges, Challenge, Config, Liabilities, Model, CHALLENGE_COUNT, CONFIG, LIABILITIES,
    MODELS, STORED_LIABILITIES, SUBMISSION_SEQ, TEST_SETS,
};
use crate::testset::validate_test_set;

pub const CONTRACT_NAME: &str = "crates.io:inferchain-challenge";
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");
/// The chain's native coin.
pub const DENOM: &str = "uspec";
const BPS: u32 = 10_000;
/// Reply id of best-effort reports to the reputation contract.
pub const REPUTATION_REPORT_REPLY: u64 = 1;

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
    let owner = match msg.owner {
        Some(o) => deps.api.addr_validate(&o)?,
        None => info.sender,
    };
    let config = Config {
        owner,
        staking: deps.api.addr_validate(&msg.staking)?,
        reputation: deps.api.addr_validate(&msg.reputation)?,
        creation_deposit: msg.creation_deposit,
        forfeit_destination: msg.forfeit_destination,
        max_top_k: msg.max_top_k,
    };
    validate_config(deps.as_ref(), &config)?;
    CONFIG.save(deps.storage, &config)?;
    LIABILITIES.save(deps.storage, &Liabilities::default())?;
    CHALLENGE_COUNT.save(deps.storage, &0)?;
    SUBMISSION_SEQ.save(deps.storage, &0)?;
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
        ExecuteMsg::CreateChallenge(c) => execute_create_challenge(deps, env, info, c),
        ExecuteMsg::SubmitModel {
            challenge_id,
            commitment,
            architecture_id,
        } => execute_submit_model(deps, env, info, challenge_id, commitment, architecture_id),
        ExecuteMsg::RevealTestSet {
            challenge_id,
            test_set_uri,
            test_set,
        } => execute_reveal(deps, env, info, challenge_id, test_set_uri, test_set),
        ExecuteMsg::CancelUnrevealed { challenge_id } => {
            execute_cancel(deps, env, info, challenge_id)
        }
        ExecuteMsg::Finalize { challenge_id } => execute_finalize(deps, env, info, challenge_id),
        ExecuteMsg::UpdateConfig(update) => execute_update_config(deps, info, update),
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn sudo(deps: DepsMut, env: Env, msg: SudoMsg) -> Result<Response, ContractError> {
    match msg {
        SudoMsg::RecordScore {
            challenge_id,
            modeler,
            commitment,
            score,
        } => sudo_record_score(deps, env, challenge_id, modeler, commitment, score),
        SudoMsg::RecordConsumption {
            challenge_id,
            modeler,
            count,
            fees,
        } => sudo_record_consumption(deps, challenge_id, modeler, count, fees),
    }
}

/// Only best-effort reputation reports reply, and only when they failed.
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
pub fn query(deps: Deps, _env: Env, msg: QueryMsg) -> StdResult<Binary> {
    match msg {
        QueryMsg::Config {} => to_json_binary(&query_config(deps)?),
        QueryMsg::Challenge { challenge_id } => {
            let c = challenges().load(deps.storage, challenge_id)?;
            to_json_binary(&challenge_response(challenge_id, c))
        }
        QueryMsg::Challenges {
            status,
            start_after,
            limit,
        } => to_json_binary(&query_challenges(deps, status, start_after, limit)?),
        QueryMsg::Leaderboard { challenge_id } => {
            to_json_binary(&query_leaderboard(deps, challenge_id)?)
        }
        QueryMsg::Model {
            challenge_id,
            modeler,
        } => {
            let modeler = deps.api.addr_validate(&modeler)?;
            let m = MODELS.load(deps.storage, (challenge_id, &modeler))?;
            to_json_binary(&model_response(m))
        }
        QueryMsg::TestSet { challenge_id } => {
            let c = challenges().load(deps.storage, challenge_id)?;
            to_json_binary(&TestSetResponse {
                challenge_id,
                test_set_hash: c.test_set_hash,
                test_set: TEST_SETS.may_load(deps.storage, challenge_id)?,
            })
        }
        QueryMsg::Liabilities {} => {
            let l = LIABILITIES.load(deps.storage)?;
            to_json_binary(&LiabilitiesResponse { escrow: l.escrow })
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
    // Fee shares credited before the chain's `inference` module owned the fee split have no
    // `claim {}` any more: they must be claimed with the old code first. (The old config's
    // `modeler_fee_share` and the liabilities' `claims` fields are ignored when read.)
    let l = STORED_LIABILITIES.load(deps.storage)?;
    if !l.claims.is_zero() {
        return Err(ContractError::UnclaimedFees { claims: l.claims });
    }
    set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    Ok(Response::new()
        .add_attribute("action", "migrate")
        .add_attribute("from_version", stored.version)
        .add_attribute("to_version", CONTRACT_VERSION))
}

// ---------------------------------------------------------------------------------------------
// helpers

fn is_hex64(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn send(to: &Addr, amount: Uint128) -> Option<CosmosMsg> {
    (!amount.is_zero()).then(|| {
        BankMsg::Send {
            to_address: to.to_string(),
            amount: vec![Coin::new(amount, DENOM)],
        }
        .into()
    })
}

fn load_challenge(deps: Deps, id: u64) -> Result<Challenge, ContractError> {
    challenges()
        .may_load(deps.storage, id)?
        .ok_or(ContractError::ChallengeNotFound { id })
}

fn validate_config(deps: Deps, c: &Config) -> Result<(), ContractError> {
    if c.max_top_k == 0 {
        return Err(ContractError::InvalidChallenge {
            reason: "max_top_k must be positive".into(),
        });
    }
    if let ForfeitDestination::Address { address } = &c.forfeit_destination {
        deps.api.addr_validate(address)?;
    }
    Ok(())
}

/// Ranking order: better score first, then earlier submission.
fn rank_models(higher_is_better: bool, models: &mut [Model]) {
    models.sort_by(|a, b| {
        let (sa, sb) = (a.score.unwrap_or_default(), b.score.unwrap_or_default());
        let by_score = if higher_is_better {
            sb.cmp(&sa)
        } else {
            sa.cmp(&sb)
        };
        by_score.then(a.sequence.cmp(&b.sequence))
    });
}

/// The models (one per modeler) of a challenge, in no particular order.
fn current_models(deps: Deps, challenge_id: u64) -> StdResult<Vec<Model>> {
    MODELS
        .prefix(challenge_id)
        .range(deps.storage, None, None, Order::Ascending)
        .map(|r| r.map(|(_, m)| m))
        .collect()
}

/// `modeler`'s model in `challenge_id`, or `ModelNotFound`.
fn load_model(deps: Deps, challenge_id: u64, modeler: &Addr) -> Result<Model, ContractError> {
    MODELS
        .may_load(deps.storage, (challenge_id, modeler))?
        .ok_or_else(|| ContractError::ModelNotFound {
            challenge_id,
            modeler: modeler.to_string(),
        })
}

// ---------------------------------------------------------------------------------------------
// execute handlers

pub fn execute_create_challenge(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    c: CreateChallengeMsg,
) -> Result<Response, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let sent = paid(&info)?;
    if sent <= config.creation_deposit {
        return Err(ContractError::InsufficientFunds {
            sent,
            deposit: config.creation_deposit,
        });
    }
    let invalid = |reason: &str| ContractError::InvalidChallenge {
        reason: reason.to_string(),
    };
    if c.title.trim().is_empty() {
        return Err(invalid("title is empty"));
    }
    if c.architecture_id.trim().is_empty() {
        return Err(invalid("architecture_id is empty"));
    }
    if !is_hex64(&c.test_set_hash) {
        return Err(invalid("test_set_hash must be 64 lowercase hex characters"));
    }
    if !(env.block.time < c.submission_deadline
        && c.submission_deadline < c.reveal_deadline
        && c.reveal_deadline < c.scoring_deadline)
    {
        return Err(invalid(
            "deadlines must satisfy now < submission < reveal < scoring",
        ));
    }
    if c.payout_bps.is_empty() || c.payout_bps.len() > config.max_top_k as usize {
        return Err(invalid("payout_bps must have 1..=max_top_k entries"));
    }
    if c.payout_bps.contains(&0) || c.payout_bps.iter().sum::<u32>() != BPS {
        return Err(invalid("payout_bps must be positive and sum to 10000"));
    }
    let bounty = sent - config.creation_deposit;
    let id = CHALLENGE_COUNT.update(deps.storage, |n: u64| -> StdResult<u64> { Ok(n + 1) })?;
    let challenge = Challenge {
        creator: info.sender.clone(),
        title: c.title,
        description: c.description,
        task: c.task,
        architecture_id: c.architecture_id,
        metric: c.metric,
        dataset_uri: c.dataset_uri,
        test_set_hash: c.test_set_hash,
        test_set_uri: None,
        submission_deadline: c.submission_deadline,
        reveal_deadline: c.reveal_deadline,
        scoring_deadline: c.scoring_deadline,
        min_stake: c.min_stake,
        payout_bps: c.payout_bps,
        bounty,
        deposit: config.creation_deposit,
        status: ChallengeStatus::Open,
        feed_models: vec![],
    };
    challenges().save(deps.storage, id, &challenge)?;
    LIABILITIES.update(deps.storage, |mut l| -> StdResult<_> {
        l.escrow += sent;
        Ok(l)
    })?;
    Ok(Response::new()
        .add_attribute("action", "create_challenge")
        .add_attribute("challenge_id", id.to_string())
        .add_attribute("creator", info.sender)
        .add_attribute("bounty", bounty))
}

pub fn execute_submit_model(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    challenge_id: u64,
    commitment: String,
    architecture_id: String,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let challenge = load_challenge(deps.as_ref(), challenge_id)?;
    if challenge.status != ChallengeStatus::Open || env.block.time >= challenge.submission_deadline
    {
        return Err(ContractError::SubmissionClosed {});
    }
    if !is_hex64(&commitment) {
        return Err(ContractError::InvalidCommitment {});
    }
    if architecture_id != challenge.architecture_id {
        return Err(ContractError::ArchitectureMismatch {
            expected: challenge.architecture_id,
            got: architecture_id,
        });
    }
    let config = CONFIG.load(deps.storage)?;
    let stake: StakingStakeResponse = deps.querier.query_wasm_smart(
        &config.staking,
        &StakingQueryMsg::Stake {
            address: info.sender.to_string(),
        },
    )?;
    let stake = match stake.stake {
        Some(s) if s.role == StakingRole::Modeler => s,
        _ => return Err(ContractError::NotAModeler {}),
    };
    if stake.bonded < challenge.min_stake {
        return Err(ContractError::BelowMinimumStake {
            bonded: stake.bonded,
            min: challenge.min_stake,
        });
    }
    let mut resp = Response::new()
        .add_attribute("action", "submit_model")
        .add_attribute("challenge_id", challenge_id.to_string())
        .add_attribute("modeler", &info.sender)
        .add_attribute("commitment", &commitment);
    let key = (challenge_id, &info.sender);
    if let Some(old) = MODELS.may_load(deps.storage, key)? {
        resp = resp.add_attribute("replaced", old.commitment);
    }
    let sequence = SUBMISSION_SEQ.update(deps.storage, |n: u64| -> StdResult<u64> { Ok(n + 1) })?;
    MODELS.save(
        deps.storage,
        key,
        &Model {
            challenge_id,
            modeler: info.sender.clone(),
            commitment,
            architecture_id,
            submitted_at: env.block.time,
            sequence,
            score: None,
            rank: None,
            payout: Uint128::zero(),
            is_feed: false,
            consumption: 0,
            fees_earned: Uint128::zero(),
        },
    )?;
    Ok(resp)
}

pub fn execute_reveal(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    challenge_id: u64,
    test_set_uri: String,
    test_set: Binary,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let mut challenge = load_challenge(deps.as_ref(), challenge_id)?;
    if info.sender != challenge.creator {
        return Err(ContractError::Unauthorized {});
    }
    if challenge.status != ChallengeStatus::Open {
        return Err(ContractError::WrongStatus { id: challenge_id });
    }
    if env.block.time < challenge.submission_deadline || env.block.time >= challenge.reveal_deadline
    {
        return Err(ContractError::RevealWindowClosed {});
    }
    let (rows, features) = validate_test_set(test_set.as_slice())
        .map_err(|reason| ContractError::InvalidTestSet { reason })?;
    let got = hex::encode(Sha256::digest(test_set.as_slice()));
    if got != challenge.test_set_hash {
        return Err(ContractError::TestSetHashMismatch {
            expected: challenge.test_set_hash,
            got,
        });
    }
    TEST_SETS.save(deps.storage, challenge_id, &test_set)?;
    challenge.test_set_uri = Some(test_set_uri.clone());
    challenge.status = ChallengeStatus::Revealed;
    challenges().save(deps.storage, challenge_id, &challenge)?;
    Ok(Response::new()
        .add_attribute("action", "reveal_test_set")
        .add_attribute("challenge_id", challenge_id.to_string())
        .add_attribute("test_set_uri", test_set_uri)
        .add_attribute("rows", rows.to_string())
        .add_attribute("features", features.to_string()))
}

pub fn execute_cancel(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    challenge_id: u64,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let mut challenge = load_challenge(deps.as_ref(), challenge_id)?;
    if challenge.status != ChallengeStatus::Open {
        return Err(ContractError::WrongStatus { id: challenge_id });
    }
    if env.block.time < challenge.reveal_deadline {
        return Err(ContractError::RevealDeadlineNotReached {});
    }
    challenge.status = ChallengeStatus::Cancelled;
    challenges().save(deps.storage, challenge_id, &challenge)?;
    LIABILITIES.update(deps.storage, |mut l| -> StdResult<_> {
        l.escrow -= challenge.bounty + challenge.deposit;
        Ok(l)
    })?;
    let config = CONFIG.load(deps.storage)?;
    let mut resp = Response::new()
        .add_attribute("action", "cancel_unrevealed")
        .add_attribute("challenge_id", challenge_id.to_string())
        .add_attribute("refunded", challenge.bounty)
        .add_attribute("forfeited", challenge.deposit);
    resp = resp.add_messages(send(&challenge.creator, challenge.bounty));
    if !challenge.deposit.is_zero() {
        let coins = vec![Coin::new(challenge.deposit, DENOM)];
        resp = resp.add_message(match config.forfeit_destination {
            ForfeitDestination::Burn => BankMsg::Burn { amount: coins },
            ForfeitDestination::Address { address } => BankMsg::Send {
                to_address: address,
                amount: coins,
            },
        });
    }
    Ok(resp)
}

pub fn execute_finalize(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    challenge_id: u64,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let mut challenge = load_challenge(deps.as_ref(), challenge_id)?;
    match challenge.status {
        ChallengeStatus::Revealed => {}
        ChallengeStatus::Finalized => {
            return Err(ContractError::AlreadyFinalized { id: challenge_id })
        }
        _ => return Err(ContractError::WrongStatus { id: challenge_id }),
    }
    if env.block.time < challenge.scoring_deadline {
        return Err(ContractError::ScoringNotOver {});
    }
    let config = CONFIG.load(deps.storage)?;
    let mut scored: Vec<Model> = current_models(deps.as_ref(), challenge_id)?
        .into_iter()
        .filter(|m| m.score.is_some())
        .collect();
    rank_models(challenge.metric.higher_is_better(), &mut scored);

    let mut resp = Response::new()
        .add_attribute("action", "finalize")
        .add_attribute("challenge_id", challenge_id.to_string())
        .add_attribute("scored", scored.len().to_string());
    let mut paid = Uint128::zero();
    let mut results = Vec::with_capacity(scored.len());
    for (i, model) in scored.iter_mut().enumerate() {
        let rank = i as u32 + 1;
        model.rank = Some(rank);
        if let Some(bps) = challenge.payout_bps.get(i) {
            let payout = challenge.bounty.multiply_ratio(*bps, BPS);
            model.payout = payout;
            model.is_feed = true;
            paid += payout;
            challenge.feed_models.push(FeedModel {
                modeler: model.modeler.clone(),
                commitment: model.commitment.clone(),
            });
            resp = resp.add_messages(send(&model.modeler, payout));
        }
        MODELS.save(deps.storage, (challenge_id, &model.modeler), model)?;
        results.push(ReputationChallengeResult {
            modeler: model.modeler.to_string(),
            rank,
            score: model.score.unwrap_or_default(),
        });
    }
    // Unused splits, rounding, or the whole bounty if nobody scored, plus the deposit.
    let returned = challenge.bounty - paid + challenge.deposit;
    resp = resp
        .add_messages(send(&challenge.creator, returned))
        .add_attribute("paid", paid)
        .add_attribute("returned", returned);
    if !results.is_empty() {
        // Best effort: a failing reputation contract must not block the payouts.
        resp = resp.add_submessage(SubMsg::reply_on_error(
            WasmMsg::Execute {
                contract_addr: config.reputation.to_string(),
                msg: to_json_binary(&ReputationExecuteMsg::RecordChallengeResults {
                    challenge_id,
                    field_size: results.len() as u32,
                    results,
                })?,
                funds: vec![],
            },
            REPUTATION_REPORT_REPLY,
        ));
    }
    LIABILITIES.update(deps.storage, |mut l| -> StdResult<_> {
        l.escrow -= challenge.bounty + challenge.deposit;
        Ok(l)
    })?;
    challenge.status = ChallengeStatus::Finalized;
    challenges().save(deps.storage, challenge_id, &challenge)?;
    Ok(resp)
}

pub fn execute_update_config(
    deps: DepsMut,
    info: MessageInfo,
    u: ConfigUpdate,
) -> Result<Response, ContractError> {
    let mut config = CONFIG.load(deps.storage)?;
    if info.sender != config.owner {
        return Err(ContractError::Unauthorized {});
    }
    if let Some(o) = u.owner {
        config.owner = deps.api.addr_validate(&o)?;
    }
    if let Some(s) = u.staking {
        config.staking = deps.api.addr_validate(&s)?;
    }
    if let Some(r) = u.reputation {
        config.reputation = deps.api.addr_validate(&r)?;
    }
    if let Some(d) = u.creation_deposit {
        config.creation_deposit = d;
    }
    if let Some(f) = u.forfeit_destination {
        config.forfeit_destination = f;
    }
    if let Some(k) = u.max_top_k {
        config.max_top_k = k;
    }
    validate_config(deps.as_ref(), &config)?;
    CONFIG.save(deps.storage, &config)?;
    Ok(Response::new().add_attribute("action", "update_config"))
}

// ---------------------------------------------------------------------------------------------
// sudo handlers

/// The chain verified a proof of score bound to `modeler` for the model `commitment`.
pub fn sudo_record_score(
    deps: DepsMut,
    env: Env,
    challenge_id: u64,
    modeler: String,
    commitment: String,
    score: Decimal,
) -> Result<Response, ContractError> {
    let challenge = load_challenge(deps.as_ref(), challenge_id)?;
    if challenge.status != ChallengeStatus::Revealed {
        return Err(ContractError::WrongStatus { id: challenge_id });
    }
    if env.block.time >= challenge.scoring_deadline {
        return Err(ContractError::ScoringClosed {});
    }
    let modeler = deps.api.addr_validate(&modeler)?;
    let mut model = load_model(deps.as_ref(), challenge_id, &modeler)?;
    if model.commitment != commitment {
        return Err(ContractError::CommitmentMismatch {
            expected: model.commitment,
            got: commitment,
        });
    }
    if model.score.is_some() {
        return Err(ContractError::AlreadyScored {
            challenge_id,
            modeler: modeler.to_string(),
        });
    }
    model.score = Some(score);
    MODELS.save(deps.storage, (challenge_id, &modeler), &model)?;
    Ok(Response::new()
        .add_attribute("action", "record_score")
        .add_attribute("challenge_id", challenge_id.to_string())
        .add_attribute("modeler", modeler)
        .add_attribute("commitment", commitment)
        .add_attribute("score", score.to_string()))
}

/// The chain's `inference` module served and paid `count` inferences of `modeler`'s feed model
/// of `challenge_id`. A usage record for the leaderboard only: the module owns the fee split,
/// has already paid the modeler `fees` (its share) and reports usage to reputation itself, so
/// no funds arrive here and nothing is forwarded.
pub fn sudo_record_consumption(
    deps: DepsMut,
    challenge_id: u64,
    modeler: String,
    count: u64,
    fees: Uint128,
) -> Result<Response, ContractError> {
    let modeler = deps.api.addr_validate(&modeler)?;
    let mut model = load_model(deps.as_ref(), challenge_id, &modeler)?;
    if !model.is_feed {
        return Err(ContractError::NotAFeedModel {
            challenge_id,
            modeler: modeler.to_string(),
        });
    }
    model.consumption += count;
    model.fees_earned += fees;
    MODELS.save(deps.storage, (challenge_id, &modeler), &model)?;
    Ok(Response::new()
        .add_attribute("action", "record_consumption")
        .add_attribute("challenge_id", challenge_id.to_string())
        .add_attribute("modeler", &modeler)
        .add_attribute("commitment", &model.commitment)
        .add_attribute("count", count.to_string())
        .add_attribute("fees", fees))
}

// ---------------------------------------------------------------------------------------------
// queries

fn query_config(deps: Deps) -> StdResult<ConfigResponse> {
    let c = CONFIG.load(deps.storage)?;
    Ok(ConfigResponse {
        owner: c.owner,
        staking: c.staking,
        reputation: c.reputation,
        creation_deposit: c.creation_deposit,
        forfeit_destination: c.forfeit_destination,
        max_top_k: c.max_top_k,
    })
}

fn challenge_response(id: u64, c: Challenge) -> ChallengeResponse {
    ChallengeResponse {
        id,
        creator: c.creator,
        title: c.title,
        description: c.description,
        task: c.task,
        architecture_id: c.architecture_id,
        metric: c.metric,
        dataset_uri: c.dataset_uri,
        test_set_hash: c.test_set_hash,
        test_set_uri: c.test_set_uri,
        submission_deadline: c.submission_deadline,
        reveal_deadline: c.reveal_deadline,
        scoring_deadline: c.scoring_deadline,
        min_stake: c.min_stake,
        payout_bps: c.payout_bps,
        bounty: c.bounty,
        deposit: c.deposit,
        status: c.status,
        feed_models: c.feed_models,
    }
}

fn model_response(m: Model) -> ModelResponse {
    ModelResponse {
        commitment: m.commitment,
        challenge_id: m.challenge_id,
        modeler: m.modeler,
        architecture_id: m.architecture_id,
        submitted_at: m.submitted_at,
        sequence: m.sequence,
        score: m.score,
        rank: m.rank,
        payout: m.payout,
        is_feed: m.is_feed,
        consumption: m.consumption,
        fees_earned: m.fees_earned,
    }
}

fn query_challenges(
    deps: Deps,
    status: Option<ChallengeStatus>,
    start_after: Option<u64>,
    limit: Option<u32>,
) -> StdResult<ChallengesResponse> {
    let limit = limit.unwrap_or(DEFAULT_LIMIT).min(MAX_LIMIT) as usize;
    let challenges = match status {
        Some(s) => challenges()
            .idx
            .status
            .prefix(s.tag())
            .range(
                deps.storage,
                start_after.map(Bound::exclusive),
                None,
                Order::Ascending,
            )
            .take(limit)
            .map(|r| r.map(|(id, c)| challenge_response(id, c)))
            .collect::<StdResult<Vec<_>>>()?,
        None => challenges()
            .range(
                deps.storage,
                start_after.map(Bound::exclusive),
                None,
                Order::Ascending,
            )
            .take(limit)
            .map(|r| r.map(|(id, c)| challenge_response(id, c)))
            .collect::<StdResult<Vec<_>>>()?,
    };
    Ok(ChallengesResponse { challenges })
}

fn query_leaderboard(deps: Deps, challenge_id: u64) -> StdResult<LeaderboardResponse> {
    let challenge = challenges().load(deps.storage, challenge_id)?;
    let (mut scored, mut unscored): (Vec<_>, Vec<_>) = current_models(deps, challenge_id)?
        .into_iter()
        .partition(|m| m.score.is_some());
    rank_models(challenge.metric.higher_is_better(), &mut scored);
    unscored.sort_by_key(|m| m.sequence);
    let entries = scored
        .into_iter()
        .chain(unscored)
        .map(model_response)
        .collect();
    Ok(LeaderboardResponse {
        challenge_id,
        entries,
    })
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
    use cosmwasm_std::testing::{mock_dependencies, mock_env};

    /// The config and liabilities as the contract stored them while it split consumption fees.
    fn old_state(deps: DepsMut, claims: &str) {
        set_contract_version(deps.storage, CONTRACT_NAME, "0.1.0").unwrap();
        deps.storage.set(
            b"config",
            br#"{"owner":"gov","staking":"stk","reputation":"rep","creation_deposit":"1000","modeler_fee_share":"0.7","forfeit_destination":"burn","max_top_k":5}"#,
        );
        let liabilities = format!(r#"{{"escrow":"5000","claims":"{claims}"}}"#);
        deps.storage.set(b"liabilities", liabilities.as_bytes());
    }

    #[test]
    fn migrate_reads_the_old_fee_split_state() {
        let mut deps = mock_dependencies();
        old_state(deps.as_mut(), "0");
        migrate(deps.as_mut(), mock_env(), MigrateMsg {}).unwrap();
        // The removed fields are ignored.
        let c = query_config(deps.as_ref()).unwrap();
        assert_eq!(
            (c.owner.as_str(), c.creation_deposit, c.max_top_k),
            ("gov", Uint128::new(1_000), 5)
        );
        assert_eq!(c.forfeit_destination, ForfeitDestination::Burn);
        assert_eq!(
            LIABILITIES.load(&deps.storage).unwrap().escrow,
            Uint128::new(5_000)
        );
    }

    #[test]
    fn migrate_refuses_while_fee_shares_are_unclaimed() {
        let mut deps = mock_dependencies();
        old_state(deps.as_mut(), "7");
        let err = migrate(deps.as_mut(), mock_env(), MigrateMsg {}).unwrap_err();
        assert!(
            matches!(err, ContractError::UnclaimedFees { claims } if claims == Uint128::new(7)),
            "{err}"
        );
    }
}
