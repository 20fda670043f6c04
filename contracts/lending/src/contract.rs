#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{
    to_json_binary, Addr, AnyMsg, BankMsg, Binary, Coin, CosmosMsg, Deps, DepsMut, Env,
    MessageInfo, Reply, Response, StdResult, SubMsg, SubMsgResult, Uint128,
};
use cw2::{get_contract_version, set_contract_version};
use cw_utils::{must_pay, nonpayable};
use sha2::{Digest, Sha256};

use crate::error::ContractError;
use crate::msg::{
    ConfigUpdate, CreditLineResponse, ExecuteMsg, InferenceOutcome, InstantiateMsg, LenderResponse,
    MigrateMsg, PoolResponse, QueryMsg, RequestCreditLineResponse, SudoMsg,
    REPLY_REQUEST_INFERENCE,
};
use crate::pricing::{ceil_ratio, credit_limit, fee, BPS};
use crate::proto::{
    decode_request_inference_response, encode_request_inference, request_response_bytes,
    MSG_REQUEST_INFERENCE,
};
use crate::state::{
    Config, CreditOutcome, PendingRequest, Pool, Score, CONFIG, CREDIT_LINES, PENDING, POOL,
    REQUESTS, SHARES,
};

pub const CONTRACT_NAME: &str = "crates.io:inferchain-lending";
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");
/// The chain's native coin.
pub const DENOM: &str = "uspec";

/// Features are fixed point at scale 256, each in `[-2^23, 2^23)` (the chain's input range).
pub const FEATURE_MIN: i64 = -(1 << 23);
pub const FEATURE_MAX: i64 = (1 << 23) - 1;
pub const DEFAULT_INPUT_WIDTH: u32 = 16;
pub const MAX_INPUT_WIDTH: u32 = 1024;
pub const DEFAULT_REQUEST_EXPIRY_BLOCKS: u64 = 1000;
/// The chain's limit on `callback_data`.
pub const MAX_CALLBACK_DATA: usize = 256;

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    deps: DepsMut,
    _env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    let owner = match msg.owner {
        Some(o) => deps.api.addr_validate(&o)?,
        None => info.sender,
    };
    let config = Config {
        owner,
        inference_feed_id: msg.inference_feed_id,
        max_credit: msg.max_credit,
        min_logit: msg.min_logit,
        max_logit: msg.max_logit,
        borrow_fee_bps: msg.borrow_fee_bps.unwrap_or(0),
        request_fee: msg.request_fee.unwrap_or_default(),
        input_width: msg.input_width.unwrap_or(DEFAULT_INPUT_WIDTH),
        request_expiry_blocks: msg
            .request_expiry_blocks
            .unwrap_or(DEFAULT_REQUEST_EXPIRY_BLOCKS),
    };
    validate_config(&config)?;
    CONFIG.save(deps.storage, &config)?;
    POOL.save(deps.storage, &Pool::default())?;
    Ok(Response::new()
        .add_attribute("action", "instantiate")
        .add_attribute("owner", config.owner.as_str()))
}

fn validate_config(c: &Config) -> Result<(), ContractError> {
    let invalid = |reason: &str| {
        Err(ContractError::InvalidConfig {
            reason: reason.to_string(),
        })
    };
    if c.min_logit >= c.max_logit {
        return invalid("min_logit must be below max_logit");
    }
    if c.borrow_fee_bps > BPS {
        return invalid("borrow_fee_bps above 10000");
    }
    if c.input_width == 0 || c.input_width > MAX_INPUT_WIDTH {
        return invalid("input_width must be in 1..=1024");
    }
    if c.request_expiry_blocks == 0 {
        return invalid("request_expiry_blocks must be positive");
    }
    Ok(())
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> Result<Response, ContractError> {
    match msg {
        ExecuteMsg::Deposit {} => execute_deposit(deps, info),
        ExecuteMsg::Withdraw { amount } => execute_withdraw(deps, info, amount),
        ExecuteMsg::RequestCreditLine { features } => {
            execute_request_credit_line(deps, env, info, features)
        }
        ExecuteMsg::CancelRequest { borrower } => execute_cancel_request(deps, env, info, borrower),
        ExecuteMsg::Borrow { amount } => execute_borrow(deps, info, amount),
        ExecuteMsg::Repay {} => execute_repay(deps, info),
        ExecuteMsg::UpdateConfig(update) => execute_update_config(deps, info, update),
    }
}

// ---------------------------------------------------------------------------------------------
// lenders

fn execute_deposit(deps: DepsMut, info: MessageInfo) -> Result<Response, ContractError> {
    let amount = paid(&info)?;
    let mut pool = POOL.load(deps.storage)?;
    let value = pool.value();
    // First deposit (or a worthless pool): one share per uspec. Later: pro rata, rounded down.
    let minted = if pool.total_shares.is_zero() || value.is_zero() {
        amount
    } else {
        amount.multiply_ratio(pool.total_shares, value)
    };
    if minted.is_zero() {
        return Err(ContractError::DepositTooSmall {});
    }
    pool.liquidity += amount;
    pool.total_shares += minted;
    POOL.save(deps.storage, &pool)?;
    SHARES.update(deps.storage, &info.sender, |s| -> StdResult<_> {
        Ok(s.unwrap_or_default() + minted)
    })?;
    Ok(Response::new()
        .add_attribute("action", "deposit")
        .add_attribute("lender", info.sender.as_str())
        .add_attribute("amount", amount)
        .add_attribute("shares", minted))
}

fn execute_withdraw(
    deps: DepsMut,
    info: MessageInfo,
    amount: Uint128,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    if amount.is_zero() {
        return Err(ContractError::ZeroAmount {});
    }
    let mut pool = POOL.load(deps.storage)?;
    let shares = SHARES
        .may_load(deps.storage, &info.sender)?
        .unwrap_or_default();
    let value = pool.value();
    let own_value = share_value(&pool, shares);
    if shares.is_zero() || amount > own_value {
        return Err(ContractError::InsufficientShares {
            requested: amount,
            available: own_value,
        });
    }
    if amount > pool.liquidity {
        return Err(ContractError::InsufficientLiquidity {
            requested: amount,
            available: pool.liquidity,
        });
    }
    // Shares burned rounded up, so a withdrawal never takes more than its shares are worth.
    // amount <= own_value <= value, so burned <= shares.
    let burned = ceil_ratio(amount, pool.total_shares.u128(), value.u128())
        .expect("burned <= total_shares")
        .min(shares);
    pool.liquidity -= amount;
    pool.total_shares -= burned;
    POOL.save(deps.storage, &pool)?;
    let left = shares - burned;
    if left.is_zero() {
        SHARES.remove(deps.storage, &info.sender);
    } else {
        SHARES.save(deps.storage, &info.sender, &left)?;
    }
    Ok(Response::new()
        .add_attribute("action", "withdraw")
        .add_attribute("lender", info.sender.as_str())
        .add_attribute("amount", amount)
        .add_attribute("shares_burned", burned)
        .add_message(send(&info.sender, amount)))
}

fn share_value(pool: &Pool, shares: Uint128) -> Uint128 {
    if pool.total_shares.is_zero() {
        return Uint128::zero();
    }
    pool.value().multiply_ratio(shares, pool.total_shares)
}

// ---------------------------------------------------------------------------------------------
// credit requests

fn execute_request_credit_line(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    features: Vec<i64>,
) -> Result<Response, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let feed_id = config
        .inference_feed_id
        .ok_or(ContractError::FeedNotConfigured {})?;
    validate_features(&config, &features)?;
    if config.request_fee.is_zero() {
        nonpayable(&info)?;
    } else {
        let paid = paid(&info)?;
        if paid != config.request_fee {
            return Err(ContractError::WrongRequestFee {
                expected: config.request_fee,
                got: paid,
            });
        }
    }
    let borrower = info.sender;
    if let Some(p) = PENDING.may_load(deps.storage, &borrower)? {
        return Err(ContractError::RequestPending {
            borrower: borrower.into_string(),
            request_id: p.request_id,
        });
    }
    let features_hash = features_hash(&features);
    PENDING.save(
        deps.storage,
        &borrower,
        &PendingRequest {
            borrower: borrower.clone(),
            feed_id,
            request_id: None,
            deadline: None,
            features_hash: features_hash.clone(),
            height: env.block.height,
        },
    )?;

    // callback_data: the borrower's address, so a callback matches even without the reply.
    let callback_data = borrower.as_bytes();
    debug_assert!(callback_data.len() <= MAX_CALLBACK_DATA);
    let value = encode_request_inference(
        env.contract.address.as_str(),
        feed_id,
        &features,
        callback_data,
    );
    let request = CosmosMsg::Any(AnyMsg {
        type_url: MSG_REQUEST_INFERENCE.to_string(),
        value: Binary::from(value),
    });
    // If the chain refuses the request the whole transaction fails, the pending entry too.
    let sub = SubMsg::reply_on_success(request, REPLY_REQUEST_INFERENCE)
        .with_payload(Binary::from(borrower.as_bytes()));
    let mut resp = Response::new()
        .add_attribute("action", "request_credit_line")
        .add_attribute("borrower", borrower.as_str())
        .add_attribute("feed_id", feed_id.to_string())
        .add_attribute("features_hash", features_hash)
        .add_submessage(sub);
    if !config.request_fee.is_zero() {
        resp = resp.add_message(send(&config.owner, config.request_fee));
    }
    Ok(resp)
}

fn validate_features(config: &Config, features: &[i64]) -> Result<(), ContractError> {
    if features.len() != config.input_width as usize {
        return Err(ContractError::InvalidFeatures {
            reason: format!(
                "expected {} features, got {}",
                config.input_width,
                features.len()
            ),
        });
    }
    if let Some((i, x)) = features
        .iter()
        .enumerate()
        .find(|(_, x)| !(FEATURE_MIN..=FEATURE_MAX).contains(*x))
    {
        return Err(ContractError::InvalidFeatures {
            reason: format!("feature {i} = {x} is outside [-2^23, 2^23)"),
        });
    }
    Ok(())
}

/// Hex SHA-256 of the features as consecutive 8-byte little-endian `i64`s.
pub fn features_hash(features: &[i64]) -> String {
    let mut h = Sha256::new();
    for x in features {
        h.update(x.to_le_bytes());
    }
    hex::encode(h.finalize())
}

/// The reply of the `MsgRequestInference` sub-message: the chain's request id and deadline.
#[cfg_attr(not(feature = "library"), entry_point)]
pub fn reply(deps: DepsMut, _env: Env, msg: Reply) -> Result<Response, ContractError> {
    if msg.id != REPLY_REQUEST_INFERENCE {
        return Err(ContractError::UnknownReplyId { id: msg.id });
    }
    // reply_on_success: only successes arrive.
    let SubMsgResult::Ok(resp) = msg.result else {
        return Err(ContractError::UnknownReplyId { id: msg.id });
    };
    let borrower = Addr::unchecked(String::from_utf8_lossy(&msg.payload).into_owned());
    let mut pending = PENDING.load(deps.storage, &borrower)?;
    let (request_id, deadline) = request_response_bytes(&resp)
        .and_then(|b| decode_request_inference_response(&b))
        .unwrap_or((None, None));
    pending.request_id = request_id;
    pending.deadline = deadline;
    if let Some(id) = request_id {
        let key = (pending.feed_id, id);
        if REQUESTS.has(deps.storage, key) {
            // Only a chain that reuses ids gets here; refusing undoes the request.
            return Err(ContractError::DuplicateRequestId {
                feed_id: pending.feed_id,
                request_id: id,
            });
        }
        REQUESTS.save(deps.storage, key, &borrower)?;
    }
    PENDING.save(deps.storage, &borrower, &pending)?;
    let opt = |v: Option<u64>| v.map_or_else(|| "unknown".to_string(), |v| v.to_string());
    Ok(Response::new()
        .add_attribute("action", "inference_requested")
        .add_attribute("borrower", borrower.as_str())
        .add_attribute("request_id", opt(request_id))
        .add_attribute("deadline", opt(deadline))
        .set_data(to_json_binary(&RequestCreditLineResponse {
            request_id,
            deadline,
        })?))
}

fn execute_cancel_request(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    borrower: Option<String>,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let config = CONFIG.load(deps.storage)?;
    let borrower = match borrower {
        Some(b) => deps.api.addr_validate(&b)?,
        None => info.sender.clone(),
    };
    if info.sender != borrower && info.sender != config.owner {
        return Err(ContractError::Unauthorized {});
    }
    let pending = PENDING.may_load(deps.storage, &borrower)?.ok_or_else(|| {
        ContractError::NoPendingRequest {
            borrower: borrower.to_string(),
        }
    })?;
    let expires = pending
        .deadline
        .unwrap_or_else(|| pending.height.saturating_add(config.request_expiry_blocks));
    if env.block.height <= expires {
        return Err(ContractError::RequestNotExpired { expires });
    }
    PENDING.remove(deps.storage, &borrower);
    if let Some(id) = pending.request_id {
        REQUESTS.remove(deps.storage, (pending.feed_id, id));
    }
    let mut line = CREDIT_LINES
        .may_load(deps.storage, &borrower)?
        .unwrap_or_default();
    line.last_outcome = Some(CreditOutcome::Cancelled {
        request_id: pending.request_id,
        height: env.block.height,
    });
    CREDIT_LINES.save(deps.storage, &borrower, &line)?;
    Ok(Response::new()
        .add_attribute("action", "cancel_request")
        .add_attribute("borrower", borrower.as_str()))
}

// ---------------------------------------------------------------------------------------------
// the chain's callback

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn sudo(deps: DepsMut, env: Env, msg: SudoMsg) -> Result<Response, ContractError> {
    match msg {
        SudoMsg::InferenceResult {
            request_id,
            feed_id,
            callback_data,
            outcome,
        } => sudo_inference_result(deps, env, request_id, feed_id, callback_data, outcome),
    }
}

/// Constant work (a few reads and writes) whatever the state. Errors only for a request this
/// contract does not wait for, before any write; for a known one it always clears the pending
/// request (a failed callback is not retried, so erroring would leave it stuck).
fn sudo_inference_result(
    deps: DepsMut,
    _env: Env,
    request_id: u64,
    feed_id: u64,
    callback_data: Binary,
    outcome: InferenceOutcome,
) -> Result<Response, ContractError> {
    let unknown = || ContractError::UnknownRequest {
        feed_id,
        request_id,
    };
    // By the chain's id (learnt in the reply); else by the borrower in callback_data, for a
    // pending request on this feed whose id the reply did not tell.
    let (borrower, pending) = match REQUESTS.may_load(deps.storage, (feed_id, request_id))? {
        Some(b) => {
            let p = PENDING.may_load(deps.storage, &b)?.ok_or_else(unknown)?;
            (b, p)
        }
        None => {
            let Ok(b) = String::from_utf8(callback_data.to_vec()) else {
                return Err(unknown());
            };
            let b = Addr::unchecked(b);
            match PENDING.may_load(deps.storage, &b)? {
                Some(p) if p.request_id.is_none() && p.feed_id == feed_id => (b, p),
                _ => return Err(unknown()),
            }
        }
    };
    if pending.feed_id != feed_id || pending.request_id.is_some_and(|id| id != request_id) {
        return Err(unknown());
    }

    PENDING.remove(deps.storage, &borrower);
    REQUESTS.remove(deps.storage, (feed_id, request_id));
    let mut line = CREDIT_LINES
        .may_load(deps.storage, &borrower)?
        .unwrap_or_default();
    let mut resp = Response::new()
        .add_attribute("action", "inference_result")
        .add_attribute("borrower", borrower.as_str())
        .add_attribute("request_id", request_id.to_string());
    match outcome {
        InferenceOutcome::Fulfilled {
            output,
            model_id,
            model_commitment,
            proof_hash,
            height,
        } => {
            let config = CONFIG.load(deps.storage)?;
            // The credit model has one logit; no output (a malformed model) means no credit.
            let logit = output.first().copied();
            let limit = logit.map_or(Uint128::zero(), |l| {
                credit_limit(config.max_credit, config.min_logit, config.max_logit, l)
            });
            line.limit = limit;
            line.score = Some(Score {
                request_id,
                feed_id,
                logit,
                limit,
                model_id,
                model_commitment,
                proof_hash: proof_hash.clone(),
                height,
            });
            line.last_outcome = Some(CreditOutcome::Fulfilled { request_id, height });
            resp = resp
                .add_attribute("outcome", "fulfilled")
                .add_attribute(
                    "logit",
                    logit.map_or_else(|| "none".to_string(), |l| l.to_string()),
                )
                .add_attribute("limit", limit)
                .add_attribute("model_id", model_id.to_string())
                .add_attribute("proof_hash", proof_hash);
        }
        InferenceOutcome::TimedOut { deadline } => {
            // A timeout releases the request; the limit stays what it was.
            line.last_outcome = Some(CreditOutcome::TimedOut {
                request_id,
                deadline,
            });
            resp = resp
                .add_attribute("outcome", "timed_out")
                .add_attribute("deadline", deadline.to_string());
        }
    }
    CREDIT_LINES.save(deps.storage, &borrower, &line)?;
    Ok(resp)
}

// ---------------------------------------------------------------------------------------------
// borrowers

fn execute_borrow(
    deps: DepsMut,
    info: MessageInfo,
    amount: Uint128,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    if amount.is_zero() {
        return Err(ContractError::ZeroAmount {});
    }
    let config = CONFIG.load(deps.storage)?;
    let mut line = CREDIT_LINES
        .may_load(deps.storage, &info.sender)?
        .unwrap_or_default();
    let fee = fee(amount, config.borrow_fee_bps);
    let debt = amount.checked_add(fee)?;
    let available = line.limit.saturating_sub(line.outstanding);
    if debt > available {
        return Err(ContractError::CreditLimitExceeded { debt, available });
    }
    let mut pool = POOL.load(deps.storage)?;
    if amount > pool.liquidity {
        return Err(ContractError::InsufficientLiquidity {
            requested: amount,
            available: pool.liquidity,
        });
    }
    pool.liquidity -= amount;
    pool.total_lent += debt;
    line.outstanding += debt;
    POOL.save(deps.storage, &pool)?;
    CREDIT_LINES.save(deps.storage, &info.sender, &line)?;
    Ok(Response::new()
        .add_attribute("action", "borrow")
        .add_attribute("borrower", info.sender.as_str())
        .add_attribute("amount", amount)
        .add_attribute("fee", fee)
        .add_attribute("outstanding", line.outstanding)
        .add_message(send(&info.sender, amount)))
}

fn execute_repay(deps: DepsMut, info: MessageInfo) -> Result<Response, ContractError> {
    let paid = paid(&info)?;
    let mut line = CREDIT_LINES
        .may_load(deps.storage, &info.sender)?
        .unwrap_or_default();
    if line.outstanding.is_zero() {
        return Err(ContractError::NothingToRepay {});
    }
    let repaid = paid.min(line.outstanding);
    let refund = paid - repaid;
    line.outstanding -= repaid;
    let mut pool = POOL.load(deps.storage)?;
    pool.liquidity += repaid;
    pool.total_lent -= repaid;
    POOL.save(deps.storage, &pool)?;
    CREDIT_LINES.save(deps.storage, &info.sender, &line)?;
    let mut resp = Response::new()
        .add_attribute("action", "repay")
        .add_attribute("borrower", info.sender.as_str())
        .add_attribute("repaid", repaid)
        .add_attribute("outstanding", line.outstanding);
    if !refund.is_zero() {
        resp = resp
            .add_attribute("refund", refund)
            .add_message(send(&info.sender, refund));
    }
    Ok(resp)
}

// ---------------------------------------------------------------------------------------------
// config

fn execute_update_config(
    deps: DepsMut,
    info: MessageInfo,
    u: ConfigUpdate,
) -> Result<Response, ContractError> {
    nonpayable(&info)?;
    let mut config = CONFIG.load(deps.storage)?;
    if info.sender != config.owner {
        return Err(ContractError::Unauthorized {});
    }
    if let Some(o) = u.owner {
        config.owner = deps.api.addr_validate(&o)?;
    }
    if let Some(f) = u.inference_feed_id {
        config.inference_feed_id = Some(f);
    }
    if let Some(v) = u.max_credit {
        config.max_credit = v;
    }
    if let Some(v) = u.min_logit {
        config.min_logit = v;
    }
    if let Some(v) = u.max_logit {
        config.max_logit = v;
    }
    if let Some(v) = u.borrow_fee_bps {
        config.borrow_fee_bps = v;
    }
    if let Some(v) = u.request_fee {
        config.request_fee = v;
    }
    if let Some(v) = u.input_width {
        config.input_width = v;
    }
    if let Some(v) = u.request_expiry_blocks {
        config.request_expiry_blocks = v;
    }
    validate_config(&config)?;
    CONFIG.save(deps.storage, &config)?;
    Ok(Response::new().add_attribute("action", "update_config"))
}

// ---------------------------------------------------------------------------------------------
// queries

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, _env: Env, msg: QueryMsg) -> StdResult<Binary> {
    match msg {
        QueryMsg::Config {} => to_json_binary(&CONFIG.load(deps.storage)?),
        QueryMsg::Pool {} => {
            let pool = POOL.load(deps.storage)?;
            to_json_binary(&PoolResponse {
                liquidity: pool.liquidity,
                total_lent: pool.total_lent,
                total_shares: pool.total_shares,
                value: pool.value(),
            })
        }
        QueryMsg::Lender { address } => {
            let address = deps.api.addr_validate(&address)?;
            let pool = POOL.load(deps.storage)?;
            let shares = SHARES.may_load(deps.storage, &address)?.unwrap_or_default();
            let value = share_value(&pool, shares);
            to_json_binary(&LenderResponse {
                address,
                shares,
                value,
                withdrawable: value.min(pool.liquidity),
            })
        }
        QueryMsg::CreditLine { borrower } => {
            let borrower = deps.api.addr_validate(&borrower)?;
            let line = CREDIT_LINES
                .may_load(deps.storage, &borrower)?
                .unwrap_or_default();
            let pending = PENDING.may_load(deps.storage, &borrower)?;
            to_json_binary(&CreditLineResponse {
                borrower,
                available: line.limit.saturating_sub(line.outstanding),
                limit: line.limit,
                outstanding: line.outstanding,
                pending_request_id: pending.as_ref().and_then(|p| p.request_id),
                pending,
                score: line.score,
                last_outcome: line.last_outcome,
            })
        }
        QueryMsg::PendingRequest {
            request_id,
            feed_id,
        } => {
            let feed_id = match feed_id {
                Some(f) => Some(f),
                None => CONFIG.load(deps.storage)?.inference_feed_id,
            };
            let pending = match feed_id {
                Some(f) => match REQUESTS.may_load(deps.storage, (f, request_id))? {
                    Some(b) => PENDING.may_load(deps.storage, &b)?,
                    None => None,
                },
                None => None,
            };
            to_json_binary(&pending)
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

/// The `uspec` sent with the message (exactly one coin, that denom). Amounts are kept as
/// `Uint128` in state; coins carry `Uint256`.
fn paid(info: &MessageInfo) -> Result<Uint128, ContractError> {
    Ok(Uint128::try_from(must_pay(info, DENOM)?)?)
}

fn send(to: &Addr, amount: Uint128) -> BankMsg {
    BankMsg::Send {
        to_address: to.to_string(),
        amount: vec![Coin::new(amount, DENOM)],
    }
}

#[cfg(test)]
mod tests;
