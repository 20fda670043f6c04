//! Contract resource limits, in process: what a hostile contract can make every node do.
//! Needs `contracts/artifacts` (built by `contracts/build.sh`, which `tests/run.sh` runs).

use std::path::Path;

use cosmos_sdk_proto::cosmos::bank::v1beta1::{QuerySupplyOfRequest, QuerySupplyOfResponse};
use cosmos_sdk_proto::cosmos::base::v1beta1::Coin;
use cosmos_sdk_proto::cosmos::tx::v1beta1::{SimulateRequest, TxRaw};
use cosmos_sdk_proto::cosmwasm::wasm::v1::{MsgExecuteContract, MsgStoreCode};
use inferchain_app::harness::{artifact, fee_for, gzip, Account, Harness};
use inferchain_app::modules::to_any;
use inferchain_app::params::{DEFAULT_MAX_BLOCK_GAS, DEFAULT_MAX_TX_GAS};
use prost::Message;
use tendermint_proto::v0_38::abci::ExecTxResult;

fn files_under(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| {
            if e.path().is_dir() {
                files_under(&e.path())
            } else {
                1
            }
        })
        .sum()
}

struct Chain {
    chain: Harness,
    alice: Account,
    /// A second funded account, with a sequence of its own.
    bob: Account,
    dir: tempfile::TempDir,
}

impl Chain {
    fn new(max_gas: i64, max_tx_gas: u64) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let (chain, mut accounts) =
            Harness::with_accounts(dir.path(), 2, max_gas, max_tx_gas, None);
        let bob = accounts.pop().unwrap();
        let alice = accounts.pop().unwrap();
        Chain {
            chain,
            alice,
            bob,
            dir,
        }
    }

    fn run(&mut self, msg: tendermint_proto::google::protobuf::Any, gas: u64) -> ExecTxResult {
        self.chain.run(&mut self.alice, vec![msg], gas)
    }

    fn store(&mut self, wasm: Vec<u8>) -> u64 {
        self.chain.store_code(&mut self.alice, &wasm)
    }

    fn instantiate(&mut self, code_id: u64) -> String {
        self.chain
            .instantiate(&mut self.alice, code_id, serde_json::json!({}), "hostile")
    }

    fn execute(
        &mut self,
        contract: &str,
        msg: serde_json::Value,
        funds: u128,
        gas: u64,
    ) -> ExecTxResult {
        let funds = if funds == 0 {
            vec![]
        } else {
            vec![Coin {
                denom: "uspec".into(),
                amount: funds.to_string(),
            }]
        };
        let msg = self.execute_msg(contract, msg, funds);
        self.run(msg, gas)
    }

    fn execute_msg(
        &self,
        contract: &str,
        msg: serde_json::Value,
        funds: Vec<Coin>,
    ) -> tendermint_proto::google::protobuf::Any {
        to_any(&MsgExecuteContract {
            sender: self.alice.address.to_bech32(),
            contract: contract.into(),
            msg: msg.to_string().into_bytes(),
            funds,
        })
    }

    fn supply(&self) -> u128 {
        let r = self.chain.query(
            "/cosmos.bank.v1beta1.Query/SupplyOf",
            QuerySupplyOfRequest {
                denom: "uspec".into(),
            }
            .encode_to_vec(),
        );
        assert_eq!(r.code, 0, "{}", r.log);
        QuerySupplyOfResponse::decode(r.value.as_ref())
            .unwrap()
            .amount
            .unwrap()
            .amount
            .parse()
            .unwrap()
    }
}

/// A free, unsigned Simulate of `MsgStoreCode` compiles and validates the code (its gas is
/// the real one) but leaves nothing in the node's module cache.
#[test]
fn simulate_store_code_leaves_no_trace() {
    let mut c = Chain::new(DEFAULT_MAX_BLOCK_GAS as i64, DEFAULT_MAX_TX_GAS);
    let wasm = artifact("counter");
    let cache = c.dir.path().join("wasm");
    let before = files_under(&cache);
    let tx = c.alice.sign_at(
        vec![to_any(&MsgStoreCode {
            sender: c.alice.address.to_bech32(),
            wasm_byte_code: gzip(&wasm),
            instantiate_permission: None,
        })],
        0,
        0,
        0,
    );
    let mut raw = TxRaw::decode(tx.as_slice()).unwrap();
    raw.signatures = vec![vec![]];
    for _ in 0..3 {
        let r = c.chain.query(
            "/cosmos.tx.v1beta1.Service/Simulate",
            SimulateRequest {
                tx_bytes: raw.encode_to_vec(),
                ..Default::default()
            }
            .encode_to_vec(),
        );
        assert_eq!(r.code, 0, "simulate: {}", r.log);
    }
    assert_eq!(
        files_under(&cache),
        before,
        "simulation wrote to the module cache"
    );
    // A real upload does write there (so the count above can see a write).
    c.store(wasm);
    assert!(files_under(&cache) > before);
}

#[test]
fn oversized_contract_output_fails_with_a_clear_error() {
    let mut c = Chain::new(DEFAULT_MAX_BLOCK_GAS as i64, DEFAULT_MAX_TX_GAS);
    let code = c.store(artifact("hostile"));
    let hostile = c.instantiate(code);

    // Small data passes, and its bytes are paid for.
    let small = c.execute(
        &hostile,
        serde_json::json!({"big_data": {"bytes": 16}}),
        0,
        2_000_000,
    );
    assert_eq!(small.code, 0, "{}", small.log);
    let more = c.execute(
        &hostile,
        serde_json::json!({"big_data": {"bytes": 100_000}}),
        0,
        2_000_000,
    );
    assert_eq!(more.code, 0, "{}", more.log);
    assert!(
        more.gas_used >= small.gas_used + 100_000,
        "100 kB of data cost {} gas more",
        more.gas_used - small.gas_used
    );

    // Over the data cap.
    let r = c.execute(
        &hostile,
        serde_json::json!({"big_data": {"bytes": 200_000}}),
        0,
        2_000_000,
    );
    assert_eq!((r.codespace.as_str(), r.code), ("wasm", 13), "{}", r.log);
    assert!(r.log.contains("bytes of data, limit 131072"), "{}", r.log);
    // Many small events, then a few large ones.
    for msg in [
        serde_json::json!({"many_events": {"count": 2000, "size": 4}}),
        serde_json::json!({"many_events": {"count": 4, "size": 100_000}}),
    ] {
        let r = c.execute(&hostile, msg, 0, 5_000_000);
        assert_eq!((r.codespace.as_str(), r.code), ("wasm", 13), "{}", r.log);
        assert!(r.log.contains("contract events exceed"), "{}", r.log);
    }
    // A long error message: the log is cut.
    let r = c.execute(
        &hostile,
        serde_json::json!({"big_error": {"bytes": 100_000}}),
        0,
        2_000_000,
    );
    assert_eq!((r.codespace.as_str(), r.code), ("wasm", 5), "{}", r.log);
    assert!(
        r.log.len() <= inferchain_app::outcome::MAX_LOG_BYTES,
        "{} bytes",
        r.log.len()
    );
    assert!(r.log.ends_with("(truncated)"), "{}", r.log);
    // The node goes on.
    let r = c.execute(
        &hostile,
        serde_json::json!({"big_data": {"bytes": 1}}),
        0,
        2_000_000,
    );
    assert_eq!(r.code, 0, "{}", r.log);
}

/// `BankMsg::Burn` from a contract: the coins leave the contract and the supply.
#[test]
fn contracts_can_burn() {
    let mut c = Chain::new(DEFAULT_MAX_BLOCK_GAS as i64, DEFAULT_MAX_TX_GAS);
    let code = c.store(artifact("hostile"));
    let hostile = c.instantiate(code);
    let supply = c.supply();
    let r = c.execute(&hostile, serde_json::json!({"burn": {}}), 1_000, 1_000_000);
    assert_eq!(r.code, 0, "{}", r.log);
    assert!(r.events.iter().any(|e| e.r#type == "burn"));
    // Fees are moved to the fee collector, not burned: only the 1,000 left the supply.
    assert_eq!(c.supply(), supply - 1_000);
    assert_eq!(c.chain.balance(&hostile.parse().unwrap(), "uspec"), 0);
}

/// The block gas meter stops real work: with room for two loops of the per-transaction
/// cap, a third one in the same (decided) block doesn't run.
#[test]
fn block_gas_meter_stops_a_block_of_loops() {
    let mut c = Chain::new(7_000_000, 3_500_000);
    let code = c.store(artifact("hostile"));
    let hostile = c.instantiate(code);
    let txs: Vec<_> = (0..3)
        .map(|_| {
            let msg = c.execute_msg(&hostile, serde_json::json!({"loop": {}}), vec![]);
            c.alice.sign(vec![msg], 3_500_000, fee_for(3_500_000))
        })
        .collect();
    assert!(c.chain.process(&txs[..2]));
    assert!(!c.chain.process(&txs), "Σ gas_wanted over max_gas");
    let r = c.chain.block(txs);
    let codes: Vec<_> = r.tx_results.iter().map(|t| t.code).collect();
    assert_eq!(codes, vec![11, 11, 11], "{:?}", r.tx_results);
    assert!(
        r.tx_results[2].log.contains("block gas meter"),
        "{}",
        r.tx_results[2].log
    );
    assert_eq!(r.tx_results[2].gas_used, 0);
    // Over the per-transaction cap: refused before anything runs.
    let msg = c.execute_msg(&hostile, serde_json::json!({"loop": {}}), vec![]);
    let tx = c.alice.sign(vec![msg], 3_500_001, fee_for(3_500_001));
    assert_eq!(c.chain.check(&tx).code, 41);
}

/// A long simulation (a contract loop, up to the 20M simulation cap) runs on a copy of the
/// mempool state: CheckTx is answered meanwhile instead of waiting for the mempool lock.
#[test]
fn simulation_does_not_hold_the_mempool() {
    use std::time::{Duration, Instant};
    let mut c = Chain::new(DEFAULT_MAX_BLOCK_GAS as i64, DEFAULT_MAX_TX_GAS);
    let code = c.store(artifact("hostile"));
    let hostile = c.instantiate(code);
    // bob simulates, alice keeps sending: their sequences don't interfere.
    let msg = to_any(&MsgExecuteContract {
        sender: c.bob.address.to_bech32(),
        contract: hostile.clone(),
        msg: br#"{"loop":{}}"#.to_vec(),
        funds: vec![],
    });
    let mut raw = TxRaw::decode(c.bob.sign_at(vec![msg], 0, 0, 0).as_slice()).unwrap();
    raw.signatures = vec![vec![]];
    let request = SimulateRequest {
        tx_bytes: raw.encode_to_vec(),
        ..Default::default()
    }
    .encode_to_vec();

    let app = c.chain.app.clone();
    let (started_tx, started) = std::sync::mpsc::channel();
    let simulation = std::thread::spawn(move || {
        use tendermint_abci::Application;
        started_tx.send(Instant::now()).unwrap();
        let r = app.query(tendermint_proto::v0_38::abci::RequestQuery {
            data: request.into(),
            path: "/cosmos.tx.v1beta1.Service/Simulate".into(),
            ..Default::default()
        });
        (r, Instant::now())
    });
    started.recv().unwrap();
    let bob = Account::from_seed(3, 0);
    let mut answered = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(120);
    while !simulation.is_finished() && Instant::now() < deadline {
        let tx = c.alice.sign(
            vec![to_any(&cosmos_sdk_proto::cosmos::bank::v1beta1::MsgSend {
                from_address: c.alice.address.to_bech32(),
                to_address: bob.address.to_bech32(),
                amount: vec![Coin {
                    denom: "uspec".into(),
                    amount: "1".into(),
                }],
            })],
            200_000,
            fee_for(200_000),
        );
        let r = c.chain.check(&tx);
        assert_eq!(r.code, 0, "{}", r.log);
        answered.push(Instant::now());
    }
    let (r, finished) = simulation.join().unwrap();
    // The loop is stopped by the simulation gas cap.
    assert_ne!(r.code, 0);
    assert!(r.log.contains("out of gas"), "{}", r.log);
    let during = answered
        .iter()
        .filter(|t| **t + Duration::from_millis(300) < finished)
        .count();
    assert!(
        during > 0,
        "no CheckTx was answered while the simulation ran ({} answered after it)",
        answered.len()
    );
}
