//! Deterministic gas, priced like the Cosmos SDK's defaults so that clients' gas estimates
//! (CosmJS multiplies simulate's figure by 1.3–1.5) fit.

use crate::error::TxError;

/// Store access prices (the SDK's `KVGasConfig`).
pub const READ_FLAT: u64 = 1_000;
pub const READ_PER_BYTE: u64 = 3;
pub const WRITE_FLAT: u64 = 2_000;
pub const WRITE_PER_BYTE: u64 = 30;
pub const DELETE_FLAT: u64 = 1_000;
/// Per byte of a deleted key. The SDK prices a delete flat, but its keys are short; a
/// contract's keys reach 64 KiB, and hashing and removing one is work by the byte, so a
/// delete is priced like a write of its key.
pub const DELETE_PER_BYTE: u64 = WRITE_PER_BYTE;
pub const ITER_NEXT_FLAT: u64 = 30;
/// Per byte of the encoded transaction (the SDK's `TxSizeCostPerByte`).
pub const TX_SIZE_PER_BYTE: u64 = 10;
/// Verifying one secp256k1 signature (the SDK's `SigVerifyCostSecp256k1`).
pub const SIG_VERIFY_SECP256K1: u64 = 1_000;

/// Gas of writing `key_len + value_len` bytes.
pub fn write_cost(key_len: usize, value_len: usize) -> u64 {
    WRITE_FLAT + WRITE_PER_BYTE * (key_len + value_len) as u64
}

/// Gas of deleting a key of `key_len` bytes.
pub fn delete_cost(key_len: usize) -> u64 {
    DELETE_FLAT + DELETE_PER_BYTE * key_len as u64
}

#[derive(Debug, Clone)]
pub struct GasMeter {
    limit: Option<u64>,
    used: u64,
}

impl GasMeter {
    pub fn new(limit: u64) -> Self {
        GasMeter {
            limit: Some(limit),
            used: 0,
        }
    }

    /// For simulation: counts without a limit.
    pub fn infinite() -> Self {
        GasMeter {
            limit: None,
            used: 0,
        }
    }

    pub fn used(&self) -> u64 {
        self.used
    }

    pub fn limit(&self) -> Option<u64> {
        self.limit
    }

    /// Charges `amount`; past the limit the meter stays exhausted and the error says where.
    pub fn consume(&mut self, amount: u64, descriptor: &str) -> Result<(), TxError> {
        self.used = self.used.saturating_add(amount);
        match self.limit {
            Some(limit) if self.used > limit => {
                Err(TxError::out_of_gas(descriptor, limit, self.used))
            }
            _ => Ok(()),
        }
    }
}
