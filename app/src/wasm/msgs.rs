//! The `cosmwasm.wasm.v1` transaction messages: stateless checks (for CheckTx and the ante
//! step's signer list) and execution. Messages a contract sends are converted to the same
//! protobuf messages and run through the same code, with the contract as sender.

use cosmos_sdk_proto::cosmos::bank::v1beta1 as bankv1;
use cosmos_sdk_proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use cosmos_sdk_proto::cosmwasm::wasm::v1::*;
use cosmwasm_std::{BankMsg, CosmosMsg, Empty, WasmMsg};
use tendermint_proto::google::protobuf::Any;

use super::access;
use super::keeper::Call;
use super::{WasmError, MAX_LABEL_LEN, MAX_SALT_LEN};
use crate::address::Address;
use crate::coins::Coins;
use crate::error::TxError;
use crate::modules::{bank::Bank, decode_any, to_any, type_url, Module};

pub fn handles(url: &str) -> bool {
    [
        type_url::<MsgStoreCode>(),
        type_url::<MsgInstantiateContract>(),
        type_url::<MsgInstantiateContract2>(),
        type_url::<MsgExecuteContract>(),
        type_url::<MsgMigrateContract>(),
        type_url::<MsgUpdateAdmin>(),
        type_url::<MsgClearAdmin>(),
        type_url::<MsgPinCodes>(),
        type_url::<MsgUnpinCodes>(),
        type_url::<MsgUpdateInstantiateConfig>(),
        type_url::<MsgSudoContract>(),
        type_url::<MsgUpdateContractLabel>(),
    ]
    .iter()
    .any(|u| u == url)
}

fn addr(s: &str, what: &str) -> Result<Address, TxError> {
    s.parse()
        .map_err(|e| TxError::invalid_address(format!("invalid {what} address {s:?}: {e}")))
}

fn optional_addr(s: &str, what: &str) -> Result<Option<Address>, TxError> {
    if s.is_empty() {
        Ok(None)
    } else {
        addr(s, what).map(Some)
    }
}

fn label(l: &str) -> Result<(), TxError> {
    if l.trim().is_empty() {
        return Err(WasmError::Empty.err("label is required"));
    }
    if l.len() > MAX_LABEL_LEN {
        return Err(WasmError::Limit.err(format!("label is longer than {MAX_LABEL_LEN} bytes")));
    }
    Ok(())
}

/// Contract messages must be JSON (wasmd's `RawContractMessage.ValidateBasic`).
fn json_msg(msg: &[u8]) -> Result<(), TxError> {
    serde_json::from_slice::<serde::de::IgnoredAny>(msg)
        .map(|_| ())
        .map_err(|e| WasmError::Invalid.err(format!("contract message is not valid JSON: {e}")))
}

fn salt(s: &[u8]) -> Result<(), TxError> {
    if s.is_empty() || s.len() > MAX_SALT_LEN {
        return Err(WasmError::Invalid.err(format!("salt must be 1 to {MAX_SALT_LEN} bytes")));
    }
    Ok(())
}

fn funds(coins: &[ProtoCoin]) -> Result<Coins, TxError> {
    Coins::from_proto(coins)
}

fn code_id(id: u64) -> Result<(), TxError> {
    if id == 0 {
        return Err(WasmError::Invalid.err("code id is required"));
    }
    Ok(())
}

/// What both instantiate messages must satisfy.
fn check_instantiate(
    admin: &str,
    code: u64,
    l: &str,
    msg: &[u8],
    coins: &[ProtoCoin],
) -> Result<(), TxError> {
    optional_addr(admin, "admin")?;
    code_id(code)?;
    label(l)?;
    json_msg(msg)?;
    funds(coins).map(|_| ())
}

/// Validates a message without state and returns its signer.
pub fn check(msg: &Any) -> Result<Address, TxError> {
    let url = msg.type_url.as_str();
    if url == type_url::<MsgStoreCode>() {
        let m: MsgStoreCode = decode_any(msg)?;
        if m.wasm_byte_code.is_empty() {
            return Err(WasmError::Empty.err("wasm byte code is empty"));
        }
        if m.wasm_byte_code.len() > super::MAX_UPLOAD_BYTES {
            return Err(WasmError::Limit.err(format!(
                "wasm byte code is {} bytes, limit {}",
                m.wasm_byte_code.len(),
                super::MAX_UPLOAD_BYTES
            )));
        }
        if let Some(p) = &m.instantiate_permission {
            access::validate(p)?;
        }
        addr(&m.sender, "sender")
    } else if url == type_url::<MsgInstantiateContract>() {
        let m: MsgInstantiateContract = decode_any(msg)?;
        check_instantiate(&m.admin, m.code_id, &m.label, &m.msg, &m.funds)?;
        addr(&m.sender, "sender")
    } else if url == type_url::<MsgInstantiateContract2>() {
        let m: MsgInstantiateContract2 = decode_any(msg)?;
        check_instantiate(&m.admin, m.code_id, &m.label, &m.msg, &m.funds)?;
        salt(&m.salt)?;
        addr(&m.sender, "sender")
    } else if url == type_url::<MsgExecuteContract>() {
        let m: MsgExecuteContract = decode_any(msg)?;
        addr(&m.contract, "contract")?;
        json_msg(&m.msg)?;
        funds(&m.funds)?;
        addr(&m.sender, "sender")
    } else if url == type_url::<MsgMigrateContract>() {
        let m: MsgMigrateContract = decode_any(msg)?;
        addr(&m.contract, "contract")?;
        json_msg(&m.msg)?;
        code_id(m.code_id)?;
        addr(&m.sender, "sender")
    } else if url == type_url::<MsgUpdateAdmin>() {
        let m: MsgUpdateAdmin = decode_any(msg)?;
        addr(&m.contract, "contract")?;
        addr(&m.new_admin, "new admin")?;
        addr(&m.sender, "sender")
    } else if url == type_url::<MsgClearAdmin>() {
        let m: MsgClearAdmin = decode_any(msg)?;
        addr(&m.contract, "contract")?;
        addr(&m.sender, "sender")
    } else if url == type_url::<MsgSudoContract>() {
        let m: MsgSudoContract = decode_any(msg)?;
        addr(&m.contract, "contract")?;
        json_msg(&m.msg)?;
        addr(&m.authority, "authority")
    } else if url == type_url::<MsgUpdateContractLabel>() {
        let m: MsgUpdateContractLabel = decode_any(msg)?;
        addr(&m.contract, "contract")?;
        label(&m.new_label)?;
        addr(&m.sender, "sender")
    } else if url == type_url::<MsgUpdateInstantiateConfig>() {
        let m: MsgUpdateInstantiateConfig = decode_any(msg)?;
        code_id(m.code_id)?;
        let p = m
            .new_instantiate_permission
            .as_ref()
            .ok_or_else(|| WasmError::Empty.err("new instantiate permission is required"))?;
        access::validate(p)?;
        addr(&m.sender, "sender")
    } else if url == type_url::<MsgPinCodes>() || url == type_url::<MsgUnpinCodes>() {
        // Both messages have the same fields.
        let m: MsgPinCodes = decode_any(msg)?;
        if m.code_ids.is_empty() {
            return Err(WasmError::Empty.err("no code ids"));
        }
        addr(&m.authority, "authority")
    } else {
        Err(TxError::unknown_request(format!(
            "unrecognized wasm message type: {url}"
        )))
    }
}

/// Executes a wasm (or, from contracts, bank) message. `contract` is the sending contract
/// for dispatched messages: the message's sender field must name it.
pub fn execute(call: &mut Call, msg: &Any, contract: Option<&Address>) -> Result<Any, TxError> {
    let bank = msg.type_url == type_url::<bankv1::MsgSend>()
        || msg.type_url == type_url::<bankv1::MsgMultiSend>();
    let signer = if bank {
        Bank.check_msg(msg)?.remove(0)
    } else {
        check(msg)?
    };
    if let Some(contract) = contract {
        if &signer != contract {
            return Err(TxError::unauthorized(format!(
                "contract {contract} can not send a message signed by {signer}"
            )));
        }
    }
    if bank {
        return call.bank(msg);
    }
    let url = msg.type_url.as_str();
    if url == type_url::<MsgStoreCode>() {
        let m: MsgStoreCode = decode_any(msg)?;
        let (code_id, checksum) =
            call.store_code(&signer, &m.wasm_byte_code, m.instantiate_permission)?;
        Ok(to_any(&MsgStoreCodeResponse {
            code_id,
            checksum: checksum.as_slice().to_vec(),
        }))
    } else if url == type_url::<MsgInstantiateContract>()
        || url == type_url::<MsgInstantiateContract2>()
    {
        // One path for both: the classic message is instantiate2 without a salt.
        let predictable = url == type_url::<MsgInstantiateContract2>();
        let m: MsgInstantiateContract2 = if predictable {
            decode_any(msg)?
        } else {
            let m: MsgInstantiateContract = decode_any(msg)?;
            MsgInstantiateContract2 {
                sender: m.sender,
                admin: m.admin,
                code_id: m.code_id,
                label: m.label,
                msg: m.msg,
                funds: m.funds,
                salt: vec![],
                fix_msg: false,
            }
        };
        let admin = optional_addr(&m.admin, "admin")?;
        let salt = predictable.then_some((m.salt.as_slice(), m.fix_msg));
        let (address, data) = call.instantiate(
            &signer,
            m.code_id,
            admin,
            &m.label,
            &m.msg,
            &funds(&m.funds)?,
            salt,
        )?;
        let (address, data) = (address.to_bech32(), data.unwrap_or_default());
        Ok(if predictable {
            to_any(&MsgInstantiateContract2Response { address, data })
        } else {
            to_any(&MsgInstantiateContractResponse { address, data })
        })
    } else if url == type_url::<MsgExecuteContract>() {
        let m: MsgExecuteContract = decode_any(msg)?;
        let target = addr(&m.contract, "contract")?;
        let data = call.execute(&signer, &target, &m.msg, &funds(&m.funds)?)?;
        Ok(to_any(&MsgExecuteContractResponse {
            data: data.unwrap_or_default(),
        }))
    } else if url == type_url::<MsgMigrateContract>() {
        let m: MsgMigrateContract = decode_any(msg)?;
        let target = addr(&m.contract, "contract")?;
        let data = call.migrate(&signer, &target, m.code_id, &m.msg)?;
        Ok(to_any(&MsgMigrateContractResponse {
            data: data.unwrap_or_default(),
        }))
    } else if url == type_url::<MsgUpdateAdmin>() {
        let m: MsgUpdateAdmin = decode_any(msg)?;
        let target = addr(&m.contract, "contract")?;
        call.update_admin(&signer, &target, Some(&addr(&m.new_admin, "new admin")?))?;
        Ok(to_any(&MsgUpdateAdminResponse {}))
    } else if url == type_url::<MsgClearAdmin>() {
        let m: MsgClearAdmin = decode_any(msg)?;
        let target = addr(&m.contract, "contract")?;
        call.update_admin(&signer, &target, None)?;
        Ok(to_any(&MsgClearAdminResponse {}))
    } else if url == type_url::<MsgSudoContract>() {
        let m: MsgSudoContract = decode_any(msg)?;
        let target = addr(&m.contract, "contract")?;
        let data = call.sudo(&signer, &target, &m.msg)?;
        Ok(to_any(&MsgSudoContractResponse {
            data: data.unwrap_or_default(),
        }))
    } else if url == type_url::<MsgUpdateContractLabel>() {
        let m: MsgUpdateContractLabel = decode_any(msg)?;
        let target = addr(&m.contract, "contract")?;
        call.update_label(&signer, &target, &m.new_label)?;
        Ok(to_any(&MsgUpdateContractLabelResponse {}))
    } else if url == type_url::<MsgUpdateInstantiateConfig>() {
        let m: MsgUpdateInstantiateConfig = decode_any(msg)?;
        let config = m.new_instantiate_permission.unwrap_or_default();
        call.update_instantiate_config(&signer, m.code_id, config)?;
        Ok(to_any(&MsgUpdateInstantiateConfigResponse {}))
    } else if url == type_url::<MsgPinCodes>() {
        let m: MsgPinCodes = decode_any(msg)?;
        call.set_pinned(&signer, &m.code_ids, true)?;
        Ok(to_any(&MsgPinCodesResponse {}))
    } else if url == type_url::<MsgUnpinCodes>() {
        let m: MsgUnpinCodes = decode_any(msg)?;
        call.set_pinned(&signer, &m.code_ids, false)?;
        Ok(to_any(&MsgUnpinCodesResponse {}))
    } else {
        Err(TxError::unknown_request(format!(
            "unrecognized wasm message type: {url}"
        )))
    }
}

pub(super) fn proto_coins(coins: Vec<cosmwasm_std::Coin>) -> Vec<ProtoCoin> {
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
pub fn from_cosmos_msg(contract: &Address, msg: CosmosMsg<Empty>) -> Result<Any, TxError> {
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
