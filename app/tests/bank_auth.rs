//! The bank and auth modules, in process, one behaviour per test.

use cosmos_sdk_proto::cosmos::bank::v1beta1::{Input, MsgMultiSend, Output};
use cosmos_sdk_proto::cosmos::base::v1beta1::Coin;
use inferchain_app::address::Address;
use inferchain_app::harness::{fee_for, send_msg, Account, Harness};
use inferchain_app::modules::bank::FEE_COLLECTOR;
use inferchain_app::modules::to_any;

fn chain(dir: &std::path::Path) -> (Harness, Account, Account) {
    let (chain, mut acc) = Harness::funded(dir, 2);
    let bob = acc.pop().unwrap();
    let alice = acc.pop().unwrap();
    (chain, alice, bob)
}

fn uspec(amount: u128) -> Vec<Coin> {
    vec![Coin {
        denom: "uspec".into(),
        amount: amount.to_string(),
    }]
}

const GENESIS_BALANCE: u128 = 1_000_000_000_000;

#[test]
fn a_send_moves_coins_and_keeps_the_supply() {
    let dir = tempfile::tempdir().unwrap();
    let (mut chain, mut alice, bob) = chain(dir.path());
    let send = send_msg(&alice.address, &bob.address, 1_234);
    let r = chain.run(&mut alice, vec![send], 100_000);
    assert_eq!(r.code, 0, "{}", r.log);
    let fee = fee_for(100_000);
    assert_eq!(
        chain.balance(&alice.address, "uspec"),
        GENESIS_BALANCE - 1_234 - fee
    );
    assert_eq!(
        chain.balance(&bob.address, "uspec"),
        GENESIS_BALANCE + 1_234
    );
    assert_eq!(chain.balance(&Address::module(FEE_COLLECTOR), "uspec"), fee);
}

#[test]
fn an_overdraft_fails_and_only_the_fee_is_taken() {
    let dir = tempfile::tempdir().unwrap();
    let (mut chain, mut alice, bob) = chain(dir.path());
    let send = send_msg(&alice.address, &bob.address, GENESIS_BALANCE);
    let r = chain.run(&mut alice, vec![send], 100_000);
    assert_eq!(r.code, 5, "{}", r.log);
    assert!(r.log.contains("spendable balance"), "{}", r.log);
    assert_eq!(
        chain.balance(&alice.address, "uspec"),
        GENESIS_BALANCE - fee_for(100_000)
    );
    assert_eq!(chain.balance(&bob.address, "uspec"), GENESIS_BALANCE);
}

#[test]
fn module_accounts_can_not_receive_sends() {
    let dir = tempfile::tempdir().unwrap();
    let (mut chain, mut alice, _) = chain(dir.path());
    let collector = Address::module(FEE_COLLECTOR);
    let send = send_msg(&alice.address, &collector, 5);
    let r = chain.run(&mut alice, vec![send], 100_000);
    assert_eq!(r.code, 4, "{}", r.log);
    assert!(
        r.log.contains("is not allowed to receive funds"),
        "{}",
        r.log
    );
}

#[test]
fn a_multi_send_must_balance_its_inputs_and_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let (mut chain, mut alice, bob) = chain(dir.path());
    let carol = Account::from_seed(3, 0).address;
    let multi = |out_bob: u128, out_carol: u128| {
        to_any(&MsgMultiSend {
            inputs: vec![Input {
                address: alice.address.to_bech32(),
                coins: uspec(100),
            }],
            outputs: vec![
                Output {
                    address: bob.address.to_bech32(),
                    coins: uspec(out_bob),
                },
                Output {
                    address: carol.to_bech32(),
                    coins: uspec(out_carol),
                },
            ],
        })
    };
    // Unbalanced: refused before execution (CheckTx too), no fee taken.
    let bad = alice.sign_at(
        vec![multi(60, 50)],
        150_000,
        fee_for(150_000),
        alice.sequence,
    );
    let check = chain.check(&bad);
    assert_eq!(check.code, 10, "{}", check.log);
    assert!(
        check.log.contains("sum inputs != sum outputs"),
        "{}",
        check.log
    );

    let good = multi(60, 40);
    let r = chain.run(&mut alice, vec![good], 150_000);
    assert_eq!(r.code, 0, "{}", r.log);
    assert_eq!(chain.balance(&carol, "uspec"), 40);
    // Receiving coins created carol's account with the next account number: after the two
    // genesis accounts and the module accounts genesis creates (fee collector, the inference
    // module's escrow and treasury).
    assert_eq!(chain.account_number(&carol), 5);
}

#[test]
fn a_replayed_or_skipped_sequence_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (mut chain, mut alice, bob) = chain(dir.path());
    let (from, to) = (alice.address.clone(), bob.address.clone());
    let msg = || vec![send_msg(&from, &to, 1)];
    let first = alice.sign(msg(), 100_000, fee_for(100_000));
    assert_eq!(chain.block(vec![first.clone()]).tx_results[0].code, 0);
    // The same bytes again: sequence 0 is used.
    let replay = chain.block(vec![first]).tx_results.remove(0);
    assert_eq!(replay.code, 32, "{}", replay.log);
    assert!(
        replay
            .log
            .contains("account sequence mismatch, expected 1, got 0"),
        "{}",
        replay.log
    );
    let skipped = alice.sign_at(msg(), 100_000, fee_for(100_000), 5);
    let r = chain.block(vec![skipped]).tx_results.remove(0);
    assert_eq!(r.code, 32, "{}", r.log);
    // Neither moved coins nor took a fee.
    assert_eq!(
        chain.balance(&alice.address, "uspec"),
        GENESIS_BALANCE - 1 - fee_for(100_000)
    );
}

#[test]
fn a_signature_by_another_key_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (mut chain, alice, bob) = chain(dir.path());
    // Bob's key signs a message whose signer is alice.
    let forged = Account {
        key: bob.key.clone(),
        address: alice.address.clone(),
        number: alice.number,
        sequence: 0,
    };
    let tx = forged.sign_at(
        vec![send_msg(&alice.address, &bob.address, 1)],
        100_000,
        fee_for(100_000),
        0,
    );
    let r = chain.block(vec![tx]).tx_results.remove(0);
    assert_eq!(r.code, 8, "{}", r.log);
    assert_eq!(chain.balance(&alice.address, "uspec"), GENESIS_BALANCE);
}
