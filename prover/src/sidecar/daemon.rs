//! The sidecar's main loop: find our models on chain, follow request events, prove, sign,
//! journal, broadcast, confirm.
//!
//! One task owns all state (the journal, the queue, the account sequence); the websocket runs
//! in its own task and proofs on a blocking thread. The loop wakes on events and every few
//! seconds; each turn it (re)scans the chain when needed, settles transactions in flight, and
//! proves and submits what is queued, most urgent first.

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use cosmos_sdk_proto::cosmos::tx::v1beta1::Fee;
use inferchain_app::address::Address;
use inferchain_app::client::{Client, ClientError};
use inferchain_app::coins::{Coin, GasPrice};
use inferchain_app::keyring::{pubkey_bytes, Keyring};
use inferchain_app::modules::to_any;
use inferchain_app::rpc_client::{num, RpcError};
use inferchain_proto::inferchain::inference::v1 as pb;
use inferchain_verifier::{Mode, QuantModel};
use k256::ecdsa::SigningKey;
use sha2::Digest as _;
use tendermint_proto::google::protobuf::Any;
use tokio::sync::{mpsc, watch};

use super::events::{websocket_url, RequestEvent};
use super::fulfil::{self, ProvedAggregate, ProvedSingle};
use super::journal::{Journal, Record, RequestState};
use super::metrics::Metrics;
use super::plan::{self, Job, Unit};
use super::playground::{Playground, Published};
use super::ws::{self, WsEvent};

/// How the sidecar is run (`inferchain-prover serve --chain …`).
#[derive(Clone, Debug)]
pub struct Config {
    /// CometBFT RPC, `http://host:port`.
    pub node: String,
    /// Checked against the node's; default: the node's.
    pub chain_id: Option<String>,
    /// Key name (or address) in the keyring under `home`.
    pub key: String,
    pub home: PathBuf,
    /// The quantized models held, with where they came from (for logs).
    pub models: Vec<(PathBuf, QuantModel)>,
    pub state_dir: PathBuf,
    pub metrics: Option<SocketAddr>,
    /// Largest aggregate (1: never aggregate).
    pub max_batch: usize,
    pub gas_prices: String,
    pub gas_adjustment: f64,
    /// Full rescans of the chain's pending requests, besides those at each (re)connection.
    pub scan_interval: Duration,
    /// Publish the served models' weights and prove playground queries on the metrics
    /// address (the web app's playground; see [`super::playground`]).
    pub playground: bool,
}

/// Tries of one request before giving up on it (until the next restart).
const MAX_ATTEMPTS: u32 = 5;
/// A submitted transaction not found after this long is checked: rebroadcast (same bytes)
/// or, if its sequence was used by another, abandoned.
const STALE: Duration = Duration::from_secs(30);
const TICK: Duration = Duration::from_secs(3);
/// How long to wait for more events of the same block before planning.
const BLOCK_GATHER: Duration = Duration::from_millis(400);
const MEMO: &str = "inferchain-prover sidecar";
/// CheckTx's "incorrect account sequence" (the SDK's code 32).
const WRONG_SEQUENCE: u32 = 32;

/// Longest wait for one answer from the node (the RPC client has no timeout of its own).
const RPC_TIMEOUT: Duration = Duration::from_secs(30);

async fn timed<T>(what: &str, f: impl std::future::Future<Output = T>) -> Result<T> {
    tokio::time::timeout(RPC_TIMEOUT, f)
        .await
        .map_err(|_| anyhow!("{what}: no answer from the node within {RPC_TIMEOUT:?}"))
}

/// Reads from the chain that the sidecar needs, over `Client`'s ABCI queries.
pub struct Chain {
    pub client: Client,
}

impl Chain {
    pub fn new(node: &str, chain_id: &str) -> Self {
        Chain {
            client: Client::new(node, chain_id),
        }
    }

    /// (chain id, latest height) from the node's `status`.
    pub async fn status(&self) -> Result<(String, u64)> {
        let s = timed("status", self.client.rpc.status()).await??;
        Ok((
            s["node_info"]["network"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            num(&s["sync_info"]["latest_block_height"]),
        ))
    }

    pub async fn height(&self) -> Result<u64> {
        Ok(self.status().await?.1)
    }

    /// Every registered model (paged).
    pub async fn models(&self) -> Result<Vec<pb::Model>> {
        let mut out = Vec::new();
        let mut start_after = 0;
        loop {
            let r: pb::QueryModelsResponse = timed(
                "query",
                self.client.query(
                    "/inferchain.inference.v1.Query/Models",
                    &pb::QueryModelsRequest {
                        start_after,
                        limit: 200,
                        ..Default::default()
                    },
                ),
            )
            .await??;
            out.extend(r.models);
            if r.next == 0 || r.next <= start_after {
                return Ok(out);
            }
            start_after = r.next;
        }
    }

    pub async fn architecture(&self, name: &str) -> Result<Option<pb::Architecture>> {
        let r: pb::QueryArchitectureResponse = timed(
            "query",
            self.client.query(
                "/inferchain.inference.v1.Query/Architecture",
                &pb::QueryArchitectureRequest { name: name.into() },
            ),
        )
        .await??;
        Ok(r.architecture)
    }

    pub async fn request(&self, id: u64) -> Result<Option<pb::InferenceRequest>> {
        let r: pb::QueryRequestResponse = timed(
            "query",
            self.client.query(
                "/inferchain.inference.v1.Query/Request",
                &pb::QueryRequestRequest { id },
            ),
        )
        .await??;
        Ok(r.request)
    }

    /// The pending requests assigned to `model_id` (paged).
    pub async fn pending(&self, model_id: u64) -> Result<Vec<pb::InferenceRequest>> {
        let mut out = Vec::new();
        let mut start_after = 0;
        loop {
            let r: pb::QueryRequestsResponse = timed(
                "query",
                self.client.query(
                    "/inferchain.inference.v1.Query/Requests",
                    &pb::QueryRequestsRequest {
                        status: "pending".into(),
                        model_id,
                        start_after,
                        limit: 200,
                        ..Default::default()
                    },
                ),
            )
            .await??;
            out.extend(r.requests);
            if r.next == 0 || r.next <= start_after {
                return Ok(out);
            }
            start_after = r.next;
        }
    }

    pub async fn feed(&self, id: u64) -> Result<Option<pb::Feed>> {
        let r: pb::QueryFeedResponse = timed(
            "query",
            self.client.query(
                "/inferchain.inference.v1.Query/Feed",
                &pb::QueryFeedRequest { id },
            ),
        )
        .await??;
        Ok(r.feed)
    }
}

/// The models on chain this sidecar answers for: commitment matches a model file, and our key
/// is the owner or the operator (`matching` also returns the commitment matches that are not
/// ours, and the held commitments no registered model has).
pub fn match_models(
    held: &BTreeMap<String, Arc<QuantModel>>,
    registered: &[pb::Model],
    address: &str,
) -> ModelMatch {
    let mut m = ModelMatch::default();
    let mut found = BTreeSet::new();
    for r in registered {
        let c = r.commitment.to_ascii_lowercase();
        let Some(model) = held.get(&c) else { continue };
        found.insert(c.clone());
        if r.retired {
            m.retired.push(r.id);
        } else if r.owner == address || (!r.operator.is_empty() && r.operator == address) {
            m.ours.insert(r.id, model.clone());
        } else {
            m.foreign.push((r.id, r.owner.clone(), r.operator.clone()));
        }
    }
    m.unregistered = held
        .keys()
        .filter(|c| !found.contains(*c))
        .cloned()
        .collect();
    m
}

#[derive(Default)]
pub struct ModelMatch {
    pub ours: BTreeMap<u64, Arc<QuantModel>>,
    /// (model id, owner, operator) of models with a held commitment that our key may not serve.
    pub foreign: Vec<(u64, String, String)>,
    pub retired: Vec<u64>,
    /// Held commitments with no registered model.
    pub unregistered: Vec<String>,
}

/// The tx hash CometBFT gives a transaction: sha256 of its bytes, upper-case hex.
pub fn tx_hash(bytes: &[u8]) -> String {
    hex::encode_upper(sha2::Sha256::digest(bytes))
}

/// The sequence CheckTx expected, from its log ("account sequence mismatch, expected 7, got 5").
pub fn expected_sequence(log: &str) -> Option<u64> {
    let rest = &log[log.find("expected ")? + "expected ".len()..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// The sequence to use after a wrong-sequence refusal: CheckTx answers code 32, a simulation
/// code 1 with the SDK's message ("account sequence mismatch, expected 13, got 12: incorrect
/// account sequence [codespace sdk code 32]").
pub fn sequence_mismatch(code: u32, log: &str) -> Option<u64> {
    let mismatch = code == WRONG_SEQUENCE
        || log.contains("account sequence mismatch")
        || log.contains("incorrect account sequence");
    mismatch.then(|| expected_sequence(log)).flatten()
}

fn already_in_mempool(e: &ClientError) -> bool {
    matches!(e, ClientError::Rpc(RpcError::Rpc(m)) if m.contains("already exists in cache"))
}

struct Flight {
    requests: Vec<u64>,
    sequence: u64,
    bytes: Option<Vec<u8>>,
    since: Instant,
}

struct Retry {
    attempts: u32,
    not_before: Instant,
}

/// What became of a signed fulfilment.
enum Submitted {
    /// CheckTx accepted it (or it is in flight, outcome to be checked).
    InFlight,
    /// Refused before or at CheckTx: it can never land.
    Refused { code: u32, log: String },
}

struct Sidecar {
    chain: Chain,
    key: SigningKey,
    address: String,
    held: BTreeMap<String, Arc<QuantModel>>,
    ours: BTreeMap<u64, Arc<QuantModel>>,
    agg_sizes: BTreeMap<String, Vec<usize>>,
    feed_modes: BTreeMap<u64, Mode>,
    /// Requests to answer, with the mode the event named (if it came from one).
    queue: BTreeMap<u64, Option<Mode>>,
    retry: BTreeMap<u64, Retry>,
    gave_up: BTreeSet<u64>,
    seen: BTreeSet<u64>,
    /// Proofs made but not yet in a transaction that landed (reused on retries).
    proved: BTreeMap<u64, ProvedSingle>,
    in_flight: BTreeMap<String, Flight>,
    journal: Journal,
    metrics: Arc<Metrics>,
    playground: Option<Arc<Playground>>,
    /// (account number, next sequence), None until (re)queried.
    account: Option<(u64, u64)>,
    gas_price: GasPrice,
    gas_adjustment: f64,
    max_batch: usize,
    stop: watch::Receiver<bool>,
}

/// Runs the sidecar until `shutdown` completes.
pub async fn run(
    cfg: Config,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let (stop_tx, stop) = watch::channel(false);
    tokio::spawn(async move {
        shutdown.await;
        let _ = stop_tx.send(true);
    });

    let keyring = Keyring::open(&cfg.home)?;
    let entry = keyring
        .get(&cfg.key)
        .with_context(|| format!("the sidecar's key (keyring in {})", cfg.home.display()))?;
    let key = entry.signing_key()?;
    let address = Address::from_secp256k1(&pubkey_bytes(&key)).to_bech32();
    let gas_price = GasPrice::parse(&cfg.gas_prices).map_err(anyhow::Error::msg)?;

    let mut held = BTreeMap::new();
    for (path, m) in &cfg.models {
        let c = m.commitment()?.to_hex();
        tracing::info!(model = %path.display(), arch = %m.arch, commitment = %c, "holding model");
        held.insert(c, Arc::new(m.clone()));
    }
    if held.is_empty() {
        bail!("no models: give --model FILE (quant.json or a `train` directory)");
    }

    let mut chain = Chain::new(&cfg.node, "");
    let network = wait_for_node(&chain, &stop).await?;
    let chain_id = match &cfg.chain_id {
        Some(id) if *id != network => {
            bail!(
                "--chain-id {id} but the node at {} is on {network}",
                cfg.node
            )
        }
        Some(id) => id.clone(),
        None => network,
    };
    chain.client.chain_id = chain_id.clone();

    let (journal, replay) = Journal::open(&cfg.state_dir)?;
    if replay.torn_bytes > 0 {
        tracing::warn!(
            journal = %journal.path().display(),
            bytes = replay.torn_bytes,
            "journal: ignored a torn last line (a crash mid-write; nothing was sent for it)"
        );
    }
    tracing::info!(journal = %journal.path().display(), lines = replay.lines,
        in_flight = journal.in_flight().count(), "journal replayed");

    let metrics = Arc::new(Metrics::default());
    let playground = cfg.playground.then(|| Arc::new(Playground::default()));
    if let Some(addr) = cfg.metrics {
        let l = super::http::bind(addr)
            .await
            .with_context(|| format!("binding --metrics {addr}"))?;
        tracing::info!("metrics on http://{}/metrics", l.local_addr()?);
        if playground.is_some() {
            tracing::info!(
                "playground on http://{}/playground/models (the served models' weights are public)",
                l.local_addr()?
            );
        }
        tokio::spawn(super::http::serve(l, metrics.clone(), playground.clone()));
    } else if playground.is_some() {
        bail!("--playground is served on the --metrics address: give --metrics");
    }

    let mut sc = Sidecar {
        chain,
        key,
        address: address.clone(),
        held,
        ours: BTreeMap::new(),
        agg_sizes: BTreeMap::new(),
        feed_modes: BTreeMap::new(),
        queue: BTreeMap::new(),
        retry: BTreeMap::new(),
        gave_up: BTreeSet::new(),
        seen: BTreeSet::new(),
        proved: BTreeMap::new(),
        in_flight: BTreeMap::new(),
        journal,
        metrics,
        playground,
        account: None,
        gas_price,
        gas_adjustment: cfg.gas_adjustment,
        max_batch: cfg.max_batch.max(1),
        stop: stop.clone(),
    };
    tracing::info!(%chain_id, node = %cfg.node, submitter = %address, "sidecar starting");
    // Transactions the journal says are in flight are checked first (never re-proved).
    let restored: Vec<_> = sc.journal.in_flight().cloned().collect();
    for f in restored {
        let bytes = sc.journal.load_tx(&f.tx_hash);
        if bytes.is_none() {
            tracing::error!(tx = %f.tx_hash, "journal: the signed bytes of an in-flight tx are missing; it can't be rebroadcast (its requests stay untouched until its sequence is used)");
        }
        tracing::info!(tx = %f.tx_hash, requests = ?f.requests, sequence = f.sequence, "resuming in-flight tx");
        sc.in_flight.insert(
            f.tx_hash.clone(),
            Flight {
                requests: f.requests,
                sequence: f.sequence,
                bytes,
                since: Instant::now() - STALE,
            },
        );
    }
    if let Err(e) = sc.refresh_models().await {
        tracing::warn!(error = %format!("{e:#}"), "listing models failed; retrying at the next scan");
    }

    let (tx, mut rx) = mpsc::channel(1024);
    tokio::spawn(ws::run(
        websocket_url(&cfg.node),
        super::events::SUBSCRIBE_QUERY.to_string(),
        tx,
        sc.metrics.clone(),
    ));

    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut need_scan = true;
    let mut last_scan = Instant::now();
    let mut stop_rx = stop;
    loop {
        tokio::select! {
            _ = stop_rx.changed() => break,
            ev = rx.recv() => {
                let Some(ev) = ev else { bail!("the websocket task ended") };
                need_scan |= sc.on_ws(ev);
                // One block's arrivals come together: gather them before planning.
                let until = tokio::time::Instant::now() + BLOCK_GATHER;
                while let Ok(Some(ev)) = tokio::time::timeout_at(until, rx.recv()).await {
                    need_scan |= sc.on_ws(ev);
                }
            }
            _ = tick.tick() => {}
        }
        if *stop_rx.borrow() {
            break;
        }
        if need_scan || last_scan.elapsed() >= cfg.scan_interval {
            match sc.scan().await {
                Ok(()) => {
                    need_scan = false;
                    last_scan = Instant::now();
                }
                Err(e) => tracing::warn!(error = %format!("{e:#}"), "scanning the chain failed"),
            }
        }
        sc.settle_in_flight().await;
        if let Err(e) = sc.process().await {
            tracing::warn!(error = %format!("{e:#}"), "processing requests failed");
        }
        sc.update_pending();
    }
    tracing::info!("sidecar stopped");
    Ok(())
}

/// Waits (with backoff) for the node to answer `status`; returns its chain id.
async fn wait_for_node(chain: &Chain, stop: &watch::Receiver<bool>) -> Result<String> {
    let mut n = 0;
    loop {
        match chain.status().await {
            Ok((network, _)) if !network.is_empty() => return Ok(network),
            Ok(_) => tracing::warn!("the node's status has no network (chain id)"),
            Err(e) => tracing::warn!(error = %format!("{e:#}"), "waiting for the node"),
        }
        if *stop.borrow() {
            bail!("stopped while waiting for the node");
        }
        tokio::time::sleep(ws::backoff(n)).await;
        n += 1;
    }
}

impl Sidecar {
    /// Handles one websocket event; true if the chain must be rescanned.
    fn on_ws(&mut self, ev: WsEvent) -> bool {
        match ev {
            WsEvent::Connected => true,
            WsEvent::Disconnected => false,
            WsEvent::Requests(reqs) => {
                for r in reqs {
                    self.on_request_event(r);
                }
                false
            }
        }
    }

    fn on_request_event(&mut self, e: RequestEvent) {
        if !self.ours.contains_key(&e.model_id) {
            return;
        }
        tracing::info!(request = e.request_id, model = e.model_id, feed = e.feed_id,
            mode = %e.mode, deadline = e.deadline, height = e.height, "request event");
        self.enqueue(e.request_id, e.mode.parse().ok());
    }

    fn enqueue(&mut self, id: u64, mode: Option<Mode>) {
        if self.gave_up.contains(&id) || !self.journal.may_submit(id) {
            return;
        }
        if self.seen.insert(id) {
            Metrics::inc(&self.metrics.seen, 1);
        }
        let slot = self.queue.entry(id).or_insert(None);
        if mode.is_some() {
            *slot = mode;
        }
    }

    /// Finds our models on chain and the aggregate sizes of their architectures.
    async fn refresh_models(&mut self) -> Result<()> {
        let registered = self.chain.models().await?;
        let m = match_models(&self.held, &registered, &self.address);
        for c in &m.unregistered {
            tracing::warn!(commitment = %c, "held model is not registered on chain (register it with `inferchaind tx inference register-model`)");
        }
        for (id, owner, operator) in &m.foreign {
            tracing::warn!(model = id, %owner, %operator, key = %self.address,
                "a registered model has a held commitment but our key is neither its owner nor its operator (MsgSetModelOperator)");
        }
        if m.ours.keys().ne(self.ours.keys()) {
            tracing::info!(models = ?m.ours.keys().collect::<Vec<_>>(), "serving registered models");
        }
        self.ours = m.ours;
        if let Some(pg) = &self.playground {
            let published = registered
                .iter()
                .filter_map(|r| {
                    let model = self.ours.get(&r.id)?;
                    Some((
                        r.id,
                        Published {
                            model_id: r.id,
                            mode: r.mode.parse().ok()?,
                            commitment: r.commitment.to_ascii_lowercase(),
                            model: model.clone(),
                        },
                    ))
                })
                .collect();
            pg.publish(published);
        }
        let archs: BTreeSet<String> = self.ours.values().map(|q| q.arch.clone()).collect();
        for a in archs {
            match self.chain.architecture(&a).await {
                Ok(Some(arch)) => {
                    let sizes = plan::aggregate_sizes(
                        arch.circuits
                            .iter()
                            .map(|c| (c.kind.as_str(), c.mode.as_str(), c.rows)),
                    );
                    self.agg_sizes.insert(a, sizes);
                }
                Ok(None) => {
                    self.agg_sizes.remove(&a);
                }
                Err(e) => {
                    tracing::warn!(arch = %a, error = %format!("{e:#}"), "reading the architecture failed")
                }
            }
        }
        Ok(())
    }

    /// Re-reads our models and queues every pending request assigned to them.
    async fn scan(&mut self) -> Result<()> {
        self.refresh_models().await?;
        let ids: Vec<u64> = self.ours.keys().copied().collect();
        let mut found = 0;
        for model in ids {
            for r in self.chain.pending(model).await? {
                if self.journal.may_submit(r.id) && !self.queue.contains_key(&r.id) {
                    found += 1;
                }
                self.enqueue(r.id, None);
            }
        }
        if found > 0 {
            tracing::info!(found, "scan: pending requests queued");
        }
        Ok(())
    }

    fn update_pending(&self) {
        let flying: usize = self.in_flight.values().map(|f| f.requests.len()).sum();
        Metrics::set(&self.metrics.pending, (self.queue.len() + flying) as u64);
    }

    /// A request failed this time: retry later with backoff, or give up after a few tries.
    fn schedule_retry(&mut self, id: u64, why: &str) {
        let r = self.retry.entry(id).or_insert(Retry {
            attempts: 0,
            not_before: Instant::now(),
        });
        r.attempts += 1;
        if r.attempts >= MAX_ATTEMPTS {
            tracing::error!(request = id, attempts = r.attempts, %why, "giving up on the request");
            self.gave_up.insert(id);
            self.queue.remove(&id);
            self.proved.remove(&id);
            Metrics::inc(&self.metrics.failed, 1);
            return;
        }
        let wait = Duration::from_secs(5u64 << r.attempts.min(6)).min(Duration::from_secs(300));
        r.not_before = Instant::now() + wait;
        tracing::warn!(request = id, attempt = r.attempts, retry_in = ?wait, %why, "request failed; will retry");
        self.queue.entry(id).or_insert(None);
    }

    /// Drops a request for good (not pending, past its deadline…).
    fn drop_request(&mut self, id: u64, failed: bool, reason: &str) {
        // A request we submitted before (its tx failed or was abandoned) is closed in the
        // journal too, so that the file tells the whole story.
        if matches!(self.journal.state(id), Some(RequestState::Retryable { .. })) {
            if let Err(e) = self.journal.append(Record::Done {
                requests: vec![id],
                reason: reason.into(),
            }) {
                tracing::error!(request = id, error = %e, "journal write failed");
            }
        }
        self.queue.remove(&id);
        self.proved.remove(&id);
        self.retry.remove(&id);
        self.gave_up.insert(id);
        if failed {
            Metrics::inc(&self.metrics.failed, 1);
        }
    }

    async fn mode_of(&mut self, feed_id: u64, hint: Option<Mode>) -> Result<Mode> {
        if let Some(m) = hint {
            return Ok(m);
        }
        if let Some(m) = self.feed_modes.get(&feed_id) {
            return Ok(*m);
        }
        let feed = self
            .chain
            .feed(feed_id)
            .await?
            .ok_or_else(|| anyhow!("feed {feed_id} not found"))?;
        let m: Mode = feed.mode.parse().map_err(|e: String| anyhow!(e))?;
        self.feed_modes.insert(feed_id, m);
        Ok(m)
    }

    /// Proves and submits what is queued and due.
    async fn process(&mut self) -> Result<()> {
        if self.queue.is_empty() {
            return Ok(());
        }
        let height = self.chain.height().await?;
        Metrics::set(&self.metrics.height, height);
        let now = Instant::now();
        let mut jobs = Vec::new();
        let due: Vec<(u64, Option<Mode>)> = self
            .queue
            .iter()
            .filter(|(id, _)| self.retry.get(id).is_none_or(|r| r.not_before <= now))
            .map(|(id, m)| (*id, *m))
            .collect();
        for (id, hint) in due {
            if !self.journal.may_submit(id) {
                self.queue.remove(&id);
                continue;
            }
            // The chain's word first: a request no longer pending is dropped.
            let r = match self.chain.request(id).await {
                Ok(Some(r)) => r,
                Ok(None) => {
                    tracing::warn!(request = id, "request not found on chain; dropped");
                    self.drop_request(id, false, "not found");
                    continue;
                }
                Err(e) => {
                    tracing::warn!(request = id, error = %format!("{e:#}"), "reading the request failed");
                    continue;
                }
            };
            if r.status != "pending" {
                tracing::info!(request = id, status = %r.status, fulfiller = %r.fulfiller, "request no longer pending; dropped");
                self.drop_request(id, r.status == "timed_out", &r.status);
                continue;
            }
            if r.deadline <= height {
                tracing::warn!(
                    request = id,
                    deadline = r.deadline,
                    height,
                    "deadline passed before we could answer; skipped"
                );
                self.drop_request(id, true, "deadline passed");
                continue;
            }
            if !self.ours.contains_key(&r.model_id) {
                self.queue.remove(&id);
                continue;
            }
            let architecture = self.ours[&r.model_id].arch.clone();
            let mode = match self.mode_of(r.feed_id, hint).await {
                Ok(m) => m,
                Err(e) => {
                    tracing::warn!(request = id, error = %format!("{e:#}"), "the feed's mode is unknown");
                    continue;
                }
            };
            jobs.push(Job {
                request_id: id,
                model_id: r.model_id,
                architecture,
                mode,
                input: r.input,
                input_hash: r.input_hash,
                deadline: r.deadline,
            });
        }
        // Requests with a proof ready (a retry) go alone, reusing it.
        let (ready, fresh): (Vec<Job>, Vec<Job>) = jobs.into_iter().partition(|j| {
            self.proved
                .get(&j.request_id)
                .is_some_and(|p| p.proof.mode == j.mode)
        });
        let mut units: Vec<Unit> = ready.into_iter().map(Unit::Single).collect();
        units.extend(plan::plan(fresh, &self.agg_sizes, self.max_batch));
        for unit in units {
            if *self.stop.borrow() {
                return Ok(());
            }
            self.run_unit(unit).await?;
        }
        Ok(())
    }

    async fn run_unit(&mut self, unit: Unit) -> Result<()> {
        match unit {
            Unit::Single(job) => {
                let Some(p) = self.prove_single(&job).await? else {
                    return Ok(());
                };
                self.submit_single(&job, p).await
            }
            Unit::Aggregate { architecture, jobs } => {
                let models: Vec<Arc<QuantModel>> = jobs
                    .iter()
                    .map(|j| self.ours[&j.model_id].clone())
                    .collect();
                let ids: Vec<u64> = jobs.iter().map(|j| j.request_id).collect();
                let chain_id = self.chain.client.chain_id.clone();
                let jobs2 = jobs.clone();
                let t = Instant::now();
                let handle = tokio::task::spawn_blocking(move || {
                    let refs: Vec<&QuantModel> = models.iter().map(|m| m.as_ref()).collect();
                    fulfil::prove_aggregate(&refs, &jobs2, &chain_id)
                });
                let Some(res) = self.await_proof(handle).await else {
                    return Ok(());
                };
                let p = match res {
                    Ok(p) => p,
                    Err(e) => {
                        tracing::error!(requests = ?ids, error = %format!("{e:#}"), "aggregate proof failed; answering singly");
                        return self.singles_after_aggregate(jobs, None).await;
                    }
                };
                self.metrics.observe_proving(p.seconds);
                Metrics::inc(&self.metrics.proved, ids.len() as u64);
                tracing::info!(requests = ?ids, %architecture, proving_ms = (t.elapsed().as_secs_f64() * 1e3) as u64,
                    proof_bytes = p.proof.len(), "proved aggregate");
                // Deadlines may have passed while proving.
                let height = self.chain.height().await.unwrap_or(0);
                if jobs.iter().any(|j| j.deadline <= height) {
                    return self.singles_after_aggregate(jobs, Some(p)).await;
                }
                let msg = to_any(&fulfil::aggregate_msg(&self.address, &p));
                match self.submit(vec![msg], ids.clone(), height).await? {
                    Submitted::InFlight => {}
                    Submitted::Refused { code, log } => {
                        tracing::warn!(requests = ?ids, code, %log, "aggregate refused; answering singly");
                        self.singles_after_aggregate(jobs, Some(p)).await?;
                    }
                }
                Ok(())
            }
        }
    }

    /// Answers an aggregate's requests one by one: public ones reuse their inner proof,
    /// private ones are proved again in private mode.
    async fn singles_after_aggregate(
        &mut self,
        jobs: Vec<Job>,
        agg: Option<ProvedAggregate>,
    ) -> Result<()> {
        let height = self.chain.height().await.unwrap_or(0);
        for (i, job) in jobs.into_iter().enumerate() {
            if *self.stop.borrow() {
                return Ok(());
            }
            if job.deadline <= height {
                tracing::warn!(
                    request = job.request_id,
                    deadline = job.deadline,
                    height,
                    "deadline passed; skipped"
                );
                self.drop_request(job.request_id, true, "deadline passed");
                continue;
            }
            let reuse = agg
                .as_ref()
                .filter(|_| job.mode == Mode::Public)
                .map(|a| ProvedSingle {
                    request_id: job.request_id,
                    proof: a.inner[i].clone(),
                    seconds: 0.0,
                });
            let p = match reuse {
                Some(p) => p,
                None => match self.prove_single(&job).await? {
                    Some(p) => p,
                    None => return Ok(()),
                },
            };
            self.submit_single(&job, p).await?;
        }
        Ok(())
    }

    /// Waits for a blocking proof, or returns None when the sidecar is stopping.
    async fn await_proof<T>(&mut self, handle: tokio::task::JoinHandle<T>) -> Option<T> {
        let mut stop = self.stop.clone();
        tokio::select! {
            r = handle => match r {
                Ok(v) => Some(v),
                Err(e) => {
                    tracing::error!(error = %e, "the proving thread panicked");
                    None
                }
            },
            _ = stop.changed() => None,
        }
    }

    /// Proves one request (or reuses a proof made for an earlier, failed try).
    async fn prove_single(&mut self, job: &Job) -> Result<Option<ProvedSingle>> {
        if let Some(p) = self.proved.get(&job.request_id) {
            if p.proof.mode == job.mode {
                return Ok(Some(p.clone()));
            }
        }
        let model = self.ours[&job.model_id].clone();
        let chain_id = self.chain.client.chain_id.clone();
        let j = job.clone();
        let handle = tokio::task::spawn_blocking(move || {
            fulfil::prove_single(&model, &j, j.mode, &chain_id)
        });
        let Some(res) = self.await_proof(handle).await else {
            return Ok(None);
        };
        match res {
            Ok(p) => {
                self.metrics.observe_proving(p.seconds);
                Metrics::inc(&self.metrics.proved, 1);
                tracing::info!(request = job.request_id, model = job.model_id, mode = %job.mode,
                    proving_ms = (p.seconds * 1e3) as u64, proof_bytes = p.proof.bytes.len(), "proved");
                self.proved.insert(job.request_id, p.clone());
                Ok(Some(p))
            }
            Err(e) => {
                self.schedule_retry(job.request_id, &format!("proving failed: {e:#}"));
                Ok(None)
            }
        }
    }

    async fn submit_single(&mut self, job: &Job, p: ProvedSingle) -> Result<()> {
        let height = self.chain.height().await.unwrap_or(0);
        if job.deadline <= height {
            tracing::warn!(
                request = job.request_id,
                deadline = job.deadline,
                height,
                "deadline passed while proving; not sent"
            );
            self.drop_request(job.request_id, true, "deadline passed");
            return Ok(());
        }
        let msg = to_any(&fulfil::single_msg(&self.address, &p));
        match self.submit(vec![msg], vec![job.request_id], height).await? {
            Submitted::InFlight => {}
            Submitted::Refused { code, log } => {
                self.schedule_retry(job.request_id, &format!("refused with code {code}: {log}"));
            }
        }
        Ok(())
    }

    async fn account(&mut self) -> Result<(u64, u64)> {
        if let Some(a) = self.account {
            return Ok(a);
        }
        let addr = Address::from_secp256k1(&pubkey_bytes(&self.key));
        let acc = timed("account", self.chain.client.account(&addr))
            .await?
            .with_context(|| format!("the sidecar's account {} (fund it first)", self.address))?;
        let a = (acc.account_number, acc.sequence);
        self.account = Some(a);
        Ok(a)
    }

    /// Simulates, signs, journals and broadcasts one fulfilment transaction. Errors are the
    /// node being unreachable before anything was journaled, or the journal failing.
    async fn submit(
        &mut self,
        msgs: Vec<Any>,
        requests: Vec<u64>,
        height: u64,
    ) -> Result<Submitted> {
        for _ in 0..3 {
            let (number, sequence) = self.account().await?;
            let used = match timed(
                "simulate",
                self.chain
                    .client
                    .simulate(&self.key, msgs.clone(), MEMO, sequence),
            )
            .await?
            {
                Ok(g) => g,
                Err(ClientError::Query { code, log, .. }) => {
                    if let Some(seq) = sequence_mismatch(code, &log) {
                        tracing::info!(
                            local = sequence,
                            chain = seq,
                            "re-synced the account sequence"
                        );
                        self.account = Some((number, seq));
                        continue;
                    }
                    // Re-read the account before the next try, in case ours is stale.
                    self.account = None;
                    return Ok(Submitted::Refused { code, log });
                }
                Err(e) => return Err(e.into()),
            };
            let gas = (used as f64 * self.gas_adjustment).ceil() as u64;
            let fee = Fee {
                amount: vec![
                    Coin::new(&self.gas_price.denom, self.gas_price.fee_for(gas)).to_proto(),
                ],
                gas_limit: gas,
                ..Default::default()
            };
            let tx = self
                .chain
                .client
                .sign(&self.key, msgs.clone(), MEMO, number, sequence, fee);
            let hash = tx_hash(&tx);
            // The journal first: after this line the requests are never submitted again
            // (only these very bytes, which is idempotent).
            self.journal.save_tx(&hash, &tx)?;
            self.journal.append(Record::Submitted {
                requests: requests.clone(),
                tx_hash: hash.clone(),
                sequence,
                height,
            })?;
            self.in_flight.insert(
                hash.clone(),
                Flight {
                    requests: requests.clone(),
                    sequence,
                    bytes: Some(tx.clone()),
                    since: Instant::now(),
                },
            );
            for id in &requests {
                self.queue.remove(id);
            }
            match self.broadcast(&tx).await {
                Ok((0, _)) => {
                    self.account = Some((number, sequence + 1));
                    Metrics::inc(&self.metrics.submitted, requests.len() as u64);
                    tracing::info!(requests = ?requests, tx = %hash, sequence, gas, "fulfilment broadcast");
                    return Ok(Submitted::InFlight);
                }
                Ok((code, log)) => {
                    // CheckTx refused it: it is in no mempool and can never be included.
                    self.abandon(&hash, &format!("CheckTx code {code}: {log}"))?;
                    if let Some(seq) = sequence_mismatch(code, &log) {
                        self.account = Some((number, seq));
                        continue;
                    }
                    return Ok(Submitted::Refused { code, log });
                }
                Err(e) => {
                    // Unknown whether it reached the mempool: it stays in flight, and the
                    // settle step rebroadcasts these same bytes or finds it in a block.
                    tracing::warn!(requests = ?requests, tx = %hash, error = %format!("{e:#}"),
                        "broadcast failed; will rebroadcast the same transaction");
                    self.account = None;
                    return Ok(Submitted::InFlight);
                }
            }
        }
        Ok(Submitted::Refused {
            code: WRONG_SEQUENCE,
            log: "account sequence kept changing".into(),
        })
    }

    /// broadcast_tx_sync with retries (backoff) while the node is unreachable; Ok((code, log)).
    /// "Already in the mempool cache" (a rebroadcast) counts as accepted.
    async fn broadcast(&self, tx: &[u8]) -> Result<(u32, String)> {
        let mut last = None;
        for n in 0..4 {
            match self.chain.client.broadcast(tx).await {
                Ok(b) => return Ok((b.code, b.log)),
                Err(e) if already_in_mempool(&e) => return Ok((0, String::new())),
                Err(e) => {
                    last = Some(e);
                    tokio::time::sleep(ws::backoff(n)).await;
                }
            }
        }
        Err(last
            .map(anyhow::Error::from)
            .unwrap_or_else(|| anyhow!("broadcast failed")))
    }

    /// Journals that a transaction can never land; its requests become retryable (queued, to
    /// be re-checked against the chain first).
    fn abandon(&mut self, hash: &str, reason: &str) -> Result<()> {
        let Some(f) = self.in_flight.remove(hash) else {
            return Ok(());
        };
        self.journal.append(Record::Abandoned {
            requests: f.requests.clone(),
            tx_hash: hash.into(),
            reason: reason.into(),
        })?;
        self.journal.forget_tx(hash);
        tracing::warn!(tx = %hash, requests = ?f.requests, %reason, "transaction abandoned");
        for id in f.requests {
            self.queue.entry(id).or_insert(None);
        }
        Ok(())
    }

    /// Looks up transactions in flight: included (journal it), stale and unusable (abandon
    /// it), or stale and still possible (rebroadcast the same bytes).
    async fn settle_in_flight(&mut self) {
        let hashes: Vec<String> = self.in_flight.keys().cloned().collect();
        for hash in hashes {
            if let Err(e) = self.settle(&hash).await {
                tracing::warn!(tx = %hash, error = %format!("{e:#}"), "checking an in-flight tx failed");
            }
        }
    }

    async fn settle(&mut self, hash: &str) -> Result<()> {
        let Some(f) = self.in_flight.get(hash) else {
            return Ok(());
        };
        let (sequence, since) = (f.sequence, f.since);
        if since.elapsed() < Duration::from_secs(2) {
            return Ok(());
        }
        if let Some(res) = self.lookup(hash).await {
            return self.included(hash, &res);
        }
        if since.elapsed() < STALE {
            return Ok(());
        }
        // Not in a block after a while (or the node does not index txs). Committed sequence
        // past ours: ours landed unseen or another transaction used the sequence; either way
        // nothing of it is pending any more, and the requests are re-checked on chain
        // (looked up once more first, in case it landed meanwhile).
        let addr = Address::from_secp256k1(&pubkey_bytes(&self.key));
        let acc = timed("account", self.chain.client.account(&addr)).await??;
        if acc.sequence > sequence {
            if let Some(res) = self.lookup(hash).await {
                return self.included(hash, &res);
            }
            return self.abandon(
                hash,
                &format!("not found in a block and sequence {sequence} is used"),
            );
        }
        let Some(bytes) = self.in_flight.get(hash).and_then(|f| f.bytes.clone()) else {
            return Ok(());
        };
        match self.broadcast(&bytes).await {
            Ok((0, _)) => {
                tracing::info!(tx = %hash, sequence, "rebroadcast the in-flight transaction");
                if let Some(f) = self.in_flight.get_mut(hash) {
                    f.since = Instant::now();
                }
                if self.account.is_some_and(|(_, s)| s <= sequence) {
                    self.account = None;
                }
            }
            Ok((code, log)) => self.abandon(
                hash,
                &format!("rebroadcast refused by CheckTx code {code}: {log}"),
            )?,
            Err(e) => tracing::warn!(tx = %hash, error = %format!("{e:#}"), "rebroadcast failed"),
        }
        Ok(())
    }

    /// The tx's result if it is in a block; None if not found or the lookup failed (a node
    /// without a tx index answers with an error: the sequence check then decides).
    async fn lookup(&self, hash: &str) -> Option<serde_json::Value> {
        match timed("tx", self.chain.client.rpc.tx(hash)).await {
            Ok(Ok(found)) => found,
            Ok(Err(e)) => {
                tracing::warn!(tx = %hash, error = %e, "tx lookup failed");
                None
            }
            Err(e) => {
                tracing::warn!(tx = %hash, error = %format!("{e:#}"), "tx lookup failed");
                None
            }
        }
    }

    fn included(&mut self, hash: &str, res: &serde_json::Value) -> Result<()> {
        let Some(f) = self.in_flight.remove(hash) else {
            return Ok(());
        };
        let code = res["tx_result"]["code"].as_u64().unwrap_or(0) as u32;
        let height = num(&res["height"]);
        self.journal.append(Record::Included {
            requests: f.requests.clone(),
            tx_hash: hash.into(),
            code,
            height,
        })?;
        self.journal.forget_tx(hash);
        if code == 0 {
            Metrics::inc(&self.metrics.fulfilled, f.requests.len() as u64);
            tracing::info!(tx = %hash, requests = ?f.requests, height, "fulfilled");
            for id in &f.requests {
                self.queue.remove(id);
                self.proved.remove(id);
                self.retry.remove(id);
            }
        } else {
            let log = res["tx_result"]["log"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            tracing::warn!(tx = %hash, requests = ?f.requests, code, %log, height, "fulfilment failed in its block");
            for id in f.requests {
                self.schedule_retry(id, &format!("tx {hash} failed with code {code}: {log}"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequence_from_checktx_log() {
        assert_eq!(
            expected_sequence(
                "account sequence mismatch, expected 7, got 5: incorrect account sequence"
            ),
            Some(7)
        );
        assert_eq!(expected_sequence("out of gas"), None);
        // What a simulation answers (the node's words, code 1).
        let sim = "rpc error: code = Internal desc = account sequence mismatch, expected 13, got 12: incorrect account sequence [codespace sdk code 32]";
        assert_eq!(sequence_mismatch(1, sim), Some(13));
        assert_eq!(
            sequence_mismatch(32, "account sequence mismatch, expected 2, got 1"),
            Some(2)
        );
        assert_eq!(sequence_mismatch(5, "expected 3 outputs"), None);
    }

    #[test]
    fn tx_hash_is_upper_hex_sha256() {
        assert_eq!(
            tx_hash(b""),
            "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"
        );
    }

    #[test]
    fn models_are_ours_by_commitment_and_owner_or_operator() {
        let a = Arc::new(QuantModel {
            arch: "mlp-16-32-16-1".into(),
            layers: vec![],
            salt: inferchain_verifier::Salt([1, 2, 3]),
        });
        let held = BTreeMap::from([("aa".to_string(), a.clone()), ("bb".to_string(), a)]);
        let model = |id, c: &str, owner: &str, operator: &str, retired| pb::Model {
            id,
            owner: owner.into(),
            commitment: c.into(),
            operator: operator.into(),
            retired,
            ..Default::default()
        };
        let reg = vec![
            model(1, "AA", "infer1me", "", false),
            model(2, "aa", "infer1you", "infer1me", false),
            model(3, "aa", "infer1you", "", false),
            model(4, "aa", "infer1me", "", true),
            model(5, "cc", "infer1me", "", false),
        ];
        let m = match_models(&held, &reg, "infer1me");
        assert_eq!(m.ours.keys().copied().collect::<Vec<_>>(), vec![1, 2]);
        assert_eq!(m.foreign, vec![(3, "infer1you".to_string(), String::new())]);
        assert_eq!(m.retired, vec![4]);
        assert_eq!(m.unregistered, vec!["bb".to_string()]);
    }
}
