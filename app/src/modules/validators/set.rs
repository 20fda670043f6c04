//! The pure part of the validator set: stake → power, the top N, the diff CometBFT gets, and
//! the pro-rata split of fees among signers. No state, so every rule is unit-tested here.

use std::collections::BTreeMap;

use inferchain_proto::inferchain::validators::v1 as pb;
use sha2::{Digest, Sha256};

/// At most this many seats (the `max_validators` param's bound).
pub const MAX_VALIDATORS: u32 = 1000;

/// The largest power one validator gets: CometBFT refuses a set whose total exceeds
/// `i64::MAX / 8`, and a set has at most [`MAX_VALIDATORS`] members.
pub const MAX_POWER: i64 = i64::MAX / 8 / MAX_VALIDATORS as i64;

/// A bonded validator of the staking contract with a registered (proven) consensus key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// The operator's bech32 address.
    pub operator: String,
    /// ed25519 consensus public key, 32 bytes.
    pub pubkey: Vec<u8>,
    /// Bonded stake in uspec.
    pub stake: u128,
}

/// CometBFT's address of an ed25519 key: the first 20 bytes of its sha256.
pub fn consensus_address(pubkey: &[u8]) -> Vec<u8> {
    Sha256::digest(pubkey)[..20].to_vec()
}

/// Voting power of `stake`: whole units of `power_reduction` uspec, capped at [`MAX_POWER`].
pub fn power_of(stake: u128, power_reduction: u128) -> i64 {
    (stake / power_reduction.max(1)).min(MAX_POWER as u128) as i64
}

/// The set the candidates give: those with power, one seat per key (the larger stake keeps
/// it), the `max` largest stakes (ties broken by key, so every node picks the same), ordered
/// by key.
pub fn select(candidates: &[Candidate], max: usize, power_reduction: u128) -> Vec<pb::Validator> {
    let mut by_stake: Vec<&Candidate> = candidates
        .iter()
        .filter(|c| c.pubkey.len() == 32 && power_of(c.stake, power_reduction) > 0)
        .collect();
    by_stake.sort_by(|a, b| b.stake.cmp(&a.stake).then_with(|| a.pubkey.cmp(&b.pubkey)));
    let mut seats: BTreeMap<&[u8], pb::Validator> = BTreeMap::new();
    for c in by_stake {
        if seats.len() == max {
            break;
        }
        seats.entry(&c.pubkey).or_insert_with(|| pb::Validator {
            pubkey: c.pubkey.clone(),
            address: consensus_address(&c.pubkey),
            power: power_of(c.stake, power_reduction),
            operator: c.operator.clone(),
        });
    }
    seats.into_values().collect()
}

/// The changes that turn `current` into `target`: `(pubkey, power)`, power 0 for a validator
/// that leaves, ordered by key; a member whose power stays is not named.
pub fn diff(current: &[pb::Validator], target: &[pb::Validator]) -> Vec<(Vec<u8>, i64)> {
    let now: BTreeMap<&[u8], i64> = current
        .iter()
        .map(|v| (v.pubkey.as_slice(), v.power))
        .collect();
    let next: BTreeMap<&[u8], i64> = target
        .iter()
        .map(|v| (v.pubkey.as_slice(), v.power))
        .collect();
    let mut changes: BTreeMap<&[u8], i64> = BTreeMap::new();
    for (pk, _) in now.iter().filter(|(pk, _)| !next.contains_key(*pk)) {
        changes.insert(pk, 0);
    }
    for (pk, power) in &next {
        if now.get(pk) != Some(power) {
            changes.insert(pk, *power);
        }
    }
    changes
        .into_iter()
        .map(|(pk, power)| (pk.to_vec(), power))
        .collect()
}

/// Each signer's part of `amount`, pro rata by `powers` over `total_power` (the power of all
/// who signed, paid or not), rounded down: what rounding leaves stays with the payer.
pub fn shares(amount: u128, powers: &[i64], total_power: i64) -> Vec<u128> {
    if total_power <= 0 {
        return vec![0; powers.len()];
    }
    powers
        .iter()
        .map(|&p| {
            if p <= 0 {
                return 0;
            }
            cosmwasm_std::Uint128::new(amount)
                .multiply_ratio(p as u128, total_power as u128)
                .u128()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cand(op: &str, key: u8, stake: u128) -> Candidate {
        Candidate {
            operator: op.into(),
            pubkey: vec![key; 32],
            stake,
        }
    }

    fn val(key: u8, power: i64) -> pb::Validator {
        pb::Validator {
            pubkey: vec![key; 32],
            address: consensus_address(&[key; 32]),
            power,
            operator: String::new(),
        }
    }

    #[test]
    fn power_is_whole_units_of_the_reduction_and_capped() {
        assert_eq!(power_of(999_999, 1_000_000), 0);
        assert_eq!(power_of(1_000_000, 1_000_000), 1);
        assert_eq!(power_of(2_999_999, 1_000_000), 2);
        assert_eq!(power_of(u128::MAX, 1), MAX_POWER);
        // 1000 validators at the cap stay within CometBFT's total.
        assert!(MAX_POWER.checked_mul(1000).unwrap() <= i64::MAX / 8);
    }

    #[test]
    fn the_largest_stakes_with_power_take_the_seats_in_key_order() {
        let cands = [
            cand("a", 5, 3_000_000),
            cand("b", 1, 1_000_000),
            cand("c", 9, 500_000), // no power
            cand("d", 3, 3_000_000),
            cand("e", 7, 2_000_000),
        ];
        let set = select(&cands, 3, 1_000_000);
        let keys: Vec<u8> = set.iter().map(|v| v.pubkey[0]).collect();
        assert_eq!(keys, vec![3, 5, 7], "3 M, 3 M, 2 M; ordered by key");
        assert_eq!(set[0].power, 3);
        assert_eq!(set[2].operator, "e");
        assert_eq!(set[0].address, consensus_address(&[3; 32]));
        // A tie at the last seat goes to the smaller key, whatever order the contract gave.
        let tie = [cand("x", 8, 2_000_000), cand("y", 2, 2_000_000)];
        for order in [tie.to_vec(), tie.iter().rev().cloned().collect()] {
            let set = select(&order, 1, 1_000_000);
            assert_eq!(set[0].operator, "y");
        }
        // Nobody with power: an empty set (the caller keeps the current one).
        assert!(select(&[cand("c", 9, 1)], 3, 1_000_000).is_empty());
        // A key listed twice keeps one seat, the larger stake's.
        let set = select(
            &[cand("p", 4, 5_000_000), cand("q", 4, 9_000_000)],
            3,
            1_000_000,
        );
        assert_eq!(set.len(), 1);
        assert_eq!((set[0].operator.as_str(), set[0].power), ("q", 9));
    }

    #[test]
    fn the_diff_removes_with_power_zero_adds_and_reweighs_in_key_order() {
        let current = [val(1, 10), val(2, 10), val(3, 10)];
        let target = [val(2, 10), val(3, 7), val(4, 5)];
        assert_eq!(
            diff(&current, &target),
            vec![(vec![1; 32], 0), (vec![3; 32], 7), (vec![4; 32], 5)]
        );
        assert!(diff(&current, &current).is_empty());
        assert_eq!(diff(&[], &[val(9, 1)]), vec![(vec![9; 32], 1)]);
    }

    #[test]
    fn fees_split_by_power_rounding_down() {
        // 100 over powers 1, 1, 1: 33 each, 1 stays.
        let s = shares(100, &[1, 1, 1], 3);
        assert_eq!(s, vec![33, 33, 33]);
        // An unpaid signer's power counts in the total: its part stays too.
        assert_eq!(shares(100, &[3, 1], 5), vec![60, 20]);
        assert_eq!(shares(7, &[0, 2], 2), vec![0, 7]);
        assert_eq!(shares(5, &[1], 0), vec![0]);
        // No overflow with huge balances and powers.
        let big = shares(u128::MAX, &[MAX_POWER, MAX_POWER], 2 * MAX_POWER);
        assert_eq!(big, vec![u128::MAX / 2, u128::MAX / 2]);
    }
}
