//! Native modules call contracts through the wasm keeper handle the app builder gives them
//! (the inference module will record scores with `sudo`): a test module built into the app
//! sets a counter contract's count at every block's end, with the chain's privilege that no
//! transaction has.

use std::sync::{Arc, Mutex};

use cosmos_sdk_proto::cosmwasm::wasm::v1::MsgSudoContract;
use inferchain_app::address::Address;
use inferchain_app::ctx::Ctx;
use inferchain_app::error::TxError;
use inferchain_app::harness::{artifact, Account, Harness};
use inferchain_app::modules::wasm::{Wasm, WasmKeeper};
use inferchain_app::modules::{to_any, Module};
use inferchain_app::router::Routes;
use serde_json::json;

/// Sets the count of the contract in `target` to the block height at each block's end.
struct Ticker {
    keeper: WasmKeeper,
    target: Arc<Mutex<Option<Address>>>,
}

impl Module for Ticker {
    fn name(&self) -> &'static str {
        "ticker"
    }

    fn register(&self, _routes: &mut Routes) {}

    fn end_block(&self, ctx: &mut Ctx) -> Result<(), TxError> {
        let Some(contract) = self.target.lock().unwrap().clone() else {
            return Ok(());
        };
        let msg = json!({"set": {"count": ctx.block.height}}).to_string();
        self.keeper.sudo(ctx, &contract, msg.as_bytes())?;
        Ok(())
    }
}

fn count(chain: &Harness, contract: &str) -> u64 {
    chain.smart_json(contract, &json!({"count": {}}))["count"]
        .as_u64()
        .unwrap()
}

#[test]
fn a_native_module_calls_a_contracts_sudo_through_the_keeper() {
    let dir = tempfile::tempdir().unwrap();
    let mut alice = Account::from_seed(1, 0);
    let target = Arc::new(Mutex::new(None));
    let shared = target.clone();
    let mut chain = Harness::with_modules(
        dir.path(),
        &[&alice.address],
        40_000_000,
        json!({}),
        None,
        move |vm| {
            let wasm = Wasm::new(vm.clone());
            let keeper = wasm.keeper();
            let mut modules = inferchain_app::app::modules(vm);
            modules.push(Box::new(Ticker {
                keeper,
                target: shared,
            }));
            modules
        },
    );
    alice.number = chain.account_number(&alice.address);
    let code = chain.store_code(&mut alice, &artifact("counter"));
    let counter = chain.instantiate(&mut alice, code, json!({"count": 0}), "counter");
    *target.lock().unwrap() = Some(counter.parse().unwrap());

    let r = chain.block(vec![]);
    assert_eq!(count(&chain, &counter), chain.height as u64);
    // The contract's events are the block's.
    assert!(
        r.events
            .iter()
            .any(|e| e.r#type == "sudo" && e.attributes.iter().any(|a| a.value == counter)),
        "{:?}",
        r.events
    );
    chain.block(vec![]);
    assert_eq!(count(&chain, &counter), chain.height as u64);

    // A transaction can't do what the module did: sudo is the chain's (or its authority's).
    let sudo = to_any(&MsgSudoContract {
        authority: alice.address.to_bech32(),
        contract: counter.clone(),
        msg: br#"{"set":{"count":7}}"#.to_vec(),
    });
    let r = chain.run(&mut alice, vec![sudo], 500_000);
    assert_eq!(r.code, 4, "{}", r.log);
    assert_eq!(count(&chain, &counter), chain.height as u64);
}
