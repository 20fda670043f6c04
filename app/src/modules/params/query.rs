//! `inferchain.params.v1.Query`: the chain limits and the authority.

use inferchain_proto::inferchain::params::v1 as paramsv1;
use prost::Message;

use super::limits::ChainLimits;
use super::state::ParamsRead;
use super::{state_key, NAME};
use crate::query::{decode_request, QueryError};
use crate::router::{Askers, Routes, StateQuery};
use crate::state::StateRead;

pub fn register(routes: &mut Routes) {
    let methods: &[(&str, Askers, StateQuery)] = &[("Params", Askers::ClientsAndContracts, params)];
    routes.state_queries(NAME, "inferchain.params.v1.Query", methods);
    // The SDK's node service: relayers (Hermes) read the fee floor from it. This chain's
    // floor is consensus (every validator checks it), so the answer is the chain's, not a
    // node's own setting.
    let node: &[(&str, Askers, StateQuery)] = &[("Config", Askers::Clients, node_config)];
    routes.state_queries(NAME, "cosmos.base.node.v1beta1.Service", node);
}

fn node_config(q: &mut dyn StateRead, data: &[u8]) -> Result<Vec<u8>, QueryError> {
    use cosmos_sdk_proto::cosmos::base::node::v1beta1 as node;
    let _: node::ConfigRequest = decode_request(data)?;
    let limits = ChainLimits::decode(q.get_raw(&state_key::limits())?)?;
    Ok(node::ConfigResponse {
        minimum_gas_price: limits.min_gas_price,
        pruning_keep_recent: String::new(),
        pruning_interval: String::new(),
        halt_height: 0,
    }
    .encode_to_vec())
}

fn params(q: &mut dyn StateRead, data: &[u8]) -> Result<Vec<u8>, QueryError> {
    let _: paramsv1::QueryParamsRequest = decode_request(data)?;
    let limits = ChainLimits::decode(q.get_raw(&state_key::limits())?)?;
    let authority = q.authority()?.map(|a| a.to_bech32()).unwrap_or_default();
    Ok(paramsv1::QueryParamsResponse {
        params: Some(paramsv1::Params {
            max_tx_gas: limits.max_tx_gas,
            min_gas_price: limits.min_gas_price,
        }),
        max_block_gas: limits.max_block_gas,
        authority,
    }
    .encode_to_vec())
}
