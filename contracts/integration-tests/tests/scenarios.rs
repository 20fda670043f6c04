//! The "what it must show" scenarios of issue 4, each across the four contracts, each ending
//! with the bank conservation invariant.

mod common;

use common::*;
use cosmwasm_std::{Decimal, Uint128};
use inferchain_challenge::msg as ch;
use inferchain_reputation::msg as rep;
use inferchain_staking::msg as stk;

/// The hidden test set: 8 rows of the architecture's 16 features, canonical ICTS v1.
fn test_set() -> Vec<u8> {
    icts(8, 16, 1)
}

/// Stakes three modelers, runs a challenge with their three models to payouts.
/// Returns (challenge id, [commitments of m1, m2, m3]).
fn run_scored_challenge(s: &mut Suite, bounty: u128, bps: Vec<u32>) -> (u64, [String; 3]) {
    for m in ["m1", "m2", "m3"] {
        s.bond(m, stk::Role::Modeler, 2_000);
    }
    let msg = s.challenge_msg(&test_set(), bps);
    let id = s.create_challenge("creator", msg, bounty);
    let c = [commitment("m1-a"), commitment("m2-a"), commitment("m3-b")];
    s.submit("m1", id, &c[0]).unwrap();
    s.next_block(5);
    s.submit("m2", id, &c[1]).unwrap();
    // m3 submits, then replaces its own model before the deadline.
    s.submit("m3", id, &commitment("m3-a")).unwrap();
    s.next_block(5);
    let first = s.model(id, "m3").sequence;
    s.submit("m3", id, &c[2]).unwrap();
    // The re-submission overwrote m3's one entry: new commitment, later sequence.
    let m3 = s.model(id, "m3");
    assert_eq!(m3.commitment, c[2]);
    assert!(m3.sequence > first && m3.sequence > s.model(id, "m2").sequence);
    assert_eq!(m3.submitted_at, s.now());

    s.next_block(100); // past the submission deadline
    s.reveal(id, &test_set()).unwrap();
    // m1 and m3 tie; m1 submitted earlier and ranks higher.
    s.record_score(id, "m1", &c[0], Decimal::percent(91))
        .unwrap();
    s.record_score(id, "m2", &c[1], Decimal::percent(95))
        .unwrap();
    s.record_score(id, "m3", &c[2], Decimal::percent(91))
        .unwrap();
    s.next_block(200); // past the scoring deadline
    (id, c)
}

#[test]
fn full_challenge_flow_pays_top_k_and_updates_reputation() {
    let mut s = Suite::new();
    let creator_before = s.user_balance("creator");
    // 10_001 with 50/30/20: payouts 5000/3000/2000 (floored), 1 left for the creator.
    let (id, c) = run_scored_challenge(&mut s, 10_001, vec![5_000, 3_000, 2_000]);
    let board: ch::LeaderboardResponse = s.query(
        &s.challenge,
        &ch::QueryMsg::Leaderboard { challenge_id: id },
    );
    let order: Vec<_> = board.entries.iter().map(|e| e.commitment.clone()).collect();
    assert_eq!(order, vec![c[1].clone(), c[0].clone(), c[2].clone()]);
    let modelers: Vec<_> = board.entries.iter().map(|e| e.modeler.clone()).collect();
    assert_eq!(modelers, vec![s.addr("m2"), s.addr("m1"), s.addr("m3")]);

    let before: Vec<u128> = ["m1", "m2", "m3"]
        .iter()
        .map(|m| s.user_balance(m))
        .collect();
    s.exec(
        "anyone",
        &s.challenge.clone(),
        &ch::ExecuteMsg::Finalize { challenge_id: id },
        0,
    )
    .unwrap();
    assert_eq!(s.user_balance("m2"), before[1] + 5_000);
    assert_eq!(s.user_balance("m1"), before[0] + 3_000);
    assert_eq!(s.user_balance("m3"), before[2] + 2_000);
    // The creator paid deposit + bounty and got deposit + remainder back.
    assert_eq!(s.user_balance("creator"), creator_before - 10_001 + 1);

    let info = s.challenge_info(id);
    assert_eq!(info.status, ch::ChallengeStatus::Finalized);
    assert_eq!(
        info.feed_models,
        vec![
            s.feed("m2", &c[1]),
            s.feed("m1", &c[0]),
            s.feed("m3", &c[2])
        ]
    );
    assert_eq!(s.model(id, "m2").rank, Some(1));
    assert_eq!(s.model(id, "m3").payout, Uint128::new(2_000));
    let finalized: ch::ChallengesResponse = s.query(
        &s.challenge,
        &ch::QueryMsg::Challenges {
            status: Some(ch::ChallengeStatus::Finalized),
            start_after: None,
            limit: None,
        },
    );
    assert_eq!(finalized.challenges.len(), 1);

    // Reputation: field of 3, size factor 1 + floor(log2 3) = 2, weight 1000:
    // rank 1: 1000*3*2/3 = 2000, rank 2: 1000*2*2/3 = 1333, rank 3: 1000*1*2/3 = 666.
    assert_eq!(s.reputation_of("m2").score, Uint128::new(2_000));
    assert_eq!(s.reputation_of("m1").score, Uint128::new(1_333));
    assert_eq!(s.reputation_of("m3").score, Uint128::new(666));
    assert_eq!(s.reputation_of("m2").wins, 1);
    let ranking: rep::RankingResponse = s.query(
        &s.reputation,
        &rep::QueryMsg::Ranking {
            start_after: None,
            limit: Some(2),
        },
    );
    let top: Vec<_> = ranking.ranking.iter().map(|r| r.address.clone()).collect();
    assert_eq!(top, vec![s.addr("m2"), s.addr("m1")]);
    let rest: rep::RankingResponse = s.query(
        &s.reputation,
        &rep::QueryMsg::Ranking {
            start_after: Some(s.addr("m1").to_string()),
            limit: Some(10),
        },
    );
    assert_eq!(rest.ranking.len(), 1);
    assert_eq!(rest.ranking[0].address, s.addr("m3"));
    s.assert_conservation();
}

#[test]
fn cancelled_challenge_refunds_bounty_and_burns_deposit() {
    let mut s = Suite::new();
    s.bond("m1", stk::Role::Modeler, 2_000);
    let creator_before = s.user_balance("creator");
    let msg = s.challenge_msg(&test_set(), vec![10_000]);
    let id = s.create_challenge("creator", msg, 7_000);
    s.submit("m1", id, &commitment("m1")).unwrap();
    assert_eq!(s.balance(&s.challenge), 8_000);

    s.next_block(100); // submissions closed, reveal window open, creator stays silent
    s.assert_rejected(
        inferchain_challenge::error::ContractError::RevealDeadlineNotReached {},
        |s| {
            s.exec(
                "anyone",
                &s.challenge.clone(),
                &ch::ExecuteMsg::CancelUnrevealed { challenge_id: id },
                0,
            )
        },
    );
    s.next_block(100); // reveal deadline passed
                       // Too late to reveal now.
    s.assert_rejected(
        inferchain_challenge::error::ContractError::RevealWindowClosed {},
        |s| {
            s.exec(
                "creator",
                &s.challenge.clone(),
                &ch::ExecuteMsg::RevealTestSet {
                    challenge_id: id,
                    test_set_uri: "ipfs://late".into(),
                    test_set: test_set().into(),
                },
                0,
            )
        },
    );
    let supply_before = s.app.wrap().query_supply(DENOM).unwrap().amount;
    s.exec(
        "anyone",
        &s.challenge.clone(),
        &ch::ExecuteMsg::CancelUnrevealed { challenge_id: id },
        0,
    )
    .unwrap();
    s.expected_burned += CREATION_DEPOSIT;
    let supply_after = s.app.wrap().query_supply(DENOM).unwrap().amount;
    assert_eq!(
        supply_before - supply_after,
        cosmwasm_std::Uint256::from(CREATION_DEPOSIT)
    );
    // Bounty back, deposit forfeited.
    assert_eq!(s.user_balance("creator"), creator_before - CREATION_DEPOSIT);
    assert_eq!(s.balance(&s.challenge), 0);
    let info = s.challenge_info(id);
    assert_eq!(info.status, ch::ChallengeStatus::Cancelled);
    assert!(info.feed_models.is_empty());
    // Nothing was reported to reputation.
    assert_eq!(s.reputation_of("m1"), rep::Reputation::default());
    // Cancelled is final.
    s.assert_rejected(
        inferchain_challenge::error::ContractError::WrongStatus { id },
        |s| {
            s.exec(
                "anyone",
                &s.challenge.clone(),
                &ch::ExecuteMsg::Finalize { challenge_id: id },
                0,
            )
        },
    );
    s.assert_conservation();
}

#[test]
fn challenge_without_scored_models_returns_whole_bounty() {
    let mut s = Suite::new();
    s.bond("m1", stk::Role::Modeler, 2_000);
    s.bond("m2", stk::Role::Modeler, 2_000);
    let creator_before = s.user_balance("creator");
    let msg = s.challenge_msg(&test_set(), vec![6_000, 4_000]);
    let id = s.create_challenge("creator", msg, 5_000);
    s.submit("m1", id, &commitment("m1")).unwrap();
    s.submit("m2", id, &commitment("m2")).unwrap();
    s.next_block(100);
    s.reveal(id, &test_set()).unwrap();
    s.next_block(300); // scoring window passes without a single proof of score
    let m1_before = s.user_balance("m1");
    let res = s
        .exec(
            "anyone",
            &s.challenge.clone(),
            &ch::ExecuteMsg::Finalize { challenge_id: id },
            0,
        )
        .unwrap();
    assert_eq!(attr(&res, "scored"), "0");
    assert_eq!(s.user_balance("creator"), creator_before);
    assert_eq!(s.user_balance("m1"), m1_before);
    let info = s.challenge_info(id);
    assert_eq!(info.status, ch::ChallengeStatus::Finalized);
    assert!(info.feed_models.is_empty());
    let ranking: rep::RankingResponse = s.query(
        &s.reputation,
        &rep::QueryMsg::Ranking {
            start_after: None,
            limit: None,
        },
    );
    assert!(ranking.ranking.is_empty());
    s.assert_conservation();
}

#[test]
fn consumption_is_a_usage_record_that_moves_no_funds() {
    let mut s = Suite::new();
    s.bond("v1", stk::Role::Validator, 6_000);
    s.bond("v2", stk::Role::Validator, 12_000);
    let (id, c) = run_scored_challenge(&mut s, 10_000, vec![7_000, 3_000]);
    s.exec(
        "anyone",
        &s.challenge.clone(),
        &ch::ExecuteMsg::Finalize { challenge_id: id },
        0,
    )
    .unwrap();
    // Feed models are the top 2: m2 then m1. m3 ranked but is not a feed model.
    assert!(s.model(id, "m2").is_feed && s.model(id, "m1").is_feed);
    assert!(!s.model(id, "m3").is_feed);
    assert_eq!(s.model(id, "m3").rank, Some(3));
    let reputation_before = s.reputation_of("m2");
    assert_eq!(reputation_before.score, Uint128::new(2_000));

    // The chain's inference module split the fees of 10 inferences itself and paid the
    // modeler its share (700); the contract, holding nothing now, only records the usage.
    assert_eq!(s.balance(&s.challenge), 0);
    let balances = s.balances();
    let res = s.record_consumption(id, "m2", 10, 700).unwrap();
    for (key, value) in [
        ("action", "record_consumption".to_string()),
        ("challenge_id", id.to_string()),
        ("modeler", s.addr("m2").to_string()),
        ("commitment", c[1].clone()),
        ("count", "10".to_string()),
        ("fees", "700".to_string()),
    ] {
        assert_eq!(attr(&res, key), value, "{key}");
    }
    // No coins move and no other contract is called (no staking rewards, no reputation
    // report: the inference module reports usage to reputation itself).
    assert!(
        res.events
            .iter()
            .all(|e| e.ty != "transfer" && e.ty != "execute"),
        "{:?}",
        res.events
    );
    s.record_consumption(id, "m2", 2, 140).unwrap();
    s.record_consumption(id, "m1", 3, 210).unwrap();
    assert_eq!(s.balances(), balances);
    let m = s.model(id, "m2");
    assert_eq!((m.consumption, m.fees_earned), (12, Uint128::new(840)));
    let m = s.model(id, "m1");
    assert_eq!((m.consumption, m.fees_earned), (3, Uint128::new(210)));
    assert_eq!(s.pending_rewards("v1"), 0);
    assert_eq!(s.pending_rewards("v2"), 0);
    assert_eq!(s.reputation_of("m2"), reputation_before);
    s.assert_conservation();
}

#[test]
fn rewards_are_shared_pro_rata_among_three_validators() {
    let mut s = Suite::new();
    s.bond("v1", stk::Role::Validator, 5_000);
    s.bond("v2", stk::Role::Validator, 10_000);
    s.bond("v3", stk::Role::Validator, 25_000);
    s.bond("m1", stk::Role::Modeler, 30_000); // another role: earns nothing here
    s.exec(
        "consumer",
        &s.staking.clone(),
        &stk::ExecuteMsg::DistributeRewards {
            role: stk::Role::Validator,
        },
        4_000,
    )
    .unwrap();
    assert_eq!(s.pending_rewards("v1"), 500);
    assert_eq!(s.pending_rewards("v2"), 1_000);
    assert_eq!(s.pending_rewards("v3"), 2_500);
    assert_eq!(s.pending_rewards("m1"), 0);

    // v3 tops up: its earlier rewards are kept, the next distribution uses the new stakes.
    s.bond("v3", stk::Role::Validator, 10_000);
    s.exec(
        "consumer",
        &s.staking.clone(),
        &stk::ExecuteMsg::DistributeRewards {
            role: stk::Role::Validator,
        },
        5_000,
    )
    .unwrap();
    assert_eq!(s.pending_rewards("v1"), 1_000);
    assert_eq!(s.pending_rewards("v2"), 2_000);
    assert_eq!(s.pending_rewards("v3"), 6_000);

    // An amount that does not divide: each gets its floor, the dust stays accounted.
    s.exec(
        "consumer",
        &s.staking.clone(),
        &stk::ExecuteMsg::DistributeRewards {
            role: stk::Role::Validator,
        },
        7,
    )
    .unwrap();
    assert_eq!(s.pending_rewards("v1"), 1_000); // 7 * 5/50 = 0.7
    assert_eq!(s.pending_rewards("v2"), 2_001); // 1.4
    assert_eq!(s.pending_rewards("v3"), 6_004); // 4.9

    // Stakers by stake, paginated.
    let page1: stk::StakersResponse = s.query(
        &s.staking,
        &stk::QueryMsg::Stakers {
            role: stk::Role::Validator,
            start_after: None,
            limit: Some(2),
        },
    );
    let names: Vec<_> = page1.stakers.iter().map(|x| x.address.clone()).collect();
    assert_eq!(names, vec![s.addr("v3"), s.addr("v2")]);
    let page2: stk::StakersResponse = s.query(
        &s.staking,
        &stk::QueryMsg::Stakers {
            role: stk::Role::Validator,
            start_after: Some(s.addr("v2").to_string()),
            limit: Some(2),
        },
    );
    assert_eq!(page2.stakers.len(), 1);
    assert_eq!(page2.stakers[0].address, s.addr("v1"));

    for (v, expected) in [("v1", 1_000), ("v2", 2_001), ("v3", 6_004)] {
        let before = s.user_balance(v);
        s.exec(v, &s.staking.clone(), &stk::ExecuteMsg::ClaimRewards {}, 0)
            .unwrap();
        assert_eq!(s.user_balance(v), before + expected, "{v}");
        assert_eq!(s.pending_rewards(v), 0);
    }
    let t: stk::TotalsResponse = s.query(&s.staking, &stk::QueryMsg::Totals {});
    assert_eq!(t.rewards_held, Uint128::new(2)); // 4_000 + 5_000 + 7 - 9_005 claimed
    s.assert_conservation();
}

#[test]
fn unbonding_stake_is_slashed_too() {
    let mut s = Suite::new();
    s.bond("m1", stk::Role::Modeler, 10_000);
    s.next_block(5);
    let h_before = s.height();
    s.exec(
        "m1",
        &s.staking.clone(),
        &stk::ExecuteMsg::Unbond {
            amount: Uint128::new(4_000),
        },
        0,
    )
    .unwrap();
    s.next_block(5);
    let pool_before = s.balance(&s.governance);
    s.sudo(
        &s.staking.clone(),
        &stk::SudoMsg::Slash {
            address: s.addr("m1").to_string(),
            fraction: Decimal::percent(50),
            reason: "invalid proof".into(),
        },
    )
    .unwrap();
    // Half of 6000 bonded and half of 4000 unbonding go to the community pool.
    assert_eq!(s.stake_of("m1"), 3_000);
    let u: stk::UnbondingResponse = s.query(
        &s.staking,
        &stk::QueryMsg::Unbonding {
            address: s.addr("m1").to_string(),
        },
    );
    assert_eq!(u.entries.len(), 1);
    assert_eq!(u.entries[0].amount, Uint128::new(2_000));
    assert_eq!(s.balance(&s.governance), pool_before + 5_000);
    s.expected_community_pool += 5_000;
    // The slash reached reputation.
    let r = s.reputation_of("m1");
    assert_eq!(
        (r.slashes, r.slashed_amount, r.penalty),
        (1, Uint128::new(5_000), Uint128::new(500))
    );
    // Voting power history: 10_000 before the unbond, 6_000 after, 3_000 now.
    let power = |s: &Suite, h: u64| -> u128 {
        let p: stk::VotingPowerResponse = s.query(
            &s.staking,
            &stk::QueryMsg::VotingPowerAtHeight {
                address: s.addr("m1").to_string(),
                height: Some(h),
            },
        );
        p.power.u128()
    };
    assert_eq!(power(&s, h_before), 10_000);
    assert_eq!(power(&s, h_before + 1), 6_000);
    assert_eq!(power(&s, s.height() + 1), 3_000);

    // Not matured yet; then the slashed remainder is claimable.
    s.assert_rejected(
        inferchain_staking::error::ContractError::NothingToClaim {},
        |s| s.exec("m1", &s.staking.clone(), &stk::ExecuteMsg::Claim {}, 0),
    );
    s.next_block(UNBONDING_PERIOD);
    let before = s.user_balance("m1");
    s.exec("m1", &s.staking.clone(), &stk::ExecuteMsg::Claim {}, 0)
        .unwrap();
    assert_eq!(s.user_balance("m1"), before + 2_000);
    s.assert_conservation();
}

#[test]
fn reputation_outage_does_not_block_payouts_fees_or_slashes() {
    let mut s = Suite::new();
    s.bond("v1", stk::Role::Validator, 10_000);
    s.next_block(5);
    // Governance removes every reporter from reputation: all reports will now fail.
    let cut = wasm_exec(
        &s.reputation,
        &rep::ExecuteMsg::UpdateConfig {
            owner: None,
            reporters: Some(vec![]),
        },
        vec![],
    );
    let p = s.propose("v1", vec![cut], MIN_DEPOSIT);
    s.next_block(5);
    s.vote("v1", p, inferchain_governance::msg::VoteOption::Yes)
        .unwrap();
    s.next_block(VOTING_PERIOD);
    s.exec(
        "anyone",
        &s.governance.clone(),
        &inferchain_governance::msg::ExecuteMsg::Execute { proposal_id: p },
        0,
    )
    .unwrap();

    let (id, _) = run_scored_challenge(&mut s, 9_000, vec![10_000]);
    let m2_before = s.user_balance("m2");
    let res = s
        .exec(
            "anyone",
            &s.challenge.clone(),
            &ch::ExecuteMsg::Finalize { challenge_id: id },
            0,
        )
        .unwrap();
    assert_eq!(attr(&res, "action"), "finalize");
    assert!(res
        .events
        .iter()
        .flat_map(|e| e.attributes.iter())
        .any(|a| a.key == "action" && a.value == "reputation_report_failed"));
    assert_eq!(s.user_balance("m2"), m2_before + 9_000);
    assert_eq!(s.reputation_of("m2"), rep::Reputation::default());

    // Usage records call no other contract, so they never fail with it.
    let res = s.record_consumption(id, "m2", 1, 100).unwrap();
    assert_eq!(attr(&res, "action"), "record_consumption");
    assert_eq!(s.model(id, "m2").consumption, 1);

    s.sudo(
        &s.staking.clone(),
        &stk::SudoMsg::Slash {
            address: s.addr("m1").to_string(),
            fraction: Decimal::percent(50),
            reason: "bad proof".into(),
        },
    )
    .unwrap();
    s.expected_community_pool += 1_000;
    assert_eq!(s.stake_of("m1"), 1_000);
    s.assert_conservation();
}

#[test]
fn front_running_a_copied_commitment_gains_nothing() {
    let mut s = Suite::new();
    s.bond("m1", stk::Role::Modeler, 2_000);
    s.bond("m2", stk::Role::Modeler, 2_000);
    let creator_before = s.user_balance("creator");
    let msg = s.challenge_msg(&test_set(), vec![6_000, 4_000]);
    let id = s.create_challenge("creator", msg, 10_000);
    let c1 = commitment("m1-model");
    s.submit("m1", id, &c1).unwrap();
    s.next_block(5);
    // m2 copies m1's commitment from the submit event: accepted, as m2's own entry. It
    // cannot block m1 (the old global uniqueness check let a front-runner do that).
    s.submit("m2", id, &c1).unwrap();
    let (e1, e2) = (s.model(id, "m1"), s.model(id, "m2"));
    assert_eq!(
        (e1.commitment.as_str(), e2.commitment.as_str()),
        (c1.as_str(), c1.as_str())
    );
    assert_eq!((&e1.modeler, &e2.modeler), (&s.addr("m1"), &s.addr("m2")));
    assert!(e1.sequence < e2.sequence);
    let board: ch::LeaderboardResponse = s.query(
        &s.challenge,
        &ch::QueryMsg::Leaderboard { challenge_id: id },
    );
    assert_eq!(board.entries, vec![e1, e2]);

    s.next_block(100);
    s.reveal(id, &test_set()).unwrap();
    // m1 proves its score; the proof is bound to m1, so it scores m1's entry only.
    let res = s.record_score(id, "m1", &c1, Decimal::percent(90)).unwrap();
    assert_eq!(attr(&res, "modeler"), s.addr("m1").to_string());
    assert_eq!(attr(&res, "commitment"), c1);
    assert_eq!(s.model(id, "m1").score, Some(Decimal::percent(90)));
    assert_eq!(s.model(id, "m2").score, None);
    // A score naming m2 must be for the commitment m2 submitted.
    let other = commitment("m2-other");
    s.assert_rejected(
        inferchain_challenge::error::ContractError::CommitmentMismatch {
            expected: c1.clone(),
            got: other.clone(),
        },
        |s| s.record_score(id, "m2", &other, Decimal::percent(99)),
    );
    // m2 holds no proof bound to itself, so the chain never scores it.
    s.next_block(200);
    let before = (s.user_balance("m1"), s.user_balance("m2"));
    let res = s
        .exec(
            "anyone",
            &s.challenge.clone(),
            &ch::ExecuteMsg::Finalize { challenge_id: id },
            0,
        )
        .unwrap();
    assert_eq!(attr(&res, "scored"), "1");
    // m1 is paid its rank (1st: 60%); the copier nothing; the unused 40% goes back.
    assert_eq!(s.user_balance("m1"), before.0 + 6_000);
    assert_eq!(s.user_balance("m2"), before.1);
    assert_eq!(s.user_balance("creator"), creator_before - 6_000);
    let m1 = s.model(id, "m1");
    assert_eq!(
        (m1.rank, m1.payout, m1.is_feed),
        (Some(1), Uint128::new(6_000), true)
    );
    let m2 = s.model(id, "m2");
    assert_eq!(
        (m2.rank, m2.payout, m2.is_feed),
        (None, Uint128::zero(), false)
    );
    assert_eq!(s.challenge_info(id).feed_models, vec![s.feed("m1", &c1)]);
    // Consumption of the shared commitment is m1's: m2's entry is not a feed model.
    s.assert_rejected(
        inferchain_challenge::error::ContractError::NotAFeedModel {
            challenge_id: id,
            modeler: s.addr("m2").to_string(),
        },
        |s| s.record_consumption(id, "m2", 1, 50),
    );
    s.record_consumption(id, "m1", 1, 50).unwrap();
    assert_eq!(s.model(id, "m1").consumption, 1);
    // Reputation: a field of one, weight 1000: 1000 * 1 * 1 / 1 (usage is reported to
    // reputation by the chain's inference module, not by the challenge contract).
    assert_eq!(s.reputation_of("m1").score, Uint128::new(1_000));
    assert_eq!(s.reputation_of("m2"), rep::Reputation::default());
    s.assert_conservation();
}

#[test]
fn revealed_test_set_is_served_byte_for_byte() {
    let mut s = Suite::new();
    s.bond("m1", stk::Role::Modeler, 2_000);
    // The largest set the contract takes: 1024 rows (of 16 features).
    let set = icts(1_024, 16, 42);
    assert_eq!(set.len(), 11 + 1_024 * (4 * 16 + 1));
    let msg = s.challenge_msg(&set, vec![10_000]);
    let hash = msg.test_set_hash.clone();
    let id = s.create_challenge("creator", msg, 1_000);
    // A second challenge, never revealed.
    let msg = s.challenge_msg(&test_set(), vec![10_000]);
    let other = s.create_challenge("creator", msg, 1_000);
    s.submit("m1", id, &commitment("m1")).unwrap();
    let before = s.test_set(id);
    assert_eq!(
        (
            before.challenge_id,
            before.test_set_hash.as_str(),
            before.test_set
        ),
        (id, hash.as_str(), None)
    );

    s.next_block(100);
    let res = s.reveal(id, &set).unwrap();
    assert_eq!(
        (attr(&res, "rows"), attr(&res, "features")),
        ("1024".to_string(), "16".to_string())
    );
    let after = s.test_set(id);
    assert_eq!(after.test_set_hash, hash);
    assert_eq!(after.test_set.expect("revealed").as_slice(), &set[..]);
    assert_eq!(s.challenge_info(id).status, ch::ChallengeStatus::Revealed);
    assert_eq!(s.test_set(other).test_set, None);
    s.assert_conservation();
}
