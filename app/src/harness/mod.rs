//! An in-process chain for tests: drives the ABCI application's InitChain, PrepareProposal,
//! ProcessProposal, FinalizeBlock, Commit, CheckTx and Query directly, with no CometBFT, so
//! a test can propose any block (a byzantine proposer's too) and run thousands of
//! transactions in seconds. The real-CometBFT tests in `tests/` cover what needs consensus.

pub mod economy;

use std::path::Path;
use std::sync::Arc;

use cosmos_sdk_proto::cosmos::tx::v1beta1::Fee;
use k256::ecdsa::SigningKey;
use prost::bytes::Bytes;
use tendermint_abci::Application;
use tendermint_proto::google::protobuf::{Any, Timestamp};
use tendermint_proto::v0_38::abci::*;
use tendermint_proto::v0_38::types::{BlockParams, ConsensusParams};

use crate::address::Address;
use crate::client::Client;
use crate::coins::GasPrice;
use crate::keyring::pubkey_bytes;
use crate::node::{AbciApp, Node, NodeConfig};
use crate::store::Store;

pub const CHAIN_ID: &str = "harness-1";

/// A dev account with a deterministic key.
pub struct Account {
    pub key: SigningKey,
    pub address: Address,
    pub number: u64,
    pub sequence: u64,
}

impl Account {
    /// The account whose secret key is `seed` repeated (seed > 0); `number` is its account
    /// number (see [`Harness::account_number`]).
    pub fn from_seed(seed: u8, number: u64) -> Self {
        let key = SigningKey::from_slice(&[seed; 32]).expect("a valid scalar");
        let address = Address::from_secp256k1(&pubkey_bytes(&key));
        Account {
            key,
            address,
            number,
            sequence: 0,
        }
    }

    /// Signs `msgs` with the next sequence (and takes it).
    pub fn sign(&mut self, msgs: Vec<Any>, gas_limit: u64, fee_uspec: u128) -> Vec<u8> {
        let tx = self.sign_at(msgs, gas_limit, fee_uspec, self.sequence);
        self.sequence += 1;
        tx
    }

    /// Signs `msgs` at `sequence` without taking it.
    pub fn sign_at(
        &self,
        msgs: Vec<Any>,
        gas_limit: u64,
        fee_uspec: u128,
        sequence: u64,
    ) -> Vec<u8> {
        let amount = if fee_uspec == 0 {
            vec![]
        } else {
            vec![cosmos_sdk_proto::cosmos::base::v1beta1::Coin {
                denom: crate::coins::NATIVE_DENOM.into(),
                amount: fee_uspec.to_string(),
            }]
        };
        let fee = Fee {
            amount,
            gas_limit,
            ..Default::default()
        };
        Client::new("http://127.0.0.1:1", CHAIN_ID).sign(
            &self.key,
            msgs,
            "",
            self.number,
            sequence,
            fee,
        )
    }
}

/// A contract built by `contracts/build.sh` (`contracts/artifacts/<name>.wasm`).
pub fn artifact(name: &str) -> Vec<u8> {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../contracts/artifacts")
        .join(format!("{name}.wasm"));
    std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (build the contracts first: contracts/build.sh)",
            path.display()
        )
    })
}

/// `bytes` gzipped, as CosmJS sends uploads (a quarter of the transaction-size gas).
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(bytes).expect("writing to memory");
    e.finish().expect("writing to memory")
}

/// A `MsgSend` of `amount` uspec.
pub fn send_msg(from: &Address, to: &Address, amount: u128) -> Any {
    crate::modules::to_any(&cosmos_sdk_proto::cosmos::bank::v1beta1::MsgSend {
        from_address: from.to_bech32(),
        to_address: to.to_bech32(),
        amount: vec![cosmos_sdk_proto::cosmos::base::v1beta1::Coin {
            denom: crate::coins::NATIVE_DENOM.into(),
            amount: amount.to_string(),
        }],
    })
}

pub struct Harness {
    pub app: AbciApp,
    pub height: i64,
}

/// The fee that pays `gas` at the localnet's mempool price (0.025uspec).
pub fn fee_for(gas: u64) -> u128 {
    GasPrice::parse("0.025uspec").expect("valid").fee_for(gas)
}

impl Harness {
    /// A chain whose genesis gives each of `accounts` 10^12 uspec, with CometBFT's
    /// `block.max_gas` = `max_gas` (-1: unlimited), the per-transaction cap `max_tx_gas`
    /// and the node's mempool floor `min_gas_price`. Account numbers follow the order of
    /// `accounts`.
    pub fn new(
        home: &Path,
        accounts: &[&Address],
        max_gas: i64,
        max_tx_gas: u64,
        min_gas_price: Option<&str>,
    ) -> Self {
        Self::with_params(
            home,
            accounts,
            max_gas,
            serde_json::json!({"max_tx_gas": max_tx_gas}),
            min_gas_price,
        )
    }

    /// [`Harness::new`] with the genesis `params` section given whole (limits, authority).
    pub fn with_params(
        home: &Path,
        accounts: &[&Address],
        max_gas: i64,
        params: serde_json::Value,
        min_gas_price: Option<&str>,
    ) -> Self {
        Self::with_modules(
            home,
            accounts,
            max_gas,
            params,
            min_gas_price,
            crate::app::modules,
        )
    }

    /// [`Harness::with_params`] for an app made of `modules(vm)`.
    pub fn with_modules(
        home: &Path,
        accounts: &[&Address],
        max_gas: i64,
        params: serde_json::Value,
        min_gas_price: Option<&str>,
        modules: impl FnOnce(Arc<crate::modules::wasm::Vm>) -> Vec<Box<dyn crate::modules::Module>>,
    ) -> Self {
        Self::with_sections(
            home,
            accounts,
            max_gas,
            serde_json::json!({ "params": params }),
            min_gas_price,
            modules,
        )
    }

    /// A chain whose genesis `app_state` has the funded `bank` section plus `sections` (an
    /// object of module sections: `params`, `inference`, …).
    pub fn with_sections(
        home: &Path,
        accounts: &[&Address],
        max_gas: i64,
        sections: serde_json::Value,
        min_gas_price: Option<&str>,
        modules: impl FnOnce(Arc<crate::modules::wasm::Vm>) -> Vec<Box<dyn crate::modules::Module>>,
    ) -> Self {
        Self::with_validators(
            home,
            accounts,
            max_gas,
            sections,
            min_gas_price,
            modules,
            vec![],
        )
    }

    /// [`Harness::with_sections`] with CometBFT's genesis `validators` (InitChain's).
    pub fn with_validators(
        home: &Path,
        accounts: &[&Address],
        max_gas: i64,
        sections: serde_json::Value,
        min_gas_price: Option<&str>,
        modules: impl FnOnce(Arc<crate::modules::wasm::Vm>) -> Vec<Box<dyn crate::modules::Module>>,
        validators: Vec<ValidatorUpdate>,
    ) -> Self {
        let store = Arc::new(Store::open(&home.join("state.redb")).expect("opening the store"));
        let node = Node::with_modules(
            store,
            NodeConfig {
                chain_id: CHAIN_ID.into(),
                min_gas_price: min_gas_price.map(|p| GasPrice::parse(p).expect("valid price")),
                keep_recent: 0,
                wasm_dir: home.join("wasm"),
                snapshots: None,
            },
            modules,
        )
        .expect("starting the node");
        let app = AbciApp(Arc::new(node));
        let balances: Vec<_> = accounts
            .iter()
            .map(|a| serde_json::json!({"address": a.to_bech32(), "coins": "1000000000000uspec"}))
            .collect();
        let mut app_state = serde_json::json!({ "bank": {"balances": balances} });
        if let serde_json::Value::Object(extra) = sections {
            for (k, v) in extra {
                app_state[k] = v;
            }
        }
        app.init_chain(RequestInitChain {
            time: Some(Timestamp {
                seconds: 1_700_000_000,
                nanos: 0,
            }),
            chain_id: CHAIN_ID.into(),
            consensus_params: Some(ConsensusParams {
                block: Some(BlockParams {
                    max_bytes: 22_020_096,
                    max_gas,
                }),
                ..Default::default()
            }),
            app_state_bytes: serde_json::to_vec(&app_state).expect("JSON").into(),
            initial_height: 1,
            validators,
            ..Default::default()
        });
        Harness { app, height: 0 }
    }

    fn time(&self, height: i64) -> Option<Timestamp> {
        Some(Timestamp {
            seconds: 1_700_000_000 + height,
            nanos: 0,
        })
    }

    /// What this node, as proposer of the next block, would propose from `txs`.
    pub fn prepare(&self, txs: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
        let height = self.height + 1;
        self.app
            .prepare_proposal(RequestPrepareProposal {
                max_tx_bytes: 22_020_096,
                txs: txs.into_iter().map(Bytes::from).collect(),
                height,
                time: self.time(height),
                ..Default::default()
            })
            .txs
            .into_iter()
            .map(|t| t.to_vec())
            .collect()
    }

    /// Whether this node, as a validator, accepts a proposal of `txs` for the next block.
    pub fn process(&self, txs: &[Vec<u8>]) -> bool {
        let height = self.height + 1;
        let r = self.app.process_proposal(RequestProcessProposal {
            txs: txs.iter().cloned().map(Bytes::from).collect(),
            height,
            time: self.time(height),
            ..Default::default()
        });
        r.status == response_process_proposal::ProposalStatus::Accept as i32
    }

    /// Finalizes and commits the next block holding `txs`, as decided (whatever the
    /// proposal screens would say: this is what a node does with a decided block).
    pub fn block(&mut self, txs: Vec<Vec<u8>>) -> ResponseFinalizeBlock {
        self.block_with(txs, None, vec![])
    }

    /// [`Harness::block`] with what CometBFT tells of consensus: the previous block's commit
    /// (`decided_last_commit`) and evidence (`misbehavior`).
    pub fn block_with(
        &mut self,
        txs: Vec<Vec<u8>>,
        decided_last_commit: Option<CommitInfo>,
        misbehavior: Vec<Misbehavior>,
    ) -> ResponseFinalizeBlock {
        let height = self.height + 1;
        let r = self.app.finalize_block(RequestFinalizeBlock {
            txs: txs.into_iter().map(Bytes::from).collect(),
            height,
            time: self.time(height),
            decided_last_commit,
            misbehavior,
            ..Default::default()
        });
        self.app.commit();
        self.height = height;
        r
    }

    pub fn check(&self, tx: &[u8]) -> ResponseCheckTx {
        self.app.check_tx(RequestCheckTx {
            tx: tx.to_vec().into(),
            r#type: CheckTxType::New as i32,
        })
    }

    pub fn query(&self, path: &str, data: Vec<u8>) -> ResponseQuery {
        self.app.query(RequestQuery {
            data: data.into(),
            path: path.into(),
            height: 0,
            prove: false,
        })
    }

    /// A chain whose genesis funds `n` dev accounts (seeds 1..=n, see [`Account::from_seed`]),
    /// returned with their account numbers set; the other arguments as in [`Harness::new`].
    pub fn with_accounts(
        home: &Path,
        n: u8,
        max_gas: i64,
        max_tx_gas: u64,
        min_gas_price: Option<&str>,
    ) -> (Self, Vec<Account>) {
        let mut accounts: Vec<Account> = (1..=n).map(|seed| Account::from_seed(seed, 0)).collect();
        let addresses: Vec<&Address> = accounts.iter().map(|a| &a.address).collect();
        let chain = Harness::new(home, &addresses, max_gas, max_tx_gas, min_gas_price);
        for a in &mut accounts {
            a.number = chain.account_number(&a.address);
        }
        (chain, accounts)
    }

    /// [`Harness::with_accounts`] with the chain's default limits and no mempool floor.
    pub fn funded(home: &Path, n: u8) -> (Self, Vec<Account>) {
        Self::with_accounts(
            home,
            n,
            crate::params::DEFAULT_MAX_BLOCK_GAS as i64,
            crate::params::DEFAULT_MAX_TX_GAS,
            None,
        )
    }

    /// Runs `msgs` signed by `from` (paying [`fee_for`] `gas`) alone in the next block.
    pub fn run(&mut self, from: &mut Account, msgs: Vec<Any>, gas: u64) -> ExecTxResult {
        let tx = from.sign(msgs, gas, fee_for(gas));
        self.block(vec![tx]).tx_results.remove(0)
    }

    /// Stores `wasm` (gzipped, as CosmJS uploads) from `from`; returns the code id.
    pub fn store_code(&mut self, from: &mut Account, wasm: &[u8]) -> u64 {
        use cosmos_sdk_proto::cosmwasm::wasm::v1::MsgStoreCode;
        let msg = crate::modules::to_any(&MsgStoreCode {
            sender: from.address.to_bech32(),
            wasm_byte_code: gzip(wasm),
            instantiate_permission: None,
        });
        let r = self.run(from, vec![msg], 3_500_000);
        assert_eq!(r.code, 0, "store code: {}", r.log);
        r.events
            .iter()
            .flat_map(|e| &e.attributes)
            .find(|a| a.key == "code_id")
            .expect("a code_id event")
            .value
            .parse()
            .expect("a code id")
    }

    /// Instantiates `code_id` with `msg` (no admin, no funds); returns the address.
    pub fn instantiate(
        &mut self,
        from: &mut Account,
        code_id: u64,
        msg: serde_json::Value,
        label: &str,
    ) -> String {
        use cosmos_sdk_proto::cosmos::base::abci::v1beta1::TxMsgData;
        use cosmos_sdk_proto::cosmwasm::wasm::v1::{
            MsgInstantiateContract, MsgInstantiateContractResponse,
        };
        use prost::Message;
        let m = crate::modules::to_any(&MsgInstantiateContract {
            sender: from.address.to_bech32(),
            admin: String::new(),
            code_id,
            label: label.into(),
            msg: msg.to_string().into_bytes(),
            funds: vec![],
        });
        let r = self.run(from, vec![m], 1_000_000);
        assert_eq!(r.code, 0, "instantiate: {}", r.log);
        let data = TxMsgData::decode(r.data.as_ref()).expect("tx data");
        MsgInstantiateContractResponse::decode(data.msg_responses[0].value.as_slice())
            .expect("an instantiate response")
            .address
    }

    /// A contract's answer to the smart query `msg` (its raw data), or the query's log.
    pub fn smart(&self, contract: &str, msg: &serde_json::Value) -> Result<Vec<u8>, String> {
        use cosmos_sdk_proto::cosmwasm::wasm::v1::{
            QuerySmartContractStateRequest, QuerySmartContractStateResponse,
        };
        use prost::Message;
        let r = self.query(
            "/cosmwasm.wasm.v1.Query/SmartContractState",
            QuerySmartContractStateRequest {
                address: contract.into(),
                query_data: msg.to_string().into_bytes(),
            }
            .encode_to_vec(),
        );
        if r.code != 0 {
            return Err(r.log);
        }
        Ok(QuerySmartContractStateResponse::decode(r.value.as_ref())
            .expect("a smart query response")
            .data)
    }

    /// [`Harness::smart`] decoded as JSON; panics on a failed query.
    pub fn smart_json(&self, contract: &str, msg: &serde_json::Value) -> serde_json::Value {
        let data = self
            .smart(contract, msg)
            .unwrap_or_else(|e| panic!("smart query {msg}: {e}"));
        serde_json::from_slice(&data).expect("a JSON answer")
    }

    /// The app hash of the last committed block.
    pub fn app_hash(&self) -> Vec<u8> {
        self.app
            .info(RequestInfo::default())
            .last_block_app_hash
            .to_vec()
    }

    /// The account number of `addr` (auth Account query).
    pub fn account_number(&self, addr: &Address) -> u64 {
        self.base_account(addr).account_number
    }

    /// `addr`'s next sequence, as the chain has it.
    pub fn account_sequence(&self, addr: &Address) -> u64 {
        self.base_account(addr).sequence
    }

    fn base_account(&self, addr: &Address) -> cosmos_sdk_proto::cosmos::auth::v1beta1::BaseAccount {
        use cosmos_sdk_proto::cosmos::auth::v1beta1::{
            BaseAccount, QueryAccountRequest, QueryAccountResponse,
        };
        use prost::Message;
        let r = self.query(
            "/cosmos.auth.v1beta1.Query/Account",
            QueryAccountRequest {
                address: addr.to_bech32(),
            }
            .encode_to_vec(),
        );
        assert_eq!(r.code, 0, "account query: {}", r.log);
        let any = QueryAccountResponse::decode(r.value.as_ref())
            .expect("account response")
            .account
            .expect("an account");
        BaseAccount::decode(any.value.as_slice()).expect("a base account")
    }

    /// `addr`'s balance of `denom` (bank Balance query).
    pub fn balance(&self, addr: &Address, denom: &str) -> u128 {
        use cosmos_sdk_proto::cosmos::bank::v1beta1::{QueryBalanceRequest, QueryBalanceResponse};
        use prost::Message;
        let r = self.query(
            "/cosmos.bank.v1beta1.Query/Balance",
            QueryBalanceRequest {
                address: addr.to_bech32(),
                denom: denom.into(),
            }
            .encode_to_vec(),
        );
        assert_eq!(r.code, 0, "balance query: {}", r.log);
        let b = QueryBalanceResponse::decode(r.value.as_ref()).expect("balance response");
        b.balance
            .map(|c| c.amount.parse().expect("amount"))
            .unwrap_or(0)
    }
}
