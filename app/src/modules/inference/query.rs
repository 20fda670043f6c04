//! `inferchain.inference.v1.Query`. State queries are open to contracts too; `Challenge` and
//! `VerifyProof` run contracts' queries and a proof verification, so they are for clients.

use std::sync::Arc;

use inferchain_proto::inferchain::inference::v1 as pb;
use prost::Message;

use super::error::InferenceError;
use super::score;
use super::state::InferenceRead;
use super::{state_key, NAME};
use crate::address::Address;
use crate::ctx::{BlockInfo, Ctx, Dispatch};
use crate::gas::GasMeter;
use crate::modules::block::BlockRead;
use crate::modules::wasm::WasmKeeper;
use crate::query::{decode_request, QueryError};
use crate::router::{Askers, Routes, StateQuery};
use crate::state::{StateRead, StateReadExt};

const SERVICE: &str = "inferchain.inference.v1.Query";
/// Gas a client query that runs contracts may use (as wasmd's smart-query limit).
const QUERY_GAS: u64 = 50_000_000;
const DEFAULT_LIMIT: usize = 50;
const MAX_LIMIT: usize = 200;

pub fn register(routes: &mut Routes, keeper: &WasmKeeper) {
    let methods: &[(&str, Askers, StateQuery)] = &[
        ("Params", Askers::ClientsAndContracts, params),
        ("Architectures", Askers::ClientsAndContracts, architectures),
        ("Architecture", Askers::ClientsAndContracts, architecture),
        ("Model", Askers::ClientsAndContracts, model),
        ("Models", Askers::ClientsAndContracts, models),
    ];
    routes.state_queries(NAME, SERVICE, methods);
    routes.state_queries(NAME, SERVICE, super::feed_query::METHODS);
    let k = keeper.clone();
    routes.query(
        NAME,
        &format!("/{SERVICE}/Challenge"),
        Askers::Clients,
        move |router, q, data| challenge(&k, router, q, data),
    );
    let k = keeper.clone();
    routes.query(
        NAME,
        &format!("/{SERVICE}/VerifyProof"),
        Askers::Clients,
        move |router, q, data| verify_proof(&k, router, q, data),
    );
}

fn params(q: &mut dyn StateRead, data: &[u8]) -> Result<Vec<u8>, QueryError> {
    let _: pb::QueryParamsRequest = decode_request(data)?;
    Ok(pb::QueryParamsResponse {
        params: Some(q.inference_params()?),
    }
    .encode_to_vec())
}

fn architectures(q: &mut dyn StateRead, data: &[u8]) -> Result<Vec<u8>, QueryError> {
    let _: pb::QueryArchitecturesRequest = decode_request(data)?;
    Ok(pb::QueryArchitecturesResponse {
        architectures: q.architectures()?,
    }
    .encode_to_vec())
}

fn architecture(q: &mut dyn StateRead, data: &[u8]) -> Result<Vec<u8>, QueryError> {
    let req: pb::QueryArchitectureRequest = decode_request(data)?;
    let a = q.architecture(&req.name)?.ok_or_else(|| {
        QueryError::not_found(format!("architecture {:?} is not registered", req.name))
    })?;
    Ok(pb::QueryArchitectureResponse {
        architecture: Some(a),
    }
    .encode_to_vec())
}

fn model(q: &mut dyn StateRead, data: &[u8]) -> Result<Vec<u8>, QueryError> {
    let req: pb::QueryModelRequest = decode_request(data)?;
    let m = q
        .model(req.id)?
        .ok_or_else(|| QueryError::not_found(format!("model {} not found", req.id)))?;
    Ok(pb::QueryModelResponse { model: Some(m) }.encode_to_vec())
}

fn models(q: &mut dyn StateRead, data: &[u8]) -> Result<Vec<u8>, QueryError> {
    let req: pb::QueryModelsRequest = decode_request(data)?;
    let limit = match req.limit as usize {
        0 => DEFAULT_LIMIT,
        n => n.min(MAX_LIMIT),
    };
    let after = (req.start_after > 0).then(|| req.start_after.to_be_bytes());
    // One scan of an index (owner's or architecture's) or of the models themselves, at most
    // limit + 1 entries; an index entry's model is read by id, a model entry is the model.
    let (prefix, indexed) = if !req.owner.is_empty() {
        let owner: Address = req
            .owner
            .parse()
            .map_err(|e| QueryError::invalid(format!("owner {:?}: {e}", req.owner)))?;
        (state_key::owner_models(&owner), true)
    } else if !req.architecture.is_empty() {
        (state_key::architecture_models(&req.architecture), true)
    } else {
        (state_key::models(), false)
    };
    let entries = q.prefixed(&prefix, after.as_ref().map(|a| a.as_slice()), limit + 1)?;
    let next = match entries.get(limit) {
        Some(_) => u64::from_be_bytes(
            entries[limit - 1]
                .0
                .as_slice()
                .try_into()
                .unwrap_or_default(),
        ),
        None => 0,
    };
    let mut out = Vec::with_capacity(entries.len().min(limit));
    for (key, value) in entries.into_iter().take(limit) {
        let m = if indexed {
            let Ok(id) = <[u8; 8]>::try_from(key.as_slice()) else {
                continue;
            };
            match q.model(u64::from_be_bytes(id))? {
                Some(m) => m,
                None => continue,
            }
        } else {
            pb::Model::decode(value.as_slice())
                .map_err(|e| QueryError::internal(format!("corrupt model: {e}")))?
        };
        // Both filters: the owner index, then the architecture.
        if !req.architecture.is_empty() && m.architecture != req.architecture {
            continue;
        }
        out.push(m);
    }
    Ok(pb::QueryModelsResponse { models: out, next }.encode_to_vec())
}

/// Runs `f` on a throw-away context over `q` at the last block's height and time, with a
/// query gas limit: for queries that call contracts as a transaction would.
fn with_ctx<R>(
    keeper: &WasmKeeper,
    router: &Arc<dyn Dispatch>,
    q: &mut dyn StateRead,
    f: impl FnOnce(&mut Ctx) -> Result<R, crate::error::TxError>,
) -> Result<R, QueryError> {
    let (height, time) = q.last_block()?;
    let block = BlockInfo {
        chain_id: keeper.chain_id().to_string(),
        height,
        time,
        tx_index: 0,
        header: Default::default(),
    };
    let mut state = q.fork()?;
    let mut gas = GasMeter::new(QUERY_GAS);
    let mut ctx = Ctx::new(&mut state, &mut gas, &block, router.clone());
    ctx.simulate = true;
    Ok(f(&mut ctx)?)
}

fn challenge(
    keeper: &WasmKeeper,
    router: &Arc<dyn Dispatch>,
    q: &mut dyn StateRead,
    data: &[u8],
) -> Result<Vec<u8>, QueryError> {
    let req: pb::QueryChallengeRequest = decode_request(data)?;
    let c = with_ctx(keeper, router, q, |ctx| {
        let params = ctx.inference_params()?;
        // The challenge's own outcome, so that "no such challenge" answers NotFound.
        Ok(score::load_challenge(
            keeper,
            ctx,
            &params,
            req.challenge_id,
        ))
    })?
    .map_err(|e| {
        let not_found = InferenceError::ChallengeNotFound(req.challenge_id);
        if e.codespace == super::error::CODESPACE && e.code == not_found.code() {
            QueryError::not_found(e.log)
        } else {
            QueryError::from(e)
        }
    })?;
    let (test_set, test_set_hash, rows) = match &c.test_set {
        Some((bytes, set)) => (
            bytes.clone(),
            set.hash()
                .map_err(|e| QueryError::internal(e.to_string()))?
                .to_hex(),
            set.rows.len() as u64,
        ),
        None => (Vec::new(), String::new(), 0),
    };
    Ok(pb::QueryChallengeResponse {
        challenge_id: c.id,
        architecture: c.architecture,
        metric: c.metric,
        status: c.status,
        scoring_deadline: c.scoring_deadline_secs,
        test_set,
        test_set_hash,
        rows,
    }
    .encode_to_vec())
}

fn verify_proof(
    keeper: &WasmKeeper,
    router: &Arc<dyn Dispatch>,
    q: &mut dyn StateRead,
    data: &[u8],
) -> Result<Vec<u8>, QueryError> {
    let req: pb::QueryVerifyProofRequest = decode_request(data)?;
    let msg = pb::MsgSubmitScoreProof {
        submitter: req.submitter,
        challenge_id: req.challenge_id,
        model_id: req.model_id,
        proof: req.proof,
        correct: req.correct,
        brier_sum: req.brier_sum,
    };
    let outcome = with_ctx(keeper, router, q, |ctx| {
        Ok(score::verify(keeper, ctx, &msg))
    })?;
    Ok(match outcome {
        Ok(v) => pb::QueryVerifyProofResponse {
            ok: true,
            score: v.result.score,
            verify_gas: v.verify_gas,
            ..Default::default()
        },
        Err(e) => pb::QueryVerifyProofResponse {
            ok: false,
            codespace: e.codespace.to_string(),
            code: e.code,
            log: e.log,
            ..Default::default()
        },
    }
    .encode_to_vec())
}
