//! Upload decoding and static validation of contract code.

use std::io::Read;

use cosmwasm_vm::testing::{MockApi, MockQuerier, MockStorage};
use cosmwasm_vm::{Cache, CacheOptions, Size};

/// Largest `MsgStoreCode` payload accepted, compressed or not (wasmd's default 800 KiB).
pub const MAX_UPLOAD_BYTES: usize = 800 * 1024;
/// Largest wasm after gunzip (wasmd's `MaxWasmSize` default is 800 KiB; 3 MiB for gzip bombs
/// would be generous, so the same bound applies to the inflated code).
pub const MAX_UNCOMPRESSED_WASM: usize = 800 * 1024;

const GZIP_MAGIC: [u8; 3] = [0x1f, 0x8b, 0x08];

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum UploadError {
    #[error("wasm code is empty")]
    Empty,
    #[error("uploaded code is {size} bytes, limit {limit}")]
    TooLarge { size: usize, limit: usize },
    #[error("gzip: {0}")]
    Gzip(String),
    #[error("code is neither wasm nor gzipped wasm")]
    NotWasm,
    #[error("wasm validation failed: {0}")]
    Invalid(String),
}

/// The wasm bytes of an upload: gunzipped when gzipped (CosmJS always gzips), bounded both
/// before and after inflation so a gzip bomb can't exhaust memory.
pub fn decode_upload(bytes: &[u8]) -> Result<Vec<u8>, UploadError> {
    if bytes.is_empty() {
        return Err(UploadError::Empty);
    }
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(UploadError::TooLarge {
            size: bytes.len(),
            limit: MAX_UPLOAD_BYTES,
        });
    }
    let wasm = if bytes.starts_with(&GZIP_MAGIC) {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(bytes)
            .take(MAX_UNCOMPRESSED_WASM as u64 + 1)
            .read_to_end(&mut out)
            .map_err(|e| UploadError::Gzip(e.to_string()))?;
        if out.len() > MAX_UNCOMPRESSED_WASM {
            return Err(UploadError::TooLarge {
                size: out.len(),
                limit: MAX_UNCOMPRESSED_WASM,
            });
        }
        out
    } else {
        bytes.to_vec()
    };
    if !wasm.starts_with(b"\0asm") {
        return Err(UploadError::NotWasm);
    }
    Ok(wasm)
}

/// Runs cosmwasm-vm's static checks and a full compile (what `MsgStoreCode` does) and
/// returns the code's checksum. Nothing is persisted.
pub fn check_wasm(wasm: &[u8]) -> Result<[u8; 32], UploadError> {
    let dir = tempdir()?;
    let options = CacheOptions::new(&dir, super::capabilities(), Size::mebi(16), Size::mebi(32));
    // SAFETY: `Cache::new` is unsafe only because two caches must not share a directory;
    // this one is fresh and private to this call.
    let cache: Cache<MockApi, MockStorage, MockQuerier> =
        unsafe { Cache::new(options) }.map_err(|e| UploadError::Invalid(e.to_string()))?;
    let result = cache.store_code(wasm, true, false);
    drop(cache);
    let _ = std::fs::remove_dir_all(&dir);
    let checksum = result.map_err(|e| UploadError::Invalid(e.to_string()))?;
    Ok(*checksum.as_ref())
}

fn tempdir() -> Result<std::path::PathBuf, UploadError> {
    let dir = std::env::temp_dir().join(format!(
        "inferchain-wasm-check-{}-{}",
        std::process::id(),
        rand::random::<u64>()
    ));
    std::fs::create_dir_all(&dir).map_err(|e| UploadError::Invalid(format!("temp dir: {e}")))?;
    Ok(dir)
}

/// The contract's `cw_migrate_version` custom section (cosmwasm-std's `#[migrate_version]`),
/// read from the wasm bytes themselves: what a migration reports as `old_migrate_version`
/// must come from state, never from a node's module cache (a node with a wiped cache would
/// otherwise pass `None` and fork). Only section headers are read.
pub fn migrate_version(wasm: &[u8]) -> Option<u64> {
    let mut rest = wasm.strip_prefix(b"\0asm")?.get(4..)?;
    while !rest.is_empty() {
        let (&id, after_id) = rest.split_first()?;
        let (size, after_size) = leb128(after_id)?;
        let size = usize::try_from(size).ok()?;
        if after_size.len() < size {
            return None;
        }
        let (section, next) = after_size.split_at(size);
        if id == 0 {
            let (name_len, after_len) = leb128(section)?;
            let name_len = usize::try_from(name_len).ok()?;
            if after_len.len() >= name_len {
                let (name, data) = after_len.split_at(name_len);
                if name == b"cw_migrate_version" {
                    return std::str::from_utf8(data).ok()?.parse().ok();
                }
            }
        }
        rest = next;
    }
    None
}

/// An unsigned LEB128 number (at most 5 bytes, as wasm's u32) and what follows it.
fn leb128(bytes: &[u8]) -> Option<(u64, &[u8])> {
    let mut value = 0u64;
    for (i, &b) in bytes.iter().enumerate().take(5) {
        value |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return Some((value, &bytes[i + 1..]));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    #[test]
    fn migrate_version_from_custom_section() {
        let mut wasm = b"\0asm\x01\0\0\0".to_vec();
        assert_eq!(super::migrate_version(&wasm), None);
        // A type section first, then the custom section "cw_migrate_version" = "42".
        wasm.extend_from_slice(&[1, 1, 0]);
        let name = b"cw_migrate_version";
        let mut section = vec![name.len() as u8];
        section.extend_from_slice(name);
        section.extend_from_slice(b"42");
        wasm.push(0);
        wasm.push(section.len() as u8);
        wasm.extend_from_slice(&section);
        assert_eq!(super::migrate_version(&wasm), Some(42));
        // Truncated or garbage input: no version, no panic.
        assert_eq!(super::migrate_version(&wasm[..wasm.len() - 3]), None);
        assert_eq!(super::migrate_version(b"junk"), None);
    }

    use super::*;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn gzip_and_size_limits() {
        let wasm = b"\0asm\x01\0\0\0".to_vec();
        assert_eq!(decode_upload(&wasm).unwrap(), wasm);
        assert_eq!(decode_upload(&gzip(&wasm)).unwrap(), wasm);
        assert_eq!(decode_upload(b""), Err(UploadError::Empty));
        assert_eq!(decode_upload(b"hello"), Err(UploadError::NotWasm));
        // A gzip bomb: tiny upload, huge when inflated.
        let mut bomb = b"\0asm\x01\0\0\0".to_vec();
        bomb.resize(10 * 1024 * 1024, 0);
        let gz = gzip(&bomb);
        assert!(gz.len() < MAX_UPLOAD_BYTES);
        assert!(matches!(
            decode_upload(&gz),
            Err(UploadError::TooLarge { .. })
        ));
        let big = vec![0u8; MAX_UPLOAD_BYTES + 1];
        assert!(matches!(
            decode_upload(&big),
            Err(UploadError::TooLarge { .. })
        ));
    }

    #[test]
    fn check_rejects_non_contracts() {
        // A valid wasm module that is not a CosmWasm contract (no interface exports).
        let err = check_wasm(b"\0asm\x01\0\0\0").unwrap_err();
        assert!(matches!(err, UploadError::Invalid(_)), "{err}");
    }
}
