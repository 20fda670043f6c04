//! Chain-wide resource limits. Every validator applies them identically (they are consensus,
//! unlike a node's own `--minimum-gas-prices`), so they live in the `params` substore,
//! written from genesis and CometBFT's consensus params at InitChain, and changed by the
//! chain's authority (`MsgUpdateParams`, see `msgs.rs`).
//!
//! Why each value: `app/SECURITY.md`.

use serde::{Deserialize, Serialize};

use super::state_key;
use crate::coins::GasPrice;
use crate::error::TxError;
use crate::state::StateDelta;

/// The block gas limit used when CometBFT's `consensus_params.block.max_gas` is -1
/// (unlimited), and the one `inferchaind genesis init` writes: about 4 s of the costliest
/// work measured (a contract's tight loop, ~0.1 µs per gas on the 2-core dev machine).
pub const DEFAULT_MAX_BLOCK_GAS: u64 = 40_000_000;
/// The most gas one transaction may ask for: half a block, so two worst-case transactions
/// fill one and no single one can hold a block for longer than ~2 s.
pub const DEFAULT_MAX_TX_GAS: u64 = 20_000_000;
/// The chain-wide fee floor every validator checks in ProcessProposal and FinalizeBlock: a
/// tenth of the localnet mempool's floor, so a node's own minimum stays the binding one for
/// honest traffic while a byzantine proposer can't include work for free.
pub const DEFAULT_MIN_GAS_PRICE: &str = "0.0025uspec";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChainLimits {
    /// Σ gas_wanted of a block's transactions may not exceed this.
    pub max_block_gas: u64,
    /// A transaction's gas limit may not exceed this.
    pub max_tx_gas: u64,
    /// A transaction must pay at least this per unit of gas it asks for.
    pub min_gas_price: String,
}

impl Default for ChainLimits {
    fn default() -> Self {
        ChainLimits {
            max_block_gas: DEFAULT_MAX_BLOCK_GAS,
            max_tx_gas: DEFAULT_MAX_TX_GAS,
            min_gas_price: DEFAULT_MIN_GAS_PRICE.into(),
        }
    }
}

/// The genesis part (`app_state.params`); the block gas comes from the consensus params.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParamsGenesis {
    #[serde(default = "default_max_tx_gas")]
    pub max_tx_gas: u64,
    #[serde(default = "default_min_gas_price")]
    pub min_gas_price: String,
    /// The address allowed to change params, pin codes and call contracts' `sudo`: on
    /// InferChain the governance contract's (predictable, instantiate2) address, so SPEC
    /// holders by vote. None: nobody.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authority: Option<String>,
}

fn default_max_tx_gas() -> u64 {
    DEFAULT_MAX_TX_GAS
}

fn default_min_gas_price() -> String {
    DEFAULT_MIN_GAS_PRICE.into()
}

impl Default for ParamsGenesis {
    fn default() -> Self {
        ParamsGenesis {
            max_tx_gas: DEFAULT_MAX_TX_GAS,
            min_gas_price: DEFAULT_MIN_GAS_PRICE.into(),
            authority: None,
        }
    }
}

impl ChainLimits {
    /// The limits from genesis and CometBFT's `block.max_gas` (-1 or 0: unlimited there,
    /// so the app's own default applies).
    pub fn from_genesis(genesis: &ParamsGenesis, consensus_max_gas: i64) -> Result<Self, String> {
        let max_block_gas = if consensus_max_gas > 0 {
            consensus_max_gas as u64
        } else {
            DEFAULT_MAX_BLOCK_GAS
        };
        let limits = ChainLimits {
            max_block_gas,
            max_tx_gas: genesis.max_tx_gas,
            min_gas_price: genesis.min_gas_price.clone(),
        };
        limits.validate()?;
        Ok(limits)
    }

    pub fn validate(&self) -> Result<(), String> {
        if self.max_tx_gas == 0 || self.max_tx_gas > self.max_block_gas {
            return Err(format!(
                "params.max_tx_gas ({}) must be between 1 and the block gas limit ({})",
                self.max_tx_gas, self.max_block_gas
            ));
        }
        let price = self.gas_price()?;
        if price.denom != crate::coins::NATIVE_DENOM {
            return Err(format!(
                "params.min_gas_price must be in {}, not {}",
                crate::coins::NATIVE_DENOM,
                price.denom
            ));
        }
        Ok(())
    }

    pub fn gas_price(&self) -> Result<GasPrice, String> {
        GasPrice::parse(&self.min_gas_price)
            .map_err(|e| format!("params.min_gas_price {:?}: {e}", self.min_gas_price))
    }

    /// Reads the limits. Unmetered: they are the chain's configuration, read by the ante
    /// step of every transaction, like the SDK's consensus params. A state from before
    /// limits existed gets the defaults.
    pub fn load(state: &StateDelta) -> Result<Self, TxError> {
        Self::decode(state.get(&state_key::limits())?)
    }

    /// The limits as stored (JSON); none stored: the defaults.
    pub fn decode(stored: Option<Vec<u8>>) -> Result<Self, TxError> {
        match stored {
            Some(bytes) => serde_json::from_slice(&bytes)
                .map_err(|e| TxError::internal(format!("corrupt chain limits: {e}"))),
            None => Ok(ChainLimits::default()),
        }
    }

    pub fn save(&self, state: &mut StateDelta) {
        state.set(
            state_key::limits(),
            serde_json::to_vec(self).expect("plain JSON"),
        );
    }

    /// The stateless-with-params check of a transaction's gas limit (CheckTx, proposals,
    /// FinalizeBlock): the SDK's "invalid gas limit".
    pub fn check_tx_gas(&self, gas_limit: u64) -> Result<(), TxError> {
        if gas_limit > self.max_tx_gas {
            return Err(TxError::invalid_gas_limit(format!(
                "gas limit {gas_limit} exceeds the per-transaction maximum {}",
                self.max_tx_gas
            )));
        }
        Ok(())
    }
}

/// The block gas meter: what a block's transactions used, against the block gas limit.
///
/// A transaction runs only if its whole gas limit fits in what is left, so the block's work
/// never exceeds the limit — stricter than the SDK, which lets the last transaction overshoot
/// by its limit. What counts afterwards is the gas it used (at most its limit). Proposal
/// screening counts gas_wanted instead, as CometBFT's `max_gas` is defined.
#[derive(Clone, Debug)]
pub struct BlockGas {
    limit: u64,
    max_tx_gas: u64,
    used: u64,
}

impl BlockGas {
    pub fn new(limits: &ChainLimits) -> Self {
        BlockGas {
            limit: limits.max_block_gas,
            max_tx_gas: limits.max_tx_gas,
            used: 0,
        }
    }

    /// Whether a transaction asking for `gas_wanted` may run, and if not, why.
    pub fn admit(&self, gas_wanted: u64) -> Result<(), TxError> {
        if gas_wanted > self.max_tx_gas {
            return Err(TxError::invalid_gas_limit(format!(
                "gas limit {gas_wanted} exceeds the per-transaction maximum {}",
                self.max_tx_gas
            )));
        }
        let total = self.used.saturating_add(gas_wanted);
        if total > self.limit {
            return Err(TxError::out_of_gas("block gas meter", self.limit, total));
        }
        Ok(())
    }

    /// Counts gas a transaction (admitted before) used.
    pub fn record(&mut self, gas: u64) {
        self.used = self.used.saturating_add(gas);
    }
}
