//! What the verifier's test binaries share.

use inferchain_verifier::{ArchSpec, QuantLayer, QuantModel, Salt};

/// A fixed, deterministic model of `arch` (the one whose commitment `circuit.rs` pins, under
/// `salt`).
pub fn fixed_model(arch: &ArchSpec, salt: Salt) -> QuantModel {
    QuantModel {
        arch: arch.name(),
        layers: (0..arch.num_dense())
            .map(|l| {
                let (i, o) = arch.dense_shape(l);
                QuantLayer {
                    weights: (0..i * o).map(|k| ((k * 7 + l) % 11) as i64 - 5).collect(),
                    bias: (0..o).map(|k| k as i64 * 3 - 7).collect(),
                }
            })
            .collect(),
        salt,
    }
}
