//! How a request resolves, whichever way: the fee split of a fulfilled one, the refund of a
//! missed one, the usage and penalty reports to the contracts, the consumer's callback, and
//! for a request from another chain its packet's acknowledgement (and a feed's publication).
//!
//! Everything outside the module's own books — a contract's report, the slash, the consumer's
//! callback — runs isolated ([`Ctx::isolated`]): in a state layer of its own with a gas limit of its own, so a
//! contract that fails, panics or loops loses only its own writes and never undoes the
//! payment (CosmWasm's reply-on-error, as the chain applies it to native calls).

use std::collections::BTreeMap;

use base64::Engine;
use inferchain_proto::inferchain::inference::v1 as pb;
use serde_json::json;

use super::feeds::{parse_amount, pay_out, STATUS_FULFILLED, TREASURY};
use super::ibc_app;
use super::ibc_packet::Ack;
use super::state::{InferenceRead, InferenceWrite};
use crate::address::Address;
use crate::ctx::Ctx;
use crate::error::TxError;
use crate::modules::bank::FEE_COLLECTOR;
use crate::modules::wasm::WasmKeeper;

/// A fee divided by the params' shares: floors for the validators and the treasury, the
/// rest (rounding included) to the modeler, so the parts always add up to the fee.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Split {
    pub modeler: u128,
    pub validators: u128,
    pub treasury: u128,
}

/// `amount * bps / 10_000`, floored, without overflow for any `u128`.
fn share(amount: u128, bps: u32) -> u128 {
    let bps = bps as u128;
    amount / 10_000 * bps + amount % 10_000 * bps / 10_000
}

pub fn split(fee: u128, params: &pb::Params) -> Split {
    let treasury_bps =
        10_000u32.saturating_sub(params.modeler_share_bps + params.validator_share_bps);
    let validators = share(fee, params.validator_share_bps);
    let treasury = share(fee, treasury_bps);
    Split {
        modeler: fee - validators - treasury,
        validators,
        treasury,
    }
}

/// Where the treasury share goes.
fn treasury(params: &pb::Params) -> Result<Address, TxError> {
    if params.treasury.is_empty() {
        return Ok(Address::module(TREASURY));
    }
    params
        .treasury
        .parse()
        .map_err(|e| TxError::internal(format!("params.treasury {:?}: {e}", params.treasury)))
}

/// An isolated `sudo` of `contract`; a failure becomes an `inference_contract_error` event and
/// `Err(log)` for the record.
pub fn sudo_isolated(
    keeper: &WasmKeeper,
    ctx: &mut Ctx,
    gas_limit: u64,
    contract: &Address,
    what: &str,
    msg: &serde_json::Value,
) -> Result<(), String> {
    let bytes = msg.to_string().into_bytes();
    match ctx.isolated(gas_limit, |sub| keeper.sudo(sub, contract, &bytes)) {
        Ok(_) => Ok(()),
        Err(e) => {
            ctx.emit(
                "inference_contract_error",
                &[
                    ("call", what.to_string()),
                    ("contract", contract.to_bech32()),
                    ("codespace", e.codespace.to_string()),
                    ("code", e.code.to_string()),
                    ("log", e.log.clone()),
                ],
            );
            Err(e.log)
        }
    }
}

/// Calls the feed's callback contract with the request's outcome (if the feed has one) and
/// records what it did on the request.
pub fn call_back(
    keeper: &WasmKeeper,
    ctx: &mut Ctx,
    params: &pb::Params,
    feed: &pb::Feed,
    request_id: u64,
    outcome: serde_json::Value,
) -> Result<(), TxError> {
    let Some(mut request) = ctx.request(request_id)? else {
        return Err(TxError::internal(format!("request {request_id} vanished")));
    };
    request.callback_result = if feed.callback_contract.is_empty() {
        "none".into()
    } else {
        let contract: Address = feed
            .callback_contract
            .parse()
            .map_err(|e| TxError::internal(format!("feed {} callback contract: {e}", feed.id)))?;
        let msg = json!({"inference_result": {
            "request_id": request.id,
            "feed_id": feed.id,
            "callback_data": base64::engine::general_purpose::STANDARD.encode(&request.callback_data),
            "outcome": outcome,
        }});
        match sudo_isolated(
            keeper,
            ctx,
            params.callback_gas_limit,
            &contract,
            "callback",
            &msg,
        ) {
            Ok(()) => "ok".into(),
            Err(why) => format!("failed: {why}"),
        }
    };
    ctx.emit(
        "inference_callback",
        &[
            ("request_id", request.id.to_string()),
            ("contract", feed.callback_contract.clone()),
            ("result", request.callback_result.clone()),
        ],
    );
    ctx.update_request(&request)
}

/// Gas a report to the challenge or reputation contract may use.
const REPORT_GAS: u64 = 2_000_000;

/// One verified answer to a request, ready to be paid, with the request's feed and model as
/// the checks before verification read them (nothing wrote them since).
pub struct Answer {
    pub request: pb::InferenceRequest,
    pub feed: pb::Feed,
    pub model: pb::Model,
    pub output: Vec<i64>,
}

/// Pays verified fulfilments (one, or an aggregate's): each request's fee split out of escrow,
/// its record resolved, then the usage reports and the consumers' callbacks. Payments, feed
/// and model records and reports are summed per recipient, so a batch of 32 pays each party
/// once and writes each feed and model once — the per-request cost of an aggregate is its
/// request's own record.
pub fn fulfil(
    keeper: &WasmKeeper,
    ctx: &mut Ctx,
    params: &pb::Params,
    answers: Vec<Answer>,
    proof_hash: &str,
    fulfiller: &str,
) -> Result<(), TxError> {
    let mut feeds: BTreeMap<u64, pb::Feed> = BTreeMap::new();
    let mut models: BTreeMap<u64, pb::Model> = BTreeMap::new();
    let mut payouts: BTreeMap<Address, u128> = BTreeMap::new();
    // (challenge id, modeler) → (count, modeler fees); modeler → count.
    let mut challenge_usage: BTreeMap<(u64, String), (u64, u128)> = BTreeMap::new();
    let mut reputation_usage: BTreeMap<String, u64> = BTreeMap::new();
    let mut fees = 0u128;
    let treasury = treasury(params)?;
    let collector = Address::module(FEE_COLLECTOR);
    let mut callbacks = Vec::with_capacity(answers.len());
    // What goes back over IBC: each request's acknowledgement and its feed's publication.
    let mut results = Vec::with_capacity(answers.len());
    for answer in answers {
        let Answer {
            mut request,
            output,
            ..
        } = answer;
        // The first answer's copy of a feed or model is the record; later ones add to it.
        let feed = feeds.entry(request.feed_id).or_insert(answer.feed);
        let model = models.entry(request.model_id).or_insert(answer.model);
        let fee = parse_amount("fee", &request.fee)?;
        fees += fee;
        let parts = split(fee, params);
        let owner: Address = model
            .owner
            .parse()
            .map_err(|e| TxError::internal(format!("model {} owner: {e}", model.id)))?;
        *payouts.entry(owner).or_default() += parts.modeler;
        *payouts.entry(collector.clone()).or_default() += parts.validators;
        *payouts.entry(treasury.clone()).or_default() += parts.treasury;

        request.status = STATUS_FULFILLED.into();
        request.output = output.clone();
        request.proof_hash = proof_hash.to_string();
        request.resolved_height = ctx.block.height;
        request.fulfiller = fulfiller.to_string();
        ctx.resolve_request(&request)?;
        results.push((
            ibc_app::result_of(&request, model, proof_hash, ctx.block.height),
            request.clone(),
        ));
        feed.fulfilled += 1;
        feed.pending_fees = (parse_amount("pending_fees", &feed.pending_fees)? - fee).to_string();
        model.inferences += 1;
        model.fees_earned =
            (parse_amount("fees_earned", &model.fees_earned)? + parts.modeler).to_string();
        *reputation_usage.entry(model.owner.clone()).or_default() += 1;
        if feed.challenge_id != 0 {
            let u = challenge_usage
                .entry((feed.challenge_id, model.owner.clone()))
                .or_default();
            u.0 += 1;
            u.1 += parts.modeler;
        }
        ctx.emit(
            "inference_fulfilled",
            &[
                ("request_id", request.id.to_string()),
                ("feed_id", feed.id.to_string()),
                ("model_id", model.id.to_string()),
                ("proof_hash", proof_hash.to_string()),
                (
                    "output",
                    output
                        .iter()
                        .map(i64::to_string)
                        .collect::<Vec<_>>()
                        .join(","),
                ),
                ("fee", fee.to_string()),
                ("modeler_share", parts.modeler.to_string()),
                ("validator_share", parts.validators.to_string()),
                ("treasury_share", parts.treasury.to_string()),
                ("fulfiller", fulfiller.to_string()),
            ],
        );
        callbacks.push((
            request.feed_id,
            request.id,
            json!({"fulfilled": {
                "output": output,
                "model_id": model.id,
                "model_commitment": model.commitment,
                "proof_hash": proof_hash,
                "height": ctx.block.height,
            }}),
        ));
    }
    for (to, amount) in &payouts {
        pay_out(ctx, to, *amount)?;
    }
    let mut books = ctx.escrow_books()?;
    books.pending_fees -= fees;
    books.pending_requests -= callbacks.len() as u64;
    ctx.put_escrow_books(books)?;
    for feed in feeds.values() {
        ctx.update_feed(feed)?;
    }
    for model in models.values() {
        ctx.update_model(model)?;
    }

    // Usage: best effort, as the reputation report of the challenge contract always was.
    if let Ok(rep) = params.reputation_contract.parse::<Address>() {
        for (modeler, count) in reputation_usage {
            let _ = sudo_isolated(
                keeper,
                ctx,
                REPORT_GAS,
                &rep,
                "record_consumption",
                &json!({"record_consumption": {"modeler": modeler, "count": count}}),
            );
        }
    }
    if let Ok(challenge) = params.challenge_contract.parse::<Address>() {
        for ((challenge_id, modeler), (count, earned)) in challenge_usage {
            let _ = sudo_isolated(
                keeper,
                ctx,
                REPORT_GAS,
                &challenge,
                "record_consumption",
                &json!({"record_consumption": {
                    "challenge_id": challenge_id,
                    "modeler": modeler,
                    "count": count,
                    "fees": earned.to_string(),
                }}),
            );
        }
    }
    for (feed_id, request_id, outcome) in callbacks {
        call_back(keeper, ctx, params, &feeds[&feed_id], request_id, outcome)?;
    }
    for (result, request) in results {
        ibc_app::acknowledge(ctx, &request, Ack::Result(result.clone()))?;
        ibc_app::publish(ctx, &feeds[&request.feed_id], result)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(m: u32, v: u32) -> pb::Params {
        pb::Params {
            modeler_share_bps: m,
            validator_share_bps: v,
            ..super::super::state::default_params()
        }
    }

    #[test]
    fn a_split_always_adds_up_to_the_fee() {
        for fee in [0u128, 1, 7, 9_999, 10_000, 10_001, 123_456_789, u128::MAX] {
            for (m, v) in [
                (8_000, 1_500),
                (10_000, 0),
                (0, 10_000),
                (3_333, 3_333),
                (0, 0),
            ] {
                let s = split(fee, &params(m, v));
                assert_eq!(s.modeler + s.validators + s.treasury, fee, "{fee} {m} {v}");
            }
        }
        let s = split(10_000, &params(8_000, 1_500));
        assert_eq!((s.modeler, s.validators, s.treasury), (8_000, 1_500, 500));
        // Rounding goes to the modeler: 7 * 15% = 1.05 → 1, 7 * 5% = 0.35 → 0.
        let s = split(7, &params(8_000, 1_500));
        assert_eq!((s.modeler, s.validators, s.treasury), (6, 1, 0));
    }
}
