//! The inference module's messages: models, score proofs, and (the chain's authority)
//! architectures and params.

use inferchain_proto::inferchain::inference::v1 as pb;
use inferchain_verifier::Digest;
use serde_json::json;
use tendermint_proto::google::protobuf::Any;

use super::circuits;
use super::error::InferenceError;
use super::score::{self, contract};
use super::state::{InferenceRead, InferenceWrite};
use crate::address::Address;
use crate::ctx::Ctx;
use crate::error::TxError;
use crate::modules::params::ParamsRead;
use crate::modules::to_any;
use crate::modules::wasm::WasmKeeper;
use crate::router::MsgHandler;

pub struct MsgServer {
    pub keeper: WasmKeeper,
}

const MAX_METADATA_URI: usize = 512;

pub(super) fn address(field: &str, s: &str) -> Result<Address, TxError> {
    s.parse()
        .map_err(|e| TxError::invalid_address(format!("{field} {s:?}: {e}")))
}

fn require_authority(ctx: &mut Ctx, sender: &str) -> Result<(), TxError> {
    let sender = address("authority", sender)?;
    match ctx.authority()? {
        Some(a) if a == sender => Ok(()),
        Some(a) => Err(TxError::unauthorized(format!(
            "{sender} is not the chain's authority {a}"
        ))),
        None => Err(TxError::unauthorized(
            "this chain has no authority (genesis params.authority)",
        )),
    }
}

impl MsgHandler<pb::MsgRegisterModel> for MsgServer {
    fn check_stateless(&self, m: &pb::MsgRegisterModel) -> Result<Vec<Address>, TxError> {
        let owner = address("owner", &m.owner)?;
        Digest::from_hex(&m.commitment)
            .map_err(|e| InferenceError::InvalidCommitment(format!("{:?}: {e}", m.commitment)))?;
        circuits::parse_mode(&m.mode)?;
        circuits::spec(&m.architecture)?;
        if m.metadata_uri.len() > MAX_METADATA_URI {
            return Err(InferenceError::Invalid(format!(
                "metadata_uri exceeds {MAX_METADATA_URI} bytes"
            ))
            .into());
        }
        Ok(vec![owner])
    }

    fn check_stateful(&self, ctx: &mut Ctx, m: &pb::MsgRegisterModel) -> Result<(), TxError> {
        let arch = ctx
            .architecture(&m.architecture)?
            .ok_or_else(|| InferenceError::UnknownArchitecture(m.architecture.clone()))?;
        if !arch.circuits.iter().any(|c| c.mode == m.mode) {
            return Err(InferenceError::UnregisteredCircuit {
                arch: arch.name,
                circuit: format!("{} mode", m.mode),
            }
            .into());
        }
        let params = ctx.inference_params()?;
        let staking = contract(&params.staking_contract, "staking")?;
        let owner = address("owner", &m.owner)?;
        let bonded = score::modeler_stake(&self.keeper, ctx, &staking, &owner)?;
        let min: u128 = params.min_model_stake.parse().unwrap_or(u128::MAX);
        if bonded < min {
            return Err(InferenceError::InsufficientStake { bonded, min }.into());
        }
        Ok(())
    }

    fn execute(&self, ctx: &mut Ctx, m: &pb::MsgRegisterModel) -> Result<Any, TxError> {
        let owner = address("owner", &m.owner)?;
        let id = ctx.next_model_id()?;
        let model = pb::Model {
            id,
            owner: m.owner.clone(),
            commitment: m.commitment.to_lowercase(),
            architecture: m.architecture.clone(),
            mode: circuits::parse_mode(&m.mode)?.as_str().into(),
            metadata_uri: m.metadata_uri.clone(),
            registered_height: ctx.block.height,
            retired: false,
            results: Vec::new(),
            inferences: 0,
            fees_earned: "0".into(),
            operator: String::new(),
            missed: 0,
        };
        ctx.insert_model(&owner, &model)?;
        ctx.emit(
            "register_model",
            &[
                ("model_id", id.to_string()),
                ("owner", m.owner.clone()),
                ("commitment", model.commitment.clone()),
                ("architecture", model.architecture.clone()),
                ("mode", model.mode.clone()),
            ],
        );
        Ok(to_any(&pb::MsgRegisterModelResponse { model_id: id }))
    }
}

pub(super) fn owned_model(ctx: &mut Ctx, id: u64, sender: &str) -> Result<pb::Model, TxError> {
    let model = ctx.model(id)?.ok_or(InferenceError::ModelNotFound(id))?;
    if model.owner != sender {
        return Err(InferenceError::NotModelOwner {
            id,
            owner: model.owner,
            sender: sender.to_string(),
        }
        .into());
    }
    Ok(model)
}

impl MsgHandler<pb::MsgRetireModel> for MsgServer {
    fn check_stateless(&self, m: &pb::MsgRetireModel) -> Result<Vec<Address>, TxError> {
        Ok(vec![address("owner", &m.owner)?])
    }

    fn execute(&self, ctx: &mut Ctx, m: &pb::MsgRetireModel) -> Result<Any, TxError> {
        let mut model = owned_model(ctx, m.model_id, &m.owner)?;
        if model.retired {
            return Err(InferenceError::ModelRetired(m.model_id).into());
        }
        model.retired = true;
        ctx.update_model(&model)?;
        ctx.emit("retire_model", &[("model_id", m.model_id.to_string())]);
        Ok(to_any(&pb::MsgRetireModelResponse {}))
    }
}

impl MsgHandler<pb::MsgSubmitScoreProof> for MsgServer {
    fn check_stateless(&self, m: &pb::MsgSubmitScoreProof) -> Result<Vec<Address>, TxError> {
        if m.proof.is_empty() {
            return Err(InferenceError::InvalidProof("empty proof".into()).into());
        }
        Ok(vec![address("submitter", &m.submitter)?])
    }

    fn execute(&self, ctx: &mut Ctx, m: &pb::MsgSubmitScoreProof) -> Result<Any, TxError> {
        let verified = score::verify(&self.keeper, ctx, m)?;
        let record = json!({"record_score": {
            "challenge_id": m.challenge_id,
            "modeler": verified.submitter.to_bech32(),
            "commitment": verified.model.commitment,
            "score": verified.result.score,
        }});
        self.keeper.sudo(
            ctx,
            &verified.challenge_contract,
            record.to_string().as_bytes(),
        )?;
        let mut model = verified.model;
        let score = verified.result.score.clone();
        ctx.emit(
            "score_proof",
            &[
                ("challenge_id", m.challenge_id.to_string()),
                ("model_id", model.id.to_string()),
                ("modeler", m.submitter.clone()),
                ("rows", verified.result.rows.to_string()),
                ("correct", verified.result.correct.to_string()),
                ("brier_sum", verified.result.brier_sum.to_string()),
                ("metric", verified.result.metric.clone()),
                ("score", score.clone()),
                ("verify_gas", verified.verify_gas.to_string()),
            ],
        );
        model.results.push(verified.result);
        ctx.update_model(&model)?;
        Ok(to_any(&pb::MsgSubmitScoreProofResponse { score }))
    }
}

impl MsgHandler<pb::MsgRegisterArchitecture> for MsgServer {
    fn check_stateless(&self, m: &pb::MsgRegisterArchitecture) -> Result<Vec<Address>, TxError> {
        let arch = m
            .architecture
            .as_ref()
            .ok_or_else(|| InferenceError::Invalid("architecture is required".into()))?;
        circuits::validate(arch, u64::MAX)?;
        Ok(vec![address("authority", &m.authority)?])
    }

    fn check_stateful(
        &self,
        ctx: &mut Ctx,
        m: &pb::MsgRegisterArchitecture,
    ) -> Result<(), TxError> {
        require_authority(ctx, &m.authority)
    }

    fn execute(&self, ctx: &mut Ctx, m: &pb::MsgRegisterArchitecture) -> Result<Any, TxError> {
        let new = m.architecture.clone().expect("checked statelessly");
        // Added to what is registered: circuits already there stay (and may not be listed
        // again).
        let mut merged = ctx.architecture(&new.name)?.unwrap_or(pb::Architecture {
            name: new.name.clone(),
            circuits: Vec::new(),
        });
        merged.circuits.extend(new.circuits.iter().cloned());
        let max_rows = ctx.inference_params()?.max_score_rows;
        circuits::validate(&merged, max_rows)?;
        // Every node builds the new verifiers here, once; a digest that differs from what the
        // spec gives refuses the message (on every node alike: the build is deterministic).
        circuits::prepare(&new, max_rows)?;
        ctx.put_architecture(&merged)?;
        ctx.emit(
            "register_architecture",
            &[
                ("architecture", new.name.clone()),
                ("circuits", new.circuits.len().to_string()),
            ],
        );
        Ok(to_any(&pb::MsgRegisterArchitectureResponse {}))
    }
}

/// Checks params as a whole (genesis and `MsgUpdateParams`).
pub fn validate_params(p: &pb::Params) -> Result<(), InferenceError> {
    for (field, addr) in [
        ("challenge_contract", &p.challenge_contract),
        ("staking_contract", &p.staking_contract),
        ("treasury", &p.treasury),
        ("reputation_contract", &p.reputation_contract),
    ] {
        if !addr.is_empty() {
            addr.parse::<Address>()
                .map_err(|e| InferenceError::Invalid(format!("params.{field} {addr:?}: {e}")))?;
        }
    }
    p.min_model_stake.parse::<u128>().map_err(|e| {
        InferenceError::Invalid(format!(
            "params.min_model_stake {:?}: {e}",
            p.min_model_stake
        ))
    })?;
    if p.max_score_rows == 0 || p.max_score_rows > 1024 {
        return Err(InferenceError::Invalid(
            "params.max_score_rows must be 1..=1024 (the verifier's bound)".into(),
        ));
    }
    if p.max_proof_bytes < 4096 || p.max_proof_bytes > 4 << 20 {
        return Err(InferenceError::Invalid(
            "params.max_proof_bytes must be 4096..=4194304".into(),
        ));
    }
    if p.modeler_share_bps as u64 + p.validator_share_bps as u64 > 10_000 {
        return Err(InferenceError::Invalid(
            "params.modeler_share_bps + validator_share_bps must be at most 10000".into(),
        ));
    }
    super::sla::slash_fraction(&p.sla_slash_fraction).map_err(|why| {
        InferenceError::Invalid(format!(
            "params.sla_slash_fraction {:?}: {why}",
            p.sla_slash_fraction
        ))
    })?;
    if p.min_sla_blocks == 0 || p.min_sla_blocks > p.max_sla_blocks || p.max_sla_blocks > 1_000_000
    {
        return Err(InferenceError::Invalid(
            "params: 1 <= min_sla_blocks <= max_sla_blocks <= 1000000".into(),
        ));
    }
    if p.callback_gas_limit < 10_000 || p.callback_gas_limit > 50_000_000 {
        return Err(InferenceError::Invalid(
            "params.callback_gas_limit must be 10000..=50000000".into(),
        ));
    }
    if p.max_timeouts_per_block == 0 || p.max_timeouts_per_block > 10_000 {
        return Err(InferenceError::Invalid(
            "params.max_timeouts_per_block must be 1..=10000".into(),
        ));
    }
    if p.min_fee_per_inference.is_empty()
        || !p.min_fee_per_inference.bytes().all(|b| b.is_ascii_digit())
        || p.min_fee_per_inference.parse::<u128>().is_err()
    {
        return Err(InferenceError::Invalid(format!(
            "params.min_fee_per_inference {:?} must be a uspec amount",
            p.min_fee_per_inference
        )));
    }
    Ok(())
}

impl MsgHandler<pb::MsgUpdateParams> for MsgServer {
    fn check_stateless(&self, m: &pb::MsgUpdateParams) -> Result<Vec<Address>, TxError> {
        let p = m
            .params
            .as_ref()
            .ok_or_else(|| InferenceError::Invalid("params are required".into()))?;
        validate_params(p)?;
        Ok(vec![address("authority", &m.authority)?])
    }

    fn check_stateful(&self, ctx: &mut Ctx, m: &pb::MsgUpdateParams) -> Result<(), TxError> {
        require_authority(ctx, &m.authority)
    }

    fn execute(&self, ctx: &mut Ctx, m: &pb::MsgUpdateParams) -> Result<Any, TxError> {
        let p = m.params.clone().expect("checked statelessly");
        ctx.put_inference_params(&p)?;
        ctx.emit(
            "update_params",
            &[
                ("module", super::NAME.to_string()),
                ("challenge_contract", p.challenge_contract.clone()),
                ("staking_contract", p.staking_contract.clone()),
            ],
        );
        Ok(to_any(&pb::MsgUpdateParamsResponse {}))
    }
}
