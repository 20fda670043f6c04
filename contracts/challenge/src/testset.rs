//! The canonical test-set encoding ("ICTS v1") a challenge's creator commits to (its sha256 is
//! the challenge's `test_set_hash`) and reveals; the chain's `inference` module decodes the same
//! bytes to check proofs of score against them (`prover/verifier`, `TestSet::to_canonical_bytes`).
//!
//! ```text
//! "ICTS" | version u8 (1) | rows u32 LE | features u16 LE |
//! per row: features × i32 LE, then label u8 (0 or 1)
//! ```
//!
//! The contract checks the shape only (header, bounds, exact length, labels), in one pass and
//! without allocating; the range of each feature is the verifier's business.

pub const TEST_SET_MAGIC: &[u8; 4] = b"ICTS";
pub const TEST_SET_VERSION: u8 = 1;
/// Magic, version, rows, features.
pub const TEST_SET_HEADER_LEN: usize = 11;
pub const MAX_TEST_SET_ROWS: u32 = 1024;
pub const MAX_TEST_SET_FEATURES: u16 = 256;

/// `Ok((rows, features))` when `b` is a well-formed ICTS v1 encoding within the contract's
/// bounds; otherwise why not.
pub fn validate_test_set(b: &[u8]) -> Result<(u32, u16), String> {
    if b.get(..4) != Some(&TEST_SET_MAGIC[..]) {
        return Err("not an ICTS test set (magic)".into());
    }
    match b.get(4) {
        Some(&TEST_SET_VERSION) => {}
        Some(v) => return Err(format!("unsupported version {v}")),
        None => return Err(truncated_header(b.len())),
    }
    if b.len() < TEST_SET_HEADER_LEN {
        return Err(truncated_header(b.len()));
    }
    let rows = u32::from_le_bytes([b[5], b[6], b[7], b[8]]);
    let features = u16::from_le_bytes([b[9], b[10]]);
    if rows == 0 || rows > MAX_TEST_SET_ROWS {
        return Err(format!("{rows} rows, must be 1..={MAX_TEST_SET_ROWS}"));
    }
    if features == 0 || features > MAX_TEST_SET_FEATURES {
        return Err(format!(
            "{features} features, must be 1..={MAX_TEST_SET_FEATURES}"
        ));
    }
    // Bounded above by 11 + 1024 * 1025: no overflow, even with a 32-bit usize.
    let row_len = 4 * features as usize + 1;
    let need = TEST_SET_HEADER_LEN + rows as usize * row_len;
    if b.len() != need {
        return Err(format!(
            "{} bytes, {rows} rows of {features} features need {need}",
            b.len()
        ));
    }
    for (i, row) in b[TEST_SET_HEADER_LEN..].chunks_exact(row_len).enumerate() {
        let label = row[row_len - 1];
        if label > 1 {
            return Err(format!("row {i}: label {label}, must be 0 or 1"));
        }
    }
    Ok((rows, features))
}

fn truncated_header(len: usize) -> String {
    format!("{len} bytes, shorter than the {TEST_SET_HEADER_LEN}-byte header")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(rows: u32, features: u16, label: impl Fn(u32) -> u8) -> Vec<u8> {
        let mut b = TEST_SET_MAGIC.to_vec();
        b.push(TEST_SET_VERSION);
        b.extend_from_slice(&rows.to_le_bytes());
        b.extend_from_slice(&features.to_le_bytes());
        for r in 0..rows {
            for f in 0..features {
                b.extend_from_slice(&(r as i32 * 7 - f as i32).to_le_bytes());
            }
            b.push(label(r));
        }
        b
    }

    #[test]
    fn accepts_well_formed_sets_at_the_bounds() {
        assert_eq!(validate_test_set(&encode(1, 1, |_| 0)), Ok((1, 1)));
        assert_eq!(
            validate_test_set(&encode(3, 16, |r| (r % 2) as u8)),
            Ok((3, 16))
        );
        assert_eq!(
            validate_test_set(&encode(MAX_TEST_SET_ROWS, MAX_TEST_SET_FEATURES, |_| 1)),
            Ok((MAX_TEST_SET_ROWS, MAX_TEST_SET_FEATURES))
        );
    }

    #[test]
    fn refuses_malformed_sets() {
        let good = encode(2, 3, |_| 1);
        let with = |i: usize, v: u8| {
            let mut b = good.clone();
            b[i] = v;
            b
        };
        let err = |b: &[u8]| validate_test_set(b).unwrap_err();
        assert_eq!(err(b""), "not an ICTS test set (magic)");
        assert_eq!(err(b"ICT"), "not an ICTS test set (magic)");
        assert_eq!(err(&with(0, b'X')), "not an ICTS test set (magic)");
        assert_eq!(err(b"ICTS"), "4 bytes, shorter than the 11-byte header");
        assert_eq!(
            err(&good[..10]),
            "10 bytes, shorter than the 11-byte header"
        );
        assert_eq!(err(&with(4, 2)), "unsupported version 2");
        assert_eq!(err(&with(4, 0)), "unsupported version 0");
        assert_eq!(err(&encode(0, 3, |_| 0)), "0 rows, must be 1..=1024");
        assert_eq!(err(&encode(1025, 1, |_| 0)), "1025 rows, must be 1..=1024");
        // The row count alone is refused: no body is needed to see it is too large.
        let mut huge = good[..11].to_vec();
        huge[5..9].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(err(&huge), "4294967295 rows, must be 1..=1024");
        assert_eq!(err(&encode(1, 0, |_| 0)), "0 features, must be 1..=256");
        assert_eq!(err(&encode(1, 257, |_| 0)), "257 features, must be 1..=256");
        assert_eq!(
            err(&good[..good.len() - 1]),
            "36 bytes, 2 rows of 3 features need 37"
        );
        let mut long = good.clone();
        long.push(0);
        assert_eq!(err(&long), "38 bytes, 2 rows of 3 features need 37");
        assert_eq!(
            err(&with(good.len() - 1, 2)),
            "row 1: label 2, must be 0 or 1"
        );
        assert_eq!(err(&with(11 + 12, 255)), "row 0: label 255, must be 0 or 1");
    }
}
