//! The bank's genesis section: initial balances (minted, so the supply is their sum).

use serde::{Deserialize, Serialize};

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
