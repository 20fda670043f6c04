//! gRPC server reflection (`grpc.reflection.v1` and the older `v1alpha` that many `grpcurl`
//! builds still ask first) over the descriptors of the services `inferchaind` serves.
//!
//! The servers are built from `cosmos-sdk-proto`'s Rust types, which carry no descriptors;
//! `proto/reflection/` describes the same services wire for wire (see its README), and the
//! test below holds the two together.

use anyhow::Result;
use tonic_reflection::server::{v1, v1alpha};

/// The services registered by [`crate::grpc::serve`]; reflection must describe each.
pub const SERVED: &[&str] = &[
    "cosmos.auth.v1beta1.Query",
    "cosmos.bank.v1beta1.Query",
    "cosmos.tx.v1beta1.Service",
    "cosmos.base.tendermint.v1beta1.Service",
    "cosmos.consensus.v1.Query",
    "cosmos.staking.v1beta1.Query",
    "cosmwasm.wasm.v1.Query",
    "inferchain.params.v1.Query",
    "inferchain.inference.v1.Query",
    "inferchain.validators.v1.Query",
    "cosmos.base.node.v1beta1.Service",
    "ibc.core.client.v1.Query",
    "ibc.core.connection.v1.Query",
    "ibc.core.channel.v1.Query",
    "ibc.applications.transfer.v1.Query",
];

/// Both reflection services, answering for every service in [`SERVED`].
#[allow(clippy::type_complexity)]
pub fn services() -> Result<(
    v1::ServerReflectionServer<impl v1::ServerReflection>,
    v1alpha::ServerReflectionServer<impl v1alpha::ServerReflection>,
)> {
    let builder = || {
        tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(crate::descriptors::file_descriptor_set())
    };
    Ok((builder().build_v1()?, builder().build_v1alpha()?))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use cosmos_sdk_proto::cosmos::auth::v1beta1 as auth;
    use cosmos_sdk_proto::cosmos::bank::v1beta1 as bank;
    use cosmos_sdk_proto::cosmos::base::abci::v1beta1 as abci;
    use cosmos_sdk_proto::cosmos::base::query::v1beta1 as query;
    use cosmos_sdk_proto::cosmos::base::tendermint::v1beta1 as tm;
    use cosmos_sdk_proto::cosmos::base::v1beta1 as base;
    use cosmos_sdk_proto::cosmos::crypto::multisig::v1beta1 as multisig;
    use cosmos_sdk_proto::cosmos::tx::v1beta1 as tx;
    use cosmos_sdk_proto::cosmwasm::wasm::v1 as wasm;
    use prost::Message;
    use prost_reflect::{DescriptorPool, DynamicMessage, Kind, MessageDescriptor, Value};
    use tendermint_proto::{abci as tm_abci, crypto, p2p, types, version};

    use super::SERVED;
    use crate::modules::wasm::{QueryCodeInfoRequest, QueryCodeInfoResponse};

    fn pool() -> DescriptorPool {
        DescriptorPool::decode(crate::descriptors::file_descriptor_set()).expect("descriptor")
    }

    /// Which field of each oneof gets set: the first or the last.
    #[derive(Clone, Copy)]
    enum OneofPick {
        First,
        Last,
    }

    /// A scalar that differs from the default and exposes type mix-ups on the wire: negative
    /// signed integers, and bytes that are not UTF-8 (so a `bytes`/`string` swap fails).
    fn sample(kind: &Kind, seed: u32, depth: usize, pick: OneofPick) -> Option<Value> {
        Some(match kind {
            Kind::Bool => Value::Bool(true),
            Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => Value::I32(-(seed as i32) - 1),
            Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => Value::I64(-(seed as i64) - 1_000_003),
            Kind::Uint32 | Kind::Fixed32 => Value::U32(seed + 7),
            Kind::Uint64 | Kind::Fixed64 => Value::U64(seed as u64 + 1_000_000_007),
            Kind::Float => Value::F32(seed as f32 + 0.5),
            Kind::Double => Value::F64(seed as f64 + 0.25),
            Kind::String => Value::String(format!("s{seed}")),
            Kind::Bytes => Value::Bytes(vec![0xff, 0xfe, seed as u8].into()),
            Kind::Enum(e) => Value::EnumNumber(e.values().last().map_or(0, |v| v.number())),
            Kind::Message(m) if depth > 0 => Value::Message(populated(m, depth - 1, pick)),
            Kind::Message(_) => return None,
        })
    }

    /// A message with every field set (one per oneof), nested messages down to `depth`.
    fn populated(desc: &MessageDescriptor, depth: usize, pick: OneofPick) -> DynamicMessage {
        let mut msg = DynamicMessage::new(desc.clone());
        for field in desc.fields() {
            if let Some(oneof) = field.containing_oneof() {
                let chosen = match pick {
                    OneofPick::First => oneof.fields().next(),
                    OneofPick::Last => oneof.fields().last(),
                };
                if chosen.map(|f| f.number()) != Some(field.number()) {
                    continue;
                }
            }
            let kind = field.kind();
            let value = if field.is_list() {
                let items: Vec<_> = (1..=2)
                    .filter_map(|i| sample(&kind, field.number() * 10 + i, depth, pick))
                    .collect();
                Value::List(items)
            } else {
                match sample(&kind, field.number(), depth, pick) {
                    Some(v) => v,
                    None => continue,
                }
            };
            msg.set_field(&field, value);
        }
        msg
    }

    /// Encodes a fully populated instance of `name` from our descriptor, decodes it as the
    /// Rust type the server uses and encodes that again: equal bytes mean every field we
    /// describe has the number and wire type the server's type has.
    fn round_trip<T: Message + Default>(pool: &DescriptorPool, name: &str) {
        let desc = pool
            .get_message_by_name(name)
            .unwrap_or_else(|| panic!("{name} is not described"));
        for pick in [OneofPick::First, OneofPick::Last] {
            let bytes = populated(&desc, 8, pick).encode_to_vec();
            let rust = T::decode(bytes.as_slice())
                .unwrap_or_else(|e| panic!("{name}: the server's type rejects it: {e}"));
            assert_eq!(
                rust.encode_to_vec(),
                bytes,
                "{name}: the server's type does not carry every described field as described"
            );
        }
    }

    macro_rules! round_trips {
        ($pool:expr, $checked:expr, { $($name:literal => $ty:ty,)* }) => {
            $(
                round_trip::<$ty>(&$pool, $name);
                $checked.insert($name.to_string());
            )*
        };
    }

    #[test]
    fn described_messages_are_wire_identical_to_the_served_types() {
        let pool = pool();
        let mut checked = BTreeSet::new();
        round_trips!(pool, checked, {
            "cosmos.base.v1beta1.Coin" => base::Coin,
            "cosmos.base.query.v1beta1.PageRequest" => query::PageRequest,
            "cosmos.base.query.v1beta1.PageResponse" => query::PageResponse,
            "cosmos.auth.v1beta1.BaseAccount" => auth::BaseAccount,
            "cosmos.auth.v1beta1.Params" => auth::Params,
            "cosmos.auth.v1beta1.QueryAccountRequest" => auth::QueryAccountRequest,
            "cosmos.auth.v1beta1.QueryAccountResponse" => auth::QueryAccountResponse,
            "cosmos.auth.v1beta1.QueryParamsRequest" => auth::QueryParamsRequest,
            "cosmos.auth.v1beta1.QueryParamsResponse" => auth::QueryParamsResponse,
            "cosmos.auth.v1beta1.Bech32PrefixRequest" => auth::Bech32PrefixRequest,
            "cosmos.auth.v1beta1.Bech32PrefixResponse" => auth::Bech32PrefixResponse,
            "cosmos.auth.v1beta1.QueryAccountInfoRequest" => auth::QueryAccountInfoRequest,
            "cosmos.auth.v1beta1.QueryAccountInfoResponse" => auth::QueryAccountInfoResponse,
            "cosmos.auth.v1beta1.QueryAccountsRequest" => auth::QueryAccountsRequest,
            "cosmos.auth.v1beta1.QueryAccountsResponse" => auth::QueryAccountsResponse,
            "cosmos.auth.v1beta1.AddressBytesToStringRequest" => auth::AddressBytesToStringRequest,
            "cosmos.auth.v1beta1.AddressBytesToStringResponse" => auth::AddressBytesToStringResponse,
            "cosmos.auth.v1beta1.AddressStringToBytesRequest" => auth::AddressStringToBytesRequest,
            "cosmos.auth.v1beta1.AddressStringToBytesResponse" => auth::AddressStringToBytesResponse,
            "cosmos.bank.v1beta1.Params" => bank::Params,
            "cosmos.bank.v1beta1.MsgSend" => bank::MsgSend,
            "cosmos.bank.v1beta1.MsgMultiSend" => bank::MsgMultiSend,
            "cosmos.bank.v1beta1.Input" => bank::Input,
            "cosmos.bank.v1beta1.Output" => bank::Output,
            "cosmos.crypto.secp256k1.PubKey" => cosmos_sdk_proto::cosmos::crypto::secp256k1::PubKey,
            "cosmos.crypto.ed25519.PubKey" => cosmos_sdk_proto::cosmos::crypto::ed25519::PubKey,
            "cosmwasm.wasm.v1.MsgStoreCode" => wasm::MsgStoreCode,
            "cosmwasm.wasm.v1.MsgInstantiateContract" => wasm::MsgInstantiateContract,
            "cosmwasm.wasm.v1.MsgInstantiateContract2" => wasm::MsgInstantiateContract2,
            "cosmwasm.wasm.v1.MsgExecuteContract" => wasm::MsgExecuteContract,
            "cosmwasm.wasm.v1.MsgMigrateContract" => wasm::MsgMigrateContract,
            "cosmwasm.wasm.v1.MsgUpdateAdmin" => wasm::MsgUpdateAdmin,
            "cosmwasm.wasm.v1.MsgClearAdmin" => wasm::MsgClearAdmin,
            "cosmwasm.wasm.v1.MsgUpdateContractLabel" => wasm::MsgUpdateContractLabel,
            "cosmwasm.wasm.v1.MsgUpdateInstantiateConfig" => wasm::MsgUpdateInstantiateConfig,
            "cosmwasm.wasm.v1.MsgUpdateParams" => wasm::MsgUpdateParams,
            "cosmwasm.wasm.v1.MsgSudoContract" => wasm::MsgSudoContract,
            "cosmwasm.wasm.v1.MsgPinCodes" => wasm::MsgPinCodes,
            "cosmwasm.wasm.v1.MsgUnpinCodes" => wasm::MsgUnpinCodes,
            "cosmos.staking.v1beta1.QueryParamsRequest" => cosmos_sdk_proto::cosmos::staking::v1beta1::QueryParamsRequest,
            "cosmos.staking.v1beta1.QueryParamsResponse" => cosmos_sdk_proto::cosmos::staking::v1beta1::QueryParamsResponse,
            "cosmos.staking.v1beta1.Params" => cosmos_sdk_proto::cosmos::staking::v1beta1::Params,
            "cosmos.bank.v1beta1.MsgSendResponse" => bank::MsgSendResponse,
            "cosmos.bank.v1beta1.MsgMultiSendResponse" => bank::MsgMultiSendResponse,
            "cosmwasm.wasm.v1.MsgStoreCodeResponse" => wasm::MsgStoreCodeResponse,
            "cosmwasm.wasm.v1.MsgInstantiateContractResponse" => wasm::MsgInstantiateContractResponse,
            "cosmwasm.wasm.v1.MsgInstantiateContract2Response" => wasm::MsgInstantiateContract2Response,
            "cosmwasm.wasm.v1.MsgExecuteContractResponse" => wasm::MsgExecuteContractResponse,
            "cosmwasm.wasm.v1.MsgMigrateContractResponse" => wasm::MsgMigrateContractResponse,
            "cosmwasm.wasm.v1.MsgUpdateAdminResponse" => wasm::MsgUpdateAdminResponse,
            "cosmwasm.wasm.v1.MsgClearAdminResponse" => wasm::MsgClearAdminResponse,
            "cosmwasm.wasm.v1.MsgUpdateContractLabelResponse" => wasm::MsgUpdateContractLabelResponse,
            "cosmwasm.wasm.v1.MsgUpdateInstantiateConfigResponse" => wasm::MsgUpdateInstantiateConfigResponse,
            "cosmwasm.wasm.v1.MsgUpdateParamsResponse" => wasm::MsgUpdateParamsResponse,
            "cosmwasm.wasm.v1.MsgSudoContractResponse" => wasm::MsgSudoContractResponse,
            "cosmwasm.wasm.v1.MsgPinCodesResponse" => wasm::MsgPinCodesResponse,
            "cosmwasm.wasm.v1.MsgUnpinCodesResponse" => wasm::MsgUnpinCodesResponse,
            "cosmos.bank.v1beta1.SendEnabled" => bank::SendEnabled,
            "cosmos.bank.v1beta1.QueryBalanceRequest" => bank::QueryBalanceRequest,
            "cosmos.bank.v1beta1.QueryBalanceResponse" => bank::QueryBalanceResponse,
            "cosmos.bank.v1beta1.QueryAllBalancesRequest" => bank::QueryAllBalancesRequest,
            "cosmos.bank.v1beta1.QueryAllBalancesResponse" => bank::QueryAllBalancesResponse,
            "cosmos.bank.v1beta1.QuerySpendableBalancesRequest" => bank::QuerySpendableBalancesRequest,
            "cosmos.bank.v1beta1.QuerySpendableBalancesResponse" => bank::QuerySpendableBalancesResponse,
            "cosmos.bank.v1beta1.QueryTotalSupplyRequest" => bank::QueryTotalSupplyRequest,
            "cosmos.bank.v1beta1.QueryTotalSupplyResponse" => bank::QueryTotalSupplyResponse,
            "cosmos.bank.v1beta1.QuerySupplyOfRequest" => bank::QuerySupplyOfRequest,
            "cosmos.bank.v1beta1.QuerySupplyOfResponse" => bank::QuerySupplyOfResponse,
            "cosmos.bank.v1beta1.QueryParamsRequest" => bank::QueryParamsRequest,
            "cosmos.bank.v1beta1.QueryParamsResponse" => bank::QueryParamsResponse,
            "cosmos.bank.v1beta1.QuerySpendableBalanceByDenomRequest" => bank::QuerySpendableBalanceByDenomRequest,
            "cosmos.bank.v1beta1.QuerySpendableBalanceByDenomResponse" => bank::QuerySpendableBalanceByDenomResponse,
            "cosmos.bank.v1beta1.QuerySendEnabledRequest" => bank::QuerySendEnabledRequest,
            "cosmos.bank.v1beta1.QuerySendEnabledResponse" => bank::QuerySendEnabledResponse,
            "cosmos.bank.v1beta1.DenomUnit" => bank::DenomUnit,
            "inferchain.params.v1.Params" => inferchain_proto::inferchain::params::v1::Params,
            "inferchain.params.v1.QueryParamsRequest" => inferchain_proto::inferchain::params::v1::QueryParamsRequest,
            "inferchain.params.v1.QueryParamsResponse" => inferchain_proto::inferchain::params::v1::QueryParamsResponse,
            "inferchain.inference.v1.Params" => inferchain_proto::inferchain::inference::v1::Params,
            "inferchain.inference.v1.Circuit" => inferchain_proto::inferchain::inference::v1::Circuit,
            "inferchain.inference.v1.Architecture" => inferchain_proto::inferchain::inference::v1::Architecture,
            "inferchain.inference.v1.ChallengeResult" => inferchain_proto::inferchain::inference::v1::ChallengeResult,
            "inferchain.inference.v1.Model" => inferchain_proto::inferchain::inference::v1::Model,
            "inferchain.inference.v1.QueryParamsRequest" => inferchain_proto::inferchain::inference::v1::QueryParamsRequest,
            "inferchain.inference.v1.QueryParamsResponse" => inferchain_proto::inferchain::inference::v1::QueryParamsResponse,
            "inferchain.inference.v1.QueryArchitecturesRequest" => inferchain_proto::inferchain::inference::v1::QueryArchitecturesRequest,
            "inferchain.inference.v1.QueryArchitecturesResponse" => inferchain_proto::inferchain::inference::v1::QueryArchitecturesResponse,
            "inferchain.inference.v1.QueryArchitectureRequest" => inferchain_proto::inferchain::inference::v1::QueryArchitectureRequest,
            "inferchain.inference.v1.QueryArchitectureResponse" => inferchain_proto::inferchain::inference::v1::QueryArchitectureResponse,
            "inferchain.inference.v1.QueryModelRequest" => inferchain_proto::inferchain::inference::v1::QueryModelRequest,
            "inferchain.inference.v1.QueryModelResponse" => inferchain_proto::inferchain::inference::v1::QueryModelResponse,
            "inferchain.inference.v1.QueryModelsRequest" => inferchain_proto::inferchain::inference::v1::QueryModelsRequest,
            "inferchain.inference.v1.QueryModelsResponse" => inferchain_proto::inferchain::inference::v1::QueryModelsResponse,
            "inferchain.inference.v1.QueryChallengeRequest" => inferchain_proto::inferchain::inference::v1::QueryChallengeRequest,
            "inferchain.inference.v1.QueryChallengeResponse" => inferchain_proto::inferchain::inference::v1::QueryChallengeResponse,
            "inferchain.inference.v1.QueryVerifyProofRequest" => inferchain_proto::inferchain::inference::v1::QueryVerifyProofRequest,
            "inferchain.inference.v1.QueryVerifyProofResponse" => inferchain_proto::inferchain::inference::v1::QueryVerifyProofResponse,
            "inferchain.inference.v1.Feed" => inferchain_proto::inferchain::inference::v1::Feed,
            "inferchain.inference.v1.InferenceRequest" => inferchain_proto::inferchain::inference::v1::InferenceRequest,
            "inferchain.inference.v1.InferenceOutput" => inferchain_proto::inferchain::inference::v1::InferenceOutput,
            "inferchain.inference.v1.QueryFeedRequest" => inferchain_proto::inferchain::inference::v1::QueryFeedRequest,
            "inferchain.inference.v1.QueryFeedResponse" => inferchain_proto::inferchain::inference::v1::QueryFeedResponse,
            "inferchain.inference.v1.QueryFeedsRequest" => inferchain_proto::inferchain::inference::v1::QueryFeedsRequest,
            "inferchain.inference.v1.QueryFeedsResponse" => inferchain_proto::inferchain::inference::v1::QueryFeedsResponse,
            "inferchain.inference.v1.QueryRequestRequest" => inferchain_proto::inferchain::inference::v1::QueryRequestRequest,
            "inferchain.inference.v1.QueryRequestResponse" => inferchain_proto::inferchain::inference::v1::QueryRequestResponse,
            "inferchain.inference.v1.QueryRequestsRequest" => inferchain_proto::inferchain::inference::v1::QueryRequestsRequest,
            "inferchain.inference.v1.QueryRequestsResponse" => inferchain_proto::inferchain::inference::v1::QueryRequestsResponse,
            "inferchain.inference.v1.QueryEscrowRequest" => inferchain_proto::inferchain::inference::v1::QueryEscrowRequest,
            "inferchain.inference.v1.QueryEscrowResponse" => inferchain_proto::inferchain::inference::v1::QueryEscrowResponse,
            "inferchain.validators.v1.Params" => inferchain_proto::inferchain::validators::v1::Params,
            "inferchain.validators.v1.Validator" => inferchain_proto::inferchain::validators::v1::Validator,
            "inferchain.validators.v1.QueryParamsRequest" => inferchain_proto::inferchain::validators::v1::QueryParamsRequest,
            "inferchain.validators.v1.QueryParamsResponse" => inferchain_proto::inferchain::validators::v1::QueryParamsResponse,
            "inferchain.validators.v1.QueryValidatorSetRequest" => inferchain_proto::inferchain::validators::v1::QueryValidatorSetRequest,
            "inferchain.validators.v1.QueryValidatorSetResponse" => inferchain_proto::inferchain::validators::v1::QueryValidatorSetResponse,
            "cosmos.bank.v1beta1.Metadata" => bank::Metadata,
            "cosmos.bank.v1beta1.QueryDenomMetadataRequest" => bank::QueryDenomMetadataRequest,
            "cosmos.bank.v1beta1.QueryDenomMetadataResponse" => bank::QueryDenomMetadataResponse,
            "cosmos.bank.v1beta1.QueryDenomsMetadataRequest" => bank::QueryDenomsMetadataRequest,
            "cosmos.bank.v1beta1.QueryDenomsMetadataResponse" => bank::QueryDenomsMetadataResponse,
            "tendermint.abci.Event" => tm_abci::Event,
            "tendermint.abci.EventAttribute" => tm_abci::EventAttribute,
            "cosmos.base.abci.v1beta1.TxResponse" => abci::TxResponse,
            "cosmos.base.abci.v1beta1.ABCIMessageLog" => abci::AbciMessageLog,
            "cosmos.base.abci.v1beta1.StringEvent" => abci::StringEvent,
            "cosmos.base.abci.v1beta1.Attribute" => abci::Attribute,
            "cosmos.base.abci.v1beta1.GasInfo" => abci::GasInfo,
            "cosmos.base.abci.v1beta1.Result" => abci::Result,
            "cosmos.crypto.multisig.v1beta1.CompactBitArray" => multisig::CompactBitArray,
            "cosmos.tx.v1beta1.Tx" => tx::Tx,
            "cosmos.tx.v1beta1.TxRaw" => tx::TxRaw,
            "cosmos.tx.v1beta1.TxBody" => tx::TxBody,
            "cosmos.tx.v1beta1.AuthInfo" => tx::AuthInfo,
            "cosmos.tx.v1beta1.SignerInfo" => tx::SignerInfo,
            "cosmos.tx.v1beta1.ModeInfo" => tx::ModeInfo,
            "cosmos.tx.v1beta1.ModeInfo.Single" => tx::mode_info::Single,
            "cosmos.tx.v1beta1.ModeInfo.Multi" => tx::mode_info::Multi,
            "cosmos.tx.v1beta1.Fee" => tx::Fee,
            "cosmos.tx.v1beta1.Tip" => tx::Tip,
            "cosmos.tx.v1beta1.SimulateRequest" => tx::SimulateRequest,
            "cosmos.tx.v1beta1.SimulateResponse" => tx::SimulateResponse,
            "cosmos.tx.v1beta1.GetTxRequest" => tx::GetTxRequest,
            "cosmos.tx.v1beta1.GetTxResponse" => tx::GetTxResponse,
            "cosmos.tx.v1beta1.BroadcastTxRequest" => tx::BroadcastTxRequest,
            "cosmos.tx.v1beta1.BroadcastTxResponse" => tx::BroadcastTxResponse,
            "cosmos.tx.v1beta1.TxDecodeRequest" => tx::TxDecodeRequest,
            "cosmos.tx.v1beta1.TxDecodeResponse" => tx::TxDecodeResponse,
            "cosmos.tx.v1beta1.TxEncodeRequest" => tx::TxEncodeRequest,
            "cosmos.tx.v1beta1.TxEncodeResponse" => tx::TxEncodeResponse,
            "cosmos.tx.v1beta1.GetTxsEventRequest" => tx::GetTxsEventRequest,
            "cosmos.tx.v1beta1.GetTxsEventResponse" => tx::GetTxsEventResponse,
            "cosmos.tx.v1beta1.GetBlockWithTxsRequest" => tx::GetBlockWithTxsRequest,
            "cosmos.tx.v1beta1.GetBlockWithTxsResponse" => tx::GetBlockWithTxsResponse,
            "tendermint.crypto.PublicKey" => crypto::PublicKey,
            "tendermint.version.Consensus" => version::Consensus,
            "tendermint.types.ValidatorSet" => types::ValidatorSet,
            "tendermint.types.Validator" => types::Validator,
            "tendermint.types.PartSetHeader" => types::PartSetHeader,
            "tendermint.types.BlockID" => types::BlockId,
            "tendermint.types.Header" => types::Header,
            "tendermint.types.Data" => types::Data,
            "tendermint.types.Vote" => types::Vote,
            "tendermint.types.Commit" => types::Commit,
            "tendermint.types.CommitSig" => types::CommitSig,
            "tendermint.types.SignedHeader" => types::SignedHeader,
            "tendermint.types.LightBlock" => types::LightBlock,
            "tendermint.types.Evidence" => types::Evidence,
            "tendermint.types.DuplicateVoteEvidence" => types::DuplicateVoteEvidence,
            "tendermint.types.LightClientAttackEvidence" => types::LightClientAttackEvidence,
            "tendermint.types.EvidenceList" => types::EvidenceList,
            "tendermint.types.Block" => types::Block,
            "tendermint.p2p.ProtocolVersion" => p2p::ProtocolVersion,
            "tendermint.p2p.DefaultNodeInfo" => p2p::DefaultNodeInfo,
            "tendermint.p2p.DefaultNodeInfoOther" => p2p::DefaultNodeInfoOther,
            "cosmos.base.tendermint.v1beta1.Block" => tm::Block,
            "cosmos.base.tendermint.v1beta1.Header" => tm::Header,
            "cosmos.base.tendermint.v1beta1.GetNodeInfoRequest" => tm::GetNodeInfoRequest,
            "cosmos.base.tendermint.v1beta1.GetNodeInfoResponse" => tm::GetNodeInfoResponse,
            "cosmos.base.tendermint.v1beta1.VersionInfo" => tm::VersionInfo,
            "cosmos.base.node.v1beta1.ConfigRequest" => cosmos_sdk_proto::cosmos::base::node::v1beta1::ConfigRequest,
            "cosmos.base.node.v1beta1.ConfigResponse" => cosmos_sdk_proto::cosmos::base::node::v1beta1::ConfigResponse,
            "cosmos.base.tendermint.v1beta1.Module" => tm::Module,
            "cosmos.base.tendermint.v1beta1.GetSyncingRequest" => tm::GetSyncingRequest,
            "cosmos.base.tendermint.v1beta1.GetSyncingResponse" => tm::GetSyncingResponse,
            "cosmos.base.tendermint.v1beta1.GetLatestBlockRequest" => tm::GetLatestBlockRequest,
            "cosmos.base.tendermint.v1beta1.GetLatestBlockResponse" => tm::GetLatestBlockResponse,
            "cosmos.base.tendermint.v1beta1.GetBlockByHeightRequest" => tm::GetBlockByHeightRequest,
            "cosmos.base.tendermint.v1beta1.GetBlockByHeightResponse" => tm::GetBlockByHeightResponse,
            "cosmos.base.tendermint.v1beta1.ABCIQueryRequest" => tm::AbciQueryRequest,
            "cosmos.base.tendermint.v1beta1.ABCIQueryResponse" => tm::AbciQueryResponse,
            "cosmos.base.tendermint.v1beta1.ProofOps" => tm::ProofOps,
            "cosmos.base.tendermint.v1beta1.ProofOp" => tm::ProofOp,
            "cosmos.base.tendermint.v1beta1.GetLatestValidatorSetRequest" => tm::GetLatestValidatorSetRequest,
            "cosmos.base.tendermint.v1beta1.GetLatestValidatorSetResponse" => tm::GetLatestValidatorSetResponse,
            "cosmos.base.tendermint.v1beta1.GetValidatorSetByHeightRequest" => tm::GetValidatorSetByHeightRequest,
            "cosmos.base.tendermint.v1beta1.GetValidatorSetByHeightResponse" => tm::GetValidatorSetByHeightResponse,
            "cosmos.base.tendermint.v1beta1.Validator" => tm::Validator,
            "tendermint.types.ConsensusParams" => types::ConsensusParams,
            "tendermint.types.BlockParams" => types::BlockParams,
            "tendermint.types.EvidenceParams" => types::EvidenceParams,
            "tendermint.types.ValidatorParams" => types::ValidatorParams,
            "tendermint.types.VersionParams" => types::VersionParams,
            "tendermint.types.ABCIParams" => types::AbciParams,
            "cosmos.consensus.v1.QueryParamsRequest" => crate::grpc::consensus::consensusv1::QueryParamsRequest,
            "cosmos.consensus.v1.QueryParamsResponse" => crate::grpc::consensus::consensusv1::QueryParamsResponse,
            "cosmwasm.wasm.v1.AccessConfig" => wasm::AccessConfig,
            "cosmwasm.wasm.v1.Params" => wasm::Params,
            "cosmwasm.wasm.v1.ContractInfo" => wasm::ContractInfo,
            "cosmwasm.wasm.v1.ContractCodeHistoryEntry" => wasm::ContractCodeHistoryEntry,
            "cosmwasm.wasm.v1.AbsoluteTxPosition" => wasm::AbsoluteTxPosition,
            "cosmwasm.wasm.v1.Model" => wasm::Model,
            "cosmwasm.wasm.v1.QueryContractInfoRequest" => wasm::QueryContractInfoRequest,
            "cosmwasm.wasm.v1.QueryContractInfoResponse" => wasm::QueryContractInfoResponse,
            "cosmwasm.wasm.v1.QueryContractHistoryRequest" => wasm::QueryContractHistoryRequest,
            "cosmwasm.wasm.v1.QueryContractHistoryResponse" => wasm::QueryContractHistoryResponse,
            "cosmwasm.wasm.v1.QueryContractsByCodeRequest" => wasm::QueryContractsByCodeRequest,
            "cosmwasm.wasm.v1.QueryContractsByCodeResponse" => wasm::QueryContractsByCodeResponse,
            "cosmwasm.wasm.v1.QueryAllContractStateRequest" => wasm::QueryAllContractStateRequest,
            "cosmwasm.wasm.v1.QueryAllContractStateResponse" => wasm::QueryAllContractStateResponse,
            "cosmwasm.wasm.v1.QueryRawContractStateRequest" => wasm::QueryRawContractStateRequest,
            "cosmwasm.wasm.v1.QueryRawContractStateResponse" => wasm::QueryRawContractStateResponse,
            "cosmwasm.wasm.v1.QuerySmartContractStateRequest" => wasm::QuerySmartContractStateRequest,
            "cosmwasm.wasm.v1.QuerySmartContractStateResponse" => wasm::QuerySmartContractStateResponse,
            "cosmwasm.wasm.v1.QueryCodeRequest" => wasm::QueryCodeRequest,
            "cosmwasm.wasm.v1.CodeInfoResponse" => wasm::CodeInfoResponse,
            "cosmwasm.wasm.v1.QueryCodeResponse" => wasm::QueryCodeResponse,
            "cosmwasm.wasm.v1.QueryCodesRequest" => wasm::QueryCodesRequest,
            "cosmwasm.wasm.v1.QueryCodesResponse" => wasm::QueryCodesResponse,
            "cosmwasm.wasm.v1.QueryCodeInfoRequest" => QueryCodeInfoRequest,
            "cosmwasm.wasm.v1.QueryCodeInfoResponse" => QueryCodeInfoResponse,
            "cosmwasm.wasm.v1.QueryPinnedCodesRequest" => wasm::QueryPinnedCodesRequest,
            "cosmwasm.wasm.v1.QueryPinnedCodesResponse" => wasm::QueryPinnedCodesResponse,
            "cosmwasm.wasm.v1.QueryParamsRequest" => wasm::QueryParamsRequest,
            "cosmwasm.wasm.v1.QueryParamsResponse" => wasm::QueryParamsResponse,
            "cosmwasm.wasm.v1.QueryContractsByCreatorRequest" => wasm::QueryContractsByCreatorRequest,
            "cosmwasm.wasm.v1.QueryContractsByCreatorResponse" => wasm::QueryContractsByCreatorResponse,
            "cosmwasm.wasm.v1.QueryBuildAddressRequest" => wasm::QueryBuildAddressRequest,
            "cosmwasm.wasm.v1.QueryBuildAddressResponse" => wasm::QueryBuildAddressResponse,
        });
        // A message added to proto/reflection/ without a check here fails the test.
        let hand_written = DescriptorPool::decode(inferchain_proto::COSMOS_FILE_DESCRIPTOR_SET)
            .expect("descriptor");
        let described: BTreeSet<String> = pool
            .all_messages()
            .map(|m| m.full_name().to_string())
            .filter(|n| !n.starts_with("google.protobuf."))
            // InferChain's own messages are generated from these very files, and ibc-proto's
            // types (ibc-go's and what they import) from the descriptors `descriptors.rs`
            // takes from it: only the hand-written files of proto/reflection/ need the check.
            .filter(|n| !n.starts_with("inferchain."))
            .filter(|n| hand_written.get_message_by_name(n).is_some())
            .collect();
        let unchecked: Vec<_> = described.difference(&checked).collect();
        assert!(
            unchecked.is_empty(),
            "messages without a wire check: {unchecked:?}"
        );
    }

    #[test]
    fn every_served_service_is_described_and_nothing_else() {
        let pool = pool();
        let described: BTreeSet<_> = pool.services().map(|s| s.full_name().to_string()).collect();
        let served: BTreeSet<_> = SERVED.iter().map(|s| s.to_string()).collect();
        assert_eq!(described, served);
    }

    /// Every service the gRPC server answers is in [`SERVED`] and every query path the
    /// modules register is a method reflection describes, so grpcurl can call each.
    #[test]
    fn served_names_match_the_servers() {
        use crate::grpc::routed::HandRouted;
        use tonic::server::NamedService;
        type Tx = tx::service_server::ServiceServer<crate::grpc::tx_service::TxService>;
        type Tm = tm::service_server::ServiceServer<crate::grpc::tendermint::TendermintService>;
        let dir = tempfile::tempdir().unwrap();
        let vm = crate::modules::wasm::Vm::open(dir.path(), "reflection-test").unwrap();
        let app = crate::app::App::new(None, std::sync::Arc::new(vm)).unwrap();
        let methods: BTreeSet<String> = pool()
            .services()
            .flat_map(|s| {
                s.methods()
                    .map(|m| format!("/{}/{}", s.full_name(), m.name()))
                    .collect::<Vec<_>>()
            })
            .collect();
        let mut names: BTreeSet<String> = [
            Tx::NAME,
            Tm::NAME,
            <crate::grpc::consensus::ConsensusQuery as HandRouted>::NAME,
        ]
        .into_iter()
        .map(String::from)
        .collect();
        for (path, _) in app.router().query_paths() {
            assert!(methods.contains(path), "{path} is served but not described");
            names.insert(path[1..path.rfind('/').unwrap()].to_string());
        }
        let served: BTreeSet<String> = SERVED.iter().map(|s| s.to_string()).collect();
        assert_eq!(names, served);
    }

    /// Every message a transaction may carry is described, so REST and reflection clients
    /// can decode any transaction in a block (its `Any`s, `@type` in JSON).
    #[test]
    fn every_routed_message_is_described() {
        let dir = tempfile::tempdir().unwrap();
        let vm = crate::modules::wasm::Vm::open(dir.path(), "reflection-test").unwrap();
        let app = crate::app::App::new(None, std::sync::Arc::new(vm)).unwrap();
        let pool = pool();
        for url in app.router().msg_type_urls() {
            let name = url.trim_start_matches('/');
            for name in [name.to_string(), format!("{name}Response")] {
                assert!(
                    pool.get_message_by_name(&name).is_some(),
                    "{name} is routed (or answers a routed message) but is not described"
                );
            }
        }
    }

    #[test]
    fn reflection_services_build() {
        super::services().expect("reflection over the descriptor set");
    }
}
