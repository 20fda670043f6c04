//! The wasm genesis section.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WasmGenesis {
    /// The address allowed to pin and unpin codes (`MsgPinCodes`), call `sudo` and change
    /// the module's params; on InferChain the governance contract's (predictable,
    /// instantiate2) address. None: nobody.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authority: Option<String>,
}
