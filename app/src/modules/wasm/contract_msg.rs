//! What a contract's `CosmosMsg` stands for: the protobuf message of the module that handles
//! it, with the contract as sender, routed like any transaction's message.

use cosmos_sdk_proto::cosmos::bank::v1beta1 as bankv1;
use cosmos_sdk_proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use cosmos_sdk_proto::cosmwasm::wasm::v1::*;
use cosmwasm_std::{BankMsg, CosmosMsg, Empty, WasmMsg};
use tendermint_proto::google::protobuf::Any;

use super::WasmError;
use crate::address::Address;
use crate::error::TxError;
use crate::modules::to_any;

pub fn proto_coins(coins: Vec<cosmwasm_std::Coin>) -> Vec<ProtoCoin> {
    let mut out: Vec<ProtoCoin> = coins
        .into_iter()
        .map(|c| ProtoCoin {
            denom: c.denom,
            amount: c.amount.to_string(),
        })
        .collect();
    // Contracts needn't sort their coins; the chain's coin sets are sorted.
    out.sort_by(|a, b| a.denom.cmp(&b.denom));
    out
}

/// The protobuf message a contract's `CosmosMsg` stands for, with the contract as sender.
pub fn to_proto(contract: &Address, msg: CosmosMsg<Empty>) -> Result<Any, TxError> {
    let sender = contract.to_bech32();
    Ok(match msg {
        CosmosMsg::Bank(BankMsg::Send { to_address, amount }) => to_any(&bankv1::MsgSend {
            from_address: sender,
            to_address,
            amount: proto_coins(amount),
        }),
        CosmosMsg::Wasm(WasmMsg::Execute {
            contract_addr,
            msg,
            funds,
        }) => to_any(&MsgExecuteContract {
            sender,
            contract: contract_addr,
            msg: msg.to_vec(),
            funds: proto_coins(funds),
        }),
        CosmosMsg::Wasm(WasmMsg::Instantiate {
            admin,
            code_id,
            msg,
            funds,
            label,
        }) => to_any(&MsgInstantiateContract {
            sender,
            admin: admin.unwrap_or_default(),
            code_id,
            label,
            msg: msg.to_vec(),
            funds: proto_coins(funds),
        }),
        CosmosMsg::Wasm(WasmMsg::Instantiate2 {
            admin,
            code_id,
            label,
            msg,
            funds,
            salt,
        }) => to_any(&MsgInstantiateContract2 {
            sender,
            admin: admin.unwrap_or_default(),
            code_id,
            label,
            msg: msg.to_vec(),
            funds: proto_coins(funds),
            salt: salt.to_vec(),
            fix_msg: false,
        }),
        CosmosMsg::Wasm(WasmMsg::Migrate {
            contract_addr,
            new_code_id,
            msg,
        }) => to_any(&MsgMigrateContract {
            sender,
            contract: contract_addr,
            code_id: new_code_id,
            msg: msg.to_vec(),
        }),
        CosmosMsg::Wasm(WasmMsg::UpdateAdmin {
            contract_addr,
            admin,
        }) => to_any(&MsgUpdateAdmin {
            sender,
            new_admin: admin,
            contract: contract_addr,
        }),
        CosmosMsg::Wasm(WasmMsg::ClearAdmin { contract_addr }) => to_any(&MsgClearAdmin {
            sender,
            contract: contract_addr,
        }),
        CosmosMsg::Any(any) => Any {
            type_url: any.type_url,
            value: any.value.to_vec(),
        },
        #[allow(deprecated)]
        CosmosMsg::Stargate { type_url, value } => Any {
            type_url,
            value: value.to_vec(),
        },
        other => {
            let kind = match other {
                CosmosMsg::Custom(_) => "CosmosMsg::Custom",
                CosmosMsg::Staking(_) => "CosmosMsg::Staking",
                CosmosMsg::Distribution(_) => "CosmosMsg::Distribution",
                CosmosMsg::Ibc(_) => "CosmosMsg::Ibc",
                CosmosMsg::Gov(_) => "CosmosMsg::Gov",
                _ => "this message",
            };
            return Err(WasmError::InvalidMsg.err(format!("{kind} is not supported on this chain")));
        }
    })
}
