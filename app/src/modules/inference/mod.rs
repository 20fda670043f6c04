//! The `inference` module: proofs as a chain primitive. It holds the registry of model
//! architectures the chain can verify (each (kind, mode, rows) circuit with its digest and
//! verification gas), the models modelers register (salted commitments, owner, mode), and
//! scores challenges by proof: `MsgSubmitScoreProof` verifies a private-mode proof of score
//! on a challenge's revealed test set, bound to the submitter, and records it in the
//! challenge contract with `sudo record_score` — no trusted evaluator anywhere.
//!
//! - [`circuits`]: registered circuits, verifier building at start, gas calibration;
//! - [`score`]: the checks of a score proof (shared with the `VerifyProof` dry run);
//! - [`msgs`], [`query`], [`genesis`], [`state`], [`error`] (codespace `inference`).
//!
//! Verifier data is built when a node starts (for every registered architecture in its
//! committed state), at genesis, and when governance registers circuits — never lazily while
//! a block executes — and each is checked against its registered digest: a node whose build
//! gives another digest refuses to start.

pub mod circuits;
pub mod error;
pub mod genesis;
mod msgs;
mod query;
pub mod score;
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
        query::register(routes, &s.keeper);
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
