//! ibc-rs's host contexts over a transaction's [`Ctx`]: ICS-24 state in the `ibc` substore in
//! ibc-go's encodings, this chain's own consensus states, and the client bookkeeping the
//! 07-tendermint light client asks for.
//!
//! ibc-rs reads through `&self` while our state layer meters gas through `&mut`, so the
//! transaction context sits in a [`Shared`] cell that the host context and the IBC
//! applications (the router's modules) borrow in turn; ibc-rs never holds a borrow across a
//! call into us. A state error (out of gas, corrupt state) is kept in `Shared` so the
//! transaction fails with it (code 11 for out of gas) rather than with ibc-rs's rewording.

use std::cell::{RefCell, RefMut};
use std::time::Duration;

use ibc::clients::tendermint::client_state::ClientState as TmClientState;
use ibc::clients::tendermint::consensus_state::ConsensusState as TmConsensusState;
use ibc::clients::tendermint::types::ConsensusState as TmConsensusStateType;
use ibc::core::channel::types::channel::ChannelEnd;
use ibc::core::channel::types::commitment::{AcknowledgementCommitment, PacketCommitment};
use ibc::core::channel::types::packet::Receipt;
use ibc::core::client::context::{
    ClientExecutionContext, ClientValidationContext, ExtClientValidationContext,
};
use ibc::core::client::types::Height;
use ibc::core::commitment_types::commitment::{CommitmentPrefix, CommitmentRoot};
use ibc::core::commitment_types::specs::ProofSpecs;
use ibc::core::connection::types::ConnectionEnd;
use ibc::core::handler::types::events::IbcEvent;
use ibc::core::host::types::error::HostError;
use ibc::core::host::types::identifiers::{ChainId, ClientId, ConnectionId, Sequence};
use ibc::core::host::types::path::{
    AckPath, ChannelEndPath, ClientConnectionPath, ClientConsensusStatePath, ClientStatePath,
    CommitmentPath, ConnectionPath, NextChannelSequencePath, NextClientSequencePath,
    NextConnectionSequencePath, ReceiptPath, SeqAckPath, SeqRecvPath, SeqSendPath,
};
use ibc::core::host::{ExecutionContext, ValidationContext};
use ibc::cosmos_host::ValidateSelfClientContext;
use ibc::primitives::proto::{Any as IbcAny, Protobuf};
use ibc::primitives::{Signer, Timestamp};
use ibc_proto::ibc::core::connection::v1::ConnectionEnd as RawConnectionEnd;

use super::state_key as key;
use crate::address::Address;
use crate::ctx::Ctx;
use crate::error::TxError;
use crate::state::{prefix_end, StateRead, StateReadExt, StateWrite, StateWriteExt};

/// ibc-go's default `max_expected_time_per_block` (connection params): what a connection's
/// delay period in blocks is computed with.
pub const MAX_EXPECTED_TIME_PER_BLOCK: Duration = Duration::from_secs(30);

/// The upgrade path a counterparty's client of this chain may name (ibc-go's default).
pub const UPGRADE_PATH: [&str; 2] = ["upgrade", "upgradedIBCState"];

/// The transaction context, lent to ibc-rs's host context and IBC applications in turn.
pub struct Shared<'c, 'a> {
    ctx: RefCell<&'c mut Ctx<'a>>,
    failure: RefCell<Option<TxError>>,
}

impl<'c, 'a> Shared<'c, 'a> {
    pub fn new(ctx: &'c mut Ctx<'a>) -> Self {
        Shared {
            ctx: RefCell::new(ctx),
            failure: RefCell::new(None),
        }
    }

    /// The transaction context, for one call (bank transfers, reads, writes).
    pub fn ctx(&self) -> RefMut<'_, &'c mut Ctx<'a>> {
        self.ctx.borrow_mut()
    }

    /// The first state error seen, which outranks ibc-rs's error: out of gas stays code 11.
    pub fn take_failure(&self) -> Option<TxError> {
        self.failure.borrow_mut().take()
    }

    /// A state-layer result as ibc-rs wants it, keeping the original error.
    pub fn host<T>(&self, r: Result<T, TxError>) -> Result<T, HostError> {
        r.map_err(|e| {
            let text = e.log.clone();
            self.failure.borrow_mut().get_or_insert(e);
            HostError::failed_to_retrieve(text)
        })
    }

    pub fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, HostError> {
        let r = self.ctx().get_raw(key);
        self.host(r)
    }

    pub fn put(&self, key: Vec<u8>, value: Vec<u8>) -> Result<(), HostError> {
        let r = self.ctx().put_raw(key, value);
        self.host(r)
    }

    pub fn delete(&self, key: Vec<u8>) -> Result<(), HostError> {
        let r = self.ctx().delete_raw(key);
        self.host(r)
    }

    fn get_u64(&self, key: &[u8]) -> Result<Option<u64>, HostError> {
        let r = self.ctx().get_u64(key);
        self.host(r)
    }

    fn put_u64(&self, key: Vec<u8>, v: u64) -> Result<(), HostError> {
        let r = self.ctx().put_u64(key, v);
        self.host(r)
    }

    fn scan(
        &self,
        start: &[u8],
        end: Option<&[u8]>,
        reverse: bool,
        limit: usize,
    ) -> Result<Vec<(Vec<u8>, Vec<u8>)>, HostError> {
        let r = self.ctx().scan_raw(start, end, reverse, limit);
        self.host(r)
    }
}

/// This chain as ibc-rs's host: the [`ValidationContext`] / [`ExecutionContext`] of ICS-24.
pub struct IbcHost<'s, 'c, 'a> {
    pub shared: &'s Shared<'c, 'a>,
    chain_id: ChainId,
    height: Height,
    timestamp: Timestamp,
    proof_specs: ProofSpecs,
}

impl<'s, 'c, 'a> IbcHost<'s, 'c, 'a> {
    pub fn new(shared: &'s Shared<'c, 'a>) -> Result<Self, TxError> {
        let (chain_id, height, timestamp) = {
            let ctx = shared.ctx();
            let chain_id = chain_id(&ctx.block.chain_id)?;
            let height = host_height(&chain_id, ctx.block.height)?;
            let timestamp = block_timestamp(ctx.block.time)?;
            (chain_id, height, timestamp)
        };
        Ok(IbcHost {
            shared,
            chain_id,
            height,
            timestamp,
            proof_specs: proof_specs(),
        })
    }

    fn read_proto<P: Protobuf<R>, R>(&self, key: &[u8], what: &str) -> Result<P, HostError>
    where
        P: TryFrom<R>,
        <P as TryFrom<R>>::Error: std::fmt::Display,
        R: prost::Message + Default + From<P>,
    {
        let bytes = self
            .shared
            .get(key)?
            .ok_or_else(|| HostError::missing_state(what))?;
        P::decode_vec(&bytes).map_err(|e| HostError::invalid_state(format!("{what}: {e}")))
    }

    fn read_seq(&self, path: &impl std::fmt::Display) -> Result<Sequence, HostError> {
        self.shared
            .get_u64(&key::path(path))?
            .map(Sequence::from)
            .ok_or_else(|| HostError::missing_state(format!("{path}")))
    }

    fn counter(&self, path: &impl std::fmt::Display) -> Result<u64, HostError> {
        Ok(self.shared.get_u64(&key::path(path))?.unwrap_or(0))
    }

    fn bump(&self, path: &impl std::fmt::Display) -> Result<(), HostError> {
        let next = self
            .counter(path)?
            .checked_add(1)
            .ok_or_else(|| HostError::invalid_state(format!("{path} overflows")))?;
        self.shared.put_u64(key::path(path), next)
    }

    fn consensus_state_at(
        &self,
        client_id: &ClientId,
        revision: u64,
        height: u64,
    ) -> Result<TmConsensusState, HostError> {
        let path = ClientConsensusStatePath::new(client_id.clone(), revision, height);
        self.read_proto::<TmConsensusState, IbcAny>(
            &key::path(&path),
            &format!("consensus state of {client_id} at {revision}-{height}"),
        )
    }

    /// The neighbour of `height` among `client_id`'s consensus heights (`after`: the next one
    /// up, else the next one down).
    fn neighbour(
        &self,
        client_id: &ClientId,
        height: &Height,
        after: bool,
    ) -> Result<Option<TmConsensusState>, HostError> {
        let prefix = key::consensus_heights(client_id);
        let at = key::consensus_height(
            client_id,
            height.revision_number(),
            height.revision_height(),
        );
        let found = if after {
            let mut start = at;
            start.push(0);
            self.shared
                .scan(&start, prefix_end(&prefix).as_deref(), false, 1)?
        } else {
            self.shared.scan(&prefix, Some(&at), true, 1)?
        };
        match found.first() {
            Some((k, _)) => {
                let (rev, h) = index_height(&k[prefix.len()..])?;
                self.consensus_state_at(client_id, rev, h).map(Some)
            }
            None => Ok(None),
        }
    }
}

/// (revision, height) of a consensus-height index entry.
fn index_height(suffix: &[u8]) -> Result<(u64, u64), HostError> {
    let bytes: [u8; 16] = suffix
        .try_into()
        .map_err(|_| HostError::invalid_state("consensus height index entry"))?;
    let (r, h) = bytes.split_at(8);
    Ok((
        u64::from_be_bytes(r.try_into().expect("8 bytes")),
        u64::from_be_bytes(h.try_into().expect("8 bytes")),
    ))
}

/// The chain id as IBC reads it: `inferchain-local-1` is revision 1.
pub fn chain_id(id: &str) -> Result<ChainId, TxError> {
    ChainId::new(id).map_err(|e| TxError::internal(format!("chain id {id:?}: {e}")))
}

pub fn host_height(chain_id: &ChainId, height: u64) -> Result<Height, TxError> {
    Height::new(chain_id.revision_number(), height.max(1))
        .map_err(|e| TxError::internal(format!("host height: {e}")))
}

fn block_timestamp((secs, nanos): (i64, i32)) -> Result<Timestamp, TxError> {
    Timestamp::from_unix_timestamp(secs.max(0) as u64, nanos.max(0) as u32)
        .map_err(|e| TxError::internal(format!("block time: {e}")))
}

/// The proof specs of this chain's commitments: two JMT layers (key in the `ibc` substore,
/// substore root in the app hash). What a counterparty's client of us must carry.
pub fn proof_specs() -> ProofSpecs {
    ProofSpecs::try_from(vec![jmt::ics23_spec(), jmt::ics23_spec()])
        .expect("the JMT spec is a valid ICS23 spec")
}

/// The consensus state a counterparty's client holds for this chain at the block being
/// executed: the header's app hash (the previous block's state), time and next validators.
pub fn own_consensus_state(ctx: &Ctx) -> Result<TmConsensusState, TxError> {
    let h = &ctx.block.header;
    let (secs, nanos) = ctx.block.time;
    let time = tendermint::Time::from_unix_timestamp(secs, nanos.max(0) as u32)
        .map_err(|e| TxError::internal(format!("block time: {e}")))?;
    let next_vals =
        tendermint::Hash::from_bytes(tendermint::hash::Algorithm::Sha256, &h.next_validators_hash)
            .map_err(|e| TxError::internal(format!("next validators hash: {e}")))?;
    Ok(TmConsensusStateType::new(
        CommitmentRoot::from_bytes(&h.last_app_hash),
        time,
        next_vals,
    )
    .into())
}

impl ValidateSelfClientContext for IbcHost<'_, '_, '_> {
    fn chain_id(&self) -> &ChainId {
        &self.chain_id
    }

    fn host_current_height(&self) -> Height {
        self.height
    }

    fn proof_specs(&self) -> &ProofSpecs {
        &self.proof_specs
    }

    /// The staking contract's unbonding time, as staking `Params` answers Hermes: a
    /// counterparty's client of us must carry exactly this. Read here, not per message: only
    /// the connection handshake asks. No staking contract yet: zero, which no client's
    /// trusting period can be below, so no client of us validates.
    fn unbonding_period(&self) -> Duration {
        let params = crate::modules::validators::sdk_staking_params(&mut **self.shared.ctx());
        params
            .ok()
            .and_then(|p| p.unbonding_time)
            .map(|d| Duration::from_secs(d.seconds.max(0) as u64))
            .unwrap_or_default()
    }

    fn upgrade_path(&self) -> &[String] {
        static PATH: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
        PATH.get_or_init(|| UPGRADE_PATH.iter().map(|s| s.to_string()).collect())
    }
}

impl ClientValidationContext for IbcHost<'_, '_, '_> {
    type ClientStateRef = TmClientState;
    type ConsensusStateRef = TmConsensusState;

    fn client_state(&self, client_id: &ClientId) -> Result<Self::ClientStateRef, HostError> {
        self.read_proto::<TmClientState, IbcAny>(
            &key::path(&ClientStatePath::new(client_id.clone())),
            &format!("client state of {client_id}"),
        )
    }

    fn consensus_state(
        &self,
        path: &ClientConsensusStatePath,
    ) -> Result<Self::ConsensusStateRef, HostError> {
        self.consensus_state_at(&path.client_id, path.revision_number, path.revision_height)
    }

    fn client_update_meta(
        &self,
        client_id: &ClientId,
        height: &Height,
    ) -> Result<(Timestamp, Height), HostError> {
        let k = key::update_meta(
            client_id,
            height.revision_number(),
            height.revision_height(),
        );
        let bytes = self.shared.get(&k)?.ok_or_else(|| {
            HostError::missing_state(format!("update time of {client_id} at {height}"))
        })?;
        let b: [u8; 24] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| HostError::invalid_state("client update record"))?;
        let word = |i: usize| u64::from_be_bytes(b[i * 8..i * 8 + 8].try_into().expect("8"));
        let host_height = Height::new(word(1), word(2)).map_err(HostError::invalid_state)?;
        Ok((Timestamp::from_nanoseconds(word(0)), host_height))
    }
}

impl ClientExecutionContext for IbcHost<'_, '_, '_> {
    type ClientStateMut = TmClientState;

    fn store_client_state(
        &mut self,
        path: ClientStatePath,
        client_state: Self::ClientStateRef,
    ) -> Result<(), HostError> {
        self.shared.put(
            key::path(&path),
            Protobuf::<IbcAny>::encode_vec(client_state),
        )
    }

    fn store_consensus_state(
        &mut self,
        path: ClientConsensusStatePath,
        consensus_state: Self::ConsensusStateRef,
    ) -> Result<(), HostError> {
        self.shared.put(
            key::consensus_height(&path.client_id, path.revision_number, path.revision_height),
            Vec::new(),
        )?;
        self.shared.put(
            key::path(&path),
            Protobuf::<IbcAny>::encode_vec(consensus_state),
        )
    }

    fn delete_consensus_state(&mut self, path: ClientConsensusStatePath) -> Result<(), HostError> {
        self.shared.delete(key::consensus_height(
            &path.client_id,
            path.revision_number,
            path.revision_height,
        ))?;
        self.shared.delete(key::path(&path))
    }

    fn store_update_meta(
        &mut self,
        client_id: ClientId,
        height: Height,
        host_timestamp: Timestamp,
        host_height: Height,
    ) -> Result<(), HostError> {
        let mut v = Vec::with_capacity(24);
        v.extend_from_slice(&host_timestamp.nanoseconds().to_be_bytes());
        v.extend_from_slice(&host_height.revision_number().to_be_bytes());
        v.extend_from_slice(&host_height.revision_height().to_be_bytes());
        self.shared.put(
            key::update_meta(
                &client_id,
                height.revision_number(),
                height.revision_height(),
            ),
            v,
        )
    }

    fn delete_update_meta(&mut self, client_id: ClientId, height: Height) -> Result<(), HostError> {
        self.shared.delete(key::update_meta(
            &client_id,
            height.revision_number(),
            height.revision_height(),
        ))
    }
}

impl ExtClientValidationContext for IbcHost<'_, '_, '_> {
    fn host_timestamp(&self) -> Result<Timestamp, HostError> {
        Ok(self.timestamp)
    }

    fn host_height(&self) -> Result<Height, HostError> {
        Ok(self.height)
    }

    fn consensus_state_heights(&self, client_id: &ClientId) -> Result<Vec<Height>, HostError> {
        let prefix = key::consensus_heights(client_id);
        let entries =
            self.shared
                .scan(&prefix, prefix_end(&prefix).as_deref(), false, usize::MAX)?;
        entries
            .iter()
            .map(|(k, _)| {
                let (rev, h) = index_height(&k[prefix.len()..])?;
                Height::new(rev, h).map_err(HostError::invalid_state)
            })
            .collect()
    }

    fn next_consensus_state(
        &self,
        client_id: &ClientId,
        height: &Height,
    ) -> Result<Option<Self::ConsensusStateRef>, HostError> {
        self.neighbour(client_id, height, true)
    }

    fn prev_consensus_state(
        &self,
        client_id: &ClientId,
        height: &Height,
    ) -> Result<Option<Self::ConsensusStateRef>, HostError> {
        self.neighbour(client_id, height, false)
    }
}

impl ValidationContext for IbcHost<'_, '_, '_> {
    type V = Self;
    type HostClientState = TmClientState;
    type HostConsensusState = TmConsensusState;

    fn get_client_validation_context(&self) -> &Self::V {
        self
    }

    fn host_height(&self) -> Result<Height, HostError> {
        Ok(self.height)
    }

    fn host_timestamp(&self) -> Result<Timestamp, HostError> {
        Ok(self.timestamp)
    }

    fn host_consensus_state(&self, height: &Height) -> Result<Self::HostConsensusState, HostError> {
        if height.revision_number() != self.chain_id.revision_number() {
            return Err(HostError::invalid_state(format!(
                "height {height} is not of this chain's revision {}",
                self.chain_id.revision_number()
            )));
        }
        self.read_proto::<TmConsensusState, IbcAny>(
            &key::host_consensus_state(height.revision_height()),
            &format!("this chain's consensus state at {height} (outside the kept window?)"),
        )
    }

    fn client_counter(&self) -> Result<u64, HostError> {
        self.counter(&NextClientSequencePath)
    }

    fn connection_end(&self, conn_id: &ConnectionId) -> Result<ConnectionEnd, HostError> {
        self.read_proto::<ConnectionEnd, RawConnectionEnd>(
            &key::path(&ConnectionPath::new(conn_id)),
            &format!("connection {conn_id}"),
        )
    }

    fn validate_self_client(&self, client_state: Self::HostClientState) -> Result<(), HostError> {
        self.validate_self_tendermint_client(client_state.inner().clone())
    }

    fn commitment_prefix(&self) -> CommitmentPrefix {
        CommitmentPrefix::from(crate::store::Substore::Ibc.name().as_bytes().to_vec())
    }

    fn connection_counter(&self) -> Result<u64, HostError> {
        self.counter(&NextConnectionSequencePath)
    }

    fn channel_end(&self, path: &ChannelEndPath) -> Result<ChannelEnd, HostError> {
        self.read_proto(&key::path(path), &format!("channel {}/{}", path.0, path.1))
    }

    fn get_next_sequence_send(&self, path: &SeqSendPath) -> Result<Sequence, HostError> {
        self.read_seq(path)
    }

    fn get_next_sequence_recv(&self, path: &SeqRecvPath) -> Result<Sequence, HostError> {
        self.read_seq(path)
    }

    fn get_next_sequence_ack(&self, path: &SeqAckPath) -> Result<Sequence, HostError> {
        self.read_seq(path)
    }

    fn get_packet_commitment(&self, path: &CommitmentPath) -> Result<PacketCommitment, HostError> {
        self.shared
            .get(&key::path(path))?
            .map(PacketCommitment::from)
            .ok_or_else(|| HostError::missing_state(format!("packet commitment {path}")))
    }

    fn get_packet_receipt(&self, path: &ReceiptPath) -> Result<Receipt, HostError> {
        Ok(match self.shared.get(&key::path(path))? {
            Some(_) => Receipt::Ok,
            None => Receipt::None,
        })
    }

    fn get_packet_acknowledgement(
        &self,
        path: &AckPath,
    ) -> Result<AcknowledgementCommitment, HostError> {
        self.shared
            .get(&key::path(path))?
            .map(AcknowledgementCommitment::from)
            .ok_or_else(|| HostError::missing_state(format!("packet acknowledgement {path}")))
    }

    fn channel_counter(&self) -> Result<u64, HostError> {
        self.counter(&NextChannelSequencePath)
    }

    fn max_expected_time_per_block(&self) -> Duration {
        MAX_EXPECTED_TIME_PER_BLOCK
    }

    fn validate_message_signer(&self, signer: &Signer) -> Result<(), HostError> {
        signer
            .as_ref()
            .parse::<Address>()
            .map(|_| ())
            .map_err(|e| HostError::invalid_state(format!("signer {signer}: {e}")))
    }
}

impl ExecutionContext for IbcHost<'_, '_, '_> {
    type E = Self;

    fn get_client_execution_context(&mut self) -> &mut Self::E {
        self
    }

    fn increase_client_counter(&mut self) -> Result<(), HostError> {
        self.bump(&NextClientSequencePath)
    }

    fn store_connection(
        &mut self,
        path: &ConnectionPath,
        connection_end: ConnectionEnd,
    ) -> Result<(), HostError> {
        self.shared.put(
            key::path(path),
            Protobuf::<RawConnectionEnd>::encode_vec(connection_end),
        )
    }

    fn store_connection_to_client(
        &mut self,
        path: &ClientConnectionPath,
        conn_id: ConnectionId,
    ) -> Result<(), HostError> {
        // ibc-go's `ClientPaths`: the list of the client's connection ids.
        use ibc_proto::ibc::core::connection::v1::ClientPaths;
        use prost::Message;
        let k = key::path(path);
        let mut paths = match self.shared.get(&k)? {
            Some(b) => ClientPaths::decode(b.as_slice())
                .map_err(|e| HostError::invalid_state(format!("{path}: {e}")))?,
            None => ClientPaths::default(),
        };
        paths.paths.push(conn_id.to_string());
        self.shared.put(k, paths.encode_to_vec())
    }

    fn increase_connection_counter(&mut self) -> Result<(), HostError> {
        self.bump(&NextConnectionSequencePath)
    }

    fn store_packet_commitment(
        &mut self,
        path: &CommitmentPath,
        commitment: PacketCommitment,
    ) -> Result<(), HostError> {
        self.shared.put(key::path(path), commitment.into_vec())
    }

    fn delete_packet_commitment(&mut self, path: &CommitmentPath) -> Result<(), HostError> {
        self.shared.delete(key::path(path))
    }

    fn store_packet_receipt(&mut self, path: &ReceiptPath, _: Receipt) -> Result<(), HostError> {
        // ibc-go writes the receipt as the single byte 0x01.
        self.shared.put(key::path(path), vec![1])
    }

    fn store_packet_acknowledgement(
        &mut self,
        path: &AckPath,
        ack_commitment: AcknowledgementCommitment,
    ) -> Result<(), HostError> {
        self.shared.put(key::path(path), ack_commitment.into_vec())
    }

    fn delete_packet_acknowledgement(&mut self, path: &AckPath) -> Result<(), HostError> {
        self.shared.delete(key::path(path))
    }

    fn store_channel(
        &mut self,
        path: &ChannelEndPath,
        channel_end: ChannelEnd,
    ) -> Result<(), HostError> {
        self.shared.put(key::path(path), channel_end.encode_vec())
    }

    fn store_next_sequence_send(
        &mut self,
        path: &SeqSendPath,
        seq: Sequence,
    ) -> Result<(), HostError> {
        self.shared.put_u64(key::path(path), seq.value())
    }

    fn store_next_sequence_recv(
        &mut self,
        path: &SeqRecvPath,
        seq: Sequence,
    ) -> Result<(), HostError> {
        self.shared.put_u64(key::path(path), seq.value())
    }

    fn store_next_sequence_ack(
        &mut self,
        path: &SeqAckPath,
        seq: Sequence,
    ) -> Result<(), HostError> {
        self.shared.put_u64(key::path(path), seq.value())
    }

    fn increase_channel_counter(&mut self) -> Result<(), HostError> {
        self.bump(&NextChannelSequencePath)
    }

    fn emit_ibc_event(&mut self, event: IbcEvent) -> Result<(), HostError> {
        let event = super::events::to_abci(event)?;
        self.shared.ctx().events.push(event);
        Ok(())
    }

    fn log_message(&mut self, message: String) -> Result<(), HostError> {
        tracing::debug!(target: "ibc", "{message}");
        Ok(())
    }
}
