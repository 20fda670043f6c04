//! The app's part of CometBFT's `genesis.json` (`app_state`).

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Genesis {
    #[serde(default)]
    pub bank: BankGenesis,
    #[serde(default)]
    pub wasm: WasmGenesis,
    /// Chain-wide limits (the block gas limit comes from CometBFT's consensus params).
    #[serde(default)]
    pub params: crate::params::ParamsGenesis,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WasmGenesis {
    /// The address allowed to pin and unpin codes (`MsgPinCodes`); on InferChain the
    /// governance contract's (predictable, instantiate2) address. None: nobody.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authority: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BankGenesis {
    #[serde(default)]
    pub balances: Vec<GenesisBalance>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisBalance {
    pub address: String,
    /// Coins in the CLI's form, e.g. `"1000000000uspec"`.
    pub coins: String,
}

impl Genesis {
    pub fn from_json(bytes: &[u8]) -> Result<Self, String> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Genesis::default());
        }
        serde_json::from_slice(bytes).map_err(|e| format!("invalid app_state: {e}"))
    }
}
