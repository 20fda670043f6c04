//! Inference feeds: a consumer's standing order for verified inferences — one model, or the
//! winners of a finished challenge in turn — with an SLA in blocks, a fee per inference and a
//! prepaid deposit the module escrows. `MsgRequestInference` draws one fee from the deposit
//! into escrow, assigns the request to a model and queues it by deadline; fulfilment
//! (`fulfil.rs`) pays the fee out, a missed deadline (`sla.rs`) refunds it.
//!
//! Money never moves without the books ([`EscrowBooks`]) moving with it, so the escrow
//! account's balance always equals unspent deposits plus pending fees.

use inferchain_proto::inferchain::inference::v1 as pb;
use inferchain_verifier::{check_input, input_hash, Mode, ProofKind};
use serde::Deserialize;
use serde_json::json;
use tendermint_proto::google::protobuf::Any;

use super::error::InferenceError;
use super::msgs::{address, MsgServer};
use super::score::{contract, smart};
use super::state::{EscrowBooks, InferenceRead, InferenceWrite};
use super::{circuits, ibc_packet};
use crate::address::Address;
use crate::coins::{Coin, Coins, NATIVE_DENOM};
use crate::ctx::Ctx;
use crate::error::TxError;
use crate::modules::bank;
use crate::modules::to_any;
use crate::modules::wasm::WasmKeeper;
use crate::router::MsgHandler;

/// The module account holding feed deposits and pending fees.
pub const ESCROW: &str = "inference";
/// The module account the treasury share goes to when params name no treasury.
pub const TREASURY: &str = "inference_treasury";

/// Most bytes of `callback_data` a request may carry (echoed to the consumer's callback).
pub const MAX_CALLBACK_DATA: usize = 256;
/// Most winners a challenge feed takes from the challenge.
const MAX_FEED_MODELS: usize = 16;

pub fn escrow_address() -> Address {
    Address::module(ESCROW)
}

/// A uspec amount written as a decimal string (no sign, no denom).
pub(super) fn parse_amount(field: &str, s: &str) -> Result<u128, TxError> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(
            InferenceError::Invalid(format!("{field} must be a uspec amount, got {s:?}")).into(),
        );
    }
    s.parse()
        .map_err(|_| InferenceError::Invalid(format!("{field} {s:?} is too large")).into())
}

pub(super) fn uspec(amount: u128) -> Coins {
    Coins(vec![Coin::new(NATIVE_DENOM, amount)])
}

/// Moves `amount` uspec out of the escrow to `to` (nothing when zero).
pub(super) fn pay_out(ctx: &mut Ctx, to: &Address, amount: u128) -> Result<(), TxError> {
    if amount == 0 {
        return Ok(());
    }
    bank::send(ctx, &escrow_address(), to, &uspec(amount))
}

/// The feed `id`, or not-found.
pub(super) fn load_feed(ctx: &mut Ctx, id: u64) -> Result<pb::Feed, TxError> {
    Ok(ctx.feed(id)?.ok_or(InferenceError::FeedNotFound(id))?)
}

fn owned_feed(ctx: &mut Ctx, id: u64, sender: &str) -> Result<pb::Feed, TxError> {
    let feed = load_feed(ctx, id)?;
    if feed.owner != sender {
        return Err(TxError::unauthorized(format!(
            "{sender} is not the owner {} of feed {id}",
            feed.owner
        )));
    }
    Ok(feed)
}

/// The feed's proof mode: private (zero-knowledge) or public; compact proofs are for scores.
pub(super) fn feed_mode(s: &str) -> Result<Mode, TxError> {
    match circuits::parse_mode(s)? {
        m @ (Mode::Private | Mode::Public) => Ok(m),
        other => Err(InferenceError::InvalidMode(format!(
            "{other}: feeds take private or public proofs"
        ))
        .into()),
    }
}

/// A model that may serve a feed: registered, not retired, of the architecture, whose owner
/// is still a bonded modeler with the minimum stake.
fn check_servable(
    keeper: &WasmKeeper,
    ctx: &mut Ctx,
    params: &pb::Params,
    model: &pb::Model,
) -> Result<(), TxError> {
    if model.retired {
        return Err(InferenceError::ModelRetired(model.id).into());
    }
    let staking = contract(&params.staking_contract, "staking")?;
    let owner = address("owner", &model.owner)?;
    let bonded = super::score::modeler_stake(keeper, ctx, &staking, &owner).map_err(|e| {
        TxError::from(InferenceError::ModelUnfit {
            model: model.id,
            why: e.log,
        })
    })?;
    let min: u128 = params.min_model_stake.parse().unwrap_or(u128::MAX);
    if bonded < min {
        return Err(InferenceError::ModelUnfit {
            model: model.id,
            why: format!("its owner's stake {bonded} uspec is below the minimum {min} uspec"),
        }
        .into());
    }
    Ok(())
}

#[derive(Deserialize)]
struct ChallengeWinners {
    architecture_id: String,
    status: String,
    feed_models: Vec<FeedModel>,
}

#[derive(Deserialize)]
struct FeedModel {
    modeler: String,
    commitment: String,
}

/// The registered models of a finalized challenge's winners, best first: for each winner,
/// its model with the winning commitment (the first registered, not retired).
fn challenge_models(
    keeper: &WasmKeeper,
    ctx: &mut Ctx,
    params: &pb::Params,
    id: u64,
) -> Result<(String, Vec<pb::Model>), TxError> {
    let challenge = contract(&params.challenge_contract, "challenge")?;
    let info: ChallengeWinners = smart(
        keeper,
        ctx,
        &challenge,
        json!({"challenge": {"challenge_id": id}}),
    )
    .map_err(|e| match e.codespace {
        crate::modules::wasm::CODESPACE => InferenceError::ChallengeNotFound(id).into(),
        _ => e,
    })?;
    if info.status != "finalized" {
        return Err(InferenceError::Invalid(format!(
            "challenge {id} is {}: feeds take the winners of a finalized challenge",
            info.status
        ))
        .into());
    }
    let mut models = Vec::new();
    for w in info.feed_models.iter().take(MAX_FEED_MODELS) {
        let owner = address("winner", &w.modeler)?;
        let ids = ctx.indexed_ids(&super::state_key::owner_models(&owner), 0, usize::MAX)?;
        for mid in ids {
            let Some(m) = ctx.model(mid)? else { continue };
            if !m.retired && m.commitment == w.commitment && m.architecture == info.architecture_id
            {
                models.push(m);
                break;
            }
        }
    }
    if models.is_empty() {
        return Err(InferenceError::Invalid(format!(
            "challenge {id}: none of its winners registered its winning model"
        ))
        .into());
    }
    Ok((info.architecture_id, models))
}

impl MsgHandler<pb::MsgCreateFeed> for MsgServer {
    fn check_stateless(&self, m: &pb::MsgCreateFeed) -> Result<Vec<Address>, TxError> {
        let owner = address("owner", &m.owner)?;
        if (m.model_id == 0) == (m.challenge_id == 0) {
            return Err(InferenceError::Invalid(
                "set exactly one of model_id and challenge_id".into(),
            )
            .into());
        }
        feed_mode(&m.mode)?;
        parse_amount("fee_per_inference", &m.fee_per_inference)?;
        parse_amount("deposit", &m.deposit)?;
        if !m.callback_contract.is_empty() {
            address("callback_contract", &m.callback_contract)?;
        }
        Ok(vec![owner])
    }

    fn execute(&self, ctx: &mut Ctx, m: &pb::MsgCreateFeed) -> Result<Any, TxError> {
        let params = ctx.inference_params()?;
        let owner = address("owner", &m.owner)?;
        let mode = feed_mode(&m.mode)?;
        let fee = parse_amount("fee_per_inference", &m.fee_per_inference)?;
        let deposit = parse_amount("deposit", &m.deposit)?;
        let min_fee = parse_amount(
            "params.min_fee_per_inference",
            &params.min_fee_per_inference,
        )?;
        if fee < min_fee {
            return Err(InferenceError::Invalid(format!(
                "fee_per_inference {fee} uspec is below the minimum {min_fee} uspec"
            ))
            .into());
        }
        if m.sla_blocks < params.min_sla_blocks || m.sla_blocks > params.max_sla_blocks {
            return Err(InferenceError::Invalid(format!(
                "sla_blocks {} is outside [{}, {}]",
                m.sla_blocks, params.min_sla_blocks, params.max_sla_blocks
            ))
            .into());
        }
        if m.expiry_height != 0 && m.expiry_height <= ctx.block.height {
            return Err(InferenceError::Invalid(format!(
                "expiry_height {} is not after the current height {}",
                m.expiry_height, ctx.block.height
            ))
            .into());
        }
        if !m.callback_contract.is_empty() {
            let cb = address("callback_contract", &m.callback_contract)?;
            if crate::modules::wasm::state::WasmRead::contract_info(ctx, &cb)?.is_none() {
                return Err(InferenceError::Invalid(format!(
                    "callback_contract {cb} is not a contract"
                ))
                .into());
            }
        }
        let (architecture, models) = if m.model_id != 0 {
            let model = ctx
                .model(m.model_id)?
                .ok_or(InferenceError::ModelNotFound(m.model_id))?;
            (model.architecture.clone(), vec![model])
        } else {
            challenge_models(&self.keeper, ctx, &params, m.challenge_id)?
        };
        let arch = ctx
            .architecture(&architecture)?
            .ok_or_else(|| InferenceError::UnknownArchitecture(architecture.clone()))?;
        if circuits::find(&arch, ProofKind::Inference, mode).is_none() {
            return Err(InferenceError::UnregisteredCircuit {
                arch: architecture,
                circuit: circuits::describe(ProofKind::Inference, mode),
            }
            .into());
        }
        for model in &models {
            check_servable(&self.keeper, ctx, &params, model)?;
        }
        if !m.publish_channel.is_empty() {
            crate::modules::ibc::apps::open_channel(ctx, ibc_packet::PORT, &m.publish_channel)
                .map_err(|e| InferenceError::Invalid(format!("publish_channel: {}", e.log)))?;
        }
        if deposit > 0 {
            bank::send(ctx, &owner, &escrow_address(), &uspec(deposit))?;
        }
        let id = ctx.next_feed_id()?;
        let feed = pb::Feed {
            id,
            owner: m.owner.clone(),
            model_ids: models.iter().map(|m| m.id).collect(),
            challenge_id: m.challenge_id,
            architecture: architecture.clone(),
            sla_blocks: m.sla_blocks,
            fee_per_inference: fee.to_string(),
            mode: mode.as_str().into(),
            max_requests: m.max_requests,
            expiry_height: m.expiry_height,
            callback_contract: m.callback_contract.clone(),
            deposit: deposit.to_string(),
            requests: 0,
            fulfilled: 0,
            timed_out: 0,
            closed: false,
            created_height: ctx.block.height,
            pending_fees: "0".into(),
            ibc_open: m.ibc_open,
            publish_channel: m.publish_channel.clone(),
        };
        ctx.insert_feed(&owner, &feed)?;
        let mut books = ctx.escrow_books()?;
        books.deposits += deposit;
        books.open_feeds += 1;
        ctx.put_escrow_books(books)?;
        let model_ids: Vec<String> = feed.model_ids.iter().map(u64::to_string).collect();
        ctx.emit(
            "create_feed",
            &[
                ("feed_id", id.to_string()),
                ("owner", m.owner.clone()),
                ("model_ids", model_ids.join(",")),
                ("architecture", architecture),
                ("mode", feed.mode.clone()),
                ("sla_blocks", m.sla_blocks.to_string()),
                ("fee_per_inference", feed.fee_per_inference.clone()),
                ("deposit", feed.deposit.clone()),
                ("ibc_open", feed.ibc_open.to_string()),
                ("publish_channel", feed.publish_channel.clone()),
            ],
        );
        Ok(to_any(&pb::MsgCreateFeedResponse { feed_id: id }))
    }
}

impl MsgHandler<pb::MsgTopUpFeed> for MsgServer {
    fn check_stateless(&self, m: &pb::MsgTopUpFeed) -> Result<Vec<Address>, TxError> {
        let sender = address("sender", &m.sender)?;
        if parse_amount("amount", &m.amount)? == 0 {
            return Err(InferenceError::Invalid("amount must be positive".into()).into());
        }
        Ok(vec![sender])
    }

    fn execute(&self, ctx: &mut Ctx, m: &pb::MsgTopUpFeed) -> Result<Any, TxError> {
        let sender = address("sender", &m.sender)?;
        let amount = parse_amount("amount", &m.amount)?;
        let mut feed = load_feed(ctx, m.feed_id)?;
        if feed.closed {
            return Err(InferenceError::FeedClosed { id: feed.id }.into());
        }
        bank::send(ctx, &sender, &escrow_address(), &uspec(amount))?;
        let deposit = parse_amount("deposit", &feed.deposit)? + amount;
        feed.deposit = deposit.to_string();
        ctx.update_feed(&feed)?;
        let mut books = ctx.escrow_books()?;
        books.deposits += amount;
        ctx.put_escrow_books(books)?;
        ctx.emit(
            "top_up_feed",
            &[
                ("feed_id", feed.id.to_string()),
                ("amount", amount.to_string()),
                ("deposit", feed.deposit.clone()),
            ],
        );
        Ok(to_any(&pb::MsgTopUpFeedResponse {}))
    }
}

impl MsgHandler<pb::MsgCloseFeed> for MsgServer {
    fn check_stateless(&self, m: &pb::MsgCloseFeed) -> Result<Vec<Address>, TxError> {
        Ok(vec![address("owner", &m.owner)?])
    }

    fn execute(&self, ctx: &mut Ctx, m: &pb::MsgCloseFeed) -> Result<Any, TxError> {
        let owner = address("owner", &m.owner)?;
        let mut feed = owned_feed(ctx, m.feed_id, &m.owner)?;
        if feed.closed {
            return Err(InferenceError::FeedClosed { id: feed.id }.into());
        }
        let refund = parse_amount("deposit", &feed.deposit)?;
        pay_out(ctx, &owner, refund)?;
        feed.deposit = "0".into();
        feed.closed = true;
        ctx.update_feed(&feed)?;
        let mut books = ctx.escrow_books()?;
        books.deposits -= refund;
        books.open_feeds -= 1;
        ctx.put_escrow_books(books)?;
        ctx.emit(
            "close_feed",
            &[
                ("feed_id", feed.id.to_string()),
                ("refund", refund.to_string()),
            ],
        );
        Ok(to_any(&pb::MsgCloseFeedResponse {
            refund: refund.to_string(),
        }))
    }
}

impl MsgHandler<pb::MsgRequestInference> for MsgServer {
    fn check_stateless(&self, m: &pb::MsgRequestInference) -> Result<Vec<Address>, TxError> {
        let requester = address("requester", &m.requester)?;
        if m.input.is_empty() {
            return Err(InferenceError::InvalidInput("the input is empty".into()).into());
        }
        if m.callback_data.len() > MAX_CALLBACK_DATA {
            return Err(InferenceError::Invalid(format!(
                "callback_data exceeds {MAX_CALLBACK_DATA} bytes"
            ))
            .into());
        }
        Ok(vec![requester])
    }

    fn execute(&self, ctx: &mut Ctx, m: &pb::MsgRequestInference) -> Result<Any, TxError> {
        let requester = address("requester", &m.requester)?;
        let response = open_request(
            ctx,
            NewRequest {
                feed_id: m.feed_id,
                requester,
                input: &m.input,
                callback_data: &m.callback_data,
                ibc: None,
            },
        )?;
        Ok(to_any(&response))
    }
}

/// A request from another chain: who pays its fee (the sender's deposit account), the most
/// they accept to pay, and where it came from.
pub(super) struct IbcPayment {
    pub payer: Address,
    pub max_fee: Option<u128>,
    pub origin: pb::IbcOrigin,
}

/// A request about to be opened, from a transaction or a packet.
pub(super) struct NewRequest<'r> {
    pub feed_id: u64,
    pub requester: Address,
    pub input: &'r [i64],
    pub callback_data: &'r [u8],
    /// `None`: the feed's deposit pays (its owner or callback contract asks); `Some`: the
    /// packet's sender pays from its deposit account (the feed must be IBC-open).
    pub ibc: Option<IbcPayment>,
}

/// Opens a request on a feed: checks the feed takes it, escrows the fee, assigns a model and
/// queues the request by deadline.
pub(super) fn open_request(
    ctx: &mut Ctx,
    r: NewRequest,
) -> Result<pb::MsgRequestInferenceResponse, TxError> {
    let requester = r.requester.to_bech32();
    let mut feed = load_feed(ctx, r.feed_id)?;
    let id = feed.id;
    match &r.ibc {
        Some(_) if !feed.ibc_open => return Err(InferenceError::NotIbcOpen { id }.into()),
        Some(_) => {}
        None if feed.owner != requester && feed.callback_contract != requester => {
            return Err(InferenceError::NotFeedRequester {
                id,
                owner: feed.owner,
                sender: requester,
            }
            .into())
        }
        None => {}
    }
    if feed.closed {
        return Err(InferenceError::FeedClosed { id }.into());
    }
    let height = ctx.block.height;
    if feed.expiry_height != 0 && height > feed.expiry_height {
        return Err(InferenceError::FeedExpired {
            id,
            expiry: feed.expiry_height,
            height,
        }
        .into());
    }
    if feed.max_requests != 0 && feed.requests >= feed.max_requests {
        return Err(InferenceError::FeedExhausted {
            id,
            max: feed.max_requests,
        }
        .into());
    }
    let spec = circuits::spec(&feed.architecture)?;
    check_input(&spec, r.input).map_err(|e| InferenceError::InvalidInput(e.to_string()))?;
    let fee = parse_amount("fee_per_inference", &feed.fee_per_inference)?;
    let deposit = parse_amount("deposit", &feed.deposit)?;
    match &r.ibc {
        None if deposit < fee => {
            return Err(InferenceError::FeedDrained { id, deposit, fee }.into())
        }
        None => {}
        Some(pay) => {
            if let Some(max) = pay.max_fee.filter(|&max| fee > max) {
                return Err(InferenceError::Invalid(format!(
                    "feed {id}'s fee {fee} uspec exceeds the request's max_fee {max} uspec"
                ))
                .into());
            }
        }
    }
    // Models are assigned in turn; the one assigned answers for the SLA.
    let slot = (feed.requests % feed.model_ids.len().max(1) as u64) as usize;
    let model_id = *feed
        .model_ids
        .get(slot)
        .ok_or_else(|| TxError::internal(format!("feed {id} has no models")))?;
    let model = ctx
        .model(model_id)?
        .ok_or(InferenceError::ModelNotFound(model_id))?;
    if model.retired {
        return Err(InferenceError::ModelRetired(model_id).into());
    }
    let mut books: EscrowBooks = ctx.escrow_books()?;
    match &r.ibc {
        None => {
            feed.deposit = (deposit - fee).to_string();
            books.deposits -= fee;
        }
        // The payer's own funds: a shortfall is the bank's insufficient-funds error.
        Some(pay) => bank::send(ctx, &pay.payer, &escrow_address(), &uspec(fee))?,
    }
    let request_id = ctx.next_request_id()?;
    let deadline = height + feed.sla_blocks;
    let hash = input_hash(r.input).to_hex();
    let request = pb::InferenceRequest {
        id: request_id,
        feed_id: id,
        requester: requester.clone(),
        model_id,
        model_owner: model.owner.clone(),
        input: r.input.to_vec(),
        input_hash: hash.clone(),
        callback_data: r.callback_data.to_vec(),
        fee: fee.to_string(),
        height,
        deadline,
        status: STATUS_PENDING.into(),
        output: Vec::new(),
        proof_hash: String::new(),
        resolved_height: 0,
        fulfiller: String::new(),
        callback_result: String::new(),
        ibc_origin: r.ibc.map(|pay| pay.origin),
    };
    ctx.insert_request(&r.requester, &request)?;
    feed.pending_fees = (parse_amount("pending_fees", &feed.pending_fees)? + fee).to_string();
    feed.requests += 1;
    ctx.update_feed(&feed)?;
    books.pending_fees += fee;
    books.pending_requests += 1;
    ctx.put_escrow_books(books)?;
    // The event provers subscribe to (`inference_request.model_id EXISTS`).
    ctx.emit(
        "inference_request",
        &[
            ("request_id", request_id.to_string()),
            ("feed_id", id.to_string()),
            ("model_id", model_id.to_string()),
            ("model_owner", model.owner.clone()),
            ("architecture", feed.architecture.clone()),
            ("mode", feed.mode.clone()),
            ("input_hash", hash),
            ("fee", fee.to_string()),
            ("deadline", deadline.to_string()),
        ],
    );
    Ok(pb::MsgRequestInferenceResponse {
        request_id,
        deadline,
    })
}

pub const STATUS_PENDING: &str = "pending";
pub const STATUS_FULFILLED: &str = "fulfilled";
pub const STATUS_TIMED_OUT: &str = "timed_out";

impl MsgHandler<pb::MsgSetModelOperator> for MsgServer {
    fn check_stateless(&self, m: &pb::MsgSetModelOperator) -> Result<Vec<Address>, TxError> {
        let owner = address("owner", &m.owner)?;
        if !m.operator.is_empty() {
            address("operator", &m.operator)?;
        }
        Ok(vec![owner])
    }

    fn execute(&self, ctx: &mut Ctx, m: &pb::MsgSetModelOperator) -> Result<Any, TxError> {
        let mut model = super::msgs::owned_model(ctx, m.model_id, &m.owner)?;
        model.operator = m.operator.clone();
        ctx.update_model(&model)?;
        ctx.emit(
            "set_model_operator",
            &[
                ("model_id", model.id.to_string()),
                ("operator", m.operator.clone()),
            ],
        );
        Ok(to_any(&pb::MsgSetModelOperatorResponse {}))
    }
}

/// The escrow's balance as the bank holds it (for queries and the invariant check).
pub fn escrow_balance(
    state: &mut (impl crate::state::StateRead + ?Sized),
) -> Result<u128, TxError> {
    use crate::modules::bank::BankRead;
    state.balance(&escrow_address(), NATIVE_DENOM)
}
