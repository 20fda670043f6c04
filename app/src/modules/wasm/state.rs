//! Typed access to the wasm substore (protobuf records, as wasmd stores them) for every
//! reader: transactions, client queries and contracts' queries share these functions.

use cosmos_sdk_proto::cosmwasm::wasm::v1::{
    AccessType, CodeInfo, ContractCodeHistoryEntry, ContractInfo, Params,
};
use cosmwasm_std::Checksum;

use super::state_key as key;
use crate::address::Address;
use crate::error::TxError;
use crate::state::{StateRead, StateReadExt, StateWrite, StateWriteExt};

pub trait WasmRead: StateRead {
    fn code_info(&mut self, code_id: u64) -> Result<Option<CodeInfo>, TxError> {
        self.get_proto(&key::code(code_id))
    }

    fn contract_info(&mut self, contract: &Address) -> Result<Option<ContractInfo>, TxError> {
        self.get_proto(&key::contract(contract))
    }

    fn is_pinned(&mut self, code_id: u64) -> Result<bool, TxError> {
        Ok(self.get_raw(&key::pinned(code_id))?.is_some())
    }

    /// The wasm bytes behind `checksum`.
    fn wasm_bytes(&mut self, checksum: &[u8]) -> Result<Option<Vec<u8>>, TxError> {
        self.get_raw(&key::wasm_bytes(checksum))
    }

    /// The module's params; none stored: anybody may upload and instantiate (wasmd's
    /// permissionless default).
    fn wasm_params(&mut self) -> Result<Params, TxError> {
        Ok(self.get_proto(&key::params())?.unwrap_or_else(|| Params {
            code_upload_access: Some(super::access::everybody()),
            instantiate_default_permission: AccessType::Everybody as i32,
        }))
    }

    /// One key of a contract's own storage.
    fn contract_raw(&mut self, contract: &Address, k: &[u8]) -> Result<Option<Vec<u8>>, TxError> {
        let mut full = key::contract_store(contract);
        full.extend_from_slice(k);
        self.get_raw(&full)
    }
}

impl<S: StateRead + ?Sized> WasmRead for S {}

pub trait WasmWrite: StateWrite {
    fn put_code_info(&mut self, code_id: u64, info: &CodeInfo) -> Result<(), TxError> {
        self.put_proto(key::code(code_id), info)
    }

    fn put_contract_info(
        &mut self,
        contract: &Address,
        info: &ContractInfo,
    ) -> Result<(), TxError> {
        self.put_proto(key::contract(contract), info)
    }

    fn put_wasm_params(&mut self, params: &Params) -> Result<(), TxError> {
        self.put_proto(key::params(), params)
    }

    fn set_pinned(&mut self, code_id: u64, pinned: bool) -> Result<(), TxError> {
        if pinned {
            self.put_raw(key::pinned(code_id), vec![1])
        } else {
            self.delete_raw(key::pinned(code_id))
        }
    }

    /// Takes the next number of the sequence `name` (1, 2, …).
    fn next_sequence(&mut self, name: &[u8]) -> Result<u64, TxError> {
        let k = key::sequence(name);
        let next = self.get_u64(&k)?.unwrap_or(0) + 1;
        self.put_u64(k, next)?;
        Ok(next)
    }

    /// Appends to a contract's code history (entries keyed by a big-endian sequence: the
    /// last one gives the next number).
    fn append_history(
        &mut self,
        contract: &Address,
        entry: &ContractCodeHistoryEntry,
    ) -> Result<(), TxError> {
        let seq = match self.last_under(&key::history_prefix(contract))? {
            Some((suffix, _)) => {
                key::code_id_from_key(&suffix)
                    .ok_or_else(|| TxError::internal("corrupt history key"))?
                    + 1
            }
            None => 1,
        };
        self.put_proto(key::history_entry(contract, seq), entry)
    }

    /// Indexes `contract` under its code (for `ContractsByCode`), or removes it.
    fn index_by_code(&mut self, code_id: u64, contract: &Address, on: bool) -> Result<(), TxError> {
        if on {
            self.put_raw(key::contract_by_code(code_id, contract), vec![1])
        } else {
            self.delete_raw(key::contract_by_code(code_id, contract))
        }
    }

    /// Indexes `contract` under its creator (for `ContractsByCreator`).
    fn index_by_creator(&mut self, creator: &Address, contract: &Address) -> Result<(), TxError> {
        self.put_raw(key::contract_by_creator(creator, contract), vec![1])
    }
}

impl<S: StateWrite + ?Sized> WasmWrite for S {}

pub fn checksum(code: &CodeInfo) -> Result<Checksum, TxError> {
    Checksum::try_from(code.code_hash.as_slice())
        .map_err(|e| TxError::internal(format!("stored checksum: {e}")))
}
