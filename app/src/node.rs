//! The ABCI 2.0 face of the app: CometBFT's consensus, mempool, info and query connections
//! all land here. Block state lives in memory between FinalizeBlock and Commit; Commit makes
//! it durable in one write, so a crash at any point resumes at the last committed height
//! (CometBFT replays the block it had finalized but we had not committed).

use std::sync::{Arc, Mutex, MutexGuard};

use cosmos_sdk_proto::cosmos::base::abci::v1beta1::{GasInfo, Result as SdkResult};
use cosmos_sdk_proto::cosmos::tx::v1beta1::{SimulateRequest, SimulateResponse};
use prost::bytes::Bytes;
use prost::Message;
use tendermint_abci::Application;
use tendermint_proto::v0_38::abci::*;
use tendermint_proto::v0_38::crypto::{ProofOp, ProofOps};

use crate::ante::ExecMode;
use crate::app::App;
use crate::coins::GasPrice;
use crate::ctx::{BlockHeader, BlockInfo, CommitVote, Misbehavior, MisbehaviorKind};
use crate::genesis::{Genesis, GenesisValidator};
use crate::outcome::TxOutcome;
use crate::params::{BlockGas, ChainLimits};
use crate::query::{decode_request, QueryCtx, QueryError};
use crate::state::StateDelta;
use crate::statesync::{Progress, Restore, SnapshotConfig, SnapshotError, Snapshots};
use crate::store::{PendingCommit, Snapshot, Store, StoreError, Substore};

pub const APP_NAME: &str = "inferchain";
pub const APP_VERSION: u64 = 1;

pub struct NodeConfig {
    pub chain_id: String,
    pub min_gas_price: Option<GasPrice>,
    /// Versions kept provable (0 = all).
    pub keep_recent: u64,
    /// The CosmWasm module cache (compiled contracts), e.g. `<home>/data/wasm`.
    pub wasm_dir: std::path::PathBuf,
    /// State-sync snapshots this node takes and serves; `None` serves none (a node restores
    /// from a snapshot either way, when CometBFT's state sync offers one).
    pub snapshots: Option<SnapshotConfig>,
}

struct Consensus {
    /// The finalized block awaiting Commit.
    pending: Option<PendingCommit>,
    last_block_time: (i64, i32),
}

/// The mempool's view: committed state plus every transaction CheckTx admitted since, so two
/// transactions from one account with consecutive sequences both enter the mempool.
struct Mempool {
    state: StateDelta,
    block: BlockInfo,
}

pub struct Node {
    pub app: App,
    pub store: Arc<Store>,
    config: NodeConfig,
    consensus: Mutex<Consensus>,
    mempool: Mutex<Mempool>,
    /// The contract VM, kept to pin stored codes again after a state-sync restore.
    vm: Arc<crate::modules::wasm::Vm>,
    snapshots: Option<Snapshots>,
    /// The state-sync restore CometBFT is feeding chunks to, between OfferSnapshot and the
    /// last ApplySnapshotChunk.
    restore: Mutex<Option<Restore>>,
}

/// A poisoned lock means a thread panicked mid-update; the state behind it is still the
/// last consistent one (updates are staged), so carry on rather than halt the node.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn commit_vote(v: &VoteInfo) -> CommitVote {
    let (address, power) = v
        .validator
        .as_ref()
        .map(|val| (val.address.to_vec(), val.power))
        .unwrap_or_default();
    CommitVote {
        address,
        power,
        signed: v.block_id_flag == tendermint_proto::v0_38::types::BlockIdFlag::Commit as i32,
    }
}

fn misbehavior(m: &tendermint_proto::v0_38::abci::Misbehavior) -> Misbehavior {
    let (address, power) = m
        .validator
        .as_ref()
        .map(|val| (val.address.to_vec(), val.power))
        .unwrap_or_default();
    Misbehavior {
        kind: match MisbehaviorType::try_from(m.r#type) {
            Ok(MisbehaviorType::DuplicateVote) => MisbehaviorKind::DuplicateVote,
            Ok(MisbehaviorType::LightClientAttack) => MisbehaviorKind::LightClientAttack,
            _ => MisbehaviorKind::Unknown,
        },
        address,
        power,
        height: m.height,
    }
}

fn genesis_validator(v: &ValidatorUpdate) -> GenesisValidator {
    use tendermint_proto::v0_38::crypto::public_key::Sum;
    let (key_type, pubkey) = match v.pub_key.as_ref().and_then(|k| k.sum.as_ref()) {
        Some(Sum::Ed25519(k)) => ("ed25519", k.to_vec()),
        Some(Sum::Secp256k1(k)) => ("secp256k1", k.to_vec()),
        None => ("", Vec::new()),
    };
    GenesisValidator {
        key_type,
        pubkey,
        power: v.power,
    }
}

fn timestamp(t: &Option<tendermint_proto::google::protobuf::Timestamp>) -> (i64, i32) {
    t.as_ref().map(|t| (t.seconds, t.nanos)).unwrap_or((0, 0))
}

impl Node {
    pub fn new(store: Arc<Store>, config: NodeConfig) -> anyhow::Result<Self> {
        Self::with_modules(store, config, crate::app::modules)
    }

    /// A node whose app is made of `modules(vm)` (tests assemble chains with extra modules).
    pub fn with_modules(
        store: Arc<Store>,
        config: NodeConfig,
        modules: impl FnOnce(Arc<crate::modules::wasm::Vm>) -> Vec<Box<dyn crate::modules::Module>>,
    ) -> anyhow::Result<Self> {
        let vm =
            crate::modules::wasm::Vm::open(&config.wasm_dir, &config.chain_id).map_err(|e| {
                anyhow::anyhow!(
                    "opening the wasm module cache in {}: {e}",
                    config.wasm_dir.display()
                )
            })?;
        // Codes the state marks pinned are compiled into memory before the first block.
        let pinned = vm
            .pin_stored(&store.snapshot()?)
            .map_err(|e| anyhow::anyhow!("pinning stored codes: {e}"))?;
        if pinned > 0 {
            tracing::info!(pinned, "pinned wasm codes loaded into memory");
        }
        let vm = Arc::new(vm);
        let app = App::with_modules(modules(vm.clone()), config.min_gas_price.clone())
            .map_err(|e| anyhow::anyhow!("assembling the app: {e}"))?;
        let snapshot = store.snapshot()?;
        // Work no block may wait on (proof verifiers) happens here, over committed state.
        app.start(&mut QueryCtx::new(snapshot.clone(), snapshot.height()))
            .map_err(|e| anyhow::anyhow!("starting the app: {e}"))?;
        let mempool = Mempool {
            block: BlockInfo {
                chain_id: config.chain_id.clone(),
                height: snapshot.height() + 1,
                time: (0, 0),
                tx_index: 0,
                header: Default::default(),
            },
            state: StateDelta::new(snapshot),
        };
        let snapshots = match &config.snapshots {
            Some(c) => Some(Snapshots::open(c.clone()).map_err(|e| {
                anyhow::anyhow!("opening the snapshot directory {}: {e}", c.dir.display())
            })?),
            None => None,
        };
        Ok(Node {
            app,
            store,
            config,
            consensus: Mutex::new(Consensus {
                pending: None,
                last_block_time: (0, 0),
            }),
            mempool: Mutex::new(mempool),
            vm,
            snapshots,
            restore: Mutex::new(None),
        })
    }

    /// After a state-sync restore: what `with_modules` does over the state at start
    /// (pinned codes, proof verifiers), now over the restored state.
    fn after_restore(&self) -> anyhow::Result<()> {
        let snapshot = self.store.snapshot()?;
        self.vm
            .pin_stored(&snapshot)
            .map_err(|e| anyhow::anyhow!("pinning stored codes: {e}"))?;
        self.app
            .start(&mut QueryCtx::new(snapshot.clone(), snapshot.height()))
            .map_err(|e| anyhow::anyhow!("starting the app: {e}"))?;
        self.reset_mempool()?;
        Ok(())
    }

    pub fn chain_id(&self) -> &str {
        &self.config.chain_id
    }

    fn block_info(&self, height: u64, time: (i64, i32)) -> BlockInfo {
        BlockInfo {
            chain_id: self.config.chain_id.clone(),
            height,
            time,
            tx_index: 0,
            header: Default::default(),
        }
    }

    fn reset_mempool(&self) -> Result<(), StoreError> {
        let snapshot = self.store.snapshot()?;
        let time = lock(&self.consensus).last_block_time;
        let mut m = lock(&self.mempool);
        m.block = self.block_info(snapshot.height() + 1, time);
        m.state = StateDelta::new(snapshot);
        Ok(())
    }

    /// Runs a transaction against a copy of the mempool state without keeping anything.
    /// The mempool lock is held only for the copy: a simulation may run 20M gas of
    /// contract code, and CheckTx and Commit must not wait for it.
    pub fn simulate(&self, tx_bytes: &[u8]) -> TxOutcome {
        let (mut state, block) = {
            let m = lock(&self.mempool);
            (m.state.clone(), m.block.clone())
        };
        self.app
            .run_tx(&mut state, &block, tx_bytes, ExecMode::Simulate)
    }

    /// A screen for the proposal of block `height`: see [`ProposalScreen`].
    fn screen(&self, height: i64, time: (i64, i32)) -> Result<ProposalScreen<'_>, String> {
        let snapshot = self.store.snapshot().map_err(|e| e.to_string())?;
        let state = StateDelta::new(snapshot);
        let limits = ChainLimits::load(&state).map_err(|e| e.log)?;
        Ok(ProposalScreen {
            app: &self.app,
            block: self.block_info(height.max(0) as u64, time),
            gas: BlockGas::new(&limits),
            state,
        })
    }

    /// Admits a transaction to the mempool view (CheckTx).
    pub fn check(&self, tx_bytes: &[u8]) -> TxOutcome {
        let mut m = lock(&self.mempool);
        let block = m.block.clone();
        self.app
            .run_tx(&mut m.state, &block, tx_bytes, ExecMode::Check)
    }

    /// Answers an ABCI query: `store/<name>/key` (raw, optionally proven), Simulate, or any
    /// module's gRPC method path.
    pub fn query(&self, req: &RequestQuery) -> ResponseQuery {
        let snapshot = match self.store.snapshot() {
            Ok(s) => s,
            Err(e) => return query_error(QueryError::from(e), 0),
        };
        let height = if req.height <= 0 {
            snapshot.height()
        } else {
            req.height as u64
        };
        if let Some(name) = req
            .path
            .strip_prefix("store/")
            .and_then(|p| p.strip_suffix("/key"))
        {
            return self.store_query(&snapshot, name, &req.data, height, req.prove);
        }
        match self.method_query(snapshot, &req.path, &req.data, height) {
            Ok(value) => ResponseQuery {
                value: value.into(),
                height: height as i64,
                ..Default::default()
            },
            Err(e) => query_error(e, height),
        }
    }

    /// Whether a gRPC query path is served (by the router, or Simulate).
    pub fn serves_query(&self, path: &str) -> bool {
        path == "/cosmos.tx.v1beta1.Service/Simulate" || self.app.router().serves_query(path)
    }

    /// Answers a gRPC method at `height` (0: the latest), with the height answered at; the
    /// gRPC server calls this directly, so its callers see the handler's own status code.
    pub fn grpc_query(
        &self,
        path: &str,
        data: &[u8],
        height: i64,
    ) -> Result<(Vec<u8>, i64), QueryError> {
        let snapshot = self.store.snapshot()?;
        let height = if height <= 0 {
            snapshot.height()
        } else {
            height as u64
        };
        let value = self.method_query(snapshot, path, data, height)?;
        Ok((value, height as i64))
    }

    fn method_query(
        &self,
        snapshot: Arc<Snapshot>,
        path: &str,
        data: &[u8],
        height: u64,
    ) -> Result<Vec<u8>, QueryError> {
        if path == "/cosmos.tx.v1beta1.Service/Simulate" {
            return self.simulate_query(data);
        }
        let mut q = QueryCtx::new(snapshot, height);
        self.app.query(&mut q, path, data)
    }

    fn simulate_query(&self, data: &[u8]) -> Result<Vec<u8>, QueryError> {
        let req: SimulateRequest = decode_request(data)?;
        #[allow(deprecated)]
        let tx_bytes = if !req.tx_bytes.is_empty() {
            req.tx_bytes
        } else if let Some(tx) = req.tx {
            // The deprecated field: re-encode as TxRaw.
            let raw = cosmos_sdk_proto::cosmos::tx::v1beta1::TxRaw {
                body_bytes: tx.body.map(|b| b.encode_to_vec()).unwrap_or_default(),
                auth_info_bytes: tx.auth_info.map(|a| a.encode_to_vec()).unwrap_or_default(),
                signatures: tx.signatures,
            };
            raw.encode_to_vec()
        } else {
            return Err(QueryError::invalid("empty tx"));
        };
        let outcome = self.simulate(&tx_bytes);
        if !outcome.is_ok() {
            return Err(QueryError {
                code: tonic::Code::Unknown,
                message: format!(
                    "{} [codespace {} code {}]",
                    outcome.log, outcome.codespace, outcome.code
                ),
            });
        }
        Ok(simulate_response(&outcome).encode_to_vec())
    }

    fn store_query(
        &self,
        snapshot: &crate::store::Snapshot,
        name: &str,
        key: &[u8],
        height: u64,
        prove: bool,
    ) -> ResponseQuery {
        let Some(store) = Substore::from_name(name) else {
            return query_error(
                QueryError::invalid(format!("no substore named {name:?}")),
                height,
            );
        };
        let result = if prove {
            snapshot
                .get_with_proof(store, key, height)
                .map(|(value, proofs)| {
                    let ops = vec![
                        ProofOp {
                            r#type: "ics23:jmt".into(),
                            key: key.to_vec().into(),
                            data: proofs[0].encode_to_vec().into(),
                        },
                        ProofOp {
                            r#type: "ics23:jmt".into(),
                            key: name.as_bytes().to_vec().into(),
                            data: proofs[1].encode_to_vec().into(),
                        },
                    ];
                    (value, Some(ProofOps { ops }))
                })
        } else {
            snapshot.get_at(store, key, height).map(|v| (v, None))
        };
        match result {
            Ok((value, proof_ops)) => ResponseQuery {
                key: key.to_vec().into(),
                value: value.unwrap_or_default().into(),
                proof_ops,
                height: height as i64,
                ..Default::default()
            },
            Err(e) => query_error(e.into(), height),
        }
    }
}

pub fn simulate_response(outcome: &TxOutcome) -> SimulateResponse {
    #[allow(deprecated)]
    SimulateResponse {
        gas_info: Some(GasInfo {
            gas_wanted: outcome.gas_wanted,
            gas_used: outcome.gas_used,
        }),
        result: Some(SdkResult {
            data: outcome.data.clone(),
            log: outcome.log.clone(),
            events: outcome
                .events
                .iter()
                .map(|e| tendermint_proto::abci::Event {
                    r#type: e.r#type.clone(),
                    attributes: e
                        .attributes
                        .iter()
                        .map(|a| tendermint_proto::abci::EventAttribute {
                            key: a.key.clone(),
                            value: a.value.clone(),
                            index: a.index,
                        })
                        .collect(),
                })
                .collect(),
            msg_responses: outcome.msg_responses.clone(),
        }),
    }
}

fn query_error(e: QueryError, height: u64) -> ResponseQuery {
    ResponseQuery {
        code: e.abci_code(),
        codespace: "sdk".into(),
        log: e.to_string(),
        height: height as i64,
        ..Default::default()
    }
}

/// What every validator checks of a proposed block's transactions, in order, on the
/// committed state plus the ante effects of the transactions before: each decodes, asks
/// for no more than the per-transaction gas cap and fits in the block's gas with those
/// before it, and passes the consensus part of the ante step (signatures, sequences, the
/// chain's fee floor, the fee paid). An honest proposer drops the transactions that fail;
/// an honest validator rejects a proposal holding one (as the SDK's default proposal
/// handler does).
struct ProposalScreen<'a> {
    app: &'a App,
    block: BlockInfo,
    gas: BlockGas,
    state: StateDelta,
}

impl ProposalScreen<'_> {
    fn admit(&mut self, tx: &[u8]) -> Result<(), String> {
        let parsed = self.app.decode(tx).map_err(|e| e.log)?;
        self.gas.admit(parsed.gas_limit).map_err(|e| e.log)?;
        let outcome = self
            .app
            .run_tx(&mut self.state, &self.block, tx, ExecMode::Proposal);
        if !outcome.is_ok() {
            return Err(format!(
                "{} [codespace {} code {}]",
                outcome.log, outcome.codespace, outcome.code
            ));
        }
        self.gas.record(parsed.gas_limit);
        Ok(())
    }
}

/// The ABCI server's handle: cheap to clone, one per CometBFT connection.
#[derive(Clone)]
pub struct AbciApp(pub Arc<Node>);

impl Application for AbciApp {
    fn info(&self, _req: RequestInfo) -> ResponseInfo {
        let (height, hash) = match self.0.store.last_commit() {
            Ok(Some((h, hash))) => (h as i64, hash.to_vec()),
            Ok(None) => (0, vec![]),
            Err(e) => {
                tracing::error!(error = %e, "reading last commit");
                (0, vec![])
            }
        };
        ResponseInfo {
            data: APP_NAME.into(),
            version: env!("CARGO_PKG_VERSION").into(),
            app_version: APP_VERSION,
            last_block_height: height,
            last_block_app_hash: hash.into(),
        }
    }

    fn init_chain(&self, req: RequestInitChain) -> ResponseInitChain {
        let node = &self.0;
        // CometBFT calls InitChain again after a restart until block 1 commits: genesis is
        // already durable then, so answer with its hash instead of applying it twice.
        if let Ok(Some((0, hash))) = node.store.last_commit() {
            return ResponseInitChain {
                app_hash: hash.to_vec().into(),
                ..Default::default()
            };
        }
        if req.chain_id != node.config.chain_id {
            panic!(
                "genesis chain id {} differs from the node's configured {}",
                req.chain_id, node.config.chain_id
            );
        }
        if req.initial_height > 1 {
            // The store's first version is genesis at 0 and block h is version h; a chain
            // starting later would need an offset everywhere heights meet versions.
            panic!(
                "genesis initial_height {} is not supported: InferChain chains start at height 1",
                req.initial_height
            );
        }
        let mut genesis = Genesis::from_json(&req.app_state_bytes)
            .unwrap_or_else(|e| panic!("cannot start from this genesis: {e}"));
        genesis.validators = req.validators.iter().map(genesis_validator).collect();
        let block_params = req
            .consensus_params
            .as_ref()
            .and_then(|c| c.block.clone())
            .unwrap_or_default();
        let params = genesis
            .section(crate::modules::params::NAME)
            .unwrap_or_else(|e| panic!("cannot start from this genesis: {e}"));
        let limits = ChainLimits::from_genesis(&params, block_params.max_gas)
            .unwrap_or_else(|e| panic!("cannot start from this genesis: {e}"));
        // An unlimited block gas in CometBFT's genesis is replaced by the app's limit, so
        // CometBFT's mempool reaps by it too and clients reading the consensus params see it.
        let consensus_params = (block_params.max_gas <= 0).then(|| {
            tracing::warn!(
                max_gas = limits.max_block_gas,
                "genesis consensus_params.block.max_gas is unlimited; using the app's block gas limit"
            );
            tendermint_proto::v0_38::types::ConsensusParams {
                block: Some(tendermint_proto::v0_38::types::BlockParams {
                    max_bytes: block_params.max_bytes,
                    max_gas: limits.max_block_gas as i64,
                }),
                ..Default::default()
            }
        });
        let result = (|| -> Result<[u8; 32], String> {
            let snapshot = node.store.snapshot().map_err(|e| e.to_string())?;
            let mut state = StateDelta::new(snapshot.clone());
            let block = node.block_info(0, timestamp(&req.time));
            node.app
                .init_genesis(&mut state, &block, &genesis, &limits)
                .map_err(|e| e.log)?;
            let pending = node
                .store
                .prepare_commit(&snapshot, 0, state.into_writes())
                .map_err(|e| e.to_string())?;
            let hash = pending.app_hash;
            node.store.commit(pending, 0).map_err(|e| e.to_string())?;
            Ok(hash)
        })();
        match result {
            Ok(hash) => {
                lock(&node.consensus).last_block_time = timestamp(&req.time);
                if let Err(e) = node.reset_mempool() {
                    tracing::error!(error = %e, "resetting mempool after genesis");
                }
                tracing::info!(app_hash = %hex::encode_upper(hash), "genesis applied");
                ResponseInitChain {
                    app_hash: hash.to_vec().into(),
                    consensus_params,
                    ..Default::default()
                }
            }
            // Without a valid genesis there is no chain to run: refuse loudly.
            Err(e) => panic!("applying genesis failed: {e}"),
        }
    }

    fn query(&self, req: RequestQuery) -> ResponseQuery {
        // A query that panics (a bug reached by some input) must not take the query
        // connection, and with it the node, down: it becomes an error answer.
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.0.query(&req)))
            .unwrap_or_else(|panic| {
                let what = crate::app::panic_message(panic.as_ref());
                tracing::error!(path = %req.path, %what, "query handler panicked");
                query_error(QueryError::internal(format!("query failed: {what}")), 0)
            })
    }

    fn check_tx(&self, req: RequestCheckTx) -> ResponseCheckTx {
        let o = self.0.check(&req.tx);
        ResponseCheckTx {
            code: o.code,
            log: o.log,
            gas_wanted: o.gas_wanted as i64,
            gas_used: o.gas_used as i64,
            codespace: o.codespace,
            ..Default::default()
        }
    }

    fn prepare_proposal(&self, req: RequestPrepareProposal) -> ResponsePrepareProposal {
        let mut screen = match self.0.screen(req.height, timestamp(&req.time)) {
            Ok(s) => s,
            Err(e) => {
                // Proposing nothing is always valid; the next proposer tries again.
                tracing::error!(error = %e, "reading state for a proposal; proposing an empty block");
                return ResponsePrepareProposal { txs: vec![] };
            }
        };
        let mut size = 0i64;
        let mut txs = Vec::with_capacity(req.txs.len());
        for tx in req.txs {
            // Overhead of a tx in the block's protobuf encoding, as CometBFT counts it.
            let cost = tx.len() as i64 + 10;
            if size + cost > req.max_tx_bytes {
                break;
            }
            match screen.admit(&tx) {
                Ok(()) => {
                    size += cost;
                    txs.push(tx);
                }
                Err(e) => tracing::debug!(error = %e, "leaving a transaction out of the proposal"),
            }
        }
        ResponsePrepareProposal { txs }
    }

    fn process_proposal(&self, req: RequestProcessProposal) -> ResponseProcessProposal {
        let verdict = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut screen = self.0.screen(req.height, timestamp(&req.time))?;
            for (i, tx) in req.txs.iter().enumerate() {
                screen.admit(tx).map_err(|e| format!("tx {i}: {e}"))?;
            }
            Ok::<(), String>(())
        }))
        .unwrap_or_else(|p| Err(format!("panic: {}", crate::app::panic_message(p.as_ref()))));
        let valid = verdict.is_ok();
        if let Err(e) = verdict {
            tracing::warn!(
                height = req.height,
                error = %e,
                "rejecting a proposal holding an invalid tx"
            );
        }
        ResponseProcessProposal {
            status: if valid {
                response_process_proposal::ProposalStatus::Accept as i32
            } else {
                response_process_proposal::ProposalStatus::Reject as i32
            },
        }
    }

    fn finalize_block(&self, req: RequestFinalizeBlock) -> ResponseFinalizeBlock {
        let node = &self.0;
        let height = req.height as u64;
        let time = timestamp(&req.time);
        let mut block = node.block_info(height, time);
        // A storage failure here can't be turned into a tx error: the node can't know the
        // state, so it must stop rather than vote for a wrong app hash.
        let snapshot = node
            .store
            .snapshot()
            .unwrap_or_else(|e| panic!("reading state: {e}"));
        assert_eq!(snapshot.height() + 1, height, "FinalizeBlock out of order");
        let mut state = StateDelta::new(snapshot.clone());
        block.header = BlockHeader {
            hash: req.hash.to_vec(),
            proposer_address: req.proposer_address.to_vec(),
            next_validators_hash: req.next_validators_hash.to_vec(),
            last_app_hash: node
                .store
                .last_commit()
                .unwrap_or_else(|e| panic!("reading state: {e}"))
                .map(|(_, hash)| hash.to_vec())
                .unwrap_or_default(),
            last_commit_votes: req
                .decided_last_commit
                .as_ref()
                .map(|c| c.votes.iter().map(commit_vote).collect())
                .unwrap_or_default(),
            misbehavior: req.misbehavior.iter().map(misbehavior).collect(),
        };

        let limits =
            ChainLimits::load(&state).unwrap_or_else(|e| panic!("reading limits: {}", e.log));
        let mut block_gas = BlockGas::new(&limits);
        let mut events = node
            .app
            .block_hook(&mut state, &block, false)
            .unwrap_or_else(|e| panic!("begin-block failed: {}", e.log));
        let tx_results: Vec<ExecTxResult> = req
            .txs
            .iter()
            .enumerate()
            .map(|(index, tx)| {
                let block = BlockInfo {
                    tx_index: index as u32,
                    ..block.clone()
                };
                let o = node
                    .app
                    .run_block_tx(&mut state, &block, tx, &mut block_gas);
                ExecTxResult {
                    code: o.code,
                    data: o.data.into(),
                    log: o.log,
                    gas_wanted: o.gas_wanted as i64,
                    gas_used: o.gas_used as i64,
                    events: o.events,
                    codespace: o.codespace,
                    ..Default::default()
                }
            })
            .collect();
        let (end_events, validator_updates) = node
            .app
            .end_block(&mut state, &block)
            .unwrap_or_else(|e| panic!("end-block failed: {}", e.log));
        events.extend(end_events);
        let pending = node
            .store
            .prepare_commit(&snapshot, height, state.into_writes())
            .unwrap_or_else(|e| panic!("computing app hash: {e}"));
        let app_hash = Bytes::from(pending.app_hash.to_vec());
        let mut c = lock(&node.consensus);
        c.pending = Some(pending);
        c.last_block_time = time;
        ResponseFinalizeBlock {
            events,
            tx_results,
            validator_updates,
            app_hash,
            ..Default::default()
        }
    }

    fn commit(&self) -> ResponseCommit {
        let node = &self.0;
        let pending = lock(&node.consensus).pending.take();
        if let Some(pending) = pending {
            let height = pending.version;
            node.store
                .commit(pending, node.config.keep_recent)
                .unwrap_or_else(|e| panic!("committing block {height}: {e}"));
            if let Some(snapshots) = &node.snapshots {
                snapshots.after_commit(&node.store, height);
            }
        }
        if let Err(e) = node.reset_mempool() {
            tracing::error!(error = %e, "resetting mempool after commit");
        }
        ResponseCommit { retain_height: 0 }
    }

    fn list_snapshots(&self) -> ResponseListSnapshots {
        ResponseListSnapshots {
            snapshots: self
                .0
                .snapshots
                .as_ref()
                .map(|s| s.list())
                .unwrap_or_default(),
        }
    }

    fn load_snapshot_chunk(&self, req: RequestLoadSnapshotChunk) -> ResponseLoadSnapshotChunk {
        let chunk = self
            .0
            .snapshots
            .as_ref()
            .and_then(|s| s.load_chunk(req.height, req.format, req.chunk))
            .unwrap_or_default();
        ResponseLoadSnapshotChunk {
            chunk: chunk.into(),
        }
    }

    fn offer_snapshot(&self, req: RequestOfferSnapshot) -> ResponseOfferSnapshot {
        use response_offer_snapshot::Result as R;
        let Some(snapshot) = req.snapshot else {
            return ResponseOfferSnapshot {
                result: R::Reject as i32,
            };
        };
        let result = match Restore::offer(&self.0.store, &snapshot, &req.app_hash) {
            Ok(restore) => {
                tracing::info!(
                    height = snapshot.height,
                    chunks = snapshot.chunks,
                    "state sync: restoring a snapshot"
                );
                *lock(&self.0.restore) = Some(restore);
                R::Accept
            }
            Err(e) => {
                tracing::warn!(height = snapshot.height, error = %e, "state sync: snapshot refused");
                e.offer_result()
            }
        };
        ResponseOfferSnapshot {
            result: result as i32,
        }
    }

    fn apply_snapshot_chunk(&self, req: RequestApplySnapshotChunk) -> ResponseApplySnapshotChunk {
        use response_apply_snapshot_chunk::Result as R;
        let node = &self.0;
        let mut guard = lock(&node.restore);
        let Some(restore) = guard.as_mut() else {
            tracing::error!(
                index = req.index,
                "state sync: a chunk without an accepted snapshot"
            );
            return ResponseApplySnapshotChunk {
                result: R::Abort as i32,
                ..Default::default()
            };
        };
        let height = restore.height();
        let answer =
            |result: R, refetch: Vec<u32>, reject: Vec<String>| ResponseApplySnapshotChunk {
                result: result as i32,
                refetch_chunks: refetch,
                reject_senders: reject,
            };
        match restore.apply(&node.store, req.index, &req.chunk) {
            Ok(Progress::More) => answer(R::Accept, vec![], vec![]),
            Ok(Progress::Restored { height, entries }) => {
                *guard = None;
                drop(guard);
                if let Err(e) = node.after_restore() {
                    // The state is committed and proven; what failed is local (a code that
                    // won't compile here, a verifier that won't build) and would fail at
                    // every restart too: stop loudly rather than run half-started.
                    panic!("state restored at height {height} but the app could not start: {e}");
                }
                tracing::info!(
                    height,
                    entries,
                    "state sync: state restored from a snapshot"
                );
                answer(R::Accept, vec![], vec![])
            }
            // A peer sent a chunk that isn't the snapshot's: fetch it again from another.
            Err(e @ SnapshotError::ChunkHash(_)) => {
                tracing::warn!(height, sender = %req.sender, error = %e, "state sync: bad chunk");
                answer(R::Retry, vec![req.index], vec![req.sender])
            }
            Err(SnapshotError::OutOfOrder { expected, .. }) => {
                answer(R::Retry, vec![expected], vec![])
            }
            Err(e @ (SnapshotError::Io(_) | SnapshotError::Store(StoreError::Db(_)))) => {
                tracing::error!(height, error = %e, "state sync: local storage failed");
                *guard = None;
                answer(R::Abort, vec![], vec![])
            }
            // The snapshot itself is bad (its chunks hash as announced but don't hold a
            // valid state, or the state doesn't prove the trusted app hash): try another.
            Err(e) => {
                tracing::warn!(height, error = %e, "state sync: snapshot rejected");
                *guard = None;
                answer(R::RejectSnapshot, vec![], vec![])
            }
        }
    }
}
