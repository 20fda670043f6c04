//! Quantized models, their Poseidon commitments, input and test-set hashes, and the plain
//! integer inference that the circuits reproduce bit for bit.

use std::fmt;

use plonky2::field::types::{Field, Field64, PrimeField64};
use plonky2::hash::hash_types::HashOut;
use plonky2::hash::poseidon::PoseidonHash;
use plonky2::plonk::config::Hasher;
use serde::{Deserialize, Serialize};

use crate::spec::*;
use crate::F;

/// Domain tags prefixed to every hashed vector, so a model can't be confused with an input.
pub const DOMAIN_MODEL: u64 = 0x4943_4d4f_4445_4c31; // "ICMODEL1"
pub const DOMAIN_INPUT: u64 = 0x4943_494e_5055_5431; // "ICINPUT1"
pub const DOMAIN_TESTSET: u64 = 0x4943_5445_5354_5331; // "ICTESTS1"
pub const DOMAIN_BINDING: u64 = 0x4943_4249_4e44_3031; // "ICBIND01"

/// A model's private salt: three 62-bit field elements (186 bits) in its commitment's preimage,
/// so the commitment hides the weights — the same weights under two salts give unlinkable
/// commitments, and a commitment can't be confirmed by retraining a seeded model. Kept with
/// the model (`quant.json`), never published. JSON: 48 hex digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Salt(pub [u64; 3]);

impl Salt {
    /// Bits kept per element: below the Goldilocks modulus, so every salt is canonical.
    pub const ELEMENT_BITS: u32 = 62;

    /// A salt from 24 bytes of randomness (the top two bits of each 8 are dropped).
    pub fn from_random_bytes(b: [u8; 24]) -> Self {
        Salt(std::array::from_fn(|i| {
            u64::from_le_bytes(b[i * 8..i * 8 + 8].try_into().expect("8 bytes"))
                & ((1 << Self::ELEMENT_BITS) - 1)
        }))
    }

    pub fn to_fields(self) -> [F; 3] {
        self.0.map(F::from_canonical_u64)
    }

    pub fn to_hex(self) -> String {
        self.0.iter().map(|v| format!("{v:016x}")).collect()
    }

    pub fn from_hex(s: &str) -> Result<Self, QuantError> {
        let bad = || QuantError::Salt(format!("salt must be 48 hex digits, got {s:?}"));
        if s.len() != 48 || !s.bytes().all(|c| c.is_ascii_hexdigit()) {
            return Err(bad());
        }
        let mut out = [0u64; 3];
        for (i, o) in out.iter_mut().enumerate() {
            *o = u64::from_str_radix(&s[i * 16..i * 16 + 16], 16).map_err(|_| bad())?;
            if *o >> Self::ELEMENT_BITS != 0 {
                return Err(QuantError::Salt("salt element over 62 bits".into()));
            }
        }
        Ok(Salt(out))
    }
}

impl Serialize for Salt {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for Salt {
    fn deserialize<De: serde::Deserializer<'de>>(d: De) -> Result<Self, De::Error> {
        let s = String::deserialize(d)?;
        Salt::from_hex(&s).map_err(serde::de::Error::custom)
    }
}

/// The binding of a proof: a digest of who or what it is for — for a score proof the
/// modeler's account address, for an inference the request it answers — public in the proof,
/// so a copied proof is useless to anyone else and for any other request.
pub fn binding_of(context: &[u8]) -> Digest {
    let mut v = vec![
        F::from_canonical_u64(DOMAIN_BINDING),
        F::from_canonical_usize(context.len()),
    ];
    // 7 bytes per element: below the modulus, so the packing is injective with the length.
    v.extend(context.chunks(7).map(|c| {
        F::from_canonical_u64(c.iter().rev().fold(0u64, |acc, &b| (acc << 8) | b as u64))
    }));
    Digest::from_hash(PoseidonHash::hash_no_pad(&v))
}

/// The binding of a proof of score: the modeler's account (its bech32 address), under a
/// versioned domain so no other context's binding can collide with it. The chain recomputes
/// it from the transaction's signer; the prover CLI's `prove-score --modeler ADDR` uses it.
pub fn score_binding(modeler: &str) -> Digest {
    binding_of(format!("inferchain/score/v1/{modeler}").as_bytes())
}

/// The binding of a proof of inference: the request it answers, by chain and request id,
/// under a versioned domain. The inference module recomputes it for every fulfilment, so a
/// proof made for one request is worthless for any other (on this chain or another).
pub fn request_binding(chain_id: &str, request_id: u64) -> Digest {
    binding_of(format!("inferchain/request/v1/{chain_id}/{request_id}").as_bytes())
}

/// The binding of an off-chain playground proof (the web app's "prove & verify"): a nonce the
/// page chose, so the page knows the proof answers its own question, under a domain no
/// on-chain binding shares (a playground proof can never fulfil a request or score).
pub fn playground_binding(nonce: &str) -> Digest {
    binding_of(format!("inferchain/playground/v1/{nonce}").as_bytes())
}

/// Fixed-point sigmoid used by score proofs, indexed by
/// `c = clamp(floor(z / 16) + 128, 0, 255)` for a logit `z` at scale 256:
/// `SIGMOID[c] = round(256 * sigmoid((16 * (c - 128) + 8) / 256))` (bucket midpoints over
/// `z/256` in `[-8, 8)`). Hard-coded so that no float function is evaluated at run time.
pub const SIGMOID: [u16; 256] = [
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4,
    5, 5, 5, 6, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 12, 13, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,
    24, 25, 27, 28, 30, 31, 33, 35, 37, 39, 41, 43, 46, 48, 50, 53, 56, 58, 61, 64, 67, 70, 74, 77,
    80, 84, 87, 91, 95, 99, 102, 106, 110, 114, 118, 122, 126, 130, 134, 138, 142, 146, 150, 154,
    157, 161, 165, 169, 172, 176, 179, 182, 186, 189, 192, 195, 198, 200, 203, 206, 208, 210, 213,
    215, 217, 219, 221, 223, 225, 226, 228, 229, 231, 232, 234, 235, 236, 237, 238, 239, 240, 241,
    242, 243, 243, 244, 245, 246, 246, 247, 247, 248, 248, 249, 249, 250, 250, 250, 251, 251, 251,
    252, 252, 252, 252, 253, 253, 253, 253, 253, 253, 254, 254, 254, 254, 254, 254, 254, 254, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 256, 256,
    256, 256, 256, 256, 256, 256, 256, 256, 256, 256, 256, 256, 256, 256, 256, 256, 256, 256, 256,
    256, 256, 256, 256, 256, 256, 256,
];

/// A 4-element Poseidon digest (Goldilocks), shown as 64 hex chars (4 little-endian u64).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default)]
pub struct Digest(pub [u64; 4]);

impl Digest {
    pub fn from_hash(h: HashOut<F>) -> Self {
        Digest(h.elements.map(|e| e.to_canonical_u64()))
    }
    pub fn to_fields(self) -> [F; 4] {
        self.0.map(F::from_noncanonical_u64)
    }
    pub fn to_bytes(self) -> [u8; 32] {
        let mut out = [0u8; 32];
        for (i, v) in self.0.iter().enumerate() {
            out[i * 8..i * 8 + 8].copy_from_slice(&v.to_le_bytes());
        }
        out
    }
    /// Parses 32 bytes; each limb must be a canonical field element.
    pub fn from_bytes(b: &[u8]) -> Result<Self, QuantError> {
        if b.len() != 32 {
            return Err(QuantError::Digest(format!(
                "{} bytes, expected 32",
                b.len()
            )));
        }
        let mut out = [0u64; 4];
        for (i, o) in out.iter_mut().enumerate() {
            let v = u64::from_le_bytes(b[i * 8..i * 8 + 8].try_into().expect("8 bytes"));
            if v >= F::ORDER {
                return Err(QuantError::Digest(
                    "limb is not a canonical field element".into(),
                ));
            }
            *o = v;
        }
        Ok(Digest(out))
    }
    pub fn to_hex(self) -> String {
        hex::encode(self.to_bytes())
    }
    pub fn from_hex(s: &str) -> Result<Self, QuantError> {
        let s = s.strip_prefix("0x").unwrap_or(s);
        let b = hex::decode(s).map_err(|e| QuantError::Digest(e.to_string()))?;
        Self::from_bytes(&b)
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuantError {
    #[error("model does not match architecture {arch}: {detail}")]
    Shape { arch: String, detail: String },
    #[error("{what} {value} out of range [{lo}, {hi})")]
    Range {
        what: &'static str,
        value: i64,
        lo: i64,
        hi: i64,
    },
    #[error("bad digest: {0}")]
    Digest(String),
    #[error("bad label {0}: labels are 0 or 1")]
    Label(i64),
    #[error("bad salt: {0}")]
    Salt(String),
    #[error("test set has {got} rows, the score circuit needs {want}")]
    Rows { got: usize, want: usize },
}

/// Signed integer to field element (negative values as `p - |v|`).
pub fn field_of_i64(v: i64) -> F {
    if v >= 0 {
        F::from_canonical_u64(v as u64)
    } else {
        -F::from_canonical_u64(v.unsigned_abs())
    }
}

/// Field element to signed integer, taking elements above `p/2` as negative.
pub fn i64_of_field(f: F) -> i64 {
    let v = f.to_canonical_u64();
    if v > F::ORDER / 2 {
        -((F::ORDER - v) as i64)
    } else {
        v as i64
    }
}

fn check_range(what: &'static str, v: i64, bits: u32) -> Result<(), QuantError> {
    let hi = 1i64 << (bits - 1);
    if v < -hi || v >= hi {
        return Err(QuantError::Range {
            what,
            value: v,
            lo: -hi,
            hi,
        });
    }
    Ok(())
}

/// One dense layer: `weights` row-major `[out][in]`, `bias[out]`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuantLayer {
    pub weights: Vec<i64>,
    pub bias: Vec<i64>,
}

/// A quantized MLP (see `spec` for the format). JSON form:
/// `{"arch":"mlp-16-32-16-1","layers":[{"weights":[...],"bias":[...]},...],"salt":"<48 hex>"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuantModel {
    pub arch: String,
    pub layers: Vec<QuantLayer>,
    /// The commitment's private salt (see [`Salt`]).
    pub salt: Salt,
}

impl QuantModel {
    /// Checks shapes and ranges against the architecture; returns the parsed spec.
    pub fn validate(&self) -> Result<ArchSpec, QuantError> {
        let arch = ArchSpec::parse(&self.arch).map_err(|e| QuantError::Shape {
            arch: self.arch.clone(),
            detail: e.to_string(),
        })?;
        if self.layers.len() != arch.num_dense() {
            return Err(QuantError::Shape {
                arch: self.arch.clone(),
                detail: format!(
                    "{} layers, expected {}",
                    self.layers.len(),
                    arch.num_dense()
                ),
            });
        }
        for (l, layer) in self.layers.iter().enumerate() {
            let (i, o) = arch.dense_shape(l);
            if layer.weights.len() != i * o || layer.bias.len() != o {
                return Err(QuantError::Shape {
                    arch: self.arch.clone(),
                    detail: format!("layer {l}: shape mismatch"),
                });
            }
            for &w in &layer.weights {
                check_range("weight", w, WEIGHT_BITS)?;
            }
            for &b in &layer.bias {
                check_range("bias", b, ACT_BITS)?;
            }
        }
        if self.salt.0.iter().any(|v| v >> Salt::ELEMENT_BITS != 0) {
            return Err(QuantError::Salt("salt element over 62 bits".into()));
        }
        Ok(arch)
    }

    /// The field elements the commitment hashes: domain tag, number of widths, the widths,
    /// then per layer the weights (row-major, offset by +128 to bytes `[0, 256)`, packed
    /// `WEIGHTS_PER_ELEMENT` = 7 bytes little-endian per field element, a last chunk shorter)
    /// and the biases (offset by +2^23 to `[0, 2^24)`, one per element), then the three salt
    /// elements. Packing makes the in-circuit hash 7x shorter; 56-bit packs are below the
    /// modulus, so it is injective.
    pub fn commitment_preimage(&self, arch: &ArchSpec) -> Vec<F> {
        let mut v = commitment_prefix(arch);
        for layer in &self.layers {
            v.extend(layer.weights.chunks(WEIGHTS_PER_ELEMENT).map(|chunk| {
                let packed = chunk
                    .iter()
                    .rev()
                    .fold(0u64, |acc, &w| (acc << 8) | (w + WEIGHT_OFFSET) as u64);
                F::from_canonical_u64(packed)
            }));
            v.extend(
                layer
                    .bias
                    .iter()
                    .map(|&b| F::from_canonical_u64((b + ACT_OFFSET) as u64)),
            );
        }
        v.extend(self.salt.to_fields());
        v
    }

    /// Poseidon commitment of the quantized weights (what the chain registers for a model).
    pub fn commitment(&self) -> Result<Digest, QuantError> {
        let arch = self.validate()?;
        Ok(Digest::from_hash(PoseidonHash::hash_no_pad(
            &self.commitment_preimage(&arch),
        )))
    }

    /// A deterministic pseudo-random model of `arch` (weights in the quantized range, small
    /// biases), for tests and benchmarks that need a model but not a trained one.
    pub fn pseudo_random(arch: &ArchSpec, seed: u64) -> QuantModel {
        let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        let mut next = move |m: i64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % (2 * m as u64 + 1)) as i64 - m
        };
        QuantModel {
            arch: arch.name(),
            layers: (0..arch.num_dense())
                .map(|l| {
                    let (i, o) = arch.dense_shape(l);
                    let wmax = 128 / (i as u64).isqrt().max(1) as i64 + 4;
                    QuantLayer {
                        weights: (0..i * o).map(|_| next(wmax)).collect(),
                        bias: (0..o).map(|_| next(1 << 12)).collect(),
                    }
                })
                .collect(),
            salt: Salt([seed & ((1 << Salt::ELEMENT_BITS) - 1), 7, 9]),
        }
    }

    /// Integer inference, exactly what the circuit computes. Errors when an input or an
    /// intermediate value leaves the fixed-point range.
    pub fn infer(&self, input: &[i64]) -> Result<Vec<i64>, QuantError> {
        let arch = self.validate()?;
        infer_validated(&arch, self, input)
    }
}

/// Weight bytes packed per field element in the commitment.
pub const WEIGHTS_PER_ELEMENT: usize = 7;

pub(crate) fn commitment_prefix(arch: &ArchSpec) -> Vec<F> {
    let mut v = vec![
        F::from_canonical_u64(DOMAIN_MODEL),
        F::from_canonical_usize(arch.layers().len()),
    ];
    v.extend(arch.layers().iter().map(|&w| F::from_canonical_usize(w)));
    v
}

/// Checks that `input` is an input of `arch`: its width, and every value a fixed-point number
/// the circuit range-checks (scale 256, within the activation bits). The chain runs this when
/// a request is made, so a request no proof could answer is refused up front.
pub fn check_input(arch: &ArchSpec, input: &[i64]) -> Result<(), QuantError> {
    if input.len() != arch.input_len() {
        return Err(QuantError::Shape {
            arch: arch.name(),
            detail: format!(
                "input has {} values, expected {}",
                input.len(),
                arch.input_len()
            ),
        });
    }
    for &x in input {
        check_range("input", x, ACT_BITS)?;
    }
    Ok(())
}

pub(crate) fn infer_validated(
    arch: &ArchSpec,
    model: &QuantModel,
    input: &[i64],
) -> Result<Vec<i64>, QuantError> {
    check_input(arch, input)?;
    let mut x: Vec<i64> = input.to_vec();
    for (l, layer) in model.layers.iter().enumerate() {
        let (n_in, n_out) = arch.dense_shape(l);
        let hidden = l + 1 < arch.num_dense();
        let mut y = Vec::with_capacity(n_out);
        for j in 0..n_out {
            let row = &layer.weights[j * n_in..(j + 1) * n_in];
            let acc: i64 = layer.bias[j] + row.iter().zip(&x).map(|(w, v)| w * v).sum::<i64>();
            let q = acc.div_euclid(1 << WEIGHT_FRAC_BITS);
            check_range("pre-activation", q, ACT_BITS)?;
            y.push(if hidden { q.max(0) } else { q });
        }
        x = y;
    }
    Ok(x)
}

/// Hash of an input vector (public input of an inference proof).
pub fn input_hash(input: &[i64]) -> Digest {
    let mut v = vec![
        F::from_canonical_u64(DOMAIN_INPUT),
        F::from_canonical_usize(input.len()),
    ];
    v.extend(input.iter().map(|&x| field_of_i64(x)));
    Digest::from_hash(PoseidonHash::hash_no_pad(&v))
}

/// Magic and version of the canonical test-set encoding ([`TestSet::to_canonical_bytes`]).
pub const TESTSET_MAGIC: &[u8; 4] = b"ICTS";
pub const TESTSET_ENCODING_VERSION: u8 = 1;

/// A labelled, quantized test set: `rows[i]` are the features (scale 256), `labels[i]` 0 or 1.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestSet {
    pub rows: Vec<Vec<i64>>,
    pub labels: Vec<i64>,
}

impl TestSet {
    fn check(&self) -> Result<usize, QuantError> {
        if self.rows.len() != self.labels.len() || self.rows.is_empty() {
            return Err(QuantError::Shape {
                arch: String::new(),
                detail: "test set: rows and labels differ in number, or are empty".into(),
            });
        }
        let n = self.rows[0].len();
        if self.rows.iter().any(|r| r.len() != n) {
            return Err(QuantError::Shape {
                arch: String::new(),
                detail: "test set: rows of different lengths".into(),
            });
        }
        for &y in &self.labels {
            if y != 0 && y != 1 {
                return Err(QuantError::Label(y));
            }
        }
        Ok(n)
    }

    /// The canonical byte encoding of a test set — what a challenge's creator commits to and
    /// reveals, what the chain hashes (`sha256`) to check the reveal and decodes to compute the
    /// score proof's test-set hash, and what the prover reads. One encoding for all three:
    ///
    /// ```text
    /// "ICTS" | version u8 (1) | rows u32 LE | features u16 LE |
    /// per row: features × i32 LE (each in the activation range), label u8 (0 or 1)
    /// ```
    pub fn to_canonical_bytes(&self) -> Result<Vec<u8>, QuantError> {
        let n = self.check()?;
        for r in &self.rows {
            for &x in r {
                check_range("test-set feature", x, ACT_BITS)?;
            }
        }
        let features = u16::try_from(n).map_err(|_| QuantError::Shape {
            arch: String::new(),
            detail: format!("test set: {n} features, at most {}", u16::MAX),
        })?;
        let rows = u32::try_from(self.rows.len()).map_err(|_| QuantError::Shape {
            arch: String::new(),
            detail: "test set: too many rows".into(),
        })?;
        let mut out = Vec::with_capacity(11 + self.rows.len() * (4 * n + 1));
        out.extend_from_slice(TESTSET_MAGIC);
        out.push(TESTSET_ENCODING_VERSION);
        out.extend_from_slice(&rows.to_le_bytes());
        out.extend_from_slice(&features.to_le_bytes());
        for (r, &y) in self.rows.iter().zip(&self.labels) {
            for &x in r {
                out.extend_from_slice(&(x as i32).to_le_bytes());
            }
            out.push(y as u8);
        }
        Ok(out)
    }

    /// Decodes [`TestSet::to_canonical_bytes`]; anything else (another version, a wrong
    /// length, a feature out of range, a label not 0 or 1, more than `max_rows` rows) is an
    /// error, checked before anything proportional to the claimed size is allocated.
    pub fn from_canonical_bytes(b: &[u8], max_rows: usize) -> Result<Self, QuantError> {
        let bad = |why: String| QuantError::Shape {
            arch: String::new(),
            detail: format!("test-set encoding: {why}"),
        };
        if b.len() < 11 || &b[..4] != TESTSET_MAGIC {
            return Err(bad("not a test set (magic)".into()));
        }
        if b[4] != TESTSET_ENCODING_VERSION {
            return Err(bad(format!("unsupported version {}", b[4])));
        }
        let rows = u32::from_le_bytes(b[5..9].try_into().expect("4 bytes")) as usize;
        let n = u16::from_le_bytes(b[9..11].try_into().expect("2 bytes")) as usize;
        if rows == 0 || rows > max_rows || n == 0 {
            return Err(bad(format!(
                "{rows} rows of {n} features (1..={max_rows} rows)"
            )));
        }
        let row_len = 4 * n + 1;
        let need = rows.checked_mul(row_len).and_then(|x| x.checked_add(11));
        if need != Some(b.len()) {
            return Err(bad(format!(
                "{} bytes, {rows} rows of {n} features need {need:?}",
                b.len()
            )));
        }
        let mut set = TestSet {
            rows: Vec::with_capacity(rows),
            labels: Vec::with_capacity(rows),
        };
        for chunk in b[11..].chunks_exact(row_len) {
            let row: Vec<i64> = chunk[..4 * n]
                .chunks_exact(4)
                .map(|x| i32::from_le_bytes(x.try_into().expect("4 bytes")) as i64)
                .collect();
            for &x in &row {
                check_range("test-set feature", x, ACT_BITS)?;
            }
            set.rows.push(row);
            set.labels.push(chunk[4 * n] as i64);
        }
        set.check()?;
        Ok(set)
    }

    /// Hash of the test set (public input of a score proof): domain tag, rows, features, then
    /// each row's features followed by its label.
    pub fn hash(&self) -> Result<Digest, QuantError> {
        let n = self.check()?;
        let mut v = vec![
            F::from_canonical_u64(DOMAIN_TESTSET),
            F::from_canonical_usize(self.rows.len()),
            F::from_canonical_usize(n),
        ];
        for (r, &y) in self.rows.iter().zip(&self.labels) {
            v.extend(r.iter().map(|&x| field_of_i64(x)));
            v.push(F::from_canonical_u64(y as u64));
        }
        Ok(Digest::from_hash(PoseidonHash::hash_no_pad(&v)))
    }

    /// The first `rows` rows.
    pub fn take(&self, rows: usize) -> TestSet {
        TestSet {
            rows: self.rows.iter().take(rows).cloned().collect(),
            labels: self.labels.iter().take(rows).cloned().collect(),
        }
    }
}

/// A score in integers: `correct` predictions (logit >= 0 means class 1) and
/// `brier_sum = sum (SIGMOID[c] - 256 * label)^2`, so Brier = brier_sum / (rows * 65536).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Score {
    pub rows: usize,
    pub correct: u64,
    pub brier_sum: u64,
}

impl Score {
    pub fn accuracy(&self) -> f64 {
        self.correct as f64 / self.rows as f64
    }
    pub fn brier(&self) -> f64 {
        self.brier_sum as f64 / (self.rows as f64 * 65536.0)
    }
}

/// Index into `SIGMOID` for a logit `z`.
pub fn sigmoid_index(z: i64) -> usize {
    (z.div_euclid(16) + 128).clamp(0, 255) as usize
}

/// The integer score the score circuit computes.
pub fn score(model: &QuantModel, set: &TestSet) -> Result<Score, QuantError> {
    let arch = model.validate()?;
    set.check()?;
    if arch.output_len() != 1 {
        return Err(QuantError::Shape {
            arch: arch.name(),
            detail: "score needs a single output logit".into(),
        });
    }
    let mut correct = 0u64;
    let mut brier_sum = 0u64;
    for (row, &y) in set.rows.iter().zip(&set.labels) {
        let z = infer_validated(&arch, model, row)?[0];
        let c = sigmoid_index(z);
        let pred = (c >= 128) as i64;
        if pred == y {
            correct += 1;
        }
        let e = SIGMOID[c] as i64 - 256 * y;
        brier_sum += (e * e) as u64;
    }
    Ok(Score {
        rows: set.rows.len(),
        correct,
        brier_sum,
    })
}

#[cfg(test)]
mod tests {

    #[test]
    fn canonical_test_set_encoding_round_trips_and_refuses_anything_else() {
        let set = TestSet {
            rows: vec![vec![-(1 << 23), 5, (1 << 23) - 1], vec![0, -1, 256]],
            labels: vec![1, 0],
        };
        let b = set.to_canonical_bytes().unwrap();
        assert_eq!(&b[..5], b"ICTS\x01");
        assert_eq!(b.len(), 11 + 2 * (3 * 4 + 1));
        let back = TestSet::from_canonical_bytes(&b, 1024).unwrap();
        assert_eq!(back, set);
        assert_eq!(back.hash().unwrap(), set.hash().unwrap());
        // Truncated, padded, another version, too many rows, a label of 2, a feature out of
        // range: each refused.
        assert!(TestSet::from_canonical_bytes(&b[..b.len() - 1], 1024).is_err());
        let mut longer = b.clone();
        longer.push(0);
        assert!(TestSet::from_canonical_bytes(&longer, 1024).is_err());
        let mut v2 = b.clone();
        v2[4] = 2;
        assert!(TestSet::from_canonical_bytes(&v2, 1024).is_err());
        assert!(TestSet::from_canonical_bytes(&b, 1).is_err());
        let mut label2 = b.clone();
        let last = label2.len() - 1;
        label2[last] = 2;
        assert!(TestSet::from_canonical_bytes(&label2, 1024).is_err());
        let mut wide = b.clone();
        wide[11..15].copy_from_slice(&(1i32 << 23).to_le_bytes());
        assert!(TestSet::from_canonical_bytes(&wide, 1024).is_err());
        // A header claiming 4 billion rows is refused before anything is allocated for them.
        let mut huge = b[..11].to_vec();
        huge[5..9].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(TestSet::from_canonical_bytes(&huge, usize::MAX).is_err());
        // Encoding refuses what it couldn't decode.
        let bad = TestSet {
            rows: vec![vec![1 << 23]],
            labels: vec![0],
        };
        assert!(bad.to_canonical_bytes().is_err());
    }

    use super::*;

    #[test]
    fn field_roundtrip() {
        for v in [0i64, 1, -1, 123456, -(1 << 40), i64::MAX / 4] {
            assert_eq!(i64_of_field(field_of_i64(v)), v);
        }
    }

    #[test]
    fn floor_rescale_negative() {
        // -1 / 64 floors to -1, not 0.
        assert_eq!((-1i64).div_euclid(64), -1);
        assert_eq!(sigmoid_index(-1), 127);
        assert_eq!(sigmoid_index(0), 128);
        assert_eq!(sigmoid_index(1 << 20), 255);
        assert_eq!(sigmoid_index(-(1 << 20)), 0);
    }

    #[test]
    fn digest_hex_roundtrip() {
        let d = input_hash(&[1, -2, 3]);
        assert_eq!(Digest::from_hex(&d.to_hex()).unwrap(), d);
        assert!(Digest::from_hex("00").is_err());
        assert!(Digest::from_bytes(&[0xff; 32]).is_err());
    }
}
