//! The state machine: runs transactions through ante and their modules, applies genesis,
//! and routes queries. It never touches disk; `node.rs` feeds it snapshots and commits.

use cosmos_sdk_proto::cosmos::base::abci::v1beta1::TxMsgData;
use prost::Message;
use tendermint_proto::v0_38::abci::{Event, EventAttribute, ValidatorUpdate};

use crate::ante::{run_ante, ExecMode, SigCache};
use crate::coins::GasPrice;
use sha2::{Digest, Sha256};

use crate::ctx::{event, BlockInfo, Ctx, TxPosition};
use crate::error::TxError;
use crate::gas::GasMeter;
use crate::genesis::Genesis;
use crate::modules::auth::AuthWrite;
use crate::modules::{
    auth::Auth, bank::Bank, block::Block, inference::Inference, params::Params,
    validators::Validators, wasm::Vm, wasm::Wasm, Module,
};
use crate::outcome::TxOutcome;
use crate::outcome::{event_bytes, MAX_TX_EVENTS, MAX_TX_EVENT_BYTES};
use crate::params::{BlockGas, ChainLimits};
use crate::query::{QueryCtx, QueryError};
use crate::router::{RouteError, Router, Routes};
use crate::state::StateDelta;
use crate::tx::{decode_tx, ParsedTx};

use std::sync::Arc;

/// The chain's modules, in the order their genesis and block hooks run. Adding a module is
/// one line here (and its folder under `modules/`).
pub fn modules(vm: Arc<Vm>) -> Vec<Box<dyn Module>> {
    let wasm = Wasm::new(vm);
    let inference = Inference::new(wasm.keeper());
    let validators = Validators::new(wasm.keeper());
    vec![
        Box::new(Block),
        Box::new(Params),
        Box::new(Auth),
        Box::new(Bank),
        Box::new(wasm),
        Box::new(inference),
        Box::new(validators),
        Box::new(crate::modules::ibc::Ibc::with_apps(vec![Arc::new(
            crate::modules::inference::ibc_app::InferencePort,
        )])),
    ]
}

/// The text of a caught panic.
pub fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default()
}

pub struct App {
    modules: Vec<Box<dyn Module>>,
    router: Arc<Router>,
    /// This node's mempool floor; consensus never looks at it (as in the SDK).
    pub min_gas_price: Option<GasPrice>,
    sigs: SigCache,
}

impl App {
    /// The app of the chain's [`modules`].
    pub fn new(min_gas_price: Option<GasPrice>, vm: Arc<Vm>) -> Result<Self, RouteError> {
        Self::with_modules(modules(vm), min_gas_price)
    }

    /// An app of `modules`; fails if two of them register the same message or query.
    pub fn with_modules(
        modules: Vec<Box<dyn Module>>,
        min_gas_price: Option<GasPrice>,
    ) -> Result<Self, RouteError> {
        let mut routes = Routes::default();
        for m in &modules {
            m.register(&mut routes);
        }
        Ok(App {
            modules,
            router: Arc::new(routes.build()?),
            min_gas_price,
            sigs: SigCache::default(),
        })
    }

    /// Runs every module's start hook over the committed state (see [`Module::start`]).
    pub fn start(&self, state: &mut dyn crate::state::StateRead) -> Result<(), String> {
        for m in &self.modules {
            m.start(state)
                .map_err(|e| format!("module {}: {e}", m.name()))?;
        }
        Ok(())
    }

    pub fn router(&self) -> &Arc<Router> {
        &self.router
    }

    pub fn decode(&self, bytes: &[u8]) -> Result<ParsedTx, TxError> {
        decode_tx(bytes, &self.router)
    }

    pub fn init_genesis(
        &self,
        state: &mut StateDelta,
        block: &BlockInfo,
        genesis: &Genesis,
        limits: &ChainLimits,
    ) -> Result<(), TxError> {
        genesis
            .check_sections(self.modules.iter().map(|m| m.name()))
            .map_err(TxError::invalid_request)?;
        limits.save(state);
        let mut gas = GasMeter::infinite();
        let mut ctx = Ctx::new(state, &mut gas, block, self.router.clone());
        for account in self.router.module_accounts() {
            ctx.ensure_account(account)?;
        }
        for m in &self.modules {
            m.init_genesis(&mut ctx, genesis)?;
        }
        Ok(())
    }

    /// Runs begin- or end-block hooks; their events are block events.
    pub fn block_hook(
        &self,
        state: &mut StateDelta,
        block: &BlockInfo,
        end: bool,
    ) -> Result<Vec<Event>, TxError> {
        let mut gas = GasMeter::infinite();
        let mut ctx = Ctx::new(state, &mut gas, block, self.router.clone());
        for m in &self.modules {
            if end {
                m.end_block(&mut ctx)?;
            } else {
                m.begin_block(&mut ctx)?;
            }
        }
        Ok(ctx.events)
    }

    /// Runs the end-block hooks, then asks the modules for validator set changes: the block
    /// events and CometBFT's `validator_updates`.
    pub fn end_block(
        &self,
        state: &mut StateDelta,
        block: &BlockInfo,
    ) -> Result<(Vec<Event>, Vec<ValidatorUpdate>), TxError> {
        let mut events = self.block_hook(state, block, true)?;
        let mut gas = GasMeter::infinite();
        let mut ctx = Ctx::new(state, &mut gas, block, self.router.clone());
        let mut updates = Vec::new();
        for m in &self.modules {
            updates.extend(m.validator_updates(&mut ctx)?);
        }
        events.extend(ctx.events);
        Ok((events, updates))
    }

    /// Runs one transaction on `state`. Ante writes (fee, sequence) are kept even when a
    /// message fails; message writes are kept only if every message succeeds. A panic inside
    /// a handler is contained here: it fails the transaction, never the block.
    pub fn run_tx(
        &self,
        state: &mut StateDelta,
        block: &BlockInfo,
        bytes: &[u8],
        mode: ExecMode,
    ) -> TxOutcome {
        self.run_tx_metered(state, block, bytes, mode, None)
    }

    /// [`Self::run_tx`] for a block's transaction: one whose gas limit doesn't fit in what
    /// is left of the block's gas fails without running (the block gas meter).
    pub fn run_block_tx(
        &self,
        state: &mut StateDelta,
        block: &BlockInfo,
        bytes: &[u8],
        block_gas: &mut BlockGas,
    ) -> TxOutcome {
        let outcome =
            self.run_tx_metered(state, block, bytes, ExecMode::Deliver, Some(&*block_gas));
        block_gas.record(outcome.gas_used.min(outcome.gas_wanted));
        outcome
    }

    fn run_tx_metered(
        &self,
        state: &mut StateDelta,
        block: &BlockInfo,
        bytes: &[u8],
        mode: ExecMode,
        block_gas: Option<&BlockGas>,
    ) -> TxOutcome {
        let depth = state.depth();
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.run_tx_inner(state, block, bytes, mode, block_gas)
        }));
        match result {
            Ok(outcome) => outcome,
            Err(panic) => {
                while state.depth() > depth {
                    state.discard();
                }
                let what = panic_message(panic.as_ref());
                tracing::error!(%what, "transaction handler panicked; tx failed, state rolled back");
                TxOutcome::failed(
                    TxError::internal(format!("panic in handler: {what}")),
                    0,
                    0,
                    vec![],
                )
            }
        }
    }

    fn run_tx_inner(
        &self,
        state: &mut StateDelta,
        block: &BlockInfo,
        bytes: &[u8],
        mode: ExecMode,
        block_gas: Option<&BlockGas>,
    ) -> TxOutcome {
        let tx = match self.decode(bytes) {
            Ok(tx) => tx,
            Err(e) => return TxOutcome::failed(e, 0, 0, vec![]),
        };
        let gas_wanted = tx.gas_limit;
        if let Some(block_gas) = block_gas {
            if let Err(e) = block_gas.admit(gas_wanted) {
                return TxOutcome::failed(e, gas_wanted, 0, vec![]);
            }
        }
        let mut gas = match mode {
            ExecMode::Simulate => GasMeter::infinite(),
            _ => GasMeter::new(gas_wanted),
        };

        state.begin();
        let ante = {
            let mut ctx = Ctx::new(state, &mut gas, block, self.router.clone());
            run_ante(&mut ctx, &tx, mode, self.min_gas_price.as_ref(), &self.sigs)
                .map(|_| ctx.events)
        };
        let ante_events = match ante {
            Ok(events) => {
                state.keep();
                events
            }
            Err(e) => {
                state.discard();
                return TxOutcome::failed(e, gas_wanted, gas.used(), vec![]);
            }
        };
        if matches!(mode, ExecMode::Check | ExecMode::Proposal) {
            return TxOutcome {
                gas_wanted,
                gas_used: gas.used(),
                events: ante_events,
                ..Default::default()
            };
        }

        state.begin();
        let mut ctx = Ctx::new(state, &mut gas, block, self.router.clone());
        ctx.simulate = mode == ExecMode::Simulate;
        ctx.tx = Some(TxPosition {
            index: block.tx_index,
            hash: Sha256::digest(bytes).into(),
        });
        let mut responses = Vec::with_capacity(tx.msgs.len());
        let mut msg_events = Vec::new();
        let mut msg_event_bytes = 0usize;
        for (index, msg) in tx.msgs.iter().enumerate() {
            let before = ctx.events.len();
            match msg.deliver(&mut ctx) {
                Ok(resp) => responses.push(resp),
                Err(mut e) => {
                    drop(ctx);
                    state.discard();
                    e.log = format!(
                        "failed to execute message; message index: {index}: {}",
                        e.log
                    );
                    return TxOutcome::failed(e, gas_wanted, gas.used(), ante_events);
                }
            }
            let signer = tx
                .signers
                .first()
                .map(|s| s.to_bech32())
                .unwrap_or_default();
            let mut events = vec![event(
                "message",
                &[
                    ("action", msg.type_url.clone()),
                    ("sender", signer),
                    ("module", msg.module.to_string()),
                ],
            )];
            events.extend(ctx.events.drain(before..));
            for e in &mut events {
                e.attributes.push(EventAttribute {
                    key: "msg_index".into(),
                    value: index.to_string(),
                    index: true,
                });
            }
            msg_event_bytes += event_bytes(&events);
            msg_events.extend(events);
            if msg_events.len() > MAX_TX_EVENTS || msg_event_bytes > MAX_TX_EVENT_BYTES {
                drop(ctx);
                state.discard();
                let e = TxError::invalid_request(format!(
                    "the transaction's messages emitted {} events of {msg_event_bytes} bytes, limit {MAX_TX_EVENTS} events of {MAX_TX_EVENT_BYTES} bytes",
                    msg_events.len(),
                ));
                return TxOutcome::failed(e, gas_wanted, gas.used(), ante_events);
            }
        }
        drop(ctx);
        state.keep();

        let mut events = ante_events;
        events.extend(msg_events);
        #[allow(deprecated)]
        let data = TxMsgData {
            data: vec![],
            msg_responses: responses.clone(),
        }
        .encode_to_vec();
        TxOutcome {
            gas_wanted,
            gas_used: gas.used(),
            events,
            data,
            msg_responses: responses,
            ..Default::default()
        }
    }

    /// Answers a client's gRPC-path query through the router.
    pub fn query(&self, q: &mut QueryCtx, path: &str, data: &[u8]) -> Result<Vec<u8>, QueryError> {
        self.router.query(q, path, data)
    }
}
