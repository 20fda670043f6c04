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

    fn feed(&mut self, id: u64) -> Result<Option<pb::Feed>, TxError> {
        self.get_proto(&key::feed(id))
    }

    fn request(&mut self, id: u64) -> Result<Option<pb::InferenceRequest>, TxError> {
        self.get_proto(&key::request(id))
    }

    fn escrow_books(&mut self) -> Result<EscrowBooks, TxError> {
        Ok(self
            .get_array::<48>(&key::escrow_books())?
            .map(EscrowBooks::from_bytes)
            .unwrap_or_default())
    }

    /// Ids from an id index under `prefix` (`prefix ‖ id` → empty), after `start_after`.
    fn indexed_ids(
        &mut self,
        prefix: &[u8],
        start_after: u64,
        limit: usize,
    ) -> Result<Vec<u64>, TxError> {
        let after = (start_after > 0).then(|| start_after.to_be_bytes());
        self.prefixed(prefix, after.as_ref().map(|a| &a[..]), limit)?
            .into_iter()
            .map(|(k, _)| id_of(&k))
            .collect()
    }
}

/// An id index key's id (the 8 big-endian bytes after the prefix).
pub(super) fn id_of(suffix: &[u8]) -> Result<u64, TxError> {
    <[u8; 8]>::try_from(suffix)
        .map(u64::from_be_bytes)
        .map_err(|_| TxError::internal("corrupt inference index entry"))
}

/// What the module account holds for whom: unspent feed deposits and the fees of pending
/// requests. Its uspec balance equals `deposits + pending_fees` after every transaction (the
/// invariant the tests check).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EscrowBooks {
    pub deposits: u128,
    pub pending_fees: u128,
    pub open_feeds: u64,
    pub pending_requests: u64,
}

impl EscrowBooks {
    fn from_bytes(b: [u8; 48]) -> Self {
        let u128_at = |i: usize| u128::from_be_bytes(b[i..i + 16].try_into().expect("16 bytes"));
        let u64_at = |i: usize| u64::from_be_bytes(b[i..i + 8].try_into().expect("8 bytes"));
        EscrowBooks {
            deposits: u128_at(0),
            pending_fees: u128_at(16),
            open_feeds: u64_at(32),
            pending_requests: u64_at(40),
        }
    }

    fn to_bytes(self) -> Vec<u8> {
        let mut v = Vec::with_capacity(48);
        v.extend_from_slice(&self.deposits.to_be_bytes());
        v.extend_from_slice(&self.pending_fees.to_be_bytes());
        v.extend_from_slice(&self.open_feeds.to_be_bytes());
        v.extend_from_slice(&self.pending_requests.to_be_bytes());
        v
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

    fn next_feed_id(&mut self) -> Result<u64, TxError> {
        let id = self.get_u64(&key::next_feed_id())?.unwrap_or(1);
        self.put_u64(key::next_feed_id(), id + 1)?;
        Ok(id)
    }

    fn next_request_id(&mut self) -> Result<u64, TxError> {
        let id = self.get_u64(&key::next_request_id())?.unwrap_or(1);
        self.put_u64(key::next_request_id(), id + 1)?;
        Ok(id)
    }

    /// Stores a new feed with its owner index entry.
    fn insert_feed(&mut self, owner: &Address, f: &pb::Feed) -> Result<(), TxError> {
        self.put_proto(key::feed(f.id), f)?;
        self.put_raw(key::owner_feed(owner, f.id), Vec::new())
    }

    fn update_feed(&mut self, f: &pb::Feed) -> Result<(), TxError> {
        self.put_proto(key::feed(f.id), f)
    }

    /// Stores a new pending request with its indexes: by feed, by requester, pending by
    /// model, and its place in the SLA queue.
    fn insert_request(
        &mut self,
        requester: &Address,
        r: &pb::InferenceRequest,
    ) -> Result<(), TxError> {
        self.put_proto(key::request(r.id), r)?;
        self.put_raw(
            key::indexed(&key::feed_requests(r.feed_id), r.id),
            Vec::new(),
        )?;
        self.put_raw(
            key::indexed(&key::requester_requests(requester), r.id),
            Vec::new(),
        )?;
        self.put_raw(
            key::indexed(&key::model_pending(r.model_id), r.id),
            Vec::new(),
        )?;
        self.put_raw(key::deadline(r.deadline, r.id), Vec::new())
    }

    /// Stores a request that just resolved and takes it off the pending index and the SLA
    /// queue.
    fn resolve_request(&mut self, r: &pb::InferenceRequest) -> Result<(), TxError> {
        self.put_proto(key::request(r.id), r)?;
        self.delete_raw(key::indexed(&key::model_pending(r.model_id), r.id))?;
        self.delete_raw(key::deadline(r.deadline, r.id))
    }

    /// Rewrites a request whose indexes do not change.
    fn update_request(&mut self, r: &pb::InferenceRequest) -> Result<(), TxError> {
        self.put_proto(key::request(r.id), r)
    }

    fn put_escrow_books(&mut self, b: EscrowBooks) -> Result<(), TxError> {
        self.put_raw(key::escrow_books(), b.to_bytes())
    }
}

impl<S: StateWrite + ?Sized> InferenceWrite for S {}
