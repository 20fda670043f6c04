//! `inferchain.params.v1.MsgUpdateParams`: the chain's authority changes the limits.

use inferchain_proto::inferchain::params::v1 as paramsv1;
use tendermint_proto::google::protobuf::Any;

use super::error::ParamsError;
use super::limits::ChainLimits;
use super::state::ParamsRead;
use crate::address::Address;
use crate::ctx::Ctx;
use crate::error::TxError;
use crate::modules::to_any;
use crate::router::MsgHandler;
use crate::state::StateWrite;

pub struct MsgServer;

fn params(m: &paramsv1::MsgUpdateParams) -> Result<&paramsv1::Params, ParamsError> {
    m.params.as_ref().ok_or(ParamsError::Missing)
}

fn authority(m: &paramsv1::MsgUpdateParams) -> Result<Address, ParamsError> {
    m.authority
        .parse()
        .map_err(|e| ParamsError::InvalidAuthority(format!("{e}")))
}

impl MsgHandler<paramsv1::MsgUpdateParams> for MsgServer {
    fn check_stateless(&self, m: &paramsv1::MsgUpdateParams) -> Result<Vec<Address>, TxError> {
        let authority = authority(m)?;
        if params(m)?.max_tx_gas == 0 {
            return Err(ParamsError::Invalid("params.max_tx_gas must be positive".into()).into());
        }
        Ok(vec![authority])
    }

    fn check_stateful(&self, ctx: &mut Ctx, m: &paramsv1::MsgUpdateParams) -> Result<(), TxError> {
        let sender = authority(m)?;
        match ctx.authority()? {
            Some(a) if a == sender => Ok(()),
            Some(authority) => Err(ParamsError::NotAuthority { sender, authority }.into()),
            None => Err(ParamsError::NoAuthority.into()),
        }
    }

    fn execute(&self, ctx: &mut Ctx, m: &paramsv1::MsgUpdateParams) -> Result<Any, TxError> {
        let p = params(m)?;
        let current = ChainLimits::load(ctx.state)?;
        let new = ChainLimits {
            max_block_gas: current.max_block_gas,
            max_tx_gas: p.max_tx_gas,
            min_gas_price: p.min_gas_price.clone(),
        };
        new.validate().map_err(ParamsError::Invalid)?;
        // Through the state layer: priced as a write, like any other state change.
        let bytes = serde_json::to_vec(&new).expect("plain JSON");
        ctx.put_raw(super::state_key::limits(), bytes)?;
        ctx.emit(
            "update_params",
            &[
                ("module", super::NAME.to_string()),
                ("max_tx_gas", new.max_tx_gas.to_string()),
                ("min_gas_price", new.min_gas_price.clone()),
            ],
        );
        Ok(to_any(&paramsv1::MsgUpdateParamsResponse {}))
    }
}
