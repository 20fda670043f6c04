//! Synthetic credit-scoring dataset in the spirit of on-chain lending.
//!
//! Generator (deterministic for a seed; ChaCha8 from `rand_chacha`, normals by Box-Muller):
//! each row is a wallet with
//!
//! | # | feature | distribution (raw) | normalised to ~[0, 1] by |
//! |---|---|---|---|
//! | 0 | wallet age (days) | exponential, mean 400 | `/ 1500`, clipped |
//! | 1 | borrow count | Poisson-like `floor(exp(N(2, 1)))` | `ln(1+x)/6` |
//! | 2 | repay count | `borrows * repay_rate` (rate ~ Beta-like from the wallet's "quality") | `ln(1+x)/6` |
//! | 3 | liquidations | `floor(borrows * liq_rate)` | `ln(1+x)/4` |
//! | 4 | utilisation (debt / collateral) | `clip(N(0.45 + 0.25 (1-quality), 0.15), 0, 1.2)` | as is |
//! | 5 | total borrowed (USD) | `exp(N(8, 2))` | `ln(1+x)/16` |
//! | 6 | collateral (USD) | `borrowed * (1 + exp(N(0.3, 0.5)))` | `ln(1+x)/16` |
//! | 7 | repay ratio | repays / max(borrows, 1) | as is |
//! | 8 | days since last liquidation | 0 if none else uniform(0, age) | `/ 1500` |
//! | 9 | protocols used | `1 + floor(exp(N(0.7, 0.6)))` | `/ 10` |
//! | 10 | average health factor | `clip(1 / max(util, 0.05), 0, 5)` | `/ 5` |
//! | 11 | max drawdown of collateral | uniform(0, 0.8) | as is |
//! | 12 | transactions | `exp(N(4, 1.2))` | `ln(1+x)/10` |
//! | 13 | stablecoin share | uniform(0, 1) | as is |
//! | 14 | flash-loan count | `floor(exp(N(-1, 1)))` | `ln(1+x)/4` |
//! | 15 | governance votes | `floor(exp(N(0, 1.2))) * quality` | `ln(1+x)/5` |
//!
//! A hidden "quality" `u ~ U(0,1)` drives several features. The label (1 = the wallet
//! defaults within the horizon) is drawn from `Bernoulli(sigmoid(2 s))`, with
//! `s = -0.2 + 3.0 (util - 0.5) + 1.4 liq_norm - 2.2 (repay_ratio - 0.7) - 1.2 age_norm
//!     + 0.8 drawdown - 0.6 (health_norm - 0.3) + 0.8 (util - 0.5)^2 * 4 + N(0, 0.35)`.
//!
//! Wider architectures (64 inputs) get 48 derived features after the 16 base ones:
//! 16 squares `f_i^2`, 16 products `f_i * f_{(i+1) mod 16}`, and 16 noise features `U(0,1)`.
//! Rows are split train/test by index: the first 80% train, the rest test.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

pub const DEFAULT_SEED: u64 = 42;
pub const DEFAULT_ROWS: usize = 5000;
pub const TRAIN_FRACTION: f64 = 0.8;
pub const BASE_FEATURES: usize = 16;

pub const FEATURE_NAMES: [&str; BASE_FEATURES] = [
    "wallet_age",
    "borrow_count",
    "repay_count",
    "liquidations",
    "utilisation",
    "total_borrowed",
    "collateral",
    "repay_ratio",
    "days_since_liquidation",
    "protocols",
    "health_factor",
    "max_drawdown",
    "transactions",
    "stablecoin_share",
    "flash_loans",
    "governance_votes",
];

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dataset {
    pub seed: u64,
    pub features: usize,
    /// Normalised features, `rows x features`.
    pub x: Vec<Vec<f32>>,
    /// 1 = default.
    pub y: Vec<u8>,
    /// Number of leading rows in the train split.
    pub train_rows: usize,
}

impl Dataset {
    pub fn train(&self) -> (&[Vec<f32>], &[u8]) {
        (&self.x[..self.train_rows], &self.y[..self.train_rows])
    }
    pub fn test(&self) -> (&[Vec<f32>], &[u8]) {
        (&self.x[self.train_rows..], &self.y[self.train_rows..])
    }
    pub fn default_rate(&self) -> f64 {
        self.y.iter().map(|&v| v as f64).sum::<f64>() / self.y.len() as f64
    }
}

fn normal(rng: &mut ChaCha8Rng, mean: f64, sd: f64) -> f64 {
    // Box-Muller
    let u1: f64 = rng.gen::<f64>().max(1e-12);
    let u2: f64 = rng.gen();
    mean + sd * (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Generates `rows` wallets with `features` (16, or more: derived features) columns.
pub fn generate(seed: u64, rows: usize, features: usize) -> Dataset {
    assert!(features >= BASE_FEATURES, "at least 16 features");
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut x = Vec::with_capacity(rows);
    let mut y = Vec::with_capacity(rows);
    for _ in 0..rows {
        let quality: f64 = rng.gen();
        let age = -400.0 * rng.gen::<f64>().max(1e-12).ln();
        let borrows = normal(&mut rng, 2.0, 1.0).exp().floor();
        let repay_rate = (0.4 + 0.6 * quality + normal(&mut rng, 0.0, 0.1)).clamp(0.0, 1.0);
        let repays = (borrows * repay_rate).floor();
        let liq_rate = ((1.0 - quality) * 0.3 * rng.gen::<f64>()).clamp(0.0, 1.0);
        let liquidations = (borrows * liq_rate).floor();
        let util = normal(&mut rng, 0.45 + 0.25 * (1.0 - quality), 0.15).clamp(0.0, 1.2);
        let borrowed = normal(&mut rng, 8.0, 2.0).exp();
        let collateral = borrowed * (1.0 + normal(&mut rng, 0.3, 0.5).exp());
        let repay_ratio = repays / borrows.max(1.0);
        let since_liq = if liquidations > 0.0 {
            rng.gen::<f64>() * age
        } else {
            0.0
        };
        let protocols = 1.0 + normal(&mut rng, 0.7, 0.6).exp().floor();
        let health = (1.0 / util.max(0.05)).clamp(0.0, 5.0);
        let drawdown = rng.gen::<f64>() * 0.8;
        let txs = normal(&mut rng, 4.0, 1.2).exp();
        let stable: f64 = rng.gen();
        let flash = normal(&mut rng, -1.0, 1.0).exp().floor();
        let votes = (normal(&mut rng, 0.0, 1.2).exp().floor() * quality).floor();

        let ln1p = |v: f64| (1.0 + v).ln();
        let f = [
            (age / 1500.0).min(1.5),
            ln1p(borrows) / 6.0,
            ln1p(repays) / 6.0,
            ln1p(liquidations) / 4.0,
            util,
            ln1p(borrowed) / 16.0,
            ln1p(collateral) / 16.0,
            repay_ratio,
            (since_liq / 1500.0).min(1.5),
            protocols / 10.0,
            health / 5.0,
            drawdown,
            ln1p(txs) / 10.0,
            stable,
            ln1p(flash) / 4.0,
            ln1p(votes) / 5.0,
        ];
        let s = -0.2 + 3.0 * (util - 0.5) + 1.4 * f[3] - 2.2 * (repay_ratio - 0.7) - 1.2 * f[0]
            + 0.8 * drawdown
            - 0.6 * (f[10] - 0.3)
            + 0.8 * (util - 0.5).powi(2) * 4.0
            + normal(&mut rng, 0.0, 0.35);
        let label = (rng.gen::<f64>() < sigmoid(2.0 * s)) as u8;

        let mut row: Vec<f32> = f.iter().map(|&v| v as f32).collect();
        let mut k = 0;
        while row.len() < features {
            let i = k % BASE_FEATURES;
            let v = match k / BASE_FEATURES {
                0 => f[i] * f[i],
                1 => f[i] * f[(i + 1) % BASE_FEATURES],
                _ => rng.gen::<f64>(),
            };
            row.push(v as f32);
            k += 1;
        }
        x.push(row);
        y.push(label);
    }
    Dataset {
        seed,
        features,
        x,
        y,
        train_rows: (rows as f64 * TRAIN_FRACTION) as usize,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_balanced() {
        let a = generate(7, 500, 16);
        let b = generate(7, 500, 16);
        assert_eq!(a, b);
        assert_ne!(a, generate(8, 500, 16));
        let r = a.default_rate();
        assert!(r > 0.2 && r < 0.8, "default rate {r}");
        let w = generate(7, 10, 64);
        assert_eq!(w.x[0].len(), 64);
        assert_eq!(&w.x[0][..16], &generate(7, 10, 16).x[0][..]);
    }
}
