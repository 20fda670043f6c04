//! Hand-written protobuf for the chain's inference messages, without a protobuf dependency:
//!
//! ```protobuf
//! message MsgRequestInference {
//!   string requester = 1;
//!   uint64 feed_id = 2;
//!   repeated sint64 input = 3;   // packed, zigzag
//!   bytes callback_data = 4;
//! }
//! message MsgRequestInferenceResponse { uint64 request_id = 1; uint64 deadline = 2; }
//! ```

use cosmwasm_std::SubMsgResponse;

pub const MSG_REQUEST_INFERENCE: &str = "/inferchain.inference.v1.MsgRequestInference";
pub const MSG_REQUEST_INFERENCE_RESPONSE: &str =
    "/inferchain.inference.v1.MsgRequestInferenceResponse";

const WIRE_VARINT: u64 = 0;
const WIRE_I64: u64 = 1;
const WIRE_LEN: u64 = 2;
const WIRE_I32: u64 = 5;

/// `MsgRequestInference` in canonical proto3 form: fields in order, zero / empty fields left
/// out, `input` packed.
pub fn encode_request_inference(
    requester: &str,
    feed_id: u64,
    input: &[i64],
    callback_data: &[u8],
) -> Vec<u8> {
    let mut packed = Vec::with_capacity(input.len() * 4);
    for &x in input {
        write_varint(&mut packed, zigzag(x));
    }
    let mut out = Vec::with_capacity(requester.len() + packed.len() + callback_data.len() + 16);
    write_len_field(&mut out, 1, requester.as_bytes());
    if feed_id != 0 {
        write_varint(&mut out, (2 << 3) | WIRE_VARINT);
        write_varint(&mut out, feed_id);
    }
    write_len_field(&mut out, 3, &packed);
    write_len_field(&mut out, 4, callback_data);
    out
}

/// The `(request_id, deadline)` of a `MsgRequestInferenceResponse`; a field the bytes leave out
/// (proto3's encoding of 0) is `None`. `None` overall when the bytes are not protobuf.
pub fn decode_request_inference_response(bytes: &[u8]) -> Option<(Option<u64>, Option<u64>)> {
    let mut request_id = None;
    let mut deadline = None;
    for (field, value) in fields(bytes)? {
        match (field, value) {
            (1, Value::Varint(v)) => request_id = Some(v),
            (2, Value::Varint(v)) => deadline = Some(v),
            _ => {}
        }
    }
    Some((request_id, deadline))
}

/// The `MsgRequestInferenceResponse` bytes of the request's sub-message reply. The chain (as
/// wasmd) puts the response in `msg_responses` as `{type_url, value}` and its value also in the
/// deprecated `data`; this takes, in order: the `msg_responses` entry with the response's
/// type URL, `data` (unwrapped if it is itself a protobuf `Any`), the only `msg_responses`
/// entry whatever its type URL (cw-multi-test calls it `/unknown`).
pub fn request_response_bytes(resp: &SubMsgResponse) -> Option<Vec<u8>> {
    if let Some(r) = resp
        .msg_responses
        .iter()
        .find(|r| r.type_url == MSG_REQUEST_INFERENCE_RESPONSE)
    {
        return Some(r.value.to_vec());
    }
    #[allow(deprecated)] // still filled by the chain, as by wasmd
    if let Some(data) = resp.data.as_ref().filter(|d| !d.is_empty()) {
        return Some(unwrap_any(data).unwrap_or(data).to_vec());
    }
    match resp.msg_responses.as_slice() {
        [only] => Some(only.value.to_vec()),
        _ => None,
    }
}

/// The value of a `google.protobuf.Any { string type_url = 1; bytes value = 2; }` whose type
/// URL is the response's; `None` for anything else (a `MsgRequestInferenceResponse` has only
/// varint fields, so it never reads as an `Any`).
fn unwrap_any(bytes: &[u8]) -> Option<&[u8]> {
    let mut type_url = None;
    let mut value: &[u8] = &[];
    for (field, v) in fields(bytes)? {
        match (field, v) {
            (1, Value::Len(b)) => type_url = Some(b),
            (2, Value::Len(b)) => value = b,
            _ => return None,
        }
    }
    (type_url? == MSG_REQUEST_INFERENCE_RESPONSE.as_bytes()).then_some(value)
}

pub fn zigzag(x: i64) -> u64 {
    ((x << 1) ^ (x >> 63)) as u64
}

pub fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

fn write_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn write_len_field(out: &mut Vec<u8>, field: u64, bytes: &[u8]) {
    if bytes.is_empty() {
        return;
    }
    write_varint(out, (field << 3) | WIRE_LEN);
    write_varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

#[derive(Debug, PartialEq, Eq)]
pub enum Value<'a> {
    Varint(u64),
    Len(&'a [u8]),
    Fixed,
}

/// All fields of a message in order, as `(field number, value)`; `None` when the bytes are
/// not valid protobuf (truncated, bad varint, groups, field 0).
pub fn fields(mut buf: &[u8]) -> Option<Vec<(u64, Value<'_>)>> {
    let mut out = Vec::new();
    while !buf.is_empty() {
        let key = read_varint(&mut buf)?;
        let field = key >> 3;
        if field == 0 {
            return None;
        }
        let value = match key & 7 {
            WIRE_VARINT => Value::Varint(read_varint(&mut buf)?),
            WIRE_I64 => {
                buf = buf.get(8..)?;
                Value::Fixed
            }
            WIRE_LEN => {
                let len = usize::try_from(read_varint(&mut buf)?).ok()?;
                let v = buf.get(..len)?;
                buf = &buf[len..];
                Value::Len(v)
            }
            WIRE_I32 => {
                buf = buf.get(4..)?;
                Value::Fixed
            }
            _ => return None,
        };
        out.push((field, value));
    }
    Some(out)
}

pub fn read_varint(buf: &mut &[u8]) -> Option<u64> {
    let mut value = 0u64;
    for i in 0..10 {
        let (&byte, rest) = buf.split_first()?;
        *buf = rest;
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use cosmwasm_std::{Binary, MsgResponse};

    /// A decoded `MsgRequestInference`.
    #[derive(Debug, PartialEq, Eq, Default)]
    pub struct Decoded {
        pub requester: String,
        pub feed_id: u64,
        pub input: Vec<i64>,
        pub callback_data: Vec<u8>,
    }

    /// An independent decoder of `MsgRequestInference` (packed or unpacked `input`).
    pub fn decode_request_inference(bytes: &[u8]) -> Decoded {
        let mut d = Decoded::default();
        for (field, value) in fields(bytes).expect("valid protobuf") {
            match (field, value) {
                (1, Value::Len(b)) => d.requester = String::from_utf8(b.to_vec()).unwrap(),
                (2, Value::Varint(v)) => d.feed_id = v,
                (3, Value::Len(mut b)) => {
                    while !b.is_empty() {
                        d.input.push(unzigzag(read_varint(&mut b).unwrap()));
                    }
                }
                (3, Value::Varint(v)) => d.input.push(unzigzag(v)),
                (4, Value::Len(b)) => d.callback_data = b.to_vec(),
                other => panic!("unexpected field {other:?}"),
            }
        }
        d
    }

    #[test]
    fn zigzag_matches_protobuf() {
        for (x, z) in [
            (0i64, 0u64),
            (-1, 1),
            (1, 2),
            (-2, 3),
            (2, 4),
            (i64::from(i32::MAX), 4_294_967_294),
            (i64::from(i32::MIN), 4_294_967_295),
            (i64::MAX, u64::MAX - 1),
            (i64::MIN, u64::MAX),
        ] {
            assert_eq!(zigzag(x), z, "zigzag({x})");
            assert_eq!(unzigzag(z), x);
        }
    }

    #[test]
    fn request_bytes_by_hand() {
        // requester "ab", feed 1, input [0, -1, 1, -2, 300, -8388608], callback "xy".
        let bytes = encode_request_inference("ab", 1, &[0, -1, 1, -2, 300, -8_388_608], b"xy");
        #[rustfmt::skip]
        let expected: Vec<u8> = vec![
            0x0a, 2, b'a', b'b',              // 1: "ab"
            0x10, 1,                          // 2: 1
            0x1a, 10,                         // 3: packed, 10 bytes
            0x00, 0x01, 0x02, 0x03,           //    0, -1, 1, -2
            0xd8, 0x04,                       //    300 -> 600 = 0b100_1011000
            0xff, 0xff, 0xff, 0x07,           //    -2^23 -> 2^24 - 1
            0x22, 2, b'x', b'y',              // 4: "xy"
        ];
        assert_eq!(bytes, expected);
        let d = decode_request_inference(&bytes);
        assert_eq!(d.input, vec![0, -1, 1, -2, 300, -8_388_608]);
        // Feed 0 is proto3's default and left out, as are empty fields.
        assert_eq!(encode_request_inference("", 0, &[], b""), Vec::<u8>::new());
    }

    #[test]
    fn response_decoding() {
        // request_id 7, deadline 130 (0x82 0x01).
        let resp = [0x08, 7, 0x10, 0x82, 0x01];
        assert_eq!(
            decode_request_inference_response(&resp),
            Some((Some(7), Some(130)))
        );
        assert_eq!(decode_request_inference_response(&[]), Some((None, None)));
        // Unknown fields are skipped; garbage is rejected.
        assert_eq!(
            decode_request_inference_response(&[0x1a, 1, 0, 0x08, 0xac, 0x02]),
            Some((Some(300), None))
        );
        assert_eq!(decode_request_inference_response(&[0x08]), None);
        assert_eq!(decode_request_inference_response(&[0x0a, 5, 1]), None);
        assert_eq!(decode_request_inference_response(&[0x0b]), None);
    }

    #[allow(deprecated)]
    fn sub_response(data: Option<&[u8]>, responses: &[(&str, &[u8])]) -> SubMsgResponse {
        SubMsgResponse {
            events: vec![],
            data: data.map(Binary::from),
            msg_responses: responses
                .iter()
                .map(|(t, v)| MsgResponse {
                    type_url: t.to_string(),
                    value: Binary::from(*v),
                })
                .collect(),
        }
    }

    #[test]
    fn reply_bytes_from_each_place() {
        let resp: &[u8] = &[0x08, 7, 0x10, 9];
        let other: &[u8] = &[0x08, 1];
        // The typed msg_response wins.
        let r = sub_response(Some(other), &[(MSG_REQUEST_INFERENCE_RESPONSE, resp)]);
        assert_eq!(request_response_bytes(&r).as_deref(), Some(resp));
        // Then data, raw (the chain's dispatch.rs) or Any-wrapped.
        let r = sub_response(Some(resp), &[]);
        assert_eq!(request_response_bytes(&r).as_deref(), Some(resp));
        let mut any = vec![0x0a, MSG_REQUEST_INFERENCE_RESPONSE.len() as u8];
        any.extend_from_slice(MSG_REQUEST_INFERENCE_RESPONSE.as_bytes());
        any.extend_from_slice(&[0x12, resp.len() as u8]);
        any.extend_from_slice(resp);
        let r = sub_response(Some(&any), &[]);
        assert_eq!(request_response_bytes(&r).as_deref(), Some(resp));
        // Then a lone msg_response of another type URL (cw-multi-test's "/unknown").
        let r = sub_response(None, &[("/unknown", resp)]);
        assert_eq!(request_response_bytes(&r).as_deref(), Some(resp));
        // Nothing.
        assert_eq!(request_response_bytes(&sub_response(None, &[])), None);
        assert_eq!(request_response_bytes(&sub_response(Some(&[]), &[])), None);
    }
}
