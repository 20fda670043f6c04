//! The `inference` module: proofs as a chain primitive. It holds the registry of model
//! architectures the chain can verify (each (kind, mode, rows) circuit with its digest and
//! verification gas), the models modelers register (salted commitments, owner, mode), and
//! scores challenges by proof: `MsgSubmitScoreProof` verifies a private-mode proof of score
//! on a challenge's revealed test set, bound to the submitter, and records it in the
//! challenge contract with `sudo record_score` — no trusted evaluator anywhere.
//!
//! - [`circuits`]: registered circuits, verifier building at start, gas calibration;
//! - [`score`]: the checks of a score proof (shared with the `VerifyProof` dry run);
//! - [`feeds`], `fulfil`, [`settle`], `sla`: feeds, their requests and how they resolve;
//! - [`ibc_app`], [`ibc_packet`]: the `inference` IBC application (requests from other
//!   chains, asynchronous acknowledgements with verified results, publication);
//! - [`msgs`], [`query`], [`genesis`], [`state`], [`error`] (codespace `inference`).
//!
//! Verifier data is built when a node starts (for every registered architecture in its
//! committed state), at genesis, and when governance registers circuits — never lazily while
//! a block executes — and each is checked against its registered digest: a node whose build
//! gives another digest refuses to start.

pub mod circuits;
pub mod error;
mod feed_query;
pub mod feeds;
mod fulfil;
pub mod genesis;
pub mod ibc_app;
pub mod ibc_packet;
mod msgs;
mod query;
pub mod score;
pub mod settle;
mod sla;
pub mod state;
mod state_key;

use std::sync::Arc;

use inferchain_proto::inferchain::inference::v1 as pb;

use super::Module;
use crate::ctx::Ctx;
use crate::error::TxError;
use crate::genesis::Genesis;
use crate::modules::wasm::WasmKeeper;
use crate::router::{Routes, Senders};
use crate::state::StateRead;
pub use error::InferenceError;
pub use genesis::InferenceGenesis;
pub use state::InferenceRead;
use state::InferenceWrite;

pub const NAME: &str = "inference";

pub struct Inference {
    server: Arc<msgs::MsgServer>,
}

impl Inference {
    pub fn new(keeper: WasmKeeper) -> Self {
        Inference {
            server: Arc::new(msgs::MsgServer { keeper }),
        }
    }
}

impl Module for Inference {
    fn name(&self) -> &'static str {
        NAME
    }

    fn register(&self, routes: &mut Routes) {
        let s = &self.server;
        routes.msg::<pb::MsgRegisterModel, _>(NAME, s, Senders::AccountsAndContracts);
        routes.msg::<pb::MsgRetireModel, _>(NAME, s, Senders::AccountsAndContracts);
        routes.msg::<pb::MsgSubmitScoreProof, _>(NAME, s, Senders::Accounts);
        // Governance is a contract: it sends these.
        routes.msg::<pb::MsgRegisterArchitecture, _>(NAME, s, Senders::AccountsAndContracts);
        routes.msg::<pb::MsgUpdateParams, _>(NAME, s, Senders::AccountsAndContracts);
        routes.msg::<pb::MsgSetModelOperator, _>(NAME, s, Senders::AccountsAndContracts);
        // Consumers are people and contracts alike.
        routes.msg::<pb::MsgCreateFeed, _>(NAME, s, Senders::AccountsAndContracts);
        routes.msg::<pb::MsgTopUpFeed, _>(NAME, s, Senders::AccountsAndContracts);
        routes.msg::<pb::MsgCloseFeed, _>(NAME, s, Senders::AccountsAndContracts);
        routes.msg::<pb::MsgRequestInference, _>(NAME, s, Senders::AccountsAndContracts);
        // Provers are accounts: a fulfilment runs consumer callbacks, which must not nest.
        routes.msg::<pb::MsgFulfillInference, _>(NAME, s, Senders::Accounts);
        routes.msg::<pb::MsgFulfillInferences, _>(NAME, s, Senders::Accounts);
        routes.module_account(feeds::ESCROW);
        routes.module_account(feeds::TREASURY);
        query::register(routes, &s.keeper);
    }

    /// Resolves the requests whose SLA ran out (bounded per block).
    fn end_block(&self, ctx: &mut Ctx) -> Result<(), TxError> {
        sla::end_block(&self.server.keeper, ctx)
    }

    fn init_genesis(&self, ctx: &mut Ctx, genesis: &Genesis) -> Result<(), TxError> {
        let section: InferenceGenesis = genesis.section(NAME).map_err(TxError::internal)?;
        let params = section.params();
        msgs::validate_params(&params)?;
        ctx.put_inference_params(&params)?;
        for arch in section.architectures {
            let arch: pb::Architecture = arch.into();
            if ctx.architecture(&arch.name)?.is_some() {
                return Err(InferenceError::InvalidArchitecture(format!(
                    "genesis lists {} twice",
                    arch.name
                ))
                .into());
            }
            circuits::prepare(&arch, params.max_score_rows)?;
            ctx.put_architecture(&arch)?;
        }
        Ok(())
    }

    /// Builds the verifiers of every registered architecture and checks their digests.
    fn start(&self, state: &mut dyn StateRead) -> Result<(), String> {
        let params = state.inference_params().map_err(|e| e.to_string())?;
        let archs = state.architectures().map_err(|e| e.to_string())?;
        let started = std::time::Instant::now();
        for arch in &archs {
            circuits::prepare(arch, params.max_score_rows).map_err(|e| e.to_string())?;
        }
        if !archs.is_empty() {
            tracing::info!(
                architectures = archs.len(),
                ms = started.elapsed().as_millis() as u64,
                "inference verifiers ready"
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use inferchain_verifier::{Mode, ProofKind};

    use super::state::InferenceWrite;
    use super::*;
    use crate::ctx::{BlockInfo, Dispatch};
    use crate::gas::GasMeter;
    use crate::query::QueryCtx;
    use crate::state::StateDelta;
    use crate::store::Store;

    /// Commits `arch` into `store` at `height`.
    fn commit_architecture(store: &Store, height: u64, arch: &pb::Architecture) {
        let snap = store.snapshot().unwrap();
        let mut delta = StateDelta::new(snap.clone());
        let mut gas = GasMeter::infinite();
        let block = BlockInfo::default();
        let router: Arc<dyn Dispatch> = Arc::new(Routes::default().build().unwrap());
        let mut ctx = Ctx::new(&mut delta, &mut gas, &block, router);
        ctx.put_architecture(arch).unwrap();
        drop(ctx);
        let pending = store
            .prepare_commit(&snap, height, delta.into_writes())
            .unwrap();
        store.commit(pending, 0).unwrap();
    }

    /// A node whose committed state registers a circuit under a digest that this build of the
    /// verifier does not give refuses to start; the right digest starts.
    #[test]
    fn a_registered_digest_this_build_does_not_give_refuses_the_start() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db")).unwrap();
        let vm = crate::modules::wasm::Vm::open(&dir.path().join("wasm"), "t-1").unwrap();
        let module = Inference::new(crate::modules::wasm::Wasm::new(Arc::new(vm)).keeper());
        let good = circuits::describe_architecture(
            "mlp-16-32-16-1",
            &[(ProofKind::Inference, Mode::Public)],
        )
        .unwrap();
        commit_architecture(&store, 0, &good);
        module
            .start(&mut QueryCtx::new(store.snapshot().unwrap(), 0))
            .expect("the right digest starts");
        // Another circuit's digest in its place.
        let other = circuits::describe_architecture(
            "mlp-16-32-16-1",
            &[(ProofKind::Inference, Mode::Private)],
        )
        .unwrap();
        let mut bad = good.clone();
        bad.circuits[0].digest = other.circuits[0].digest.clone();
        commit_architecture(&store, 1, &bad);
        let err = module
            .start(&mut QueryCtx::new(store.snapshot().unwrap(), 1))
            .unwrap_err();
        assert!(err.contains("circuit digest mismatch"), "{err}");
        assert!(
            err.contains(&good.circuits[0].digest),
            "names what this node builds: {err}"
        );
    }

    /// Registrations outside the verifier's bounds are refused before anything is built.
    #[test]
    fn circuits_outside_the_registry_are_refused_without_building() {
        let arch = |kind: &str, mode: &str, rows: u64, gas: u64| pb::Architecture {
            name: "mlp-16-32-16-1".into(),
            circuits: vec![pb::Circuit {
                kind: kind.into(),
                mode: mode.into(),
                rows,
                digest: "00".repeat(32),
                verify_gas: gas,
            }],
        };
        let cases = [
            (arch("score", "private", 65_536, 1), "rows"),
            (arch("score", "private", 100, 1), "registered"),
            (arch("aggregate", "public", 4, 1), "private"),
            (arch("batch", "private", 3, 1), "registered"),
            (arch("inference", "private", 1, 1), "rows 0"),
            (arch("proof", "private", 0, 1), "unknown proof kind"),
            (arch("inference", "secret", 0, 1), "invalid mode"),
            (arch("inference", "public", 0, 0), "verify_gas"),
        ];
        for (a, says) in cases {
            let e = circuits::validate(&a, 1024).unwrap_err().to_string();
            assert!(e.contains(says), "{a:?}: {e}");
        }
        let mut unknown = arch("inference", "public", 0, 1);
        unknown.name = "mlp-1-1".into();
        assert!(matches!(
            circuits::validate(&unknown, 1024),
            Err(InferenceError::UnknownArchitecture(_))
        ));
        let mut twice = arch("inference", "public", 0, 1);
        twice.circuits.push(twice.circuits[0].clone());
        assert!(circuits::validate(&twice, 1024)
            .unwrap_err()
            .to_string()
            .contains("twice"));
    }
}
