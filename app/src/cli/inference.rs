//! `inferchaind tx inference …` and `inferchaind query inference …`.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::Subcommand;
use inferchain_app::client::Client;
use inferchain_app::keyring::Keyring;
use inferchain_app::modules::to_any;
use inferchain_proto::inferchain::inference::v1 as pb;
use serde_json::{json, Value};

use super::broadcast::broadcast;
use super::wasm_tx::Signer;
use super::{print, NodeArgs};

#[derive(Subcommand)]
pub enum InferenceTx {
    /// Register a model: `register-model <commitment-hex> <architecture> --mode private`.
    /// The signer must be a bonded modeler (staking contract) with the module's min stake.
    RegisterModel {
        commitment: String,
        architecture: String,
        /// public | private | compact: the mode its proofs are verified in.
        #[arg(long)]
        mode: String,
        #[arg(long, default_value = "")]
        metadata_uri: String,
        #[command(flatten)]
        signer: Signer,
    },
    /// Retire one of your models: `retire-model <model-id>`.
    RetireModel {
        model_id: u64,
        #[command(flatten)]
        signer: Signer,
    },
    /// Submit a private proof of score on a challenge's revealed test set:
    /// `submit-score-proof <challenge-id> <model-id> <proof-file> --correct N --brier-sum N`
    /// (`inferchain-prover prove-score --challenge … --modeler <your address>` prints them).
    SubmitScoreProof {
        challenge_id: u64,
        model_id: u64,
        proof: PathBuf,
        #[arg(long)]
        correct: u64,
        #[arg(long)]
        brier_sum: u64,
        #[command(flatten)]
        signer: Signer,
    },
    #[command(flatten)]
    Feed(super::feeds::FeedTx),
}

#[derive(Subcommand)]
pub enum InferenceQuery {
    /// The module's params.
    Params {
        #[command(flatten)]
        node: NodeArgs,
    },
    /// Every registered architecture and its circuits.
    Architectures {
        #[command(flatten)]
        node: NodeArgs,
    },
    Architecture {
        name: String,
        #[command(flatten)]
        node: NodeArgs,
    },
    Model {
        id: u64,
        #[command(flatten)]
        node: NodeArgs,
    },
    /// Models, optionally one owner's or one architecture's, by id.
    Models {
        #[arg(long, default_value = "")]
        owner: String,
        #[arg(long, default_value = "")]
        architecture: String,
        #[arg(long, default_value_t = 0)]
        start_after: u64,
        #[arg(long, default_value_t = 0)]
        limit: u32,
        #[command(flatten)]
        node: NodeArgs,
    },
    /// A challenge as the module scores it (architecture, metric, deadline, revealed test
    /// set and its hash); `--test-set-out FILE` writes the test set's canonical bytes.
    Challenge {
        challenge_id: u64,
        #[arg(long)]
        test_set_out: Option<PathBuf>,
        #[command(flatten)]
        node: NodeArgs,
    },
    /// Dry run of a score proof: every check, nothing recorded; says why it fails.
    VerifyProof {
        challenge_id: u64,
        model_id: u64,
        proof: PathBuf,
        #[arg(long)]
        correct: u64,
        #[arg(long)]
        brier_sum: u64,
        /// Who would submit it (the proof is bound to this address).
        #[arg(long)]
        submitter: String,
        #[command(flatten)]
        node: NodeArgs,
    },
    #[command(flatten)]
    Feed(super::feeds::FeedQuery),
}

fn read_proof(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("reading the proof {}", path.display()))
}

pub async fn tx(home: &Path, cmd: InferenceTx) -> Result<()> {
    let ring = Keyring::open(home)?;
    match cmd {
        InferenceTx::Feed(cmd) => super::feeds::tx(&ring, cmd).await,
        InferenceTx::RegisterModel {
            commitment,
            architecture,
            mode,
            metadata_uri,
            signer,
        } => {
            let key = ring.get(&signer.from)?;
            let msg = pb::MsgRegisterModel {
                owner: key.address.clone(),
                commitment,
                architecture,
                mode,
                metadata_uri,
            };
            broadcast(&key.signing_key()?, vec![to_any(&msg)], &signer.tx).await
        }
        InferenceTx::RetireModel { model_id, signer } => {
            let key = ring.get(&signer.from)?;
            let msg = pb::MsgRetireModel {
                owner: key.address.clone(),
                model_id,
            };
            broadcast(&key.signing_key()?, vec![to_any(&msg)], &signer.tx).await
        }
        InferenceTx::SubmitScoreProof {
            challenge_id,
            model_id,
            proof,
            correct,
            brier_sum,
            signer,
        } => {
            let key = ring.get(&signer.from)?;
            let msg = pb::MsgSubmitScoreProof {
                submitter: key.address.clone(),
                challenge_id,
                model_id,
                proof: read_proof(&proof)?,
                correct,
                brier_sum,
            };
            broadcast(&key.signing_key()?, vec![to_any(&msg)], &signer.tx).await
        }
    }
}

pub fn params_json(p: &pb::Params) -> Value {
    json!({"challenge_contract": p.challenge_contract, "staking_contract": p.staking_contract,
           "min_model_stake": p.min_model_stake, "max_score_rows": p.max_score_rows.to_string(),
           "max_proof_bytes": p.max_proof_bytes.to_string(),
           "modeler_share_bps": p.modeler_share_bps, "validator_share_bps": p.validator_share_bps,
           "treasury": p.treasury, "reputation_contract": p.reputation_contract,
           "sla_slash_fraction": p.sla_slash_fraction,
           "min_sla_blocks": p.min_sla_blocks.to_string(),
           "max_sla_blocks": p.max_sla_blocks.to_string(),
           "callback_gas_limit": p.callback_gas_limit.to_string(),
           "max_timeouts_per_block": p.max_timeouts_per_block.to_string(),
           "min_fee_per_inference": p.min_fee_per_inference})
}

pub fn architecture_json(a: &pb::Architecture) -> Value {
    json!({"name": a.name, "circuits": a.circuits.iter().map(|c| json!({
        "kind": c.kind, "mode": c.mode, "rows": c.rows.to_string(), "digest": c.digest,
        "verify_gas": c.verify_gas.to_string()})).collect::<Vec<_>>()})
}

pub fn model_json(m: &pb::Model) -> Value {
    json!({"id": m.id.to_string(), "owner": m.owner, "commitment": m.commitment,
           "architecture": m.architecture, "mode": m.mode, "metadata_uri": m.metadata_uri,
           "registered_height": m.registered_height.to_string(), "retired": m.retired,
           "results": m.results.iter().map(|r| json!({
               "challenge_id": r.challenge_id.to_string(), "rows": r.rows.to_string(),
               "correct": r.correct.to_string(), "brier_sum": r.brier_sum.to_string(),
               "metric": r.metric, "score": r.score, "height": r.height.to_string()}))
               .collect::<Vec<_>>(),
           "inferences": m.inferences.to_string(), "fees_earned": m.fees_earned,
           "operator": m.operator, "missed": m.missed.to_string()})
}

const SERVICE: &str = "/inferchain.inference.v1.Query";

pub async fn query(cmd: InferenceQuery) -> Result<()> {
    match cmd {
        InferenceQuery::Feed(cmd) => return super::feeds::query(cmd).await,
        InferenceQuery::Params { node } => {
            let r: pb::QueryParamsResponse = Client::new(&node.node, "")
                .query(&format!("{SERVICE}/Params"), &pb::QueryParamsRequest {})
                .await?;
            print(
                node.output,
                &json!({"params": r.params.as_ref().map(params_json)}),
            );
        }
        InferenceQuery::Architectures { node } => {
            let r: pb::QueryArchitecturesResponse = Client::new(&node.node, "")
                .query(
                    &format!("{SERVICE}/Architectures"),
                    &pb::QueryArchitecturesRequest {},
                )
                .await?;
            let list: Vec<Value> = r.architectures.iter().map(architecture_json).collect();
            print(node.output, &json!({"architectures": list}));
        }
        InferenceQuery::Architecture { name, node } => {
            let r: pb::QueryArchitectureResponse = Client::new(&node.node, "")
                .query(
                    &format!("{SERVICE}/Architecture"),
                    &pb::QueryArchitectureRequest { name },
                )
                .await?;
            print(
                node.output,
                &json!({"architecture": r.architecture.as_ref().map(architecture_json)}),
            );
        }
        InferenceQuery::Model { id, node } => {
            let r: pb::QueryModelResponse = Client::new(&node.node, "")
                .query(&format!("{SERVICE}/Model"), &pb::QueryModelRequest { id })
                .await?;
            print(
                node.output,
                &json!({"model": r.model.as_ref().map(model_json)}),
            );
        }
        InferenceQuery::Models {
            owner,
            architecture,
            start_after,
            limit,
            node,
        } => {
            let r: pb::QueryModelsResponse = Client::new(&node.node, "")
                .query(
                    &format!("{SERVICE}/Models"),
                    &pb::QueryModelsRequest {
                        owner,
                        architecture,
                        start_after,
                        limit,
                    },
                )
                .await?;
            let models: Vec<Value> = r.models.iter().map(model_json).collect();
            print(
                node.output,
                &json!({"models": models, "next": r.next.to_string()}),
            );
        }
        InferenceQuery::Challenge {
            challenge_id,
            test_set_out,
            node,
        } => {
            let r: pb::QueryChallengeResponse = Client::new(&node.node, "")
                .query(
                    &format!("{SERVICE}/Challenge"),
                    &pb::QueryChallengeRequest { challenge_id },
                )
                .await?;
            if let Some(path) = &test_set_out {
                if r.test_set.is_empty() {
                    bail!("challenge {challenge_id}'s test set is not revealed yet");
                }
                std::fs::write(path, &r.test_set)
                    .with_context(|| format!("writing {}", path.display()))?;
            }
            print(
                node.output,
                &json!({"challenge_id": r.challenge_id.to_string(), "architecture": r.architecture,
                        "metric": r.metric, "status": r.status,
                        "scoring_deadline": r.scoring_deadline.to_string(),
                        "rows": r.rows.to_string(), "test_set_hash": r.test_set_hash,
                        "test_set_bytes": r.test_set.len().to_string()}),
            );
        }
        InferenceQuery::VerifyProof {
            challenge_id,
            model_id,
            proof,
            correct,
            brier_sum,
            submitter,
            node,
        } => {
            let req = pb::QueryVerifyProofRequest {
                submitter,
                challenge_id,
                model_id,
                proof: read_proof(&proof)?,
                correct,
                brier_sum,
            };
            let r: pb::QueryVerifyProofResponse = Client::new(&node.node, "")
                .query(&format!("{SERVICE}/VerifyProof"), &req)
                .await?;
            print(
                node.output,
                &json!({"ok": r.ok, "codespace": r.codespace, "code": r.code, "log": r.log,
                        "score": r.score, "verify_gas": r.verify_gas.to_string()}),
            );
        }
    }
    Ok(())
}
