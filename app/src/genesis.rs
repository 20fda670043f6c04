//! The app's part of CometBFT's `genesis.json` (`app_state`): one section per module, keyed
//! by the module's name, each parsed by its module (`modules/<name>/genesis.rs`). A section no module claims is refused, so a
//! typo can't silently start a chain without the state it meant to have.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde_json::Value;

#[derive(Clone, Debug, Default)]
pub struct Genesis {
    sections: BTreeMap<String, Value>,
    /// CometBFT's genesis validators (InitChain's `validators`), the chain's first set.
    pub validators: Vec<GenesisValidator>,
}

/// A validator of CometBFT's genesis: its consensus key and power.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GenesisValidator {
    /// The key type CometBFT names (`ed25519`, `secp256k1`, …) and its bytes.
    pub key_type: &'static str,
    pub pubkey: Vec<u8>,
    pub power: i64,
}

impl Genesis {
    pub fn from_json(bytes: &[u8]) -> Result<Self, String> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Genesis::default());
        }
        match serde_json::from_slice(bytes).map_err(|e| format!("invalid app_state: {e}"))? {
            Value::Object(map) => Ok(Genesis {
                sections: map.into_iter().collect(),
                validators: Vec::new(),
            }),
            other => Err(format!("app_state must be a JSON object, not {other}")),
        }
    }

    /// The section `name`, or its default when genesis has none.
    pub fn section<T: DeserializeOwned + Default>(&self, name: &str) -> Result<T, String> {
        match self.sections.get(name) {
            None | Some(Value::Null) => Ok(T::default()),
            Some(v) => {
                serde_json::from_value(v.clone()).map_err(|e| format!("app_state.{name}: {e}"))
            }
        }
    }

    /// Refuses sections that none of `known` names.
    pub fn check_sections<'a>(
        &self,
        known: impl IntoIterator<Item = &'a str>,
    ) -> Result<(), String> {
        let known: Vec<&str> = known.into_iter().collect();
        match self.sections.keys().find(|k| !known.contains(&k.as_str())) {
            Some(unknown) => Err(format!(
                "app_state.{unknown}: no module of this chain has a genesis section {unknown:?} (known: {})",
                known.join(", ")
            )),
            None => Ok(()),
        }
    }
}
