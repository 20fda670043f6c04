//! The `inference` genesis section: params and registered architectures (with each circuit's
//! digest, which every node checks against the verifier it builds).
//!
//! ```json
//! "inference": {
//!   "params": {"challenge_contract": "infer1…", "staking_contract": "infer1…",
//!              "min_model_stake": "1", "max_score_rows": 1024, "max_proof_bytes": 262144},
//!   "architectures": [{"name": "mlp-16-32-16-1", "circuits": [
//!     {"kind": "score", "mode": "private", "rows": 64, "digest": "…", "verify_gas": 2000000}]}]
//! }
//! ```

use inferchain_proto::inferchain::inference::v1 as pb;
use serde::{Deserialize, Serialize};

use super::state::default_params;

/// The module's params as genesis writes them; a field left out takes its default
/// (`state::default_params`).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct ParamsJson {
    pub challenge_contract: String,
    pub staking_contract: String,
    pub min_model_stake: String,
    pub max_score_rows: u64,
    pub max_proof_bytes: u64,
    pub modeler_share_bps: u32,
    pub validator_share_bps: u32,
    pub treasury: String,
    pub reputation_contract: String,
    pub sla_slash_fraction: String,
    pub min_sla_blocks: u64,
    pub max_sla_blocks: u64,
    pub callback_gas_limit: u64,
    pub max_timeouts_per_block: u64,
    pub min_fee_per_inference: String,
}

impl Default for ParamsJson {
    fn default() -> Self {
        default_params().into()
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct CircuitJson {
    pub kind: String,
    pub mode: String,
    #[serde(default)]
    pub rows: u64,
    pub digest: String,
    pub verify_gas: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ArchitectureJson {
    pub name: String,
    pub circuits: Vec<CircuitJson>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct InferenceGenesis {
    #[serde(default)]
    pub params: Option<ParamsJson>,
    #[serde(default)]
    pub architectures: Vec<ArchitectureJson>,
}

impl From<ParamsJson> for pb::Params {
    fn from(p: ParamsJson) -> Self {
        pb::Params {
            challenge_contract: p.challenge_contract,
            staking_contract: p.staking_contract,
            min_model_stake: p.min_model_stake,
            max_score_rows: p.max_score_rows,
            max_proof_bytes: p.max_proof_bytes,
            modeler_share_bps: p.modeler_share_bps,
            validator_share_bps: p.validator_share_bps,
            treasury: p.treasury,
            reputation_contract: p.reputation_contract,
            sla_slash_fraction: p.sla_slash_fraction,
            min_sla_blocks: p.min_sla_blocks,
            max_sla_blocks: p.max_sla_blocks,
            callback_gas_limit: p.callback_gas_limit,
            max_timeouts_per_block: p.max_timeouts_per_block,
            min_fee_per_inference: p.min_fee_per_inference,
        }
    }
}

impl From<pb::Params> for ParamsJson {
    fn from(p: pb::Params) -> Self {
        ParamsJson {
            challenge_contract: p.challenge_contract,
            staking_contract: p.staking_contract,
            min_model_stake: p.min_model_stake,
            max_score_rows: p.max_score_rows,
            max_proof_bytes: p.max_proof_bytes,
            modeler_share_bps: p.modeler_share_bps,
            validator_share_bps: p.validator_share_bps,
            treasury: p.treasury,
            reputation_contract: p.reputation_contract,
            sla_slash_fraction: p.sla_slash_fraction,
            min_sla_blocks: p.min_sla_blocks,
            max_sla_blocks: p.max_sla_blocks,
            callback_gas_limit: p.callback_gas_limit,
            max_timeouts_per_block: p.max_timeouts_per_block,
            min_fee_per_inference: p.min_fee_per_inference,
        }
    }
}

impl From<ArchitectureJson> for pb::Architecture {
    fn from(a: ArchitectureJson) -> Self {
        pb::Architecture {
            name: a.name,
            circuits: a
                .circuits
                .into_iter()
                .map(|c| pb::Circuit {
                    kind: c.kind,
                    mode: c.mode,
                    rows: c.rows,
                    digest: c.digest,
                    verify_gas: c.verify_gas,
                })
                .collect(),
        }
    }
}

impl From<pb::Architecture> for ArchitectureJson {
    fn from(a: pb::Architecture) -> Self {
        ArchitectureJson {
            name: a.name,
            circuits: a
                .circuits
                .into_iter()
                .map(|c| CircuitJson {
                    kind: c.kind,
                    mode: c.mode,
                    rows: c.rows,
                    digest: c.digest,
                    verify_gas: c.verify_gas,
                })
                .collect(),
        }
    }
}

impl InferenceGenesis {
    pub fn params(&self) -> pb::Params {
        self.params
            .clone()
            .map(Into::into)
            .unwrap_or_else(default_params)
    }
}
