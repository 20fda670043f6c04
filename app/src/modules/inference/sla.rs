//! The SLA: in EndBlock, every pending request whose deadline has come (`deadline <= height`:
//! it could have been fulfilled in this block's transactions, which ran before) is resolved
//! as timed out — its fee refunded to the feed (or, if the feed was closed, to its owner),
//! the assigned modeler slashed by `params.sla_slash_fraction` through the staking contract
//! (which tells the reputation contract), and the consumer called back with the timeout.
//!
//! The work is bounded: the SLA queue is read from its front, at most
//! `params.max_timeouts_per_block` requests a block; the rest wait for the next block (and
//! can no longer be fulfilled meanwhile: their deadline has passed).
//!
//! A request that came over IBC is refunded to the account that paid it, and its packet is
//! acknowledged with the miss and the refund.

use std::str::FromStr;

use cosmwasm_std::Decimal;
use serde_json::json;

use super::feeds::{parse_amount, pay_out, STATUS_PENDING, STATUS_TIMED_OUT};
use super::ibc_app;
use super::settle::{call_back, sudo_isolated};
use super::state::{id_of, InferenceRead, InferenceWrite};
use super::state_key as key;
use crate::address::Address;
use crate::ctx::Ctx;
use crate::error::TxError;
use crate::modules::wasm::WasmKeeper;
use crate::state::StateRead;

/// Gas the staking contract's slash (and its reputation report) may use.
const SLASH_GAS: u64 = 5_000_000;

/// Parses the params' slash fraction: a decimal in [0, 1].
pub fn slash_fraction(s: &str) -> Result<Decimal, String> {
    let d = Decimal::from_str(s).map_err(|e| e.to_string())?;
    if d > Decimal::one() {
        return Err("must be at most 1".into());
    }
    Ok(d)
}

/// Resolves the requests due at this block's height.
pub fn end_block(keeper: &WasmKeeper, ctx: &mut Ctx) -> Result<(), TxError> {
    let height = ctx.block.height;
    let start = key::deadlines();
    let end = key::deadline(height.saturating_add(1), 0);
    let params = ctx.inference_params()?;
    let due = ctx.scan_raw(
        &start,
        Some(&end),
        false,
        params.max_timeouts_per_block as usize,
    )?;
    for (k, _) in due {
        let id = id_of(&k[k.len() - 8..])?;
        time_out(keeper, ctx, &params, id)?;
    }
    Ok(())
}

fn time_out(
    keeper: &WasmKeeper,
    ctx: &mut Ctx,
    params: &inferchain_proto::inferchain::inference::v1::Params,
    id: u64,
) -> Result<(), TxError> {
    let Some(mut request) = ctx.request(id)? else {
        return Err(TxError::internal(format!(
            "SLA queue names missing request {id}"
        )));
    };
    if request.status != STATUS_PENDING {
        return Err(TxError::internal(format!(
            "SLA queue names request {id}, already {}",
            request.status
        )));
    }
    let mut feed = ctx
        .feed(request.feed_id)?
        .ok_or_else(|| TxError::internal(format!("feed {} vanished", request.feed_id)))?;
    let fee = parse_amount("fee", &request.fee)?;
    let mut books = ctx.escrow_books()?;
    books.pending_fees -= fee;
    books.pending_requests -= 1;
    if let Some(origin) = &request.ibc_origin {
        // A request from another chain paid for itself: the refund goes back to its payer.
        let payer: Address = origin
            .payer
            .parse()
            .map_err(|e| TxError::internal(format!("request {id} payer: {e}")))?;
        pay_out(ctx, &payer, fee)?;
    } else if feed.closed {
        let owner: Address = feed
            .owner
            .parse()
            .map_err(|e| TxError::internal(format!("feed {} owner: {e}", feed.id)))?;
        pay_out(ctx, &owner, fee)?;
    } else {
        feed.deposit = (parse_amount("deposit", &feed.deposit)? + fee).to_string();
        books.deposits += fee;
    }
    ctx.put_escrow_books(books)?;
    feed.pending_fees = (parse_amount("pending_fees", &feed.pending_fees)? - fee).to_string();
    feed.timed_out += 1;
    ctx.update_feed(&feed)?;
    request.status = STATUS_TIMED_OUT.into();
    request.resolved_height = ctx.block.height;
    ctx.resolve_request(&request)?;
    if let Some(mut model) = ctx.model(request.model_id)? {
        model.missed += 1;
        ctx.update_model(&model)?;
    }

    let slashed = match (
        params.staking_contract.parse::<Address>(),
        slash_fraction(&params.sla_slash_fraction),
    ) {
        (Ok(staking), Ok(fraction)) if !fraction.is_zero() => sudo_isolated(
            keeper,
            ctx,
            SLASH_GAS,
            &staking,
            "slash",
            &json!({"slash": {
                "address": request.model_owner,
                "fraction": fraction.to_string(),
                "reason": format!("missed the SLA of inference request {id} (deadline {})", request.deadline),
            }}),
        )
        .is_ok(),
        _ => false,
    };
    ctx.emit(
        "inference_timeout",
        &[
            ("request_id", id.to_string()),
            ("feed_id", feed.id.to_string()),
            ("model_id", request.model_id.to_string()),
            ("model_owner", request.model_owner.clone()),
            ("deadline", request.deadline.to_string()),
            ("refund", fee.to_string()),
            ("slashed", slashed.to_string()),
        ],
    );
    call_back(
        keeper,
        ctx,
        params,
        &feed,
        id,
        json!({"timed_out": {"deadline": request.deadline}}),
    )?;
    ibc_app::acknowledge(ctx, &request, ibc_app::sla_missed(&request, fee))
}
