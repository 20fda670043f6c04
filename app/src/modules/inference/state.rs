//! Typed access to the inference module's state, for transactions and queries alike.

use inferchain_proto::inferchain::inference::v1 as pb;

use super::state_key as key;
use crate::address::Address;
use crate::error::TxError;
use crate::state::{StateRead, StateReadExt, StateWrite, StateWriteExt};

/// Default params: no contracts wired yet, any bonded modeler stake, the verifier's row
/// bound, and room for the largest registered proof (a private batch of the big model is
/// ~190 KB).
pub fn default_params() -> pb::Params {
    pb::Params {
        challenge_contract: String::new(),
        staking_contract: String::new(),
        min_model_stake: "1".into(),
        max_score_rows: 1024,
        max_proof_bytes: 262_144,
        modeler_share_bps: 8_000,
        validator_share_bps: 1_500,
        treasury: String::new(),
        reputation_contract: String::new(),
        sla_slash_fraction: "0.01".into(),
        min_sla_blocks: 1,
        max_sla_blocks: 10_000,
        callback_gas_limit: 2_000_000,
        max_timeouts_per_block: 200,
        min_fee_per_inference: "1".into(),
    }
}

pub trait InferenceRead: StateRead {
    fn inference_params(&mut self) -> Result<pb::Params, TxError> {
        Ok(self
            .get_proto(&key::params())?
            .unwrap_or_else(default_params))
    }

    fn architecture(&mut self, name: &str) -> Result<Option<pb::Architecture>, TxError> {
        self.get_proto(&key::architecture(name))
    }

    /// Every registered architecture, by name.
    fn architectures(&mut self) -> Result<Vec<pb::Architecture>, TxError> {
        self.prefixed(&key::architectures(), None, usize::MAX)?
            .into_iter()
            .map(|(k, v)| {
                prost::Message::decode(v.as_slice()).map_err(|e| {
                    TxError::internal(format!(
                        "corrupt architecture {}: {e}",
                        String::from_utf8_lossy(&k)
                    ))
                })
            })
            .collect()
    }

    fn model(&mut self, id: u64) -> Result<Option<pb::Model>, TxError> {
        self.get_proto(&key::model(id))
    }
}

impl<S: StateRead + ?Sized> InferenceRead for S {}

pub(super) trait InferenceWrite: StateWrite {
    fn put_inference_params(&mut self, p: &pb::Params) -> Result<(), TxError> {
        self.put_proto(key::params(), p)
    }

    fn put_architecture(&mut self, a: &pb::Architecture) -> Result<(), TxError> {
        self.put_proto(key::architecture(&a.name), a)
    }

    /// Allocates the next model id (1, 2, …).
    fn next_model_id(&mut self) -> Result<u64, TxError> {
        let id = self.get_u64(&key::next_model_id())?.unwrap_or(1);
        self.put_u64(key::next_model_id(), id + 1)?;
        Ok(id)
    }

    /// Stores a new model with its owner and architecture index entries.
    fn insert_model(&mut self, owner: &Address, m: &pb::Model) -> Result<(), TxError> {
        self.put_proto(key::model(m.id), m)?;
        self.put_raw(key::owner_model(owner, m.id), Vec::new())?;
        self.put_raw(key::architecture_model(&m.architecture, m.id), Vec::new())
    }

    fn update_model(&mut self, m: &pb::Model) -> Result<(), TxError> {
        self.put_proto(key::model(m.id), m)
    }
}

impl<S: StateWrite + ?Sized> InferenceWrite for S {}
