//! IBC's gRPC queries (`ibc.core.{client,connection,channel}.v1.Query`,
//! `ibc.applications.transfer.v1.Query`): what Hermes and ibc-go tooling ask, answered from
//! the `ibc` substore. Values are returned as stored (ibc-go's encodings). Proofs are not
//! attached here: relayers take them from `store/ibc/key` (ABCI, `prove = true`), which proves
//! the same keys; `proof_height` names the height answered at.

use ibc_proto::cosmos::base::query::v1beta1::{PageRequest, PageResponse};
use ibc_proto::google::protobuf::Any;
use ibc_proto::ibc::applications::transfer::v1 as transferv1;
use ibc_proto::ibc::core::channel::v1 as chanv1;
use ibc_proto::ibc::core::client::v1 as clientv1;
use ibc_proto::ibc::core::connection::v1 as connv1;
use prost::Message;

use super::state_key as key;
use super::transfer;
use super::NAME;
use crate::modules::block::BlockRead;
use crate::query::{decode_request, QueryError};
use crate::router::{Askers, Routes, StateQuery};
use crate::state::{StateRead, StateReadExt};

type Answer = Result<Vec<u8>, QueryError>;

use Askers::{Clients, ClientsAndContracts};

const CLIENT: &[(&str, Askers, StateQuery)] = &[
    ("ClientState", Clients, client_state),
    ("ClientStates", Clients, client_states),
    ("ConsensusState", Clients, consensus_state),
    ("ConsensusStateHeights", Clients, consensus_state_heights),
    ("ClientStatus", Clients, client_status),
    ("ClientParams", Clients, client_params),
];
const CONNECTION: &[(&str, Askers, StateQuery)] = &[
    ("Connection", Clients, connection),
    ("Connections", Clients, connections),
    ("ClientConnections", Clients, client_connections),
    ("ConnectionClientState", Clients, connection_client_state),
    ("ConnectionParams", Clients, connection_params),
];
const CHANNEL: &[(&str, Askers, StateQuery)] = &[
    ("Channel", Clients, channel),
    ("Channels", Clients, channels),
    ("ConnectionChannels", Clients, connection_channels),
    ("ChannelClientState", Clients, channel_client_state),
    ("PacketCommitment", Clients, packet_commitment),
    ("PacketCommitments", Clients, packet_commitments),
    ("PacketReceipt", Clients, packet_receipt),
    ("PacketAcknowledgement", Clients, packet_acknowledgement),
    ("PacketAcknowledgements", Clients, packet_acknowledgements),
    ("UnreceivedPackets", Clients, unreceived_packets),
    ("UnreceivedAcks", Clients, unreceived_acks),
    ("NextSequenceReceive", Clients, next_sequence_receive),
];
const TRANSFER: &[(&str, Askers, StateQuery)] = &[
    ("DenomTrace", ClientsAndContracts, denom_trace),
    ("DenomTraces", Clients, denom_traces),
    ("DenomHash", ClientsAndContracts, denom_hash),
    ("EscrowAddress", ClientsAndContracts, escrow_address),
    ("TotalEscrowForDenom", ClientsAndContracts, total_escrow),
    ("Params", ClientsAndContracts, transfer_params),
];

/// Each served IBC query service and its methods (reflection describes only these).
pub const SERVICES: &[(&str, &[(&str, Askers, StateQuery)])] = &[
    ("ibc.core.client.v1.Query", CLIENT),
    ("ibc.core.connection.v1.Query", CONNECTION),
    ("ibc.core.channel.v1.Query", CHANNEL),
    ("ibc.applications.transfer.v1.Query", TRANSFER),
];

/// Whether `method` of `service` is served.
pub fn serves(service: &str, method: &str) -> bool {
    SERVICES
        .iter()
        .any(|(s, methods)| *s == service && methods.iter().any(|(m, _, _)| *m == method))
}

pub fn register(routes: &mut Routes) {
    for (service, methods) in SERVICES {
        routes.state_queries(NAME, service, methods);
    }
}

/// The height answered at, as IBC writes heights (revision from the stored chain id).
fn proof_height(q: &mut dyn StateRead) -> Result<Option<clientv1::Height>, QueryError> {
    let (height, _) = q.last_block()?;
    let revision = q.get_u64(&key::revision())?.unwrap_or(0);
    Ok(Some(clientv1::Height {
        revision_number: revision,
        revision_height: height,
    }))
}

/// ibc-proto's page request as the state layer's (the same message from another crate).
fn sdk_page(
    p: Option<&PageRequest>,
) -> Option<cosmos_sdk_proto::cosmos::base::query::v1beta1::PageRequest> {
    p.map(
        |p| cosmos_sdk_proto::cosmos::base::query::v1beta1::PageRequest {
            key: p.key.clone(),
            offset: p.offset,
            limit: p.limit,
            count_total: p.count_total,
            reverse: p.reverse,
        },
    )
}

fn required<'a>(what: &str, value: &'a str) -> Result<&'a str, QueryError> {
    if value.is_empty() {
        return Err(QueryError::invalid(format!("{what} is required")));
    }
    Ok(value)
}

fn get_path(q: &mut dyn StateRead, path: &str) -> Result<Option<Vec<u8>>, QueryError> {
    Ok(q.get_raw(&key::path(&path))?)
}

fn get_path_or(q: &mut dyn StateRead, path: &str, what: &str) -> Result<Vec<u8>, QueryError> {
    get_path(q, path)?.ok_or_else(|| QueryError::not_found(format!("{what} not found")))
}

fn decode<M: Message + Default>(bytes: &[u8], what: &str) -> Result<M, QueryError> {
    M::decode(bytes).map_err(|e| QueryError::internal(format!("stored {what}: {e}")))
}

fn any(bytes: &[u8], what: &str) -> Result<Any, QueryError> {
    decode(bytes, what)
}

/// Entries under an ICS-24 prefix whose key (after the prefix) satisfies `keep`, one page at
/// a time by key. Keys of other kinds under the same prefix are skipped, not counted.
fn list(
    q: &mut dyn StateRead,
    prefix: &str,
    page: Option<&PageRequest>,
    keep: impl Fn(&str) -> bool,
) -> Result<(Vec<(String, Vec<u8>)>, Option<PageResponse>), QueryError> {
    let limit = match page.map(|p| p.limit).unwrap_or(0) {
        0 => 100,
        n => (n as usize).min(1000),
    };
    let full = key::path_prefix(prefix);
    let mut after = page.map(|p| p.key.clone()).filter(|k| !k.is_empty());
    let mut out = Vec::new();
    loop {
        let chunk = q.prefixed(&full, after.as_deref(), 256)?;
        let done = chunk.len() < 256;
        for (k, v) in chunk {
            after = Some(k.clone());
            let Ok(suffix) = String::from_utf8(k) else {
                continue;
            };
            if keep(&suffix) {
                out.push((suffix, v));
                if out.len() > limit {
                    break;
                }
            }
        }
        if done || out.len() > limit {
            break;
        }
    }
    let next_key = if out.len() > limit {
        out.truncate(limit);
        out.last()
            .map(|(k, _)| k.as_bytes().to_vec())
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    Ok((out, Some(PageResponse { next_key, total: 0 })))
}

fn client_state(q: &mut dyn StateRead, data: &[u8]) -> Answer {
    let req: clientv1::QueryClientStateRequest = decode_request(data)?;
    let id = required("client_id", &req.client_id)?;
    let bytes = get_path_or(
        q,
        &format!("clients/{id}/clientState"),
        &format!("client {id}"),
    )?;
    Ok(clientv1::QueryClientStateResponse {
        client_state: Some(any(&bytes, "client state")?),
        proof: Vec::new(),
        proof_height: proof_height(q)?,
    }
    .encode_to_vec())
}

fn client_states(q: &mut dyn StateRead, data: &[u8]) -> Answer {
    let req: clientv1::QueryClientStatesRequest = decode_request(data)?;
    let (entries, pagination) = list(q, "clients/", req.pagination.as_ref(), |k| {
        k.ends_with("/clientState") && k.matches('/').count() == 1
    })?;
    let client_states = entries
        .into_iter()
        .map(|(k, v)| {
            Ok(clientv1::IdentifiedClientState {
                client_id: k.trim_end_matches("/clientState").to_string(),
                client_state: Some(any(&v, "client state")?),
            })
        })
        .collect::<Result<_, QueryError>>()?;
    Ok(clientv1::QueryClientStatesResponse {
        client_states,
        pagination,
    }
    .encode_to_vec())
}

fn consensus_state(q: &mut dyn StateRead, data: &[u8]) -> Answer {
    let req: clientv1::QueryConsensusStateRequest = decode_request(data)?;
    let id = required("client_id", &req.client_id)?.to_string();
    let (rev, h) = if req.latest_height {
        let cs: clientv1::Height = {
            let bytes = get_path_or(
                q,
                &format!("clients/{id}/clientState"),
                &format!("client {id}"),
            )?;
            let any = any(&bytes, "client state")?;
            let tm: ibc_proto::ibc::lightclients::tendermint::v1::ClientState =
                decode(&any.value, "tendermint client state")?;
            tm.latest_height.unwrap_or_default()
        };
        (cs.revision_number, cs.revision_height)
    } else {
        (req.revision_number, req.revision_height)
    };
    let path = format!("clients/{id}/consensusStates/{rev}-{h}");
    let bytes = get_path_or(q, &path, &format!("consensus state of {id} at {rev}-{h}"))?;
    Ok(clientv1::QueryConsensusStateResponse {
        consensus_state: Some(any(&bytes, "consensus state")?),
        proof: Vec::new(),
        proof_height: proof_height(q)?,
    }
    .encode_to_vec())
}

fn consensus_state_heights(q: &mut dyn StateRead, data: &[u8]) -> Answer {
    let req: clientv1::QueryConsensusStateHeightsRequest = decode_request(data)?;
    let id = required("client_id", &req.client_id)?;
    let client = id
        .parse()
        .map_err(|e| QueryError::invalid(format!("client id {id:?}: {e}")))?;
    let prefix = key::consensus_heights(&client);
    let (entries, next_key) = q.page(&prefix, sdk_page(req.pagination.as_ref()).as_ref())?;
    let consensus_state_heights = entries
        .iter()
        .filter_map(|(k, _)| {
            let b: [u8; 16] = k.as_slice().try_into().ok()?;
            Some(clientv1::Height {
                revision_number: u64::from_be_bytes(b[..8].try_into().ok()?),
                revision_height: u64::from_be_bytes(b[8..].try_into().ok()?),
            })
        })
        .collect();
    Ok(clientv1::QueryConsensusStateHeightsResponse {
        consensus_state_heights,
        pagination: Some(PageResponse { next_key, total: 0 }),
    }
    .encode_to_vec())
}

fn client_status(q: &mut dyn StateRead, data: &[u8]) -> Answer {
    let req: clientv1::QueryClientStatusRequest = decode_request(data)?;
    let id = required("client_id", &req.client_id)?;
    let bytes = get_path_or(
        q,
        &format!("clients/{id}/clientState"),
        &format!("client {id}"),
    )?;
    let any = any(&bytes, "client state")?;
    let tm: ibc_proto::ibc::lightclients::tendermint::v1::ClientState =
        decode(&any.value, "tendermint client state")?;
    let frozen = tm.frozen_height.is_some_and(|h| h.revision_height > 0);
    Ok(clientv1::QueryClientStatusResponse {
        status: if frozen { "Frozen" } else { "Active" }.into(),
    }
    .encode_to_vec())
}

fn client_params(_q: &mut dyn StateRead, data: &[u8]) -> Answer {
    let _: clientv1::QueryClientParamsRequest = decode_request(data)?;
    Ok(clientv1::QueryClientParamsResponse {
        params: Some(clientv1::Params {
            allowed_clients: vec!["07-tendermint".into()],
        }),
    }
    .encode_to_vec())
}

fn connection(q: &mut dyn StateRead, data: &[u8]) -> Answer {
    let req: connv1::QueryConnectionRequest = decode_request(data)?;
    let id = required("connection_id", &req.connection_id)?;
    let bytes = get_path_or(q, &format!("connections/{id}"), &format!("connection {id}"))?;
    Ok(connv1::QueryConnectionResponse {
        connection: Some(decode(&bytes, "connection")?),
        proof: Vec::new(),
        proof_height: proof_height(q)?,
    }
    .encode_to_vec())
}

fn connections(q: &mut dyn StateRead, data: &[u8]) -> Answer {
    let req: connv1::QueryConnectionsRequest = decode_request(data)?;
    let (entries, pagination) = list(q, "connections/", req.pagination.as_ref(), |k| {
        !k.contains('/')
    })?;
    let connections = entries
        .into_iter()
        .map(|(id, v)| {
            let c: connv1::ConnectionEnd = decode(&v, "connection")?;
            Ok(connv1::IdentifiedConnection {
                id,
                client_id: c.client_id,
                versions: c.versions,
                state: c.state,
                counterparty: c.counterparty,
                delay_period: c.delay_period,
            })
        })
        .collect::<Result<_, QueryError>>()?;
    Ok(connv1::QueryConnectionsResponse {
        connections,
        pagination,
        height: proof_height(q)?,
    }
    .encode_to_vec())
}

fn client_connections(q: &mut dyn StateRead, data: &[u8]) -> Answer {
    let req: connv1::QueryClientConnectionsRequest = decode_request(data)?;
    let id = required("client_id", &req.client_id)?;
    let paths: connv1::ClientPaths = match get_path(q, &format!("clients/{id}/connections"))? {
        Some(b) => decode(&b, "client connections")?,
        None => {
            return Err(QueryError::not_found(format!(
                "client {id} has no connections"
            )))
        }
    };
    Ok(connv1::QueryClientConnectionsResponse {
        connection_paths: paths.paths,
        proof: Vec::new(),
        proof_height: proof_height(q)?,
    }
    .encode_to_vec())
}

/// The client state behind a connection, identified.
fn identified_client_of(
    q: &mut dyn StateRead,
    connection_id: &str,
) -> Result<clientv1::IdentifiedClientState, QueryError> {
    let bytes = get_path_or(
        q,
        &format!("connections/{connection_id}"),
        &format!("connection {connection_id}"),
    )?;
    let c: connv1::ConnectionEnd = decode(&bytes, "connection")?;
    let cs = get_path_or(
        q,
        &format!("clients/{}/clientState", c.client_id),
        &format!("client {}", c.client_id),
    )?;
    Ok(clientv1::IdentifiedClientState {
        client_id: c.client_id,
        client_state: Some(any(&cs, "client state")?),
    })
}

fn connection_client_state(q: &mut dyn StateRead, data: &[u8]) -> Answer {
    let req: connv1::QueryConnectionClientStateRequest = decode_request(data)?;
    let id = required("connection_id", &req.connection_id)?;
    Ok(connv1::QueryConnectionClientStateResponse {
        identified_client_state: Some(identified_client_of(q, id)?),
        proof: Vec::new(),
        proof_height: proof_height(q)?,
    }
    .encode_to_vec())
}

fn connection_params(_q: &mut dyn StateRead, data: &[u8]) -> Answer {
    let _: connv1::QueryConnectionParamsRequest = decode_request(data)?;
    Ok(connv1::QueryConnectionParamsResponse {
        params: Some(connv1::Params {
            max_expected_time_per_block: super::host::MAX_EXPECTED_TIME_PER_BLOCK.as_nanos() as u64,
        }),
    }
    .encode_to_vec())
}

fn channel_path(port: &str, channel: &str) -> String {
    format!("channelEnds/ports/{port}/channels/{channel}")
}

fn channel(q: &mut dyn StateRead, data: &[u8]) -> Answer {
    let req: chanv1::QueryChannelRequest = decode_request(data)?;
    let port = required("port_id", &req.port_id)?;
    let chan = required("channel_id", &req.channel_id)?;
    let bytes = get_path_or(
        q,
        &channel_path(port, chan),
        &format!("channel {port}/{chan}"),
    )?;
    Ok(chanv1::QueryChannelResponse {
        channel: Some(decode(&bytes, "channel")?),
        proof: Vec::new(),
        proof_height: proof_height(q)?,
    }
    .encode_to_vec())
}

fn identified_channels(
    entries: Vec<(String, Vec<u8>)>,
    connection: Option<&str>,
) -> Result<Vec<chanv1::IdentifiedChannel>, QueryError> {
    let mut out = Vec::new();
    for (k, v) in entries {
        // `<port>/channels/<channel>`
        let mut parts = k.splitn(3, '/');
        let (Some(port), Some("channels"), Some(chan)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let c: chanv1::Channel = decode(&v, "channel")?;
        if connection.is_some_and(|conn| !c.connection_hops.iter().any(|h| h == conn)) {
            continue;
        }
        out.push(chanv1::IdentifiedChannel {
            state: c.state,
            ordering: c.ordering,
            counterparty: c.counterparty,
            connection_hops: c.connection_hops,
            version: c.version,
            port_id: port.to_string(),
            channel_id: chan.to_string(),
            upgrade_sequence: c.upgrade_sequence,
        });
    }
    Ok(out)
}

fn channels(q: &mut dyn StateRead, data: &[u8]) -> Answer {
    let req: chanv1::QueryChannelsRequest = decode_request(data)?;
    let (entries, pagination) = list(q, "channelEnds/ports/", req.pagination.as_ref(), |_| true)?;
    Ok(chanv1::QueryChannelsResponse {
        channels: identified_channels(entries, None)?,
        pagination,
        height: proof_height(q)?,
    }
    .encode_to_vec())
}

fn connection_channels(q: &mut dyn StateRead, data: &[u8]) -> Answer {
    let req: chanv1::QueryConnectionChannelsRequest = decode_request(data)?;
    let conn = required("connection", &req.connection)?.to_string();
    // Channels of one connection: a filter over all channels (there are few).
    let (entries, pagination) = list(q, "channelEnds/ports/", req.pagination.as_ref(), |_| true)?;
    Ok(chanv1::QueryConnectionChannelsResponse {
        channels: identified_channels(entries, Some(&conn))?,
        pagination,
        height: proof_height(q)?,
    }
    .encode_to_vec())
}

fn channel_client_state(q: &mut dyn StateRead, data: &[u8]) -> Answer {
    let req: chanv1::QueryChannelClientStateRequest = decode_request(data)?;
    let port = required("port_id", &req.port_id)?;
    let chan = required("channel_id", &req.channel_id)?;
    let bytes = get_path_or(
        q,
        &channel_path(port, chan),
        &format!("channel {port}/{chan}"),
    )?;
    let c: chanv1::Channel = decode(&bytes, "channel")?;
    let conn = c
        .connection_hops
        .first()
        .ok_or_else(|| QueryError::internal("channel without a connection"))?;
    Ok(chanv1::QueryChannelClientStateResponse {
        identified_client_state: Some(identified_client_of(q, conn)?),
        proof: Vec::new(),
        proof_height: proof_height(q)?,
    }
    .encode_to_vec())
}

fn packet_path(kind: &str, port: &str, chan: &str, seq: u64) -> String {
    format!("{kind}/ports/{port}/channels/{chan}/sequences/{seq}")
}

fn packet_commitment(q: &mut dyn StateRead, data: &[u8]) -> Answer {
    let req: chanv1::QueryPacketCommitmentRequest = decode_request(data)?;
    let path = packet_path("commitments", &req.port_id, &req.channel_id, req.sequence);
    let commitment = get_path_or(q, &path, "packet commitment")?;
    Ok(chanv1::QueryPacketCommitmentResponse {
        commitment,
        proof: Vec::new(),
        proof_height: proof_height(q)?,
    }
    .encode_to_vec())
}

/// Packet states (commitments or acks) of a channel, by sequence.
fn packet_states(
    q: &mut dyn StateRead,
    kind: &str,
    port: &str,
    chan: &str,
    page: Option<&PageRequest>,
) -> Result<(Vec<chanv1::PacketState>, Option<PageResponse>), QueryError> {
    let prefix = format!("{kind}/ports/{port}/channels/{chan}/sequences/");
    let (entries, pagination) = list(q, &prefix, page, |k| k.parse::<u64>().is_ok())?;
    let mut states: Vec<chanv1::PacketState> = entries
        .into_iter()
        .map(|(k, v)| chanv1::PacketState {
            port_id: port.to_string(),
            channel_id: chan.to_string(),
            sequence: k.parse().unwrap_or_default(),
            data: v,
        })
        .collect();
    // Keys sort as text ("10" < "9"); callers expect sequence order.
    states.sort_by_key(|s| s.sequence);
    Ok((states, pagination))
}

fn packet_commitments(q: &mut dyn StateRead, data: &[u8]) -> Answer {
    let req: chanv1::QueryPacketCommitmentsRequest = decode_request(data)?;
    let (commitments, pagination) = packet_states(
        q,
        "commitments",
        required("port_id", &req.port_id)?,
        required("channel_id", &req.channel_id)?,
        req.pagination.as_ref(),
    )?;
    Ok(chanv1::QueryPacketCommitmentsResponse {
        commitments,
        pagination,
        height: proof_height(q)?,
    }
    .encode_to_vec())
}

fn packet_receipt(q: &mut dyn StateRead, data: &[u8]) -> Answer {
    let req: chanv1::QueryPacketReceiptRequest = decode_request(data)?;
    let path = packet_path("receipts", &req.port_id, &req.channel_id, req.sequence);
    Ok(chanv1::QueryPacketReceiptResponse {
        received: get_path(q, &path)?.is_some(),
        proof: Vec::new(),
        proof_height: proof_height(q)?,
    }
    .encode_to_vec())
}

fn packet_acknowledgement(q: &mut dyn StateRead, data: &[u8]) -> Answer {
    let req: chanv1::QueryPacketAcknowledgementRequest = decode_request(data)?;
    let path = packet_path("acks", &req.port_id, &req.channel_id, req.sequence);
    let acknowledgement = get_path_or(q, &path, "packet acknowledgement")?;
    Ok(chanv1::QueryPacketAcknowledgementResponse {
        acknowledgement,
        proof: Vec::new(),
        proof_height: proof_height(q)?,
    }
    .encode_to_vec())
}

fn packet_acknowledgements(q: &mut dyn StateRead, data: &[u8]) -> Answer {
    let req: chanv1::QueryPacketAcknowledgementsRequest = decode_request(data)?;
    let port = required("port_id", &req.port_id)?.to_string();
    let chan = required("channel_id", &req.channel_id)?.to_string();
    let (acknowledgements, pagination) = if req.packet_commitment_sequences.is_empty() {
        packet_states(q, "acks", &port, &chan, req.pagination.as_ref())?
    } else {
        let mut acks = Vec::new();
        for seq in &req.packet_commitment_sequences {
            if let Some(v) = get_path(q, &packet_path("acks", &port, &chan, *seq))? {
                acks.push(chanv1::PacketState {
                    port_id: port.clone(),
                    channel_id: chan.clone(),
                    sequence: *seq,
                    data: v,
                });
            }
        }
        (acks, Some(PageResponse::default()))
    };
    Ok(chanv1::QueryPacketAcknowledgementsResponse {
        acknowledgements,
        pagination,
        height: proof_height(q)?,
    }
    .encode_to_vec())
}

/// Of the given sequences (packets sent by the counterparty), those this chain has not
/// received: no receipt (unordered channels; ordered ones are not offered here).
fn unreceived_packets(q: &mut dyn StateRead, data: &[u8]) -> Answer {
    let req: chanv1::QueryUnreceivedPacketsRequest = decode_request(data)?;
    let mut sequences = Vec::new();
    for seq in &req.packet_commitment_sequences {
        let path = packet_path("receipts", &req.port_id, &req.channel_id, *seq);
        if get_path(q, &path)?.is_none() {
            sequences.push(*seq);
        }
    }
    Ok(chanv1::QueryUnreceivedPacketsResponse {
        sequences,
        height: proof_height(q)?,
    }
    .encode_to_vec())
}

/// Of the given sequences (packets this chain sent and the counterparty acknowledged),
/// those whose commitment is still here: the ack has not been relayed back yet.
fn unreceived_acks(q: &mut dyn StateRead, data: &[u8]) -> Answer {
    let req: chanv1::QueryUnreceivedAcksRequest = decode_request(data)?;
    let mut sequences = Vec::new();
    for seq in &req.packet_ack_sequences {
        let path = packet_path("commitments", &req.port_id, &req.channel_id, *seq);
        if get_path(q, &path)?.is_some() {
            sequences.push(*seq);
        }
    }
    Ok(chanv1::QueryUnreceivedAcksResponse {
        sequences,
        height: proof_height(q)?,
    }
    .encode_to_vec())
}

fn next_sequence_receive(q: &mut dyn StateRead, data: &[u8]) -> Answer {
    let req: chanv1::QueryNextSequenceReceiveRequest = decode_request(data)?;
    let path = format!(
        "nextSequenceRecv/ports/{}/channels/{}",
        req.port_id, req.channel_id
    );
    let next_sequence_receive = q.get_u64(&key::path(&path))?.ok_or_else(|| {
        QueryError::not_found(format!("channel {}/{}", req.port_id, req.channel_id))
    })?;
    Ok(chanv1::QueryNextSequenceReceiveResponse {
        next_sequence_receive,
        proof: Vec::new(),
        proof_height: proof_height(q)?,
    }
    .encode_to_vec())
}

fn trace_of(full: &str) -> transferv1::DenomTrace {
    // `transfer/channel-0/stake`: the path is every port/channel pair, the rest the base.
    let parts: Vec<&str> = full.split('/').collect();
    let mut i = 0;
    while i + 1 < parts.len() && parts[i + 1].starts_with("channel-") {
        i += 2;
    }
    transferv1::DenomTrace {
        path: parts[..i].join("/"),
        base_denom: parts[i..].join("/"),
    }
}

fn denom_trace(q: &mut dyn StateRead, data: &[u8]) -> Answer {
    let req: transferv1::QueryDenomTraceRequest = decode_request(data)?;
    let hash = req.hash.trim_start_matches("ibc/").to_ascii_uppercase();
    let full = q
        .get_raw(&key::denom_trace(&hash))?
        .ok_or_else(|| QueryError::not_found(format!("denomination trace {hash}")))?;
    Ok(transferv1::QueryDenomTraceResponse {
        denom_trace: Some(trace_of(&String::from_utf8_lossy(&full))),
    }
    .encode_to_vec())
}

fn denom_traces(q: &mut dyn StateRead, data: &[u8]) -> Answer {
    let req: transferv1::QueryDenomTracesRequest = decode_request(data)?;
    let (entries, next_key) = q.page(
        &key::denom_traces(),
        sdk_page(req.pagination.as_ref()).as_ref(),
    )?;
    Ok(transferv1::QueryDenomTracesResponse {
        denom_traces: entries
            .iter()
            .map(|(_, v)| trace_of(&String::from_utf8_lossy(v)))
            .collect(),
        pagination: Some(PageResponse { next_key, total: 0 }),
    }
    .encode_to_vec())
}

fn denom_hash(_q: &mut dyn StateRead, data: &[u8]) -> Answer {
    let req: transferv1::QueryDenomHashRequest = decode_request(data)?;
    required("trace", &req.trace)?;
    Ok(transferv1::QueryDenomHashResponse {
        hash: transfer::trace_hash(&req.trace),
    }
    .encode_to_vec())
}

fn escrow_address(_q: &mut dyn StateRead, data: &[u8]) -> Answer {
    let req: transferv1::QueryEscrowAddressRequest = decode_request(data)?;
    let port = req
        .port_id
        .parse()
        .map_err(|e| QueryError::invalid(format!("port_id: {e}")))?;
    let chan = req
        .channel_id
        .parse()
        .map_err(|e| QueryError::invalid(format!("channel_id: {e}")))?;
    Ok(transferv1::QueryEscrowAddressResponse {
        escrow_address: transfer::escrow_address(&port, &chan).to_bech32(),
    }
    .encode_to_vec())
}

fn total_escrow(q: &mut dyn StateRead, data: &[u8]) -> Answer {
    let req: transferv1::QueryTotalEscrowForDenomRequest = decode_request(data)?;
    let amount = q.get_u128(&key::total_escrow(&req.denom))?.unwrap_or(0);
    Ok(transferv1::QueryTotalEscrowForDenomResponse {
        amount: Some(ibc_proto::cosmos::base::v1beta1::Coin {
            denom: req.denom,
            amount: amount.to_string(),
        }),
    }
    .encode_to_vec())
}

fn transfer_params(_q: &mut dyn StateRead, data: &[u8]) -> Answer {
    let _: transferv1::QueryParamsRequest = decode_request(data)?;
    Ok(transferv1::QueryParamsResponse {
        params: Some(transferv1::Params {
            send_enabled: true,
            receive_enabled: true,
        }),
    }
    .encode_to_vec())
}
