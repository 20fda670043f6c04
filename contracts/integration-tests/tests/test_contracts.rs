//! The chain's CosmWasm test contracts (counter, caller, hostile) under cw-multi-test: what the
//! chain's end-to-end tests expect of them, checked against the reference semantics.

use cosmwasm_std::{coin, coins, from_json, Addr, Binary, Coin, Empty};
use cw_multi_test::{App, AppResponse, Contract, ContractWrapper, Executor};

use inferchain_caller::msg as caller;
use inferchain_counter::msg as counter;
use inferchain_hostile::msg as hostile;

const DENOM: &str = "uspec";

fn counter_contract() -> Box<dyn Contract<Empty>> {
    use inferchain_counter::contract::*;
    Box::new(ContractWrapper::new(execute, instantiate, query).with_migrate(migrate))
}
fn caller_contract() -> Box<dyn Contract<Empty>> {
    use inferchain_caller::contract::*;
    Box::new(ContractWrapper::new(execute, instantiate, query).with_reply(reply))
}
fn hostile_contract() -> Box<dyn Contract<Empty>> {
    use inferchain_hostile::contract::*;
    Box::new(ContractWrapper::new(execute, instantiate, query))
}

struct Suite {
    app: App,
    owner: Addr,
    other: Addr,
    counter_code: u64,
    counter: Addr,
    caller: Addr,
}

impl Suite {
    fn new() -> Self {
        let mut app = App::new(|router, api, storage| {
            for who in ["owner", "other"] {
                router
                    .bank
                    .init_balance(storage, &api.addr_make(who), coins(1_000_000, DENOM))
                    .unwrap();
            }
        });
        let owner = app.api().addr_make("owner");
        let other = app.api().addr_make("other");
        let counter_code = app.store_code(counter_contract());
        let caller_code = app.store_code(caller_contract());
        let counter = app
            .instantiate_contract(
                counter_code,
                owner.clone(),
                &counter::InstantiateMsg { count: 5 },
                &[],
                "counter",
                Some(owner.to_string()),
            )
            .unwrap();
        let caller = app
            .instantiate_contract(
                caller_code,
                owner.clone(),
                &caller::InstantiateMsg {},
                &coins(1_000, DENOM),
                "caller",
                None,
            )
            .unwrap();
        Suite {
            app,
            owner,
            other,
            counter_code,
            counter,
            caller,
        }
    }

    fn count(&self) -> u64 {
        let r: counter::CountResponse = self
            .app
            .wrap()
            .query_wasm_smart(&self.counter, &counter::QueryMsg::Count {})
            .unwrap();
        r.count
    }

    fn call(&mut self, msg: &caller::ExecuteMsg) -> cosmwasm_std::StdResult<AppResponse> {
        let (owner, caller) = (self.owner.clone(), self.caller.clone());
        self.app.execute_contract(owner, caller, msg, &[])
    }

    fn mark(&self) -> Option<String> {
        self.app
            .wrap()
            .query_wasm_smart(&self.caller, &caller::QueryMsg::Mark {})
            .unwrap()
    }

    fn last_reply(&self) -> Option<caller::LastReply> {
        self.app
            .wrap()
            .query_wasm_smart(&self.caller, &caller::QueryMsg::LastReply {})
            .unwrap()
    }
}

fn attr(resp: &AppResponse, ty: &str, key: &str) -> Option<String> {
    resp.events
        .iter()
        .filter(|e| e.ty == ty)
        .flat_map(|e| e.attributes.iter())
        .find(|a| a.key == key)
        .map(|a| a.value.clone())
}

#[test]
fn counter_increment_reset_fail_and_migrate() {
    let mut s = Suite::new();
    let (owner, other, c) = (s.owner.clone(), s.other.clone(), s.counter.clone());
    assert_eq!(s.count(), 5);

    let resp = s
        .app
        .execute_contract(
            other.clone(),
            c.clone(),
            &counter::ExecuteMsg::Increment {},
            &[],
        )
        .unwrap();
    assert_eq!(s.count(), 6);
    assert_eq!(attr(&resp, "wasm", "action").as_deref(), Some("increment"));
    assert_eq!(attr(&resp, "wasm-counter", "count").as_deref(), Some("6"));
    // multi-test hands back the contract's data itself for a top-level execute
    assert_eq!(resp.data, Some(Binary::from(b"6".to_vec())));

    // reset: owner only
    let err = s
        .app
        .execute_contract(
            other,
            c.clone(),
            &counter::ExecuteMsg::Reset { count: 0 },
            &[],
        )
        .unwrap_err();
    assert!(format!("{err:?}").contains("unauthorized"), "{err:?}");
    assert_eq!(s.count(), 6);
    s.app
        .execute_contract(
            owner.clone(),
            c.clone(),
            &counter::ExecuteMsg::Reset { count: 10 },
            &[],
        )
        .unwrap();
    assert_eq!(s.count(), 10);

    // fail: the increment it saved before failing is rolled back
    let err = s
        .app
        .execute_contract(owner.clone(), c.clone(), &counter::ExecuteMsg::Fail {}, &[])
        .unwrap_err();
    assert!(format!("{err:?}").contains("failing on purpose"), "{err:?}");
    assert_eq!(s.count(), 10);

    let owner_resp: counter::OwnerResponse = s
        .app
        .wrap()
        .query_wasm_smart(&c, &counter::QueryMsg::Owner {})
        .unwrap();
    assert_eq!(owner_resp.owner, owner.to_string());

    // migrate (owner is the admin) to a fresh copy of the code
    let migrated: bool = s
        .app
        .wrap()
        .query_wasm_smart(&c, &counter::QueryMsg::Migrated {})
        .unwrap();
    assert!(!migrated);
    let new_code = s.app.store_code(counter_contract());
    s.app
        .migrate_contract(
            owner.clone(),
            c.clone(),
            &counter::MigrateMsg { count: Some(42) },
            new_code,
        )
        .unwrap();
    assert_eq!(s.count(), 42);
    let migrated: bool = s
        .app
        .wrap()
        .query_wasm_smart(&c, &counter::QueryMsg::Migrated {})
        .unwrap();
    assert!(migrated);
    s.app
        .migrate_contract(
            owner,
            c,
            &counter::MigrateMsg { count: None },
            s.counter_code,
        )
        .unwrap();
    assert_eq!(s.count(), 42);
}

#[test]
fn caller_reply_on_success_sees_the_counter_events() {
    let mut s = Suite::new();
    let counter = s.counter.to_string();
    let resp = s
        .call(&caller::ExecuteMsg::CallIncrement {
            counter: counter.clone(),
        })
        .unwrap();
    assert_eq!(s.count(), 6);
    assert_eq!(s.mark().as_deref(), Some("call-increment"));
    let last = s.last_reply().unwrap();
    assert_eq!((last.id, last.ok, last.error.clone()), (1, true, None));
    assert!(
        last.events.iter().any(|t| t == "wasm-counter"),
        "{:?}",
        last.events
    );
    assert_eq!(
        last.msg_responses,
        vec!["/cosmwasm.wasm.v1.MsgExecuteContractResponse".to_string()]
    );
    // the reply's data (the LastReply as JSON) becomes the transaction's data
    let data: caller::LastReply = from_json(resp.data.clone().unwrap()).unwrap();
    assert_eq!(data, last);
    assert_eq!(attr(&resp, "wasm-caller_reply", "id").as_deref(), Some("1"));

    // the wasm querier from inside the contract
    let via_caller: u64 = s
        .app
        .wrap()
        .query_wasm_smart(&s.caller, &caller::QueryMsg::CounterValue { counter })
        .unwrap();
    assert_eq!(via_caller, 6);
}

#[test]
fn caller_reply_on_error_rolls_the_failed_sub_message_back() {
    let mut s = Suite::new();
    let counter = s.counter.to_string();
    s.call(&caller::ExecuteMsg::CallFailing { counter })
        .unwrap();
    // the counter's write inside the failed sub-message is gone; the caller's own write stays
    assert_eq!(s.count(), 5);
    assert_eq!(s.mark().as_deref(), Some("call-failing"));
    let last = s.last_reply().unwrap();
    assert_eq!((last.id, last.ok), (2, false));
    assert!(last.error.is_some());
    assert!(last.events.is_empty());
}

#[test]
fn caller_failure_without_reply_fails_the_whole_transaction() {
    let mut s = Suite::new();
    let counter = s.counter.to_string();
    s.call(&caller::ExecuteMsg::CallIncrement {
        counter: counter.clone(),
    })
    .unwrap();
    let err = s
        .call(&caller::ExecuteMsg::CallFailingNoReply { counter })
        .unwrap_err();
    assert!(format!("{err:?}").contains("failing on purpose"), "{err:?}");
    assert_eq!(s.count(), 6);
    assert_eq!(s.mark().as_deref(), Some("call-increment"));
    assert_eq!(s.last_reply().unwrap().id, 1);
}

#[test]
fn caller_sends_from_its_balance_and_reads_it_through_the_bank_querier() {
    let mut s = Suite::new();
    let balance = |s: &Suite| -> Coin {
        s.app
            .wrap()
            .query_wasm_smart(
                &s.caller,
                &caller::QueryMsg::Balance {
                    denom: DENOM.into(),
                },
            )
            .unwrap()
    };
    assert_eq!(balance(&s), coin(1_000, DENOM));
    let to = s.other.to_string();
    s.call(&caller::ExecuteMsg::Send {
        to: to.clone(),
        amount: coins(300, DENOM),
    })
    .unwrap();
    assert_eq!(balance(&s), coin(700, DENOM));
    assert_eq!(
        s.app.wrap().query_balance(&s.other, DENOM).unwrap(),
        coin(1_000_300, DENOM)
    );
    // more than it holds: the transaction fails, nothing moves
    s.call(&caller::ExecuteMsg::Send {
        to,
        amount: coins(701, DENOM),
    })
    .unwrap_err();
    assert_eq!(balance(&s), coin(700, DENOM));
}

#[test]
fn caller_instantiate2_records_the_new_address() {
    let mut s = Suite::new();
    let resp = s
        .call(&caller::ExecuteMsg::Instantiate2Counter {
            code_id: s.counter_code,
            salt: Binary::from(b"salt-1".to_vec()),
            label: "counter-2".into(),
        })
        .unwrap();
    let inst: caller::Instantiated = s
        .app
        .wrap()
        .query_wasm_smart(&s.caller, &caller::QueryMsg::Instantiated {})
        .unwrap();
    let addr = inst.address_from_events.clone().unwrap();
    assert_eq!(
        inst.address_from_msg_responses.as_deref(),
        Some(addr.as_str())
    );
    assert_eq!(
        attr(&resp, "wasm-caller_reply", "contract_address"),
        Some(addr.clone())
    );
    let last = s.last_reply().unwrap();
    assert_eq!((last.id, last.ok), (3, true));
    assert!(
        last.events.iter().any(|t| t == "instantiate"),
        "{:?}",
        last.events
    );
    let count: counter::CountResponse = s
        .app
        .wrap()
        .query_wasm_smart(&addr, &counter::QueryMsg::Count {})
        .unwrap();
    assert_eq!(count.count, 0);
    let info = s.app.wrap().query_wasm_contract_info(&addr).unwrap();
    assert_eq!(info.code_id, s.counter_code);
    assert_eq!(info.creator, s.caller);
    assert_eq!(info.admin, None);

    // the same salt again: the address is taken, the reply (reply_always) records the error
    s.call(&caller::ExecuteMsg::Instantiate2Counter {
        code_id: s.counter_code,
        salt: Binary::from(b"salt-1".to_vec()),
        label: "counter-3".into(),
    })
    .unwrap();
    let last = s.last_reply().unwrap();
    assert_eq!((last.id, last.ok), (3, false));
}

#[test]
fn hostile_ping_and_shallow_recursion_work() {
    let mut app = App::default();
    let owner = app.api().addr_make("owner");
    let code = app.store_code(hostile_contract());
    let h = app
        .instantiate_contract(
            code,
            owner.clone(),
            &hostile::InstantiateMsg {},
            &[],
            "hostile",
            None,
        )
        .unwrap();
    let pong: String = app
        .wrap()
        .query_wasm_smart(&h, &hostile::QueryMsg::Ping {})
        .unwrap();
    assert_eq!(pong, "pong");
    let resp = app
        .execute_contract(owner, h, &hostile::ExecuteMsg::Recurse { depth: 10 }, &[])
        .unwrap();
    assert_eq!(attr(&resp, "wasm", "action").as_deref(), Some("recurse"));
    // (loop, memory_bomb and deep recursion only make sense inside a metered VM)
}
