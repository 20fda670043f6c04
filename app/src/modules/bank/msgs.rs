//! `cosmos.bank.v1beta1` messages: `MsgSend` and `MsgMultiSend`, from accounts and contracts.

use std::collections::BTreeMap;

use cosmos_sdk_proto::cosmos::bank::v1beta1 as bankv1;
use cosmos_sdk_proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use tendermint_proto::google::protobuf::Any;

use super::error::BankError;
use super::parse_addr;
use super::state::{add, send, subtract};
use crate::address::Address;
use crate::coins::{Coin, Coins};
use crate::ctx::Ctx;
use crate::error::TxError;
use crate::modules::to_any;
use crate::router::MsgHandler;

pub struct MsgServer;

fn nonempty(coins: &[ProtoCoin]) -> Result<Coins, TxError> {
    let coins = Coins::from_proto(coins)?;
    if coins.is_empty() {
        return Err(BankError::EmptyCoins.into());
    }
    Ok(coins)
}

/// Module accounts must not receive coins by a send, as in the SDK.
fn receivable(ctx: &Ctx, to: &Address) -> Result<(), TxError> {
    if ctx.router.is_module_account(to) {
        return Err(BankError::BlockedRecipient(to.clone()).into());
    }
    Ok(())
}

impl MsgHandler<bankv1::MsgSend> for MsgServer {
    fn check_stateless(&self, m: &bankv1::MsgSend) -> Result<Vec<Address>, TxError> {
        let from = parse_addr(&m.from_address, "sender")?;
        parse_addr(&m.to_address, "recipient")?;
        nonempty(&m.amount)?;
        Ok(vec![from])
    }

    fn execute(&self, ctx: &mut Ctx, m: &bankv1::MsgSend) -> Result<Any, TxError> {
        let from = parse_addr(&m.from_address, "sender")?;
        let to = parse_addr(&m.to_address, "recipient")?;
        receivable(ctx, &to)?;
        send(ctx, &from, &to, &Coins::from_proto(&m.amount)?)?;
        ctx.emit("message", &[("sender", from.to_bech32())]);
        Ok(to_any(&bankv1::MsgSendResponse {}))
    }
}

impl MsgHandler<bankv1::MsgMultiSend> for MsgServer {
    fn check_stateless(&self, m: &bankv1::MsgMultiSend) -> Result<Vec<Address>, TxError> {
        // The SDK allows exactly one input since v0.47.
        let [input] = m.inputs.as_slice() else {
            return Err(BankError::NotOneInput.into());
        };
        if m.outputs.is_empty() {
            return Err(BankError::NoOutputs.into());
        }
        let from = parse_addr(&input.address, "input")?;
        let total_in = nonempty(&input.coins)?;
        let mut total_out: BTreeMap<String, u128> = BTreeMap::new();
        for o in &m.outputs {
            parse_addr(&o.address, "output")?;
            for c in nonempty(&o.coins)?.0 {
                let e = total_out.entry(c.denom).or_default();
                *e = e
                    .checked_add(c.amount)
                    .ok_or(BankError::Overflow("overflow"))?;
            }
        }
        let out: Vec<Coin> = total_out
            .into_iter()
            .map(|(denom, amount)| Coin { denom, amount })
            .collect();
        if out != total_in.0 {
            return Err(BankError::Unbalanced.into());
        }
        Ok(vec![from])
    }

    fn execute(&self, ctx: &mut Ctx, m: &bankv1::MsgMultiSend) -> Result<Any, TxError> {
        let input = &m.inputs[0];
        let from = parse_addr(&input.address, "input")?;
        subtract(ctx, &from, &Coins::from_proto(&input.coins)?)?;
        ctx.emit("message", &[("sender", from.to_bech32())]);
        for o in &m.outputs {
            let to = parse_addr(&o.address, "output")?;
            receivable(ctx, &to)?;
            let coins = Coins::from_proto(&o.coins)?;
            add(ctx, &to, &coins)?;
            ctx.emit(
                "transfer",
                &[("recipient", to.to_bech32()), ("amount", coins.to_string())],
            );
        }
        Ok(to_any(&bankv1::MsgMultiSendResponse {}))
    }
}
