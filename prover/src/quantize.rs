//! Float -> fixed point (format of `inferchain_verifier::spec`).
//!
//! Rounding is to nearest, halves away from zero (`f64::round`), then saturating to the
//! representable range:
//! * weights: `clamp(round(w * 64), -128, 127)`;
//! * biases: `clamp(round(b * 2^14), -2^23, 2^23 - 1)` (the product scale);
//! * inputs: `clamp(round(x * 256), -2^23, 2^23 - 1)`.

use inferchain_verifier::spec::{ACT_FRAC_BITS, ACT_OFFSET, WEIGHT_FRAC_BITS, WEIGHT_OFFSET};
use inferchain_verifier::{QuantLayer, QuantModel, Salt, TestSet};

use crate::model::FloatModel;

fn q(v: f64, frac: u32, lo: i64, hi: i64) -> i64 {
    ((v * (1u64 << frac) as f64).round() as i64).clamp(lo, hi)
}

pub fn quantize_weight(w: f32) -> i64 {
    q(
        w as f64,
        WEIGHT_FRAC_BITS,
        -WEIGHT_OFFSET,
        WEIGHT_OFFSET - 1,
    )
}

pub fn quantize_bias(b: f32) -> i64 {
    q(
        b as f64,
        WEIGHT_FRAC_BITS + ACT_FRAC_BITS,
        -ACT_OFFSET,
        ACT_OFFSET - 1,
    )
}

pub fn quantize_input(x: &[f32]) -> Vec<i64> {
    x.iter()
        .map(|&v| q(v as f64, ACT_FRAC_BITS, -ACT_OFFSET, ACT_OFFSET - 1))
        .collect()
}

/// Quantized model plus how many weights saturated.
pub fn quantize_model(m: &FloatModel) -> (QuantModel, usize) {
    let mut clipped = 0;
    let layers = m
        .layers
        .iter()
        .map(|l| QuantLayer {
            weights: l
                .weights
                .iter()
                .map(|&w| {
                    let v = quantize_weight(w);
                    if v == -WEIGHT_OFFSET || v == WEIGHT_OFFSET - 1 {
                        clipped += 1;
                    }
                    v
                })
                .collect(),
            bias: l.bias.iter().map(|&b| quantize_bias(b)).collect(),
        })
        .collect();
    (
        QuantModel {
            arch: m.arch.clone(),
            layers,
            salt: fresh_salt(),
        },
        clipped,
    )
}

pub fn quantize_testset(x: &[Vec<f32>], y: &[u8]) -> TestSet {
    TestSet {
        rows: x.iter().map(|r| quantize_input(r)).collect(),
        labels: y.iter().map(|&v| v as i64).collect(),
    }
}

/// Accuracy of float logits (class 1 iff logit >= 0).
pub fn accuracy_float(m: &FloatModel, x: &[Vec<f32>], y: &[u8]) -> f64 {
    let ok = x
        .iter()
        .zip(y)
        .filter(|(r, &l)| ((m.logit(r) >= 0.0) as u8) == l)
        .count();
    ok as f64 / x.len() as f64
}

/// Accuracy of the integer inference (class 1 iff logit >= 0). Rows whose inference leaves the
/// fixed-point range count as wrong.
pub fn accuracy_quant(m: &QuantModel, set: &TestSet) -> f64 {
    let ok = set
        .rows
        .iter()
        .zip(&set.labels)
        .filter(|(r, &l)| matches!(m.infer(r), Ok(z) if ((z[0] >= 0) as i64) == l))
        .count();
    ok as f64 / set.rows.len() as f64
}

/// A new private salt from the operating system's randomness (each quantization of the same
/// weights commits differently; the salt is saved with the model).
pub fn fresh_salt() -> Salt {
    use rand::RngCore;
    let mut b = [0u8; 24];
    rand::rngs::OsRng.fill_bytes(&mut b);
    Salt::from_random_bytes(b)
}
