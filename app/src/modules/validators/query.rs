//! `inferchain.validators.v1.Query`: params and the current set, for clients and contracts.

use inferchain_proto::inferchain::validators::v1 as pb;
use prost::Message;

use super::state::ValidatorsRead;
use super::NAME;
use crate::query::{decode_request, QueryError};
use crate::router::{Askers, Routes, StateQuery};
use crate::state::StateRead;

const SERVICE: &str = "inferchain.validators.v1.Query";

pub fn register(routes: &mut Routes) {
    let methods: &[(&str, Askers, StateQuery)] = &[
        ("Params", Askers::ClientsAndContracts, params),
        ("ValidatorSet", Askers::ClientsAndContracts, validator_set),
    ];
    routes.state_queries(NAME, SERVICE, methods);
}

fn params(q: &mut dyn StateRead, data: &[u8]) -> Result<Vec<u8>, QueryError> {
    let _: pb::QueryParamsRequest = decode_request(data)?;
    Ok(pb::QueryParamsResponse {
        params: Some(q.validators_params()?),
    }
    .encode_to_vec())
}

fn validator_set(q: &mut dyn StateRead, data: &[u8]) -> Result<Vec<u8>, QueryError> {
    let _: pb::QueryValidatorSetRequest = decode_request(data)?;
    let mut validators = q.validator_set()?;
    validators.sort_by(|a, b| b.power.cmp(&a.power).then_with(|| a.pubkey.cmp(&b.pubkey)));
    let total_power = validators.iter().map(|v| v.power).sum();
    Ok(pb::QueryValidatorSetResponse {
        validators,
        total_power,
    }
    .encode_to_vec())
}
