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
        fast::encode(&self.0)
    }
}

/// Bech32 with the `infer` prefix, written out for speed: addresses are encoded for every
/// event attribute and decoded for every message, and the general `bech32` crate's
/// iterator-based codec was a fifth of a bank send's CPU in the app. Only encoding is
/// reimplemented; a decode is accepted here only when re-encoding its bytes gives back the
/// same string, everything else goes to the `bech32` crate, so what parses (and every error
/// text) is exactly what it was.
mod fast {
    const CHARSET: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    const GENERATOR: [u32; 5] = [
        0x3b6a_57b2,
        0x2650_8e6d,
        0x1ea1_19fa,
        0x3d42_33dd,
        0x2a14_62b3,
    ];

    fn step(chk: u32, v: u8) -> u32 {
        let top = chk >> 25;
        let mut chk = ((chk & 0x01ff_ffff) << 5) ^ v as u32;
        for (i, g) in GENERATOR.iter().enumerate() {
            if (top >> i) & 1 == 1 {
                chk ^= g;
            }
        }
        chk
    }

    /// The checksum state after the expanded human-readable part.
    fn hrp_state() -> u32 {
        let hrp = super::BECH32_PREFIX.as_bytes();
        let mut chk = 1;
        for b in hrp {
            chk = step(chk, b >> 5);
        }
        chk = step(chk, 0);
        for b in hrp {
            chk = step(chk, b & 31);
        }
        chk
    }

    pub fn encode(data: &[u8]) -> String {
        let hrp = super::BECH32_PREFIX;
        let mut out = String::with_capacity(hrp.len() + 1 + (data.len() * 8).div_ceil(5) + 6);
        out.push_str(hrp);
        out.push('1');
        let mut chk = hrp_state();
        let (mut acc, mut bits) = (0u32, 0u32);
        let mut push = |v: u8, chk: &mut u32| {
            *chk = step(*chk, v);
            out.push(CHARSET[v as usize] as char);
        };
        for &b in data {
            acc = (acc << 8) | b as u32;
            bits += 8;
            while bits >= 5 {
                bits -= 5;
                push(((acc >> bits) & 31) as u8, &mut chk);
            }
        }
        if bits > 0 {
            push(((acc << (5 - bits)) & 31) as u8, &mut chk);
        }
        for _ in 0..6 {
            chk = step(chk, 0);
        }
        chk ^= 1;
        for i in 0..6 {
            out.push(CHARSET[((chk >> (5 * (5 - i))) & 31) as usize] as char);
        }
        out
    }

    /// The bytes of `s` if it is the canonical encoding of a 20- or 32-byte address.
    pub fn decode(s: &str) -> Option<Vec<u8>> {
        let hrp = super::BECH32_PREFIX;
        let body = s.strip_prefix(hrp)?.strip_prefix('1')?.as_bytes();
        let len = match body.len() {
            38 => 20,
            58 => 32,
            _ => return None,
        };
        let mut out = Vec::with_capacity(len);
        let (mut acc, mut bits) = (0u32, 0u32);
        for &c in &body[..body.len() - 6] {
            let v = CHARSET.iter().position(|&x| x == c)? as u32;
            acc = (acc << 5) | v;
            bits += 5;
            if bits >= 8 {
                bits -= 8;
                out.push((acc >> bits) as u8);
                acc &= (1 << bits) - 1;
            }
        }
        (out.len() == len && encode(&out) == s).then_some(out)
    }
}

impl std::str::FromStr for Address {
    type Err = AddressError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match fast::decode(s) {
            Some(bytes) => Ok(Address(bytes)),
            None => decode_with_crate(s),
        }
    }
}

/// The `bech32` crate's decoding: every string the fast path doesn't take, and the
/// reference the tests hold the fast path to.
fn decode_with_crate(s: &str) -> Result<Address, AddressError> {
    let (hrp, data) = bech32::decode(s).map_err(|e| AddressError::Bech32(e.to_string()))?;
    if hrp.as_str() != BECH32_PREFIX {
        return Err(AddressError::WrongPrefix {
            expected: BECH32_PREFIX,
            got: hrp.to_string(),
        });
    }
    Address::from_bytes(data)
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

    /// The fast codec agrees with the `bech32` crate: encodings are identical, and every
    /// string (valid, mutated, re-cased, truncated, other checksums) parses to the same
    /// result as through the crate alone.
    #[test]
    fn fast_codec_matches_the_bech32_crate() {
        let hrp = Hrp::parse(BECH32_PREFIX).unwrap();
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut checked = 0;
        for i in 0..400 {
            let len = [20, 32, 19, 21, 33][i % 5];
            let bytes: Vec<u8> = (0..len).map(|_| next() as u8).collect();
            let reference = bech32::encode::<Bech32>(hrp, &bytes).unwrap();
            assert_eq!(fast::encode(&bytes), reference, "encoding of {bytes:?}");
            let m = bech32::encode::<bech32::Bech32m>(hrp, &bytes).unwrap();
            let mut strings = vec![reference.clone(), reference.to_uppercase(), m];
            for _ in 0..6 {
                let mut b = reference.clone().into_bytes();
                let at = (next() as usize) % b.len();
                b[at] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7lQ1bio"[(next() as usize) % 37];
                strings.push(String::from_utf8(b).unwrap());
            }
            strings.push(reference[..reference.len() - 1].to_string());
            strings.push(format!("{reference}q"));
            for s in strings {
                assert_eq!(s.parse::<Address>(), decode_with_crate(&s), "parsing {s}");
                checked += 1;
            }
        }
        assert_eq!(checked, 400 * 11);
    }
}
