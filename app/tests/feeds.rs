//! Inference feeds in process (the harness drives the ABCI app block by block): a consumer's
//! feed on a staked model, requests, proofs of inference verified against each request's
//! binding, the fee split, the SLA (refund, slash, timeout callback), consumer callbacks
//! that fail, panic or loop, and the escrow's books after every step.

use inferchain_app::address::Address;
use inferchain_app::harness::economy::{economy as setup, query, Economy, ARCH};
use inferchain_app::harness::{artifact, fee_for, Harness, CHAIN_ID};
use inferchain_app::modules::to_any;
use inferchain_proto::inferchain::inference::v1 as pb;
use inferchain_verifier::{prove_inference, request_binding, ArchSpec, Mode, ProofKind};
use prost::Message;
use serde_json::json;
use tendermint_proto::google::protobuf::Any;
use tendermint_proto::v0_38::abci::ExecTxResult;

const FEE: u128 = 10_000;

fn economy(dir: &std::path::Path, aggregate: bool) -> Economy {
    let mut circuits = vec![(ProofKind::Inference, Mode::Public)];
    if aggregate {
        circuits.push((ProofKind::Aggregate { rows: 2 }, Mode::Private));
    }
    setup(dir, &circuits, 100_000_000)
}

fn ok(r: &ExecTxResult) {
    assert_eq!(r.code, 0, "{}", r.log);
}

fn assert_code(r: &ExecTxResult, code: u32, says: &str) {
    assert_eq!(
        (r.codespace.as_str(), r.code),
        ("inference", code),
        "{}",
        r.log
    );
    assert!(r.log.contains(says), "log should say {says:?}: {}", r.log);
}

fn request_of(chain: &Harness, id: u64) -> pb::InferenceRequest {
    query::<pb::QueryRequestResponse>(chain, "Request", pb::QueryRequestRequest { id })
        .request
        .unwrap()
}

fn feed_of(chain: &Harness, id: u64) -> pb::Feed {
    query::<pb::QueryFeedResponse>(chain, "Feed", pb::QueryFeedRequest { id })
        .feed
        .unwrap()
}

/// The escrow's balance equals what it owes, and returns both.
fn escrow(chain: &Harness) -> pb::QueryEscrowResponse {
    let e: pb::QueryEscrowResponse = query(chain, "Escrow", pb::QueryEscrowRequest {});
    let owed: u128 = e.deposits.parse::<u128>().unwrap() + e.pending_fees.parse::<u128>().unwrap();
    assert_eq!(
        e.balance.parse::<u128>().unwrap(),
        owed,
        "escrow books: {e:?}"
    );
    e
}

fn attr(r: &ExecTxResult, kind: &str, key: &str) -> Option<String> {
    r.events
        .iter()
        .filter(|e| e.r#type == kind)
        .flat_map(|e| &e.attributes)
        .find(|a| a.key == key)
        .map(|a| a.value.clone())
}

fn create_feed(owner: &str, model_id: u64, sla: u64, deposit: u128, callback: &str) -> Any {
    to_any(&pb::MsgCreateFeed {
        owner: owner.into(),
        model_id,
        challenge_id: 0,
        sla_blocks: sla,
        fee_per_inference: FEE.to_string(),
        mode: "public".into(),
        max_requests: 0,
        expiry_height: 0,
        callback_contract: callback.into(),
        deposit: deposit.to_string(),
        ..Default::default()
    })
}

fn input(seed: i64) -> Vec<i64> {
    (0..16).map(|i| (i * 37 + seed * 11) % 512 - 256).collect()
}

fn request(from: &str, feed_id: u64, input: Vec<i64>, data: &[u8]) -> Any {
    to_any(&pb::MsgRequestInference {
        requester: from.into(),
        feed_id,
        input,
        callback_data: data.to_vec(),
    })
}

fn fulfil(from: &str, request_id: u64, output: Vec<i64>, proof: Vec<u8>) -> Any {
    to_any(&pb::MsgFulfillInference {
        submitter: from.into(),
        request_id,
        output,
        proof,
    })
}

fn bonded(e: &Economy, who: &Address) -> u128 {
    let s = e
        .chain
        .smart_json(&e.staking, &json!({"stake": {"address": who.to_bech32()}}));
    s["stake"]["bonded"].as_str().unwrap().parse().unwrap()
}

/// Proves `input` for request `id` with the economy's model.
fn prove(e: &Economy, id: u64, input: &[i64]) -> (Vec<i64>, Vec<u8>) {
    let p = prove_inference(
        &e.model,
        input,
        Mode::Public,
        &request_binding(CHAIN_ID, id),
    )
    .unwrap();
    (p.output, p.bytes)
}

#[test]
fn a_request_is_proven_paid_and_split_and_a_missed_one_refunded_and_slashed() {
    let dir = tempfile::tempdir().unwrap();
    let mut e = economy(dir.path(), false);
    let (b, c) = (e.bob.address.to_bech32(), e.carol.address.to_bech32());
    let (carol_addr, bob_addr) = (e.carol.address.clone(), e.bob.address.clone());
    let carol_before = e.chain.balance(&carol_addr, "uspec");
    let r = e.chain.run(
        &mut e.carol,
        vec![create_feed(&c, e.model_id, 20, 5 * FEE, "")],
        1_000_000,
    );
    ok(&r);
    assert_eq!(attr(&r, "create_feed", "feed_id").as_deref(), Some("1"));
    assert_eq!(
        e.chain.balance(&carol_addr, "uspec"),
        carol_before - 5 * FEE - fee_for(1_000_000)
    );
    assert_eq!(escrow(&e.chain).deposits, (5 * FEE).to_string());

    // A request: the fee moves from the deposit to escrow, the event names the model.
    let x = input(1);
    let r = e.chain.run(
        &mut e.carol,
        vec![request(&c, 1, x.clone(), b"one")],
        500_000,
    );
    ok(&r);
    assert_eq!(
        attr(&r, "inference_request", "model_id").as_deref(),
        Some("1")
    );
    let req = request_of(&e.chain, 1);
    assert_eq!(
        (req.status.as_str(), req.deadline),
        ("pending", req.height + 20)
    );
    assert_eq!(req.input_hash, inferchain_verifier::input_hash(&x).to_hex());
    let books = escrow(&e.chain);
    assert_eq!(
        (books.deposits.as_str(), books.pending_fees.as_str()),
        ("40000", "10000")
    );

    // Bad requests: each its code, nothing moved.
    let r = e.chain.run(
        &mut e.carol,
        vec![request(&c, 1, vec![1; 15], b"")],
        500_000,
    );
    assert_code(&r, 32, "15 values, expected 16");
    let mut big = x.clone();
    big[3] = 1 << 23;
    let r = e
        .chain
        .run(&mut e.carol, vec![request(&c, 1, big, b"")], 500_000);
    assert_code(&r, 32, "out of range");
    let r = e
        .chain
        .run(&mut e.bob, vec![request(&b, 1, x.clone(), b"")], 500_000);
    assert_code(&r, 31, "may not request on feed 1");
    let r = e
        .chain
        .run(&mut e.carol, vec![request(&c, 9, x.clone(), b"")], 500_000);
    assert_code(&r, 26, "feed 9 not found");
    assert_eq!(escrow(&e.chain).pending_requests, 1);

    // Fulfilment by the owner with a proof bound to the request: the split, exactly.
    let (output, proof) = prove(&e, 1, &x);
    let collector = Address::module("fee_collector");
    let treasury = Address::module("inference_treasury");
    let (bob0, col0, tre0) = (
        e.chain.balance(&bob_addr, "uspec"),
        e.chain.balance(&collector, "uspec"),
        e.chain.balance(&treasury, "uspec"),
    );
    // Carol is not entitled to fulfil bob's model.
    let r = e.chain.run(
        &mut e.carol,
        vec![fulfil(&c, 1, output.clone(), proof.clone())],
        5_000_000,
    );
    assert_code(&r, 36, "neither the owner nor the operator");
    // A wrong output is a rejected proof.
    let mut lie = output.clone();
    lie[0] += 1;
    let r = e.chain.run(
        &mut e.bob,
        vec![fulfil(&b, 1, lie, proof.clone())],
        5_000_000,
    );
    assert_code(&r, 24, "proof rejected");
    let gas = 5_000_000;
    let bob1 = e.chain.balance(&bob_addr, "uspec");
    let col1 = e.chain.balance(&collector, "uspec");
    let r = e.chain.run(
        &mut e.bob,
        vec![fulfil(&b, 1, output.clone(), proof.clone())],
        gas,
    );
    ok(&r);
    let hash = attr(&r, "inference_fulfilled", "proof_hash").unwrap();
    assert_eq!(hash.len(), 64);
    assert_eq!(
        e.chain.balance(&bob_addr, "uspec"),
        bob1 - fee_for(gas) + 8_000
    );
    assert_eq!(
        e.chain.balance(&collector, "uspec"),
        col1 + fee_for(gas) + 1_500
    );
    assert_eq!(e.chain.balance(&treasury, "uspec"), tre0 + 500);
    assert!(bob0 > 0 && col0 < col1);
    let req = request_of(&e.chain, 1);
    assert_eq!(
        (req.status.as_str(), &req.output, &req.proof_hash),
        ("fulfilled", &output, &hash)
    );
    assert_eq!(req.callback_result, "none");
    let books = escrow(&e.chain);
    assert_eq!(
        (books.pending_fees.as_str(), books.pending_requests),
        ("0", 0)
    );
    let model = query::<pb::QueryModelResponse>(&e.chain, "Model", pb::QueryModelRequest { id: 1 })
        .model
        .unwrap();
    assert_eq!((model.inferences, model.fees_earned.as_str()), (1, "8000"));

    // Twice: refused. The same proof for another request: refused (bound to request 1).
    let r = e.chain.run(
        &mut e.bob,
        vec![fulfil(&b, 1, output.clone(), proof.clone())],
        gas,
    );
    assert_code(&r, 34, "already fulfilled");
    ok(&e.chain.run(
        &mut e.carol,
        vec![request(&c, 1, x.clone(), b"two")],
        500_000,
    ));
    let r = e.chain.run(
        &mut e.bob,
        vec![fulfil(&b, 2, output.clone(), proof.clone())],
        gas,
    );
    assert_code(&r, 24, "proof rejected");

    // Request 2 misses its SLA: once its deadline passes it is refunded, bob slashed by 1%.
    let stake0 = bonded(&e, &bob_addr);
    let deadline = request_of(&e.chain, 2).deadline;
    while e.chain.height < deadline as i64 {
        e.chain.block(vec![]);
    }
    let req = request_of(&e.chain, 2);
    assert_eq!(req.status, "timed_out");
    assert_eq!(bonded(&e, &bob_addr), stake0 - stake0 / 100);
    let feed = feed_of(&e.chain, 1);
    assert_eq!(
        (feed.fulfilled, feed.timed_out, feed.deposit.as_str()),
        (1, 1, "40000")
    );
    let books = escrow(&e.chain);
    assert_eq!(
        (books.deposits.as_str(), books.pending_requests),
        ("40000", 0)
    );
    // Too late to fulfil now.
    let (out2, proof2) = prove(&e, 2, &x);
    let r = e
        .chain
        .run(&mut e.bob, vec![fulfil(&b, 2, out2, proof2)], gas);
    assert_code(&r, 34, "already timed_out");
    let model = query::<pb::QueryModelResponse>(&e.chain, "Model", pb::QueryModelRequest { id: 1 })
        .model
        .unwrap();
    assert_eq!(model.missed, 1);

    // Closing refunds the rest; a closed feed takes no requests.
    let before = e.chain.balance(&carol_addr, "uspec");
    let close = to_any(&pb::MsgCloseFeed {
        owner: carol_addr.to_bech32(),
        feed_id: 1,
    });
    ok(&e.chain.run(&mut e.carol, vec![close], 500_000));
    assert_eq!(
        e.chain.balance(&carol_addr, "uspec"),
        before - fee_for(500_000) + 40_000
    );
    let r = e
        .chain
        .run(&mut e.carol, vec![request(&c, 1, x, b"")], 500_000);
    assert_code(&r, 27, "closed");
    let books = escrow(&e.chain);
    assert_eq!((books.balance.as_str(), books.open_feeds), ("0", 0));
    let _ = &e.alice;
}

#[test]
fn feeds_refuse_drained_expired_and_unfit_and_an_operator_may_fulfil() {
    let dir = tempfile::tempdir().unwrap();
    let mut e = economy(dir.path(), false);
    let (a, c) = (e.alice.address.to_bech32(), e.carol.address.to_bech32());
    // Unknown model; a model whose owner is not staked can't be offered.
    let r = e.chain.run(
        &mut e.carol,
        vec![create_feed(&c, 7, 3, FEE, "")],
        1_000_000,
    );
    assert_code(&r, 6, "model 7 not found");
    let r = e.chain.run(
        &mut e.carol,
        vec![create_feed(&c, 1, 0, FEE, "")],
        1_000_000,
    );
    assert_code(&r, 25, "sla_blocks 0");
    // One fee of deposit: the second request finds the feed drained.
    ok(&e.chain.run(
        &mut e.carol,
        vec![create_feed(&c, 1, 50, FEE, "")],
        1_000_000,
    ));
    ok(&e
        .chain
        .run(&mut e.carol, vec![request(&c, 1, input(3), b"")], 500_000));
    let r = e
        .chain
        .run(&mut e.carol, vec![request(&c, 1, input(4), b"")], 500_000);
    assert_code(&r, 29, "drained");
    // Top-up by anyone revives it.
    let top = to_any(&pb::MsgTopUpFeed {
        sender: a.clone(),
        feed_id: 1,
        amount: FEE.to_string(),
    });
    ok(&e.chain.run(&mut e.alice, vec![top], 500_000));
    ok(&e
        .chain
        .run(&mut e.carol, vec![request(&c, 1, input(4), b"")], 500_000));
    // An expired feed.
    let mut f = create_feed(&c, 1, 50, FEE, "");
    let mut m = pb::MsgCreateFeed::decode(f.value.as_slice()).unwrap();
    m.expiry_height = e.chain.height as u64 + 2;
    f = to_any(&m);
    ok(&e.chain.run(&mut e.carol, vec![f], 1_000_000));
    e.chain.block(vec![]);
    e.chain.block(vec![]);
    let r = e
        .chain
        .run(&mut e.carol, vec![request(&c, 2, input(5), b"")], 500_000);
    assert_code(&r, 28, "expired");

    // Bob names carol his operator: she may fulfil his model's requests now; alice may not.
    let op = to_any(&pb::MsgSetModelOperator {
        owner: e.bob.address.to_bech32(),
        model_id: 1,
        operator: c.clone(),
    });
    ok(&e.chain.run(&mut e.bob, vec![op], 500_000));
    let (out, proof) = prove(&e, 2, &input(4));
    let r = e.chain.run(
        &mut e.alice,
        vec![fulfil(&a, 2, out.clone(), proof.clone())],
        5_000_000,
    );
    assert_code(&r, 36, "neither the owner nor the operator");
    let bob_before = e.chain.balance(&e.bob.address, "uspec");
    let r = e
        .chain
        .run(&mut e.carol, vec![fulfil(&c, 2, out, proof)], 5_000_000);
    ok(&r);
    // The modeler's share goes to the owner, not the operator.
    assert_eq!(e.chain.balance(&e.bob.address, "uspec"), bob_before + 8_000);
    escrow(&e.chain);
}

#[test]
fn failing_panicking_and_looping_callbacks_do_not_undo_the_payment() {
    let dir = tempfile::tempdir().unwrap();
    let mut e = economy(dir.path(), true);
    let (b, c) = (e.bob.address.to_bech32(), e.carol.address.to_bech32());
    let code = e.chain.store_code(&mut e.alice, &artifact("hostile"));
    let hostile = e
        .chain
        .instantiate(&mut e.alice, code, json!({}), "hostile");
    ok(&e.chain.run(
        &mut e.carol,
        vec![create_feed(&c, 1, 5, 10 * FEE, &hostile)],
        1_000_000,
    ));
    let cases: [(&[u8], &str); 4] = [
        (b"refuse", "refusing callback"),
        (b"panic", ""),
        (b"loop", "gas"),
        (b"bomb", ""),
    ];
    for (i, (data, says)) in cases.iter().enumerate() {
        let id = i as u64 + 1;
        let x = input(id as i64);
        ok(&e
            .chain
            .run(&mut e.carol, vec![request(&c, 1, x.clone(), data)], 500_000));
        let (out, proof) = prove(&e, id, &x);
        let bob_before = e.chain.balance(&e.bob.address, "uspec");
        let r = e
            .chain
            .run(&mut e.bob, vec![fulfil(&b, id, out, proof)], 10_000_000);
        ok(&r);
        let result = attr(&r, "inference_callback", "result").unwrap();
        assert!(
            result.starts_with("failed: ") && result.contains(says),
            "{data:?}: {result}"
        );
        assert!(attr(&r, "inference_contract_error", "log").is_some());
        assert_eq!(
            e.chain.balance(&e.bob.address, "uspec"),
            bob_before - fee_for(10_000_000) + 8_000,
            "{data:?}: paid anyway"
        );
        assert_eq!(request_of(&e.chain, id).status, "fulfilled");
        // A looping callback uses its own gas limit, not the transaction's.
        assert!(r.gas_used < 9_000_000, "{data:?}: {} gas", r.gas_used);
    }
    // The timeout callback fails the same way and the refund still happens.
    ok(&e.chain.run(
        &mut e.carol,
        vec![request(&c, 1, input(9), b"loop")],
        500_000,
    ));
    let deadline = request_of(&e.chain, 5).deadline;
    while e.chain.height < deadline as i64 {
        e.chain.block(vec![]);
    }
    let req = request_of(&e.chain, 5);
    assert_eq!(req.status, "timed_out");
    assert!(
        req.callback_result.starts_with("failed: "),
        "{}",
        req.callback_result
    );
    assert_eq!(feed_of(&e.chain, 1).deposit, (6 * FEE).to_string());
    escrow(&e.chain);

    // Two requests answered by one aggregate proof; a listed-twice batch is refused.
    let (x1, x2) = (input(21), input(22));
    ok(&e.chain.run(
        &mut e.carol,
        vec![request(&c, 1, x1.clone(), b"refuse")],
        500_000,
    ));
    ok(&e.chain.run(
        &mut e.carol,
        vec![request(&c, 1, x2.clone(), b"refuse")],
        500_000,
    ));
    let p1 = prove_inference(&e.model, &x1, Mode::Public, &request_binding(CHAIN_ID, 6)).unwrap();
    let p2 = prove_inference(&e.model, &x2, Mode::Public, &request_binding(CHAIN_ID, 7)).unwrap();
    let spec = ArchSpec::parse(ARCH).unwrap();
    let agg = inferchain_verifier::aggregate(&spec, &[p1.clone(), p2.clone()]).unwrap();
    let batch = |ids: Vec<u64>| {
        to_any(&pb::MsgFulfillInferences {
            submitter: b.clone(),
            request_ids: ids,
            outputs: vec![
                pb::InferenceOutput {
                    values: p1.output.clone(),
                },
                pb::InferenceOutput {
                    values: p2.output.clone(),
                },
            ],
            proof: agg.clone(),
        })
    };
    let swapped = batch(vec![7, 6]);
    let r = e.chain.run(&mut e.bob, vec![swapped], 20_000_000);
    assert_code(&r, 24, "proof rejected");
    let r = e.chain.run(&mut e.bob, vec![batch(vec![6, 7])], 20_000_000);
    ok(&r);
    assert_eq!(request_of(&e.chain, 6).status, "fulfilled");
    assert_eq!(request_of(&e.chain, 7).status, "fulfilled");
    assert_eq!(
        request_of(&e.chain, 6).proof_hash,
        request_of(&e.chain, 7).proof_hash
    );
    let books = escrow(&e.chain);
    assert_eq!(books.pending_requests, 0);
}
