//! The credit policy: integer maps from a logit to a credit limit and from an amount to its fee.

use cosmwasm_std::{Uint128, Uint256};

pub const BPS: u16 = 10_000;

/// `max_credit * clamp(logit - min_logit, 0, span) / span` with `span = max_logit - min_logit`
/// (> 0), rounded down: zero at or below `min_logit`, `max_credit` at or above `max_logit`,
/// linear between.
pub fn credit_limit(max_credit: Uint128, min_logit: i64, max_logit: i64, logit: i64) -> Uint128 {
    let span = i128::from(max_logit) - i128::from(min_logit);
    if span <= 0 {
        return Uint128::zero();
    }
    let x = (i128::from(logit) - i128::from(min_logit)).clamp(0, span);
    // Both fit in u128: 0 <= x <= span < 2^65.
    max_credit.multiply_ratio(x as u128, span as u128)
}

/// `ceil(amount * bps / 10000)`.
pub fn fee(amount: Uint128, bps: u16) -> Uint128 {
    ceil_ratio(amount, u128::from(bps), u128::from(BPS))
        .expect("bps <= 10000: the fee is at most the amount")
}

/// `ceil(a * num / den)`, `None` when it overflows `Uint128`; `den` > 0.
pub fn ceil_ratio(a: Uint128, num: u128, den: u128) -> Option<Uint128> {
    let product = a.full_mul(num);
    let den = Uint256::from(den);
    let q = product / den;
    let q = if (q * den) == product {
        q
    } else {
        q + Uint256::one()
    };
    Uint128::try_from(q).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_is_linear_between_the_logits_and_clamped_outside() {
        let max = Uint128::new(1_000_000);
        // min_logit -256 (-1.0), max_logit 768 (3.0): span 1024.
        let limit = |logit| credit_limit(max, -256, 768, logit).u128();
        assert_eq!(limit(i64::MIN), 0);
        assert_eq!(limit(-10_000), 0);
        assert_eq!(limit(-256), 0);
        assert_eq!(limit(-255), 976); // 1_000_000 / 1024 = 976.56…
        assert_eq!(limit(0), 250_000);
        assert_eq!(limit(256), 500_000);
        assert_eq!(limit(312), 554_687); // 568/1024 = 0.5546875
        assert_eq!(limit(767), 999_023);
        assert_eq!(limit(768), 1_000_000);
        assert_eq!(limit(i64::MAX), 1_000_000);
        // The extremes of i64 as bounds do not overflow.
        assert_eq!(credit_limit(max, i64::MIN, i64::MAX, 0).u128(), 500_000);
        assert_eq!(credit_limit(Uint128::MAX, 0, 1, 5), Uint128::MAX);
        // Degenerate policy (rejected by the config check): no credit.
        assert_eq!(credit_limit(max, 5, 5, 10).u128(), 0);
    }

    #[test]
    fn fee_rounds_up() {
        assert_eq!(fee(Uint128::new(1000), 50).u128(), 5);
        assert_eq!(fee(Uint128::new(1001), 50).u128(), 6);
        assert_eq!(fee(Uint128::new(1), 1).u128(), 1);
        assert_eq!(fee(Uint128::new(0), 100).u128(), 0);
        assert_eq!(fee(Uint128::new(123), 0).u128(), 0);
        assert_eq!(fee(Uint128::MAX, BPS), Uint128::MAX);
        assert_eq!(ceil_ratio(Uint128::MAX, 2, 1), None);
    }
}
