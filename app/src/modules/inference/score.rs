//! Scoring a challenge by proof: everything `MsgSubmitScoreProof` checks — the model and its
//! owner, the challenge as the challenge contract holds it (status, deadline, architecture,
//! metric), the submitter's commitment in it, the revealed test set (decoded here from its
//! canonical bytes, hashed natively), the registered private score circuit — then the proof
//! itself, bound to the submitter. The `VerifyProof` query runs the same checks as a dry run.

use cosmwasm_std::{Binary, Timestamp};
use inferchain_proto::inferchain::inference::v1 as pb;
use inferchain_verifier::{score_binding, Digest, Mode, ProofKind, Score, TestSet};
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest as _, Sha256};

use super::circuits;
use super::error::InferenceError;
use super::state::InferenceRead;
use crate::address::Address;
use crate::ctx::Ctx;
use crate::error::TxError;
use crate::modules::wasm::WasmKeeper;

/// The mode score proofs must be in: a modeler's weights stay private.
pub const SCORE_MODE: Mode = Mode::Private;

/// The challenge contract's `challenge` answer, the fields scoring needs.
#[derive(Deserialize)]
struct ChallengeInfo {
    architecture_id: String,
    metric: String,
    task: String,
    status: String,
    scoring_deadline: Timestamp,
    test_set_hash: String,
}

#[derive(Deserialize)]
struct TestSetInfo {
    test_set: Option<Binary>,
}

#[derive(Deserialize)]
struct Submission {
    commitment: String,
}

#[derive(Deserialize)]
struct StakeAnswer {
    stake: Option<StakeInfo>,
}

#[derive(Deserialize)]
struct StakeInfo {
    role: String,
    bonded: cosmwasm_std::Uint128,
}

pub(super) fn contract(addr: &str, which: &'static str) -> Result<Address, TxError> {
    if addr.is_empty() {
        return Err(InferenceError::NoContract(which).into());
    }
    addr.parse()
        .map_err(|e| TxError::internal(format!("params {which}_contract {addr:?}: {e}")))
}

pub(super) fn smart<T: serde::de::DeserializeOwned>(
    keeper: &WasmKeeper,
    ctx: &mut Ctx,
    contract: &Address,
    msg: serde_json::Value,
) -> Result<T, TxError> {
    let bytes = keeper.smart_query(ctx, contract, msg.to_string().as_bytes())?;
    serde_json::from_slice(&bytes)
        .map_err(|e| TxError::internal(format!("unexpected answer from contract {contract}: {e}")))
}

/// The bonded modeler stake of `who` per the staking contract (an error if not a modeler).
pub(super) fn modeler_stake(
    keeper: &WasmKeeper,
    ctx: &mut Ctx,
    staking: &Address,
    who: &Address,
) -> Result<u128, TxError> {
    let answer: StakeAnswer = smart(
        keeper,
        ctx,
        staking,
        json!({"stake": {"address": who.to_bech32()}}),
    )?;
    match answer.stake {
        Some(s) if s.role == "modeler" => Ok(s.bonded.u128()),
        _ => Err(InferenceError::NotAModeler(who.to_bech32()).into()),
    }
}

/// A challenge as the module scores it.
pub struct Challenge {
    pub id: u64,
    pub architecture: String,
    pub metric: String,
    pub status: String,
    pub scoring_deadline_secs: u64,
    /// The revealed test set: its canonical bytes and their decoding (None until revealed).
    pub test_set: Option<(Vec<u8>, TestSet)>,
}

/// Challenge `id` as the challenge contract holds it; `params` are the module's (read once by
/// the caller).
pub fn load_challenge(
    keeper: &WasmKeeper,
    ctx: &mut Ctx,
    params: &pb::Params,
    id: u64,
) -> Result<Challenge, TxError> {
    let contract = contract(&params.challenge_contract, "challenge")?;
    let info: ChallengeInfo = smart(
        keeper,
        ctx,
        &contract,
        json!({"challenge": {"challenge_id": id}}),
    )
    .map_err(|e| match e.codespace {
        crate::modules::wasm::CODESPACE => InferenceError::ChallengeNotFound(id).into(),
        _ => e,
    })?;
    if info.task != "binary_classification" {
        return Err(InferenceError::UnsupportedMetric {
            id,
            metric: format!("{} ({})", info.metric, info.task),
        }
        .into());
    }
    let answer: TestSetInfo = smart(
        keeper,
        ctx,
        &contract,
        json!({"test_set": {"challenge_id": id}}),
    )?;
    let test_set = match answer.test_set {
        None => None,
        Some(bytes) => {
            let bytes = bytes.to_vec();
            // The contract checked the reveal's sha256; check again, and decode natively.
            let sha = hex::encode(Sha256::digest(&bytes));
            if sha != info.test_set_hash {
                return Err(InferenceError::InvalidTestSet {
                    id,
                    why: format!("sha256 {sha} is not the committed {}", info.test_set_hash),
                }
                .into());
            }
            let set = TestSet::from_canonical_bytes(&bytes, params.max_score_rows as usize)
                .map_err(|e| InferenceError::InvalidTestSet {
                    id,
                    why: e.to_string(),
                })?;
            Some((bytes, set))
        }
    };
    Ok(Challenge {
        id,
        architecture: info.architecture_id,
        metric: info.metric,
        status: info.status,
        scoring_deadline_secs: info.scoring_deadline.seconds(),
        test_set,
    })
}

/// What a verified score proof records.
pub struct Verified {
    pub model: pb::Model,
    pub submitter: Address,
    /// The challenge contract the score is recorded in.
    pub challenge_contract: Address,
    pub result: pb::ChallengeResult,
    pub verify_gas: u64,
}

/// `num / den` as a `cosmwasm_std::Decimal` string (18 fractional digits, trailing zeros
/// trimmed): exact integer arithmetic, so every node records the same value.
pub fn decimal(num: u128, den: u128) -> String {
    let int = num / den;
    let frac = (num % den) * 1_000_000_000_000_000_000 / den;
    if frac == 0 {
        return int.to_string();
    }
    let frac = format!("{frac:018}");
    format!("{int}.{}", frac.trim_end_matches('0'))
}

/// The metric's value for an integer score (accuracy: correct / rows; Brier — which for a
/// binary classifier's probability is its MSE — brier_sum / (rows · 65536)).
fn metric_value(id: u64, metric: &str, s: &Score) -> Result<String, TxError> {
    let rows = s.rows as u128;
    match metric {
        "accuracy" => Ok(decimal(s.correct as u128, rows)),
        "brier" | "mse" => Ok(decimal(s.brier_sum as u128, rows * 65_536)),
        other => Err(InferenceError::UnsupportedMetric {
            id,
            metric: other.to_string(),
        }
        .into()),
    }
}

/// Every check of a score proof, then the proof (its gas charged first). Nothing is written.
pub fn verify(
    keeper: &WasmKeeper,
    ctx: &mut Ctx,
    msg: &pb::MsgSubmitScoreProof,
) -> Result<Verified, TxError> {
    let submitter: Address = msg
        .submitter
        .parse()
        .map_err(|e| TxError::invalid_address(format!("submitter {:?}: {e}", msg.submitter)))?;
    let params = ctx.inference_params()?;
    if msg.proof.len() as u64 > params.max_proof_bytes {
        return Err(InferenceError::ProofTooLarge {
            size: msg.proof.len(),
            limit: params.max_proof_bytes,
        }
        .into());
    }
    let model = ctx
        .model(msg.model_id)?
        .ok_or(InferenceError::ModelNotFound(msg.model_id))?;
    if model.owner != msg.submitter {
        return Err(InferenceError::NotModelOwner {
            id: model.id,
            owner: model.owner,
            sender: msg.submitter.clone(),
        }
        .into());
    }
    if model.retired {
        return Err(InferenceError::ModelRetired(model.id).into());
    }
    if model.mode != SCORE_MODE.as_str() {
        return Err(InferenceError::WrongMode {
            model: model.id,
            required: SCORE_MODE.to_string(),
            found: model.mode,
        }
        .into());
    }
    let challenge = load_challenge(keeper, ctx, &params, msg.challenge_id)?;
    let id = challenge.id;
    if challenge.status != "revealed" {
        return Err(InferenceError::NotRevealed {
            id,
            status: challenge.status,
        }
        .into());
    }
    let now = ctx.block.time.0.max(0) as u64;
    if now >= challenge.scoring_deadline_secs {
        return Err(InferenceError::ScoringClosed {
            id,
            now,
            deadline: challenge.scoring_deadline_secs,
        }
        .into());
    }
    if challenge.architecture != model.architecture {
        return Err(InferenceError::ArchitectureMismatch {
            id,
            model: model.id,
            expected: challenge.architecture,
            found: model.architecture,
        }
        .into());
    }
    let challenge_contract = contract(&params.challenge_contract, "challenge")?;
    let submission: Submission = smart(
        keeper,
        ctx,
        &challenge_contract,
        json!({"model": {"challenge_id": id, "modeler": msg.submitter}}),
    )
    .map_err(|e| match e.codespace {
        crate::modules::wasm::CODESPACE => InferenceError::NoSubmission {
            id,
            submitter: msg.submitter.clone(),
        }
        .into(),
        _ => e,
    })?;
    if submission.commitment != model.commitment {
        return Err(InferenceError::CommitmentMismatch {
            id,
            submitter: msg.submitter.clone(),
            model: model.id,
            submitted: submission.commitment,
            commitment: model.commitment,
        }
        .into());
    }
    let (_, set) = challenge
        .test_set
        .as_ref()
        .ok_or_else(|| InferenceError::InvalidTestSet {
            id,
            why: "revealed without test-set bytes".into(),
        })?;
    let rows = set.rows.len();
    let kind = ProofKind::Score { rows };
    let arch = ctx
        .architecture(&model.architecture)?
        .ok_or_else(|| InferenceError::UnknownArchitecture(model.architecture.clone()))?;
    let circuit = circuits::find(&arch, kind, SCORE_MODE).ok_or_else(|| {
        InferenceError::UnregisteredCircuit {
            arch: arch.name.clone(),
            circuit: circuits::describe(kind, SCORE_MODE),
        }
    })?;
    let verify_gas = circuit.verify_gas;
    let spec = circuits::spec(&arch.name)?;
    let testset_hash = set.hash().map_err(|e| InferenceError::InvalidTestSet {
        id,
        why: e.to_string(),
    })?;
    let commitment = Digest::from_hex(&model.commitment)
        .map_err(|e| TxError::internal(format!("stored commitment: {e}")))?;
    let score = Score {
        rows,
        correct: msg.correct,
        brier_sum: msg.brier_sum,
    };
    // Charged before the work, at the registered constant: a rejected proof pays too, and
    // the figure never depends on what a node had cached.
    ctx.gas.consume(verify_gas, "verify score proof")?;
    inferchain_verifier::verify_score(
        &spec,
        SCORE_MODE,
        &msg.proof,
        &commitment,
        &testset_hash,
        &score,
        &score_binding(&msg.submitter),
    )
    .map_err(|e| InferenceError::InvalidProof(e.to_string()))?;
    let value = metric_value(id, &challenge.metric, &score)?;
    Ok(Verified {
        model,
        submitter,
        challenge_contract,
        result: pb::ChallengeResult {
            challenge_id: id,
            rows: rows as u64,
            correct: msg.correct,
            brier_sum: msg.brier_sum,
            metric: challenge.metric,
            score: value,
            height: ctx.block.height,
        },
        verify_gas,
    })
}

#[cfg(test)]
mod tests {
    use super::decimal;

    #[test]
    fn decimals_are_exact_and_trimmed() {
        assert_eq!(decimal(13, 16), "0.8125");
        assert_eq!(decimal(16, 16), "1");
        assert_eq!(decimal(0, 16), "0");
        assert_eq!(decimal(1, 3), "0.333333333333333333");
        assert_eq!(decimal(5 * 65_536, 16 * 65_536), "0.3125");
    }
}
