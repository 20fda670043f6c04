//! A local keyring file (like the SDK's `--keyring-backend test`: keys unencrypted on disk,
//! meant for localnets and tests) with BIP-39 mnemonics on the Cosmos HD path.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use bip32::{DerivationPath, Language, Mnemonic, XPrv};
use k256::ecdsa::SigningKey;
use serde::{Deserialize, Serialize};

use crate::address::Address;

/// The Cosmos coin type 118 path the SDK and Keplr use.
pub const HD_PATH: &str = "m/44'/118'/0'/0/0";

#[derive(Debug, thiserror::Error)]
pub enum KeyringError {
    #[error("key {0:?} not found in keyring {1}")]
    NotFound(String, String),
    #[error("key {0:?} already exists")]
    Exists(String),
    #[error("invalid mnemonic: {0}")]
    Mnemonic(String),
    #[error("keyring file {0}: {1}")]
    Io(String, String),
}

#[derive(Clone, Serialize, Deserialize)]
pub struct KeyEntry {
    pub name: String,
    pub address: String,
    /// Compressed secp256k1 public key, hex.
    pub pubkey: String,
    /// Private key, hex.
    pub private_key: String,
}

pub struct Keyring {
    path: PathBuf,
    keys: BTreeMap<String, KeyEntry>,
}

/// Derives the account key of a mnemonic.
pub fn key_from_mnemonic(phrase: &str) -> Result<SigningKey, KeyringError> {
    let m = Mnemonic::new(phrase.trim(), Language::English)
        .map_err(|e| KeyringError::Mnemonic(e.to_string()))?;
    let seed = m.to_seed("");
    let path: DerivationPath = HD_PATH.parse().expect("static path parses");
    let xprv =
        XPrv::derive_from_path(seed, &path).map_err(|e| KeyringError::Mnemonic(e.to_string()))?;
    Ok(xprv.private_key().clone())
}

pub fn new_mnemonic() -> String {
    Mnemonic::random(rand::rngs::OsRng, Language::English)
        .phrase()
        .to_string()
}

pub fn pubkey_bytes(key: &SigningKey) -> Vec<u8> {
    key.verifying_key()
        .to_encoded_point(true)
        .as_bytes()
        .to_vec()
}

impl KeyEntry {
    pub fn signing_key(&self) -> Result<SigningKey, KeyringError> {
        let bytes =
            hex::decode(&self.private_key).map_err(|e| KeyringError::Mnemonic(e.to_string()))?;
        SigningKey::from_slice(&bytes).map_err(|e| KeyringError::Mnemonic(e.to_string()))
    }
}

impl Keyring {
    pub fn open(dir: &Path) -> Result<Self, KeyringError> {
        let path = dir.join("keyring-test.json");
        let keys = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|e| KeyringError::Io(path.display().to_string(), e.to_string()))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => BTreeMap::new(),
            Err(e) => return Err(KeyringError::Io(path.display().to_string(), e.to_string())),
        };
        Ok(Keyring { path, keys })
    }

    pub fn list(&self) -> impl Iterator<Item = &KeyEntry> {
        self.keys.values()
    }

    pub fn get(&self, name_or_address: &str) -> Result<&KeyEntry, KeyringError> {
        self.keys
            .get(name_or_address)
            .or_else(|| self.keys.values().find(|k| k.address == name_or_address))
            .ok_or_else(|| {
                KeyringError::NotFound(name_or_address.into(), self.path.display().to_string())
            })
    }

    /// Adds a key from `mnemonic`, writing the keyring file (0600) before returning.
    pub fn add(&mut self, name: &str, mnemonic: &str) -> Result<KeyEntry, KeyringError> {
        if self.keys.contains_key(name) {
            return Err(KeyringError::Exists(name.into()));
        }
        let key = key_from_mnemonic(mnemonic)?;
        let pubkey = pubkey_bytes(&key);
        let entry = KeyEntry {
            name: name.into(),
            address: Address::from_secp256k1(&pubkey).to_bech32(),
            pubkey: hex::encode(&pubkey),
            private_key: hex::encode(key.to_bytes()),
        };
        self.keys.insert(name.into(), entry.clone());
        self.save()?;
        Ok(entry)
    }

    fn save(&self) -> Result<(), KeyringError> {
        let io =
            |e: std::io::Error| KeyringError::Io(self.path.display().to_string(), e.to_string());
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        let tmp = self.path.with_extension("tmp");
        let json = serde_json::to_vec_pretty(&self.keys).expect("keys serialize");
        std::fs::write(&tmp, json).map_err(io)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o600)).map_err(io)?;
        }
        std::fs::rename(&tmp, &self.path).map_err(io)
    }
}
