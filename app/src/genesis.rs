//! The app's part of CometBFT's `genesis.json` (`app_state`): one section per module, keyed
//! by the module's name, each parsed by its module (`modules/<name>/genesis.rs`). A section no module claims is refused, so a
//! typo can't silently start a chain without the state it meant to have.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde_json::Value;

#[derive(Clone, Debug, Default)]
pub struct Genesis {
    sections: BTreeMap<String, Value>,
}

impl Genesis {
    pub fn from_json(bytes: &[u8]) -> Result<Self, String> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Genesis::default());
        }
        match serde_json::from_slice(bytes).map_err(|e| format!("invalid app_state: {e}"))? {
            Value::Object(map) => Ok(Genesis {
                sections: map.into_iter().collect(),
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
