//! Rejects protobuf fields a transaction's schema doesn't know, as the Cosmos SDK's
//! `RejectUnknownFields` does. prost skips unknown fields silently, so without this check
//! anyone relaying a transaction could append a field to its `TxRaw` — which no signature
//! covers — and give the same transaction a second hash (malleability).

use crate::error::TxError;

/// A message's known fields: (field number, the schema of its sub-message if it is one).
pub struct Schema {
    pub name: &'static str,
    pub fields: &'static [(u32, Option<&'static Schema>)],
    /// Unknown fields whose number has bit 10 set (1024) are allowed: the SDK's
    /// "non-critical" fields, accepted in `TxBody` only.
    pub allow_non_critical: bool,
}

const fn schema(name: &'static str, fields: &'static [(u32, Option<&'static Schema>)]) -> Schema {
    Schema {
        name,
        fields,
        allow_non_critical: false,
    }
}

/// `google.protobuf.Any`: its value is the message's own business (routed by type URL).
pub static ANY: Schema = schema("Any", &[(1, None), (2, None)]);
static COIN: Schema = schema("Coin", &[(1, None), (2, None)]);
static SINGLE: Schema = schema("ModeInfo.Single", &[(1, None)]);
static COMPACT_BIT_ARRAY: Schema = schema("CompactBitArray", &[(1, None), (2, None)]);
static MULTI: Schema = schema(
    "ModeInfo.Multi",
    &[(1, Some(&COMPACT_BIT_ARRAY)), (2, Some(&MODE_INFO))],
);
static MODE_INFO: Schema = schema("ModeInfo", &[(1, Some(&SINGLE)), (2, Some(&MULTI))]);
static SIGNER_INFO: Schema = schema(
    "SignerInfo",
    &[(1, Some(&ANY)), (2, Some(&MODE_INFO)), (3, None)],
);
static FEE: Schema = schema("Fee", &[(1, Some(&COIN)), (2, None), (3, None), (4, None)]);
static TIP: Schema = schema("Tip", &[(1, Some(&COIN)), (2, None)]);
pub static AUTH_INFO: Schema = schema(
    "AuthInfo",
    &[(1, Some(&SIGNER_INFO)), (2, Some(&FEE)), (3, Some(&TIP))],
);
pub static TX_BODY: Schema = Schema {
    name: "TxBody",
    fields: &[
        (1, Some(&ANY)),
        (2, None),
        (3, None),
        (1023, Some(&ANY)),
        (2047, Some(&ANY)),
    ],
    allow_non_critical: true,
};
pub static TX_RAW: Schema = schema("TxRaw", &[(1, None), (2, None), (3, None)]);

/// Protobuf nesting is shallow here (ModeInfo.Multi nests ModeInfo): bound the recursion.
const MAX_DEPTH: u32 = 16;

pub fn reject_unknown_fields(bytes: &[u8], schema: &Schema) -> Result<(), TxError> {
    check(bytes, schema, 0)
}

fn check(mut bytes: &[u8], schema: &Schema, depth: u32) -> Result<(), TxError> {
    if depth > MAX_DEPTH {
        return Err(TxError::tx_decode("protobuf nested too deeply"));
    }
    let bad = |what: &str| TxError::tx_decode(format!("{}: {what}", schema.name));
    while !bytes.is_empty() {
        let tag = varint(&mut bytes).ok_or_else(|| bad("truncated field tag"))?;
        let number = u32::try_from(tag >> 3).map_err(|_| bad("field number out of range"))?;
        let wire_type = (tag & 7) as u8;
        let payload: &[u8] = match wire_type {
            0 => {
                varint(&mut bytes).ok_or_else(|| bad("truncated varint"))?;
                &[]
            }
            1 => take(&mut bytes, 8).ok_or_else(|| bad("truncated fixed64"))?,
            2 => {
                let len = varint(&mut bytes).ok_or_else(|| bad("truncated length"))?;
                let len = usize::try_from(len).map_err(|_| bad("length out of range"))?;
                take(&mut bytes, len).ok_or_else(|| bad("truncated field"))?
            }
            5 => take(&mut bytes, 4).ok_or_else(|| bad("truncated fixed32"))?,
            _ => return Err(bad(&format!("unsupported wire type {wire_type}"))),
        };
        match schema.fields.iter().find(|(n, _)| *n == number) {
            Some((_, Some(sub))) if wire_type == 2 => check(payload, sub, depth + 1)?,
            Some(_) => {}
            None if schema.allow_non_critical && number & 1024 != 0 => {}
            None => {
                return Err(TxError {
                    codespace: crate::error::SDK,
                    code: 2,
                    log: format!(
                        "errUnknownField {:?}: {{TagNum: {number}, WireType:{wire_type:?}}}: tx parse error",
                        format!("*tx.{}", schema.name)
                    ),
                })
            }
        }
    }
    Ok(())
}

fn take<'a>(bytes: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
    if bytes.len() < n {
        return None;
    }
    let (head, tail) = bytes.split_at(n);
    *bytes = tail;
    Some(head)
}

fn varint(bytes: &mut &[u8]) -> Option<u64> {
    let mut value = 0u64;
    for i in 0..10 {
        let (&b, rest) = bytes.split_first()?;
        *bytes = rest;
        value |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmos_sdk_proto::cosmos::tx::v1beta1::{AuthInfo, Fee, TxBody, TxRaw};
    use prost::Message;

    #[test]
    fn known_fields_pass_unknown_fail() {
        let body = TxBody {
            memo: "hi".into(),
            timeout_height: 7,
            ..Default::default()
        };
        let auth = AuthInfo {
            fee: Some(Fee {
                gas_limit: 200_000,
                ..Default::default()
            }),
            ..Default::default()
        };
        let raw = TxRaw {
            body_bytes: body.encode_to_vec(),
            auth_info_bytes: auth.encode_to_vec(),
            signatures: vec![vec![1; 64]],
        };
        let bytes = raw.encode_to_vec();
        reject_unknown_fields(&bytes, &TX_RAW).unwrap();
        reject_unknown_fields(&raw.body_bytes, &TX_BODY).unwrap();
        reject_unknown_fields(&raw.auth_info_bytes, &AUTH_INFO).unwrap();

        // Field 9 appended to TxRaw: prost still decodes it, the hash differs.
        let mut extended = bytes.clone();
        extended.extend_from_slice(&[9 << 3, 1]);
        assert!(TxRaw::decode(extended.as_slice()).is_ok());
        let e = reject_unknown_fields(&extended, &TX_RAW).unwrap_err();
        assert_eq!(e.code, 2);
        assert!(e.log.contains("TagNum: 9"), "{}", e.log);

        // Inside a nested message (Fee in AuthInfo).
        let mut fee = Fee::default().encode_to_vec();
        fee.extend_from_slice(&[6 << 3, 1]);
        let mut auth = vec![2 << 3 | 2, fee.len() as u8];
        auth.extend_from_slice(&fee);
        assert!(reject_unknown_fields(&auth, &AUTH_INFO).is_err());

        // Non-critical fields (bit 10 set) are allowed in TxBody only.
        let mut body = vec![];
        let mut t = 1025u64 << 3;
        while t >= 0x80 {
            body.push((t as u8) | 0x80);
            t >>= 7;
        }
        body.push(t as u8);
        body.push(0);
        reject_unknown_fields(&body, &TX_BODY).unwrap();
        assert!(reject_unknown_fields(&body, &AUTH_INFO).is_err());

        // Garbage never panics.
        for bytes in [&[0xff][..], &[0x0a, 0x05, 1], &[0x0b], &[0x80; 11]] {
            assert!(reject_unknown_fields(bytes, &TX_RAW).is_err());
        }
    }
}
