//! Account addresses: 20 bytes (RIPEMD-160 of SHA-256 of the compressed secp256k1 key), or
//! 32 for module-derived accounts, shown as bech32 with the `infer` prefix.

use std::fmt;

use bech32::{Bech32, Hrp};
use sha2::{Digest, Sha256};

pub const BECH32_PREFIX: &str = "infer";
/// Prefix of validator consensus addresses (the SDK's `<prefix>valcons`).
pub const VALCONS_PREFIX: &str = "infervalcons";

/// A CometBFT validator address (20 bytes) as the SDK shows it: bech32 `infervalcons…`.
pub fn valcons_bech32(address: &[u8]) -> String {
    let hrp = Hrp::parse(VALCONS_PREFIX).expect("static prefix is valid");
    bech32::encode::<Bech32>(hrp, address).expect("a short payload encodes")
}

#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Address(Vec<u8>);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    #[error("decoding bech32 address: {0}")]
    Bech32(String),
    #[error("invalid Bech32 prefix; expected {expected}, got {got}")]
    WrongPrefix { expected: &'static str, got: String },
    #[error("address length must be 20 or 32 bytes, got {0}")]
    BadLength(usize),
}

impl Address {
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, AddressError> {
        match bytes.len() {
            20 | 32 => Ok(Address(bytes)),
            n => Err(AddressError::BadLength(n)),
        }
    }

    /// The account of a compressed secp256k1 public key (33 bytes).
    pub fn from_secp256k1(pubkey: &[u8]) -> Self {
        let sha = Sha256::digest(pubkey);
        let rip = ripemd::Ripemd160::digest(sha);
        Address(rip.to_vec())
    }

    /// A module account (`authtypes.NewModuleAddress`): first 20 bytes of SHA-256 of the name.
    pub fn module(name: &str) -> Self {
        Address(Sha256::digest(name.as_bytes())[..20].to_vec())
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    pub fn to_bech32(&self) -> String {
        let hrp = Hrp::parse(BECH32_PREFIX).expect("static prefix is valid");
        bech32::encode::<Bech32>(hrp, &self.0).expect("20/32-byte payload encodes")
    }
}

impl std::str::FromStr for Address {
    type Err = AddressError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (hrp, data) = bech32::decode(s).map_err(|e| AddressError::Bech32(e.to_string()))?;
        if hrp.as_str() != BECH32_PREFIX {
            return Err(AddressError::WrongPrefix {
                expected: BECH32_PREFIX,
                got: hrp.to_string(),
            });
        }
        Address::from_bytes(data)
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_bech32())
    }
}

impl fmt::Debug for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Address({})", self.to_bech32())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bech32_round_trip_and_prefix_check() {
        let a = Address::from_bytes(vec![7u8; 20]).unwrap();
        let s = a.to_bech32();
        assert!(s.starts_with("infer1"));
        assert_eq!(s.parse::<Address>().unwrap(), a);
        let cosmos = bech32::encode::<Bech32>(Hrp::parse("cosmos").unwrap(), &[7u8; 20]).unwrap();
        assert!(matches!(
            cosmos.parse::<Address>(),
            Err(AddressError::WrongPrefix { .. })
        ));
        assert!("infer1xyz".parse::<Address>().is_err());
    }
}
