//! Versioned proof serialization.
//!
//! ```text
//! offset  size  field
//! 0       4     magic "ICZK"
//! 4       1     format version (2)
//! 5       1     kind (1 inference, 2 score, 3 batch of inferences, 4 aggregate)
//! 6       1     mode (0 public, 1 private)
//! 7       1     encoding (0 plain, 1 compressed: plonky2's Merkle-path-deduplicated form)
//! 8       1     n = length of the architecture name (1..=64)
//! 9       n     architecture name, ASCII (e.g. "mlp-16-32-16-1")
//! 9+n     4     rows of a score or batch proof (u32 LE; 0 for inference)
//! 13+n    4     m = length of the plonky2 proof (u32 LE)
//! 17+n    m     plonky2 `ProofWithPublicInputs::to_bytes()` (or the compressed form's)
//! ```
//! The total length must be exactly `17 + n + m`, with `MIN_PAYLOAD <= m <= MAX_PAYLOAD`.

use crate::spec::{Mode, FORMAT_VERSION};

pub const MAGIC: &[u8; 4] = b"ICZK";
/// Upper bound on the plonky2 payload (a sanity bound against absurd lengths).
pub const MAX_PAYLOAD: usize = 16 << 20;
/// Lower bound: every registered circuit's proof, compressed or not, is tens of KB (FRI
/// openings and Merkle paths); anything shorter is refused before a verifier is looked up.
pub const MIN_PAYLOAD: usize = 4096;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvelopeError {
    #[error("too short ({0} bytes)")]
    TooShort(usize),
    #[error("bad magic")]
    BadMagic,
    #[error("unsupported format version {0} (this verifier reads {FORMAT_VERSION})")]
    Version(u8),
    #[error("unknown proof kind {0}")]
    Kind(u8),
    #[error("unknown mode {0}")]
    Mode(u8),
    #[error("unknown encoding {0}")]
    Encoding(u8),
    #[error("bad architecture name")]
    ArchName,
    #[error("length mismatch: header says {declared} payload bytes, {actual} present")]
    Length { declared: usize, actual: usize },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    pub kind_code: u8,
    pub mode: Mode,
    pub arch: String,
    pub rows: u32,
    pub compressed: bool,
    pub payload: Vec<u8>,
}

impl Envelope {
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(17 + self.arch.len() + self.payload.len());
        out.extend_from_slice(MAGIC);
        out.push(FORMAT_VERSION);
        out.push(self.kind_code);
        out.push(self.mode.code());
        out.push(self.compressed as u8);
        out.push(self.arch.len() as u8);
        out.extend_from_slice(self.arch.as_bytes());
        out.extend_from_slice(&self.rows.to_le_bytes());
        out.extend_from_slice(&(self.payload.len() as u32).to_le_bytes());
        out.extend_from_slice(&self.payload);
        out
    }

    pub fn decode(b: &[u8]) -> Result<Self, EnvelopeError> {
        if b.len() < 8 {
            return Err(EnvelopeError::TooShort(b.len()));
        }
        if &b[0..4] != MAGIC {
            return Err(EnvelopeError::BadMagic);
        }
        if b[4] != FORMAT_VERSION {
            return Err(EnvelopeError::Version(b[4]));
        }
        let kind_code = b[5];
        if !(1..=4).contains(&kind_code) {
            return Err(EnvelopeError::Kind(kind_code));
        }
        let mode = Mode::from_code(b[6]).ok_or(EnvelopeError::Mode(b[6]))?;
        let compressed = match b[7] {
            0 => false,
            1 => true,
            e => return Err(EnvelopeError::Encoding(e)),
        };
        if b.len() < 9 {
            return Err(EnvelopeError::TooShort(b.len()));
        }
        let n = b[8] as usize;
        if n == 0 || n > 64 {
            return Err(EnvelopeError::ArchName);
        }
        if b.len() < 17 + n {
            return Err(EnvelopeError::TooShort(b.len()));
        }
        let name = &b[9..9 + n];
        if !name
            .iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        {
            return Err(EnvelopeError::ArchName);
        }
        let arch = String::from_utf8(name.to_vec()).map_err(|_| EnvelopeError::ArchName)?;
        let rows = u32::from_le_bytes(b[9 + n..13 + n].try_into().expect("4 bytes"));
        let m = u32::from_le_bytes(b[13 + n..17 + n].try_into().expect("4 bytes")) as usize;
        let actual = b.len() - 17 - n;
        if !(MIN_PAYLOAD..=MAX_PAYLOAD).contains(&m) || m != actual {
            return Err(EnvelopeError::Length {
                declared: m,
                actual,
            });
        }
        Ok(Envelope {
            kind_code,
            mode,
            arch,
            rows,
            compressed,
            payload: b[17 + n..].to_vec(),
        })
    }

    pub fn kind_name(&self) -> &'static str {
        match self.kind_code {
            1 => "inference",
            2 => "score",
            3 => "batch",
            _ => "aggregate",
        }
    }
}
