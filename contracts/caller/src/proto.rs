//! A minimal protobuf reader: enough to take `MsgInstantiateContract2Response`
//! (`1: string address`, `2: bytes data`) and `MsgExecuteContractResponse` (`1: bytes data`)
//! apart without a protobuf dependency.

/// The length-delimited fields (wire type 2) of a message, in order, as `(field, bytes)`.
/// Varint and fixed-width fields are skipped. `None` when the bytes are not valid protobuf.
pub fn length_delimited_fields(mut buf: &[u8]) -> Option<Vec<(u64, &[u8])>> {
    let mut out = Vec::new();
    while !buf.is_empty() {
        let key = read_varint(&mut buf)?;
        let field = key >> 3;
        match key & 7 {
            0 => {
                read_varint(&mut buf)?;
            }
            1 => buf = buf.get(8..)?,
            2 => {
                let len = usize::try_from(read_varint(&mut buf)?).ok()?;
                let value = buf.get(..len)?;
                out.push((field, value));
                buf = &buf[len..];
            }
            5 => buf = buf.get(4..)?,
            _ => return None,
        }
    }
    Some(out)
}

/// The last occurrence of length-delimited `field` (protobuf's rule for repeated scalars).
pub fn field(buf: &[u8], field: u64) -> Option<&[u8]> {
    length_delimited_fields(buf)?
        .into_iter()
        .rev()
        .find(|(f, _)| *f == field)
        .map(|(_, v)| v)
}

fn read_varint(buf: &mut &[u8]) -> Option<u64> {
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
mod tests {
    use super::*;

    #[test]
    fn instantiate2_response() {
        // address "abc", data [1, 2]
        let bytes = [0x0a, 3, b'a', b'b', b'c', 0x12, 2, 1, 2];
        assert_eq!(field(&bytes, 1), Some(&b"abc"[..]));
        assert_eq!(field(&bytes, 2), Some(&[1u8, 2][..]));
        assert_eq!(field(&bytes, 3), None);
    }

    #[test]
    fn skips_other_wire_types_and_rejects_garbage() {
        let bytes = [0x08, 0x96, 0x01, 0x0a, 1, b'x', 0x15, 0, 0, 0, 0];
        assert_eq!(field(&bytes, 1), Some(&b"x"[..]));
        assert_eq!(length_delimited_fields(&[0x0a, 5, 1]), None);
        assert_eq!(length_delimited_fields(&[0x0b]), None);
        assert_eq!(field(&[], 1), None);
    }
}
