//! The `inference` IBC application's wire format (`proto/inferchain/inference/v1/packet.proto`):
//! packet data and acknowledgements as proto3 JSON, so CosmWasm contracts on the
//! counterparty read and write them with serde — 64-bit integers as decimal strings (numbers
//! accepted), `bytes` as base64, proto field names (lowerCamelCase accepted).
//!
//! And the deposit accounts request fees are drawn from: one per (channel, sender).

use base64::Engine;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::address::Address;

/// The port the application binds, and its channels' version.
pub const PORT: &str = "inference";
pub const VERSION: &str = "inferchain-inference-1";
/// Most bytes of a packet's `sender`.
pub const MAX_SENDER: usize = 128;

/// `InferencePacketData`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum PacketData {
    Request(IbcRequest),
    Result(IbcResult),
}

/// `IbcRequest`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IbcRequest {
    #[serde(with = "u64_str", alias = "feedId")]
    pub feed_id: u64,
    #[serde(with = "i64_strs")]
    pub input: Vec<i64>,
    #[serde(with = "b64", alias = "callbackData")]
    pub callback_data: Vec<u8>,
    pub sender: String,
    #[serde(alias = "maxFee")]
    pub max_fee: String,
}

/// `IbcResult`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IbcResult {
    #[serde(with = "u64_str", alias = "requestId")]
    pub request_id: u64,
    #[serde(with = "u64_str", alias = "feedId")]
    pub feed_id: u64,
    #[serde(with = "i64_strs")]
    pub output: Vec<i64>,
    #[serde(with = "u64_str", alias = "modelId")]
    pub model_id: u64,
    #[serde(alias = "modelCommitment")]
    pub model_commitment: String,
    #[serde(alias = "proofHash")]
    pub proof_hash: String,
    #[serde(with = "u64_str")]
    pub height: u64,
    #[serde(alias = "inputHash")]
    pub input_hash: String,
    #[serde(with = "b64", alias = "callbackData")]
    pub callback_data: Vec<u8>,
}

/// `IbcFailure`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IbcFailure {
    pub code: u32,
    pub codespace: String,
    pub message: String,
    #[serde(with = "u64_str", alias = "requestId")]
    pub request_id: u64,
    pub refund: String,
    pub payer: String,
}

/// `InferenceAcknowledgement`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Ack {
    Result(IbcResult),
    Error(IbcFailure),
}

impl Ack {
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("acknowledgements serialize")
    }
}

impl PacketData {
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("packets serialize")
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self, String> {
        serde_json::from_slice(bytes).map_err(|e| format!("malformed inference packet: {e}"))
    }
}

/// The account a sender's request fees come from: derived from this chain's channel id and
/// the sender, like a module account (no key can sign for it), so only requests arriving on
/// that channel in that sender's name spend it.
pub fn deposit_account(channel_id: &str, sender: &str) -> Address {
    Address::module(&format!("{PORT}/{channel_id}/{sender}"))
}

/// A `sender` a packet may name: 1 to [`MAX_SENDER`] bytes, printable, no whitespace.
pub fn check_sender(sender: &str) -> Result<(), String> {
    if sender.is_empty() || sender.len() > MAX_SENDER {
        return Err(format!("sender must be 1 to {MAX_SENDER} bytes"));
    }
    if sender.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "sender {sender:?} has whitespace or control characters"
        ));
    }
    Ok(())
}

/// An integer as proto3 JSON writes it (a string), read from a string or a number.
#[derive(Deserialize)]
#[serde(untagged)]
enum IntRepr<T> {
    Str(String),
    Num(T),
}

impl<T: std::str::FromStr> IntRepr<T> {
    fn value<E: serde::de::Error>(self) -> Result<T, E> {
        match self {
            IntRepr::Num(n) => Ok(n),
            IntRepr::Str(s) => s
                .parse()
                .map_err(|_| E::custom(format!("{s:?} is not an integer in range"))),
        }
    }
}

mod u64_str {
    use super::*;

    pub fn serialize<S: Serializer>(v: &u64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&v.to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        IntRepr::<u64>::deserialize(d)?.value()
    }
}

mod i64_strs {
    use super::*;

    pub fn serialize<S: Serializer>(v: &[i64], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(i64::to_string))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<i64>, D::Error> {
        Vec::<IntRepr<i64>>::deserialize(d)?
            .into_iter()
            .map(IntRepr::value)
            .collect()
    }
}

mod b64 {
    use super::*;

    pub fn serialize<S: Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(v))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let s = String::deserialize(d)?;
        base64::engine::general_purpose::STANDARD
            .decode(s.as_bytes())
            .map_err(|e| serde::de::Error::custom(format!("base64: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_reads_as_proto3_json_writes_it_and_as_contracts_write_it() {
        let canonical = br#"{"request":{"feedId":"7","input":["256","-3"],"callbackData":"AQI=","sender":"wasm1xyz","maxFee":"1000"}}"#;
        let plain = br#"{"request":{"feed_id":7,"input":[256,-3],"callback_data":"AQI=","sender":"wasm1xyz","max_fee":"1000"}}"#;
        let want = PacketData::Request(IbcRequest {
            feed_id: 7,
            input: vec![256, -3],
            callback_data: vec![1, 2],
            sender: "wasm1xyz".into(),
            max_fee: "1000".into(),
        });
        assert_eq!(PacketData::from_bytes(canonical).unwrap(), want);
        assert_eq!(PacketData::from_bytes(plain).unwrap(), want);
        assert_eq!(PacketData::from_bytes(&want.to_bytes()).unwrap(), want);
        // What goes out: integers as strings, proto field names.
        let text = String::from_utf8(want.to_bytes()).unwrap();
        assert!(text.contains(r#""feed_id":"7""#), "{text}");
        assert!(text.contains(r#""input":["256","-3"]"#), "{text}");
    }

    #[test]
    fn malformed_packets_say_why() {
        for (bytes, says) in [
            (&b"not json"[..], "expected"),
            (br#"{"request":{"feed_id":"x"}}"#, "not an integer"),
            (br#"{"request":{"feed_id":"1","extra":1}}"#, "unknown field"),
            (br#"{"order":{}}"#, "unknown variant"),
            (br#"{"request":{"callback_data":"%%"}}"#, "base64"),
            (
                br#"{"request":{"feed_id":"18446744073709551616"}}"#,
                "in range",
            ),
        ] {
            let e = PacketData::from_bytes(bytes).unwrap_err();
            assert!(e.contains(says), "{}: {e}", String::from_utf8_lossy(bytes));
        }
    }

    #[test]
    fn acks_are_tagged_json_and_deposit_accounts_differ_per_channel_and_sender() {
        let ack = Ack::Error(IbcFailure {
            code: 4,
            codespace: "inference".into(),
            message: "feed 9 not found".into(),
            ..Default::default()
        });
        let text = String::from_utf8(ack.to_bytes()).unwrap();
        assert!(text.starts_with(r#"{"error":{"code":4,"#), "{text}");
        let a = deposit_account("channel-1", "wasm1a");
        assert_ne!(a, deposit_account("channel-2", "wasm1a"));
        assert_ne!(a, deposit_account("channel-1", "wasm1b"));
        assert_eq!(a, deposit_account("channel-1", "wasm1a"));
        assert!(check_sender("wasm1a").is_ok());
        assert!(check_sender("").is_err());
        assert!(check_sender("a b").is_err());
        assert!(check_sender(&"a".repeat(129)).is_err());
    }
}
