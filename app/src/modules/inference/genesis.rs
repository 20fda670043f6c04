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

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ParamsJson {
    #[serde(default)]
    pub challenge_contract: String,
    #[serde(default)]
    pub staking_contract: String,
    pub min_model_stake: String,
    pub max_score_rows: u64,
    pub max_proof_bytes: u64,
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
