//! The `validators` genesis section: the module's params (each field defaults). The first
//! validator set is CometBFT's genesis validators (InitChain's `validators`), not a section.
//!
//! ```json
//! "validators": {
//!   "params": {"staking_contract": "infer1…", "max_validators": 100,
//!              "power_reduction": "1000000", "double_sign_slash_fraction": "0.05"}
//! }
//! ```

use inferchain_proto::inferchain::validators::v1 as pb;
use serde::{Deserialize, Serialize};

use super::state::default_params;

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ParamsJson {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staking_contract: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_validators: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub power_reduction: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub double_sign_slash_fraction: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ValidatorsGenesis {
    #[serde(default)]
    pub params: ParamsJson,
}

impl ValidatorsGenesis {
    /// The params, defaults filling what the section leaves out.
    pub fn params(&self) -> pb::Params {
        let d = default_params();
        let p = self.params.clone();
        pb::Params {
            staking_contract: p.staking_contract.unwrap_or(d.staking_contract),
            max_validators: p.max_validators.unwrap_or(d.max_validators),
            power_reduction: p.power_reduction.unwrap_or(d.power_reduction),
            double_sign_slash_fraction: p
                .double_sign_slash_fraction
                .unwrap_or(d.double_sign_slash_fraction),
        }
    }
}
