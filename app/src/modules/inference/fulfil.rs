//! Fulfilments: `MsgFulfillInference` (one request, a proof in the feed's mode) and
//! `MsgFulfillInferences` (several requests of one architecture, one aggregate proof). Each
//! proof is verified natively against the assigned model's commitment, the request's input
//! hash, the claimed output and the request's binding (chain id + request id), so a proof can
//! answer exactly one request. Its gas (the registered circuit's) is charged before it runs.

use inferchain_proto::inferchain::inference::v1 as pb;
use inferchain_verifier::{
    request_binding, verify_aggregate, verify_inference, Digest, InferenceClaim, Mode, ProofKind,
};
use sha2::{Digest as _, Sha256};
use tendermint_proto::google::protobuf::Any;

use super::circuits;
use super::error::InferenceError;
use super::feeds::{feed_mode, STATUS_PENDING};
use super::msgs::{address, MsgServer};
use super::settle;
use super::state::InferenceRead;
use crate::address::Address;
use crate::ctx::Ctx;
use crate::error::TxError;
use crate::modules::to_any;
use crate::router::MsgHandler;

/// Most requests one aggregate fulfilment answers (the verifier's largest aggregate).
const MAX_BATCH: usize = 32;

fn proof_hash(proof: &[u8]) -> String {
    hex::encode(Sha256::digest(proof))
}

fn digest(field: &str, hex: &str) -> Result<Digest, TxError> {
    Digest::from_hex(hex).map_err(|e| TxError::internal(format!("stored {field} {hex:?}: {e}")))
}

/// A request `submitter` may fulfil now, with its feed and model: pending, within its
/// deadline, and the submitter the assigned model's owner or operator.
fn fulfillable(
    ctx: &mut Ctx,
    id: u64,
    submitter: &str,
) -> Result<(pb::InferenceRequest, pb::Feed, pb::Model), TxError> {
    let request = ctx
        .request(id)?
        .ok_or(InferenceError::RequestNotFound(id))?;
    if request.status != STATUS_PENDING {
        return Err(InferenceError::RequestResolved {
            id,
            status: request.status,
        }
        .into());
    }
    let height = ctx.block.height;
    if height > request.deadline {
        return Err(InferenceError::DeadlinePassed {
            id,
            deadline: request.deadline,
            height,
        }
        .into());
    }
    let model = ctx
        .model(request.model_id)?
        .ok_or(InferenceError::ModelNotFound(request.model_id))?;
    if model.owner != submitter && (model.operator.is_empty() || model.operator != submitter) {
        return Err(InferenceError::NotAuthorizedFulfiller {
            request: id,
            model: model.id,
            sender: submitter.to_string(),
        }
        .into());
    }
    if model.retired {
        return Err(InferenceError::ModelRetired(model.id).into());
    }
    let feed = ctx
        .feed(request.feed_id)?
        .ok_or(InferenceError::FeedNotFound(request.feed_id))?;
    Ok((request, feed, model))
}

fn check_proof_size(params: &pb::Params, proof: &[u8]) -> Result<(), TxError> {
    if proof.len() as u64 > params.max_proof_bytes {
        return Err(InferenceError::ProofTooLarge {
            size: proof.len(),
            limit: params.max_proof_bytes,
        }
        .into());
    }
    Ok(())
}

/// The registered circuit for `kind`/`mode` of `architecture`, its gas charged.
fn charge_circuit(
    ctx: &mut Ctx,
    architecture: &str,
    kind: ProofKind,
    mode: Mode,
) -> Result<inferchain_verifier::ArchSpec, TxError> {
    let arch = ctx
        .architecture(architecture)?
        .ok_or_else(|| InferenceError::UnknownArchitecture(architecture.to_string()))?;
    let circuit =
        circuits::find(&arch, kind, mode).ok_or_else(|| InferenceError::UnregisteredCircuit {
            arch: architecture.to_string(),
            circuit: circuits::describe(kind, mode),
        })?;
    let gas = circuit.verify_gas;
    ctx.gas.consume(gas, "verify inference proof")?;
    circuits::spec(architecture).map_err(Into::into)
}

fn check_output(spec: &inferchain_verifier::ArchSpec, output: &[i64]) -> Result<(), TxError> {
    if output.len() != spec.output_len() {
        return Err(InferenceError::InvalidOutput(format!(
            "{} values, the architecture {} outputs {}",
            output.len(),
            spec.name(),
            spec.output_len()
        ))
        .into());
    }
    Ok(())
}

impl MsgHandler<pb::MsgFulfillInference> for MsgServer {
    fn check_stateless(&self, m: &pb::MsgFulfillInference) -> Result<Vec<Address>, TxError> {
        if m.proof.is_empty() {
            return Err(InferenceError::InvalidProof("empty proof".into()).into());
        }
        Ok(vec![address("submitter", &m.submitter)?])
    }

    fn execute(&self, ctx: &mut Ctx, m: &pb::MsgFulfillInference) -> Result<Any, TxError> {
        let params = ctx.inference_params()?;
        check_proof_size(&params, &m.proof)?;
        let (request, feed, model) = fulfillable(ctx, m.request_id, &m.submitter)?;
        let mode = feed_mode(&feed.mode)?;
        let spec = charge_circuit(ctx, &feed.architecture, ProofKind::Inference, mode)?;
        check_output(&spec, &m.output)?;
        verify_inference(
            &spec,
            mode,
            &m.proof,
            &digest("commitment", &model.commitment)?,
            &digest("input hash", &request.input_hash)?,
            &m.output,
            &request_binding(self.keeper.chain_id(), request.id),
        )
        .map_err(|e| InferenceError::InvalidProof(e.to_string()))?;
        let hash = proof_hash(&m.proof);
        let answer = settle::Answer {
            request,
            feed,
            model,
            output: m.output.clone(),
        };
        settle::fulfil(
            &self.keeper,
            ctx,
            &params,
            vec![answer],
            &hash,
            &m.submitter,
        )?;
        Ok(to_any(&pb::MsgFulfillInferenceResponse {
            proof_hash: hash,
        }))
    }
}

impl MsgHandler<pb::MsgFulfillInferences> for MsgServer {
    fn check_stateless(&self, m: &pb::MsgFulfillInferences) -> Result<Vec<Address>, TxError> {
        let n = m.request_ids.len();
        if !(2..=MAX_BATCH).contains(&n) {
            return Err(InferenceError::Invalid(format!(
                "an aggregate fulfilment answers 2 to {MAX_BATCH} requests, not {n}"
            ))
            .into());
        }
        if m.outputs.len() != n {
            return Err(InferenceError::InvalidOutput(format!(
                "{} outputs for {n} requests",
                m.outputs.len()
            ))
            .into());
        }
        let mut ids = m.request_ids.clone();
        ids.sort_unstable();
        ids.dedup();
        if ids.len() != n {
            return Err(InferenceError::Invalid("a request is listed twice".into()).into());
        }
        if m.proof.is_empty() {
            return Err(InferenceError::InvalidProof("empty proof".into()).into());
        }
        Ok(vec![address("submitter", &m.submitter)?])
    }

    fn execute(&self, ctx: &mut Ctx, m: &pb::MsgFulfillInferences) -> Result<Any, TxError> {
        let params = ctx.inference_params()?;
        check_proof_size(&params, &m.proof)?;
        let mut requests = Vec::with_capacity(m.request_ids.len());
        let mut claims = Vec::with_capacity(m.request_ids.len());
        let mut architecture: Option<String> = None;
        for (&id, out) in m.request_ids.iter().zip(&m.outputs) {
            let (request, feed, model) = fulfillable(ctx, id, &m.submitter)?;
            match &architecture {
                None => architecture = Some(feed.architecture.clone()),
                Some(a) if *a != feed.architecture => {
                    return Err(InferenceError::Invalid(format!(
                        "request {id} is for {}, the batch for {a}: one aggregate proves one architecture",
                        feed.architecture
                    ))
                    .into())
                }
                Some(_) => {}
            }
            claims.push(InferenceClaim {
                commitment: digest("commitment", &model.commitment)?,
                input_hash: digest("input hash", &request.input_hash)?,
                output: out.values.clone(),
                binding: request_binding(self.keeper.chain_id(), id),
            });
            requests.push((request, feed, model));
        }
        let architecture = architecture.expect("at least two requests");
        // Aggregates are zero-knowledge: they satisfy private and public feeds alike.
        let spec = charge_circuit(
            ctx,
            &architecture,
            ProofKind::Aggregate { rows: claims.len() },
            Mode::Private,
        )?;
        for c in &claims {
            check_output(&spec, &c.output)?;
        }
        verify_aggregate(&spec, &m.proof, &claims)
            .map_err(|e| InferenceError::InvalidProof(e.to_string()))?;
        let hash = proof_hash(&m.proof);
        let answers = requests
            .into_iter()
            .zip(claims)
            .map(|((request, feed, model), claim)| settle::Answer {
                request,
                feed,
                model,
                output: claim.output,
            })
            .collect();
        settle::fulfil(&self.keeper, ctx, &params, answers, &hash, &m.submitter)?;
        Ok(to_any(&pb::MsgFulfillInferencesResponse {
            proof_hash: hash,
        }))
    }
}
