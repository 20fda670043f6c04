//! The reputation formula, in integers only (see `contracts/README.md`).
//!
//! ```text
//! on a challenge result (rank r of n scored models):
//!     performance = performance * decay_bps / 10_000
//!                 + challenge_weight * (n - r + 1) * (1 + floor(log2 n)) / n
//! on consumption of c inferences:
//!     consumption += c
//!     consumption_score = consumption_weight * log2(1 + consumption)   (16 fractional bits)
//! on a slash:
//!     penalty += slash_penalty
//! score = max(0, performance + consumption_score - penalty)
//! ```
//! Every update touches one modeler, so the formula is recomputed incrementally.

use cosmwasm_std::{StdResult, Uint128};

use crate::msg::{FormulaParams, Reputation};

/// Fractional bits of [`log2_fixed`].
pub const LOG2_FRAC_BITS: u32 = 16;

/// `log2(x)` in fixed point with [`LOG2_FRAC_BITS`] fractional bits, rounded down; 0 for x <= 1.
pub fn log2_fixed(x: u128) -> u128 {
    if x <= 1 {
        return 0;
    }
    let int = 127 - x.leading_zeros(); // floor(log2 x)
    const ONE: u128 = 1 << 32; // the mantissa's own fixed point (32 fractional bits)
                               // mantissa y = x / 2^int in [1, 2), as y * 2^32
    let mut y = if int >= 32 {
        x >> (int - 32)
    } else {
        x << (32 - int)
    };
    let mut frac: u128 = 0;
    for _ in 0..LOG2_FRAC_BITS {
        y = (y * y) >> 32; // y < 2^34, so y*y < 2^68: no overflow
        frac <<= 1;
        if y >= 2 * ONE {
            y >>= 1;
            frac |= 1;
        }
    }
    ((int as u128) << LOG2_FRAC_BITS) | frac
}

/// Points for placing `rank` (1-based) among `field_size` scored models.
pub fn challenge_points(params: &FormulaParams, rank: u32, field_size: u32) -> StdResult<Uint128> {
    let n = field_size as u128;
    let placement = n - rank as u128 + 1;
    let size_factor = 1 + (127 - n.leading_zeros()) as u128;
    Ok(params
        .challenge_weight
        .checked_mul(Uint128::new(placement * size_factor))?
        .checked_div(Uint128::new(n))?)
}

pub fn recompute_score(params: &FormulaParams, rep: &mut Reputation) -> StdResult<()> {
    let log = log2_fixed(rep.consumption.u128().saturating_add(1));
    rep.consumption_score = params
        .consumption_weight
        .checked_mul(Uint128::new(log))?
        .checked_div(Uint128::new(1 << LOG2_FRAC_BITS))?;
    rep.score = (rep.performance + rep.consumption_score).saturating_sub(rep.penalty);
    Ok(())
}

pub fn apply_challenge_result(
    params: &FormulaParams,
    rep: &mut Reputation,
    rank: u32,
    field_size: u32,
) -> StdResult<()> {
    rep.performance = rep
        .performance
        .multiply_ratio(params.decay_bps as u128, 10_000u128)
        .checked_add(challenge_points(params, rank, field_size)?)?;
    rep.challenges += 1;
    if rank == 1 {
        rep.wins += 1;
    }
    recompute_score(params, rep)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log2_fixed_exact_powers_and_fractions() {
        assert_eq!(log2_fixed(0), 0);
        assert_eq!(log2_fixed(1), 0);
        assert_eq!(log2_fixed(2), 1 << 16);
        assert_eq!(log2_fixed(1024), 10 << 16);
        // log2(3) = 1.5849625 -> 1.5849625 * 65536 = 103872.3
        assert_eq!(log2_fixed(3), 103872);
        // log2(10^6) = 19.931568569 -> 1306235.6
        let v = log2_fixed(1_000_000);
        assert!((1306234..=1306236).contains(&v), "{v}");
        assert_eq!(log2_fixed(u128::MAX) >> 16, 127);
    }

    #[test]
    fn points_scale_with_placement_and_field() {
        let p = FormulaParams {
            decay_bps: 9000,
            challenge_weight: Uint128::new(1000),
            consumption_weight: Uint128::new(100),
            slash_penalty: Uint128::new(500),
        };
        // winner of 4: 1000 * 4 * 3 / 4
        assert_eq!(challenge_points(&p, 1, 4).unwrap(), Uint128::new(3000));
        // last of 4: 1000 * 1 * 3 / 4
        assert_eq!(challenge_points(&p, 4, 4).unwrap(), Uint128::new(750));
        // winner of 1: 1000 * 1 * 1 / 1
        assert_eq!(challenge_points(&p, 1, 1).unwrap(), Uint128::new(1000));
        let mut rep = Reputation::default();
        apply_challenge_result(&p, &mut rep, 1, 4).unwrap();
        apply_challenge_result(&p, &mut rep, 1, 1).unwrap();
        assert_eq!(rep.performance, Uint128::new(3000 * 9 / 10 + 1000));
        rep.penalty = Uint128::new(10_000);
        recompute_score(&p, &mut rep).unwrap();
        assert_eq!(rep.score, Uint128::zero());
    }
}
