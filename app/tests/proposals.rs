//! Block proposals and consensus limits, in process (no CometBFT): what a byzantine proposer
//! can put in a block, and what every honest validator does with it.

use cosmos_sdk_proto::cosmos::base::v1beta1::Coin;
use cosmos_sdk_proto::cosmos::tx::v1beta1::TxRaw;
use inferchain_app::harness::{fee_for, send_msg, Account, Harness};
use inferchain_app::modules::to_any;
use inferchain_app::params::{DEFAULT_MAX_BLOCK_GAS, DEFAULT_MAX_TX_GAS};
use prost::Message;
use tendermint_proto::google::protobuf::Any;

fn send(from: &Account, to: &Account, amount: u128) -> Vec<Any> {
    vec![send_msg(&from.address, &to.address, amount)]
}

struct Setup {
    chain: Harness,
    alice: Account,
    bob: Account,
    _dir: tempfile::TempDir,
}

fn setup(max_gas: i64) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    // The node's own mempool floor is unset: only the chain's limits apply.
    let (chain, mut accounts) =
        Harness::with_accounts(dir.path(), 2, max_gas, DEFAULT_MAX_TX_GAS, None);
    let bob = accounts.pop().unwrap();
    let alice = accounts.pop().unwrap();
    Setup {
        chain,
        alice,
        bob,
        _dir: dir,
    }
}

#[test]
fn honest_proposals_are_accepted_and_executed() {
    let mut s = setup(DEFAULT_MAX_BLOCK_GAS as i64);
    let tx = s
        .alice
        .sign(send(&s.alice, &s.bob, 10), 200_000, fee_for(200_000));
    let r = s.chain.check(&tx);
    assert_eq!(r.code, 0, "{}", r.log);
    let proposal = s.chain.prepare(vec![tx.clone()]);
    assert_eq!(proposal, vec![tx.clone()]);
    assert!(s.chain.process(&proposal));
    let r = s.chain.block(proposal);
    assert_eq!(r.tx_results[0].code, 0, "{}", r.tx_results[0].log);
    assert_eq!(s.chain.balance(&s.bob.address, "uspec"), 1_000_000_000_010);
}

/// Each kind of transaction a byzantine proposer might include: every honest validator's
/// ProcessProposal rejects the proposal, an honest proposer leaves the transaction out, and
/// the chain goes on producing blocks.
#[test]
fn byzantine_proposals_are_rejected_and_the_chain_goes_on() {
    let mut s = setup(DEFAULT_MAX_BLOCK_GAS as i64);
    let good = s
        .alice
        .sign_at(send(&s.alice, &s.bob, 1), 200_000, fee_for(200_000), 0);

    // A fee-less transaction asking for everything (the halt of the security review).
    let greedy = s.alice.sign_at(send(&s.alice, &s.bob, 1), u64::MAX, 0, 0);
    // Over the per-transaction cap, even with a fee.
    let over_cap = s.alice.sign_at(
        send(&s.alice, &s.bob, 1),
        DEFAULT_MAX_TX_GAS + 1,
        fee_for(DEFAULT_MAX_TX_GAS + 1),
        0,
    );
    // Fee-less (below the chain's floor) but within the cap.
    let free = s.alice.sign_at(send(&s.alice, &s.bob, 1), 200_000, 0, 0);
    // Badly signed: a byte of the signature flipped.
    let mut raw = TxRaw::decode(good.as_slice()).unwrap();
    raw.signatures[0][10] ^= 1;
    let forged = raw.encode_to_vec();
    // A wrong sequence.
    let replayed = s
        .alice
        .sign_at(send(&s.alice, &s.bob, 1), 200_000, fee_for(200_000), 5);
    // Undecodable bytes.
    let junk = vec![0xde, 0xad, 0xbe, 0xef];
    // Unknown field appended to the TxRaw (a second hash for the same transaction).
    let mut malleated = good.clone();
    malleated.extend_from_slice(&[9 << 3, 1]);

    for (what, tx, code) in [
        ("greedy", &greedy, 41),
        ("over the cap", &over_cap, 41),
        ("fee-less", &free, 13),
        ("forged", &forged, 4),
        ("wrong sequence", &replayed, 32),
        ("junk", &junk, 2),
        ("malleated", &malleated, 2),
    ] {
        assert_eq!(s.chain.check(tx).code, code, "CheckTx of the {what} tx");
        assert!(
            !s.chain.process(&[tx.clone()]),
            "a proposal with the {what} tx passed"
        );
        assert!(
            !s.chain.process(&[good.clone(), tx.clone()]),
            "a proposal with the {what} tx after a good one passed"
        );
        assert_eq!(
            s.chain.prepare(vec![tx.clone(), good.clone()]),
            vec![good.clone()]
        );
    }

    // Σ gas_wanted over the block limit: each transaction is fine, three are too many.
    let big = DEFAULT_MAX_TX_GAS;
    let mut carol = Account::from_seed(1, s.alice.number);
    let heavy: Vec<_> = (0..3)
        .map(|_| carol.sign(send(&s.alice, &s.bob, 1), big, fee_for(big)))
        .collect();
    assert!(s.chain.process(&heavy[..2]));
    assert!(!s.chain.process(&heavy));
    assert_eq!(s.chain.prepare(heavy.clone()), heavy[..2].to_vec());

    // The chain goes on: the next honest block commits.
    let before = s.chain.app_hash();
    let r = s.chain.block(vec![good]);
    assert_eq!(r.tx_results[0].code, 0, "{}", r.tx_results[0].log);
    assert_ne!(s.chain.app_hash(), before);
}

/// If a byzantine block is decided anyway (more than a third of the power byzantine), every
/// node executes it the same bounded way: over-limit and fee-less transactions fail without
/// running their messages. (The block gas meter stopping real work is in `wasm_limits.rs`.)
#[test]
fn a_decided_byzantine_block_is_bounded() {
    let mut s = setup(DEFAULT_MAX_BLOCK_GAS as i64);
    let greedy = s.alice.sign_at(send(&s.alice, &s.bob, 1), u64::MAX, 0, 0);
    let free = s.alice.sign_at(send(&s.alice, &s.bob, 1), 200_000, 0, 0);
    let mut alice = Account::from_seed(1, s.alice.number);
    let big = DEFAULT_MAX_TX_GAS;
    let heavy: Vec<_> = (0..3)
        .map(|_| alice.sign(send(&s.alice, &s.bob, 1), big, fee_for(big)))
        .collect();
    let mut txs = vec![greedy, free];
    txs.extend(heavy);
    let r = s.chain.block(txs);
    let codes: Vec<_> = r.tx_results.iter().map(|t| t.code).collect();
    // The heavy ones ask for 60M in all but use little: the meter counts what they used.
    assert_eq!(codes, vec![41, 13, 0, 0, 0], "{:?}", r.tx_results);
    // The heavy transactions paid their fees and sent 1 each; the others moved nothing.
    assert_eq!(
        s.chain.balance(&s.alice.address, "uspec"),
        1_000_000_000_000 - 3 - 3 * fee_for(big)
    );
}

/// CometBFT's unlimited `max_gas = -1` is replaced by the app's limit, which InitChain
/// hands back to CometBFT.
#[test]
fn unlimited_block_gas_falls_back_to_the_app_limit() {
    let s = setup(-1);
    let mut alice = Account::from_seed(1, s.alice.number);
    let heavy: Vec<_> = (0..3)
        .map(|_| {
            alice.sign(
                send(&s.alice, &s.bob, 1),
                DEFAULT_MAX_TX_GAS,
                fee_for(DEFAULT_MAX_TX_GAS),
            )
        })
        .collect();
    assert!(!s.chain.process(&heavy));
    assert!(s.chain.process(&heavy[..2]));
}

#[test]
fn memo_is_limited_in_bytes_and_keys_must_be_compressed() {
    use cosmos_sdk_proto::cosmos::crypto::secp256k1::PubKey;
    use cosmos_sdk_proto::cosmos::tx::signing::v1beta1::SignMode;
    use cosmos_sdk_proto::cosmos::tx::v1beta1::{
        mode_info, AuthInfo, Fee, ModeInfo, SignerInfo, TxBody,
    };
    use k256::ecdsa::signature::Signer;
    let s = setup(DEFAULT_MAX_BLOCK_GAS as i64);

    let sign = |body: TxBody, pubkey: Vec<u8>| {
        let auth = AuthInfo {
            signer_infos: vec![SignerInfo {
                public_key: Some(to_any(&PubKey { key: pubkey })),
                mode_info: Some(ModeInfo {
                    sum: Some(mode_info::Sum::Single(mode_info::Single {
                        mode: SignMode::Direct as i32,
                    })),
                }),
                sequence: 0,
            }],
            fee: Some(Fee {
                amount: vec![Coin {
                    denom: "uspec".into(),
                    amount: fee_for(200_000).to_string(),
                }],
                gas_limit: 200_000,
                ..Default::default()
            }),
            ..Default::default()
        };
        let (body_bytes, auth_info_bytes) = (body.encode_to_vec(), auth.encode_to_vec());
        let doc = inferchain_app::tx::sign_doc_bytes(
            &body_bytes,
            &auth_info_bytes,
            "harness-1",
            s.alice.number,
        );
        let sig: k256::ecdsa::Signature = s.alice.key.sign(&doc);
        TxRaw {
            body_bytes,
            auth_info_bytes,
            signatures: vec![sig.to_bytes().to_vec()],
        }
        .encode_to_vec()
    };
    let compressed = inferchain_app::keyring::pubkey_bytes(&s.alice.key);
    let body = |memo: &str| TxBody {
        messages: send(&s.alice, &s.bob, 1),
        memo: memo.into(),
        ..Default::default()
    };
    // 100 four-byte characters: 100 characters, 400 bytes.
    let r = s
        .chain
        .check(&sign(body(&"🦀".repeat(100)), compressed.clone()));
    assert_eq!(r.code, 12, "{}", r.log);
    assert_eq!(s.chain.check(&sign(body("ok"), compressed)).code, 0);

    // The same key uncompressed (65 bytes) would be a second address.
    let uncompressed = s
        .alice
        .key
        .verifying_key()
        .to_encoded_point(false)
        .as_bytes()
        .to_vec();
    assert_eq!(uncompressed.len(), 65);
    let r = s.chain.check(&sign(body("ok"), uncompressed));
    assert_eq!(r.code, 8, "{}", r.log);
    assert!(r.log.contains("33 bytes"), "{}", r.log);
}
