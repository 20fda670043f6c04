//! The "what it must show" scenarios of issue 4, each across the four contracts, each ending
//! with the bank conservation invariant.

mod common;

use common::*;
use cosmwasm_std::{Decimal, Uint128};
use inferchain_challenge::msg as ch;
use inferchain_reputation::msg as rep;
use inferchain_staking::msg as stk;

const TEST_SET: &[u8] = b"x0,x1,...,x15,y\n0.1,0.2,...,1\n";

/// Stakes three modelers, runs a challenge with their three models to payouts.
/// Returns (challenge id, [commitments of m1, m2, m3]).
fn run_scored_challenge(s: &mut Suite, bounty: u128, bps: Vec<u32>) -> (u64, [String; 3]) {
    for m in ["m1", "m2", "m3"] {
        s.bond(m, stk::Role::Modeler, 2_000);
    }
    let msg = s.challenge_msg(TEST_SET, bps);
    let id = s.create_challenge("creator", msg, bounty);
    let c = [commitment("m1-a"), commitment("m2-a"), commitment("m3-b")];
    s.submit("m1", id, &c[0]).unwrap();
    s.next_block(5);
    s.submit("m2", id, &c[1]).unwrap();
    // m3 submits, then replaces its own model before the deadline.
    s.submit("m3", id, &commitment("m3-a")).unwrap();
    s.next_block(5);
    s.submit("m3", id, &c[2]).unwrap();
    assert!(s.model(&commitment("m3-a")).replaced);

    s.next_block(100); // past the submission deadline
    s.exec(
        "creator",
        &s.challenge.clone(),
        &ch::ExecuteMsg::RevealTestSet {
            challenge_id: id,
            test_set_uri: "ipfs://test".into(),
            test_set: TEST_SET.into(),
        },
        0,
    )
    .unwrap();
    // m1 and m3 tie; m1 submitted earlier and ranks higher.
    s.record_score(id, &c[0], Decimal::percent(91)).unwrap();
    s.record_score(id, &c[1], Decimal::percent(95)).unwrap();
    s.record_score(id, &c[2], Decimal::percent(91)).unwrap();
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
        vec![c[1].clone(), c[0].clone(), c[2].clone()]
    );
    assert_eq!(s.model(&c[1]).rank, Some(1));
    assert_eq!(s.model(&c[2]).payout, Uint128::new(2_000));
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
