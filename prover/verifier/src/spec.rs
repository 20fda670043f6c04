//! Architecture specs and the fixed-point format shared by the integer inference and the
//! circuits.
//!
//! # Fixed-point format (format version 1)
//!
//! * Activations (inputs included) are signed integers in `[-2^23, 2^23)` at scale
//!   `2^ACT_FRAC_BITS` (= 256): the real value `v` is stored as `round(v * 256)`.
//! * Weights are signed 8-bit integers in `[-128, 128)` at scale `2^WEIGHT_FRAC_BITS` (= 64),
//!   i.e. real weights in `[-2, 2)` with a step of 1/64.
//! * Biases are signed integers in `[-2^23, 2^23)` at the product scale
//!   `2^(ACT_FRAC_BITS + WEIGHT_FRAC_BITS)` (= 2^14), so they add straight into the accumulator.
//! * A neuron computes `acc = b + sum_i w_i * x_i` exactly (no wrap: see `bounds` below), then
//!   rescales with a floor division `q = floor(acc / 2^WEIGHT_FRAC_BITS)` (an arithmetic shift,
//!   rounding towards minus infinity, also for negative values), and requires
//!   `q` in `[-2^23, 2^23)`. Hidden layers apply ReLU: `max(q, 0)`. The output layer returns `q`
//!   (a logit at scale 256).
//! * Bounds: with fan-in `n <= MAX_LAYER_WIDTH`, `|acc| < 2^23 + n * 2^7 * 2^23 < 2^43`, far
//!   below the Goldilocks modulus, so field arithmetic equals integer arithmetic.
//!
//! A value out of range is an error of the integer inference and unprovable in the circuit.

use std::fmt;

/// Version of the proof/circuit format; part of every circuit's domain separator. 2: salted
/// (hiding) commitments and a public binding in every proof.
pub const FORMAT_VERSION: u8 = 2;
/// Fractional bits of activations (inputs, hidden values, output logits).
pub const ACT_FRAC_BITS: u32 = 8;
/// Fractional bits of weights.
pub const WEIGHT_FRAC_BITS: u32 = 6;
/// Activations and biases live in `[-2^(ACT_BITS-1), 2^(ACT_BITS-1))`.
pub const ACT_BITS: u32 = 24;
/// Weights live in `[-2^(WEIGHT_BITS-1), 2^(WEIGHT_BITS-1))`.
pub const WEIGHT_BITS: u32 = 8;
/// Largest layer width a spec may use (keeps accumulators far from the field modulus).
pub const MAX_LAYER_WIDTH: usize = 4096;
/// Offset that maps a signed activation to `[0, 2^24)`.
pub const ACT_OFFSET: i64 = 1 << (ACT_BITS - 1);
/// Offset that maps a signed weight to `[0, 256)`.
pub const WEIGHT_OFFSET: i64 = 1 << (WEIGHT_BITS - 1);
/// Default number of rows of a score proof.
pub const DEFAULT_SCORE_ROWS: usize = 256;

/// An MLP architecture: layer widths from input to output, ReLU between layers, fixed-point
/// format of this module. Named like `mlp-16-32-16-1`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ArchSpec {
    layers: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpecError {
    #[error("architecture `{0}` is not of the form mlp-<in>-<hidden>...-<out>")]
    Syntax(String),
    #[error("architecture `{0}` needs an input, at least one hidden layer and an output")]
    TooShallow(String),
    #[error("architecture `{0}` has a layer width of 0 or above {MAX_LAYER_WIDTH}")]
    Width(String),
}

impl ArchSpec {
    /// The two architectures the project ships.
    pub const KNOWN: [&'static str; 2] = ["mlp-16-32-16-1", "mlp-64-128-128-1"];

    pub fn parse(name: &str) -> Result<Self, SpecError> {
        let rest = name
            .strip_prefix("mlp-")
            .ok_or_else(|| SpecError::Syntax(name.to_string()))?;
        let mut layers = Vec::new();
        for part in rest.split('-') {
            // Only plain decimal digits: the name is also the canonical encoding.
            if part.is_empty() || part.len() > 5 || !part.bytes().all(|c| c.is_ascii_digit()) {
                return Err(SpecError::Syntax(name.to_string()));
            }
            if part.len() > 1 && part.starts_with('0') {
                return Err(SpecError::Syntax(name.to_string()));
            }
            let w: usize = part
                .parse()
                .map_err(|_| SpecError::Syntax(name.to_string()))?;
            layers.push(w);
        }
        Self::new(layers).map_err(|e| match e {
            SpecError::TooShallow(_) => SpecError::TooShallow(name.to_string()),
            SpecError::Width(_) => SpecError::Width(name.to_string()),
            other => other,
        })
    }

    pub fn new(layers: Vec<usize>) -> Result<Self, SpecError> {
        let name = format!("{layers:?}");
        if layers.len() < 3 {
            return Err(SpecError::TooShallow(name));
        }
        if layers.iter().any(|&w| w == 0 || w > MAX_LAYER_WIDTH) {
            return Err(SpecError::Width(name));
        }
        Ok(Self { layers })
    }

    /// Layer widths, input first.
    pub fn layers(&self) -> &[usize] {
        &self.layers
    }
    pub fn input_len(&self) -> usize {
        self.layers[0]
    }
    pub fn output_len(&self) -> usize {
        *self.layers.last().expect("validated: >= 3 layers")
    }
    /// Number of weight matrices (= dense layers).
    pub fn num_dense(&self) -> usize {
        self.layers.len() - 1
    }
    /// (fan-in, fan-out) of dense layer `l`.
    pub fn dense_shape(&self, l: usize) -> (usize, usize) {
        (self.layers[l], self.layers[l + 1])
    }
    /// Number of quantized parameters (weights + biases).
    pub fn num_params(&self) -> usize {
        (0..self.num_dense())
            .map(|l| {
                let (i, o) = self.dense_shape(l);
                i * o + o
            })
            .sum()
    }
    /// Number of multiply-accumulates of one inference.
    pub fn num_macs(&self) -> usize {
        (0..self.num_dense())
            .map(|l| {
                let (i, o) = self.dense_shape(l);
                i * o
            })
            .sum()
    }
    pub fn name(&self) -> String {
        let parts: Vec<String> = self.layers.iter().map(|w| w.to_string()).collect();
        format!("mlp-{}", parts.join("-"))
    }
}

impl fmt::Display for ArchSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

impl std::str::FromStr for ArchSpec {
    type Err = SpecError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// Proof mode. Part of the verifier data: a circuit built for one mode rejects proofs of the
/// other.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Mode {
    /// No blinding; for models whose weights are published. Faster.
    Public,
    /// Zero knowledge: a public-mode proof (with lookups) is verified inside a wrapper circuit
    /// that has no lookups and is proved with plonky2's blinding; only the wrapper's proof is
    /// shown (see `prover/ZK.md`).
    Private,
    /// Like `Public` (no blinding) with a high FRI rate (1/64, 14 queries, same 100-bit
    /// conjectured security): slower to prove, proofs under 64 KB, faster to verify.
    Compact,
}

impl Mode {
    /// The mode of the circuit that computes the claim: a private proof is a zero-knowledge
    /// proof *of* a public-mode proof (see `circuit::build_zk_wrapper`), never shown.
    pub fn inner(self) -> Mode {
        match self {
            Mode::Private => Mode::Public,
            other => other,
        }
    }

    pub fn code(self) -> u8 {
        match self {
            Mode::Public => 0,
            Mode::Private => 1,
            Mode::Compact => 2,
        }
    }
    pub fn from_code(c: u8) -> Option<Self> {
        match c {
            0 => Some(Mode::Public),
            1 => Some(Mode::Private),
            2 => Some(Mode::Compact),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Public => "public",
            Mode::Private => "private",
            Mode::Compact => "compact",
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Mode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "public" => Ok(Mode::Public),
            "private" | "zk" => Ok(Mode::Private),
            "compact" => Ok(Mode::Compact),
            other => Err(format!("unknown mode `{other}` (public|private|compact)")),
        }
    }
}

/// What a circuit proves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProofKind {
    /// One inference: public (commitment, input hash, output).
    Inference,
    /// A batch of inferences in one proof: public (commitment, then per row the input hash and
    /// the output).
    Batch { rows: usize },
    /// A score over a labelled test set of a fixed number of rows: public (commitment,
    /// test-set hash, correct count, Brier sum).
    Score { rows: usize },
    /// `rows` inference proofs (possibly of different models and requests) aggregated into
    /// one zero-knowledge proof: public, each inference's claim in order.
    Aggregate { rows: usize },
}

impl ProofKind {
    pub fn name(self) -> &'static str {
        match self {
            ProofKind::Inference => "inference",
            ProofKind::Score { .. } => "score",
            ProofKind::Batch { .. } => "batch",
            ProofKind::Aggregate { .. } => "aggregate",
        }
    }
    pub fn code(self) -> u8 {
        match self {
            ProofKind::Inference => 1,
            ProofKind::Score { .. } => 2,
            ProofKind::Batch { .. } => 3,
            ProofKind::Aggregate { .. } => 4,
        }
    }
    pub fn rows(self) -> usize {
        match self {
            ProofKind::Inference => 0,
            ProofKind::Score { rows }
            | ProofKind::Batch { rows }
            | ProofKind::Aggregate { rows } => rows,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_names() {
        let a = ArchSpec::parse("mlp-16-32-16-1").unwrap();
        assert_eq!(a.layers(), &[16, 32, 16, 1]);
        assert_eq!(a.name(), "mlp-16-32-16-1");
        assert_eq!(a.num_params(), 16 * 32 + 32 + 32 * 16 + 16 + 16 + 1);
        for bad in [
            "mlp-16",
            "mlp-16-1",
            "cnn-1-2-3",
            "mlp-16--1",
            "mlp-016-2-1",
            "mlp-0-2-1",
            "mlp-1-2-99999",
        ] {
            assert!(ArchSpec::parse(bad).is_err(), "{bad}");
        }
    }
}
