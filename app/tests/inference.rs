//! The inference module in process: genesis architectures are rebuilt and checked (a wrong
//! digest refuses the chain), only the chain's authority registers circuits and changes the
//! module's params, a registered digest this build doesn't give refuses the message (code 5),
//! and a model can't be registered without the staking contract the params name (code 13).
//! The whole challenge flow with contracts and real proofs is `tests/tests/challenge.rs`.

use inferchain_app::harness::{Account, Harness};
use inferchain_app::modules::inference::circuits;
use inferchain_app::modules::inference::genesis::ArchitectureJson;
use inferchain_app::modules::to_any;
use inferchain_proto::inferchain::inference::v1 as pb;
use inferchain_verifier::{Mode, ProofKind};
use prost::Message;
use serde_json::json;
use tendermint_proto::v0_38::abci::ExecTxResult;

const ARCH: &str = "mlp-16-32-16-1";

fn small_arch() -> pb::Architecture {
    circuits::describe_architecture(ARCH, &[(ProofKind::Inference, Mode::Public)]).unwrap()
}

/// A chain whose authority is `alice` and whose genesis registers `arch`.
fn chain(dir: &std::path::Path, arch: pb::Architecture) -> (Harness, Account, Account) {
    let mut alice = Account::from_seed(1, 0);
    let mut bob = Account::from_seed(2, 0);
    let arch: ArchitectureJson = arch.into();
    let chain = Harness::with_sections(
        dir,
        &[&alice.address, &bob.address],
        40_000_000,
        json!({
            "params": {"authority": alice.address.to_bech32()},
            "inference": {"architectures": [arch]},
        }),
        None,
        inferchain_app::app::modules,
    );
    alice.number = chain.account_number(&alice.address);
    bob.number = chain.account_number(&bob.address);
    (chain, alice, bob)
}

fn architectures(chain: &Harness) -> Vec<pb::Architecture> {
    let r = chain.query(
        "/inferchain.inference.v1.Query/Architectures",
        pb::QueryArchitecturesRequest {}.encode_to_vec(),
    );
    assert_eq!(r.code, 0, "{}", r.log);
    pb::QueryArchitecturesResponse::decode(r.value.as_ref())
        .unwrap()
        .architectures
}

fn params(chain: &Harness) -> pb::Params {
    let r = chain.query(
        "/inferchain.inference.v1.Query/Params",
        pb::QueryParamsRequest {}.encode_to_vec(),
    );
    assert_eq!(r.code, 0, "{}", r.log);
    pb::QueryParamsResponse::decode(r.value.as_ref())
        .unwrap()
        .params
        .unwrap()
}

fn assert_code(r: &ExecTxResult, codespace: &str, code: u32, says: &str) {
    assert_eq!(
        (r.codespace.as_str(), r.code),
        (codespace, code),
        "{}",
        r.log
    );
    assert!(r.log.contains(says), "log should say {says:?}: {}", r.log);
}

#[test]
fn genesis_architectures_are_rebuilt_and_checked() {
    let dir = tempfile::tempdir().unwrap();
    let (chain, _, _) = chain(dir.path(), small_arch());
    assert_eq!(architectures(&chain), vec![small_arch()]);
    // Genesis naming a digest this build doesn't give: no chain.
    let mut bad = small_arch();
    bad.circuits[0].digest = "11".repeat(32);
    let dir = tempfile::tempdir().unwrap();
    let refused = std::panic::catch_unwind(|| chain_panics(dir.path(), bad));
    let msg = refused.expect_err("genesis with a wrong digest must not start");
    let text = msg
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| msg.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default();
    assert!(text.contains("circuit digest mismatch"), "{text}");
}

fn chain_panics(dir: &std::path::Path, arch: pb::Architecture) {
    let _ = chain(dir, arch);
}

#[test]
fn only_the_authority_registers_circuits_and_changes_params() {
    let dir = tempfile::tempdir().unwrap();
    let (mut chain, mut alice, mut bob) = chain(dir.path(), small_arch());
    let more =
        circuits::describe_architecture(ARCH, &[(ProofKind::Score { rows: 16 }, Mode::Private)])
            .unwrap();
    let (a, b) = (alice.address.to_bech32(), bob.address.to_bech32());
    let register = |who: &str, arch: &pb::Architecture| {
        to_any(&pb::MsgRegisterArchitecture {
            authority: who.to_string(),
            architecture: Some(arch.clone()),
        })
    };
    let r = chain.run(&mut bob, vec![register(&b, &more)], 5_000_000);
    assert_code(&r, "sdk", 4, "not the chain's authority");
    // A digest that is not what the spec gives (another circuit's) is refused on every node.
    let mut wrong = more.clone();
    wrong.circuits[0].digest = small_arch().circuits[0].digest.clone();
    let r = chain.run(&mut alice, vec![register(&a, &wrong)], 5_000_000);
    assert_code(&r, "inference", 5, "circuit digest mismatch");
    // Outside the registry: refused before anything is built.
    let mut odd = more.clone();
    odd.circuits[0].rows = 100;
    let r = chain.run(&mut alice, vec![register(&a, &odd)], 5_000_000);
    assert_code(&r, "inference", 4, "not registered");
    // Refused by the stateless check, before the ante handler: the sequence wasn't used.
    alice.sequence -= 1;
    // The right one is added to what genesis registered.
    let r = chain.run(&mut alice, vec![register(&a, &more)], 5_000_000);
    assert_eq!(r.code, 0, "{}", r.log);
    let archs = architectures(&chain);
    assert_eq!(archs.len(), 1);
    assert_eq!(archs[0].circuits.len(), 2, "{archs:?}");
    // Listing it again is a duplicate.
    let r = chain.run(&mut alice, vec![register(&a, &more)], 5_000_000);
    assert_code(&r, "inference", 4, "twice");

    // Params: the authority wires the contracts; bad values and other senders are refused.
    let mut p = params(&chain);
    assert!(p.staking_contract.is_empty());
    p.staking_contract = bob.address.to_bech32();
    p.min_model_stake = "5000000".into();
    let update = |who: &str, p: &pb::Params| {
        to_any(&pb::MsgUpdateParams {
            authority: who.to_string(),
            params: Some(p.clone()),
        })
    };
    let r = chain.run(&mut bob, vec![update(&b, &p)], 500_000);
    assert_code(&r, "sdk", 4, "not the chain's authority");
    let mut bad = p.clone();
    bad.max_score_rows = 4096;
    let r = chain.run(&mut alice, vec![update(&a, &bad)], 500_000);
    assert_code(&r, "inference", 25, "max_score_rows");
    alice.sequence -= 1;
    let r = chain.run(&mut alice, vec![update(&a, &p)], 500_000);
    assert_eq!(r.code, 0, "{}", r.log);
    assert_eq!(params(&chain), p);
}

#[test]
fn models_need_a_staking_contract_and_a_registered_mode() {
    let dir = tempfile::tempdir().unwrap();
    let (mut chain, mut alice, _) = chain(dir.path(), small_arch());
    let a = alice.address.to_bech32();
    let register = |who: &str, mode: &str, commitment: &str| {
        to_any(&pb::MsgRegisterModel {
            owner: who.to_string(),
            commitment: commitment.into(),
            architecture: ARCH.into(),
            mode: mode.into(),
            metadata_uri: String::new(),
        })
    };
    let c = "d7590fce58bb2c20edaa72e5d11e87e5cb9ff2e3dcdd2fa25c932d79a7bf823a";
    // Only public circuits are registered: a private model has nothing to be verified by.
    let r = chain.run(&mut alice, vec![register(&a, "private", c)], 500_000);
    assert_code(&r, "inference", 3, "private mode");
    // No staking contract in the params yet: nobody can be checked as a bonded modeler.
    let r = chain.run(&mut alice, vec![register(&a, "public", c)], 500_000);
    assert_code(&r, "inference", 13, "staking");
    // Malformed commitments and unknown architectures fail before any state is read.
    let r = chain.run(&mut alice, vec![register(&a, "public", "abc")], 500_000);
    assert_code(&r, "inference", 9, "commitment");
    // Refused by the stateless check, before the ante handler: the sequence wasn't used.
    alice.sequence -= 1;
    let r = chain.run(&mut alice, vec![register(&a, "secret", c)], 500_000);
    assert_code(&r, "inference", 10, "secret");
    let m = pb::QueryModelRequest { id: 1 };
    let q = chain.query("/inferchain.inference.v1.Query/Model", m.encode_to_vec());
    assert_ne!(q.code, 0, "no model was registered");
}
