//! `MsgUpdateParams`: the chain's authority (the governance contract) changes the params.

use inferchain_proto::inferchain::validators::v1 as pb;
use tendermint_proto::google::protobuf::Any;

use super::error::ValidatorsError;
use super::set::MAX_VALIDATORS;
use super::state::ValidatorsWrite;
use crate::address::Address;
use crate::ctx::Ctx;
use crate::error::TxError;
use crate::modules::params::ParamsRead;
use crate::modules::to_any;
use crate::router::MsgHandler;

pub struct MsgServer;

/// Checks params as a whole (genesis and `MsgUpdateParams`).
pub fn validate_params(p: &pb::Params) -> Result<(), ValidatorsError> {
    if !p.staking_contract.is_empty() {
        p.staking_contract.parse::<Address>().map_err(|e| {
            ValidatorsError::InvalidParams(format!(
                "staking_contract {:?}: {e}",
                p.staking_contract
            ))
        })?;
    }
    if p.max_validators == 0 || p.max_validators > MAX_VALIDATORS {
        return Err(ValidatorsError::InvalidParams(format!(
            "max_validators must be 1..={MAX_VALIDATORS}, got {}",
            p.max_validators
        )));
    }
    match p.power_reduction.parse::<u128>() {
        Ok(r) if r > 0 => {}
        _ => {
            return Err(ValidatorsError::InvalidParams(format!(
                "power_reduction must be a positive integer (uspec per unit of power), got {:?}",
                p.power_reduction
            )))
        }
    }
    slash_fraction(p)?;
    Ok(())
}

/// The double-sign slash fraction, in (0, 1].
pub fn slash_fraction(p: &pb::Params) -> Result<cosmwasm_std::Decimal, ValidatorsError> {
    match p
        .double_sign_slash_fraction
        .parse::<cosmwasm_std::Decimal>()
    {
        Ok(f) if !f.is_zero() && f <= cosmwasm_std::Decimal::one() => Ok(f),
        _ => Err(ValidatorsError::InvalidParams(format!(
            "double_sign_slash_fraction must be a decimal in (0, 1], got {:?}",
            p.double_sign_slash_fraction
        ))),
    }
}

fn require_authority(ctx: &mut Ctx, sender: &Address) -> Result<(), TxError> {
    match ctx.authority()? {
        Some(a) if a == *sender => Ok(()),
        Some(a) => Err(TxError::unauthorized(format!(
            "{sender} is not the chain's authority {a}"
        ))),
        None => Err(TxError::unauthorized(
            "this chain has no authority (genesis params.authority)",
        )),
    }
}

impl MsgHandler<pb::MsgUpdateParams> for MsgServer {
    fn check_stateless(&self, m: &pb::MsgUpdateParams) -> Result<Vec<Address>, TxError> {
        let p = m
            .params
            .as_ref()
            .ok_or_else(|| ValidatorsError::InvalidParams("params are required".into()))?;
        validate_params(p)?;
        let authority = m
            .authority
            .parse()
            .map_err(|e| TxError::invalid_address(format!("authority {:?}: {e}", m.authority)))?;
        Ok(vec![authority])
    }

    fn check_stateful(&self, ctx: &mut Ctx, m: &pb::MsgUpdateParams) -> Result<(), TxError> {
        let sender: Address = m.authority.parse().map_err(TxError::invalid_address)?;
        require_authority(ctx, &sender)
    }

    fn execute(&self, ctx: &mut Ctx, m: &pb::MsgUpdateParams) -> Result<Any, TxError> {
        let p = m.params.clone().expect("checked statelessly");
        ctx.put_validators_params(&p)?;
        ctx.emit(
            "update_params",
            &[
                ("module", super::NAME.to_string()),
                ("staking_contract", p.staking_contract.clone()),
                ("max_validators", p.max_validators.to_string()),
            ],
        );
        Ok(to_any(&pb::MsgUpdateParamsResponse {}))
    }
}
