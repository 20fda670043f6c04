//! What follows a contract call: its events (checked and priced), its messages in order,
//! sub-messages in their own state layer with the reply their `reply_on` asks for — CosmWasm's
//! semantics — and the VM call itself.

use cosmwasm_std::{Binary, Checksum, ContractResult, Empty, ReplyOn, Response, SubMsg};
use cosmwasm_vm::{
    call_execute_raw, call_instantiate_raw, call_migrate_with_info_raw, call_reply_raw,
    call_sudo_raw, VmError,
};
use serde_json::json;
use tendermint_proto::google::protobuf::Any;
use tendermint_proto::v0_38::abci::{Event, EventAttribute};

use super::keeper::{Call, Entry};
use super::vm::{lock, INSTANCE_MEMORY_LIMIT_BYTES};
use super::{contract_msg, WasmError};
use super::{
    EVENT_ATTRIBUTE_BYTE_COST, GAS_MULTIPLIER, INSTANCE_COST, MAX_CALL_DEPTH, MAX_RESPONSE_DATA,
    RESULT_BYTE_COST, SIMULATION_GAS_CAP,
};
use crate::address::Address;
use crate::coins::Coins;
use crate::ctx::event;
use crate::error::TxError;
use crate::gas::GasMeter;
use crate::modules::bank;

impl Call<'_> {
    /// Calls one entry point: charges the instance cost, runs the VM within the gas left,
    /// and charges what it used.
    pub(super) fn call(
        &mut self,
        contract: &Address,
        checksum: &Checksum,
        entry: Entry,
        fail: WasmError,
    ) -> Result<Response<Empty>, TxError> {
        self.gas.consume(INSTANCE_COST, "loading wasm contract")?;
        let limit = self.remaining_sdk_gas().saturating_mul(GAS_MULTIPLIER);
        let mut instance = self
            .exec
            .vm
            .instance(&self.exec, contract, checksum, limit, 0)
            .map_err(|e| fail.err(format!("loading contract {contract}: {e}")))?;
        let env = self.exec.env(contract);
        let result = match &entry {
            Entry::Instantiate { info, msg } => {
                call_instantiate_raw(&mut instance, &env, info, msg)
            }
            Entry::Execute { info, msg } => call_execute_raw(&mut instance, &env, info, msg),
            Entry::Migrate { info, msg } => {
                call_migrate_with_info_raw(&mut instance, &env, msg, info)
            }
            Entry::Reply(reply) => call_reply_raw(&mut instance, &env, reply),
            Entry::Sudo { msg } => call_sudo_raw(&mut instance, &env, msg),
        };
        let report = instance.create_gas_report();
        let memory = instance.memory_pages() as u64 * 65_536;
        drop(instance);
        let used = report
            .limit
            .saturating_sub(report.remaining)
            .div_ceil(GAS_MULTIPLIER);
        match result {
            Err(VmError::GasDepletion { .. }) => {
                self.gas.consume(used, "wasm contract")?;
                Err(TxError::out_of_gas(
                    "wasm contract",
                    self.gas.limit().unwrap_or(SIMULATION_GAS_CAP),
                    self.gas.used(),
                ))
            }
            Err(e) => {
                self.gas.consume(used, "wasm contract")?;
                let mut msg = format!("contract {contract}: {e}");
                // A contract whose allocation failed aborts with a bare trap; say why.
                if memory + 1024 * 1024 >= INSTANCE_MEMORY_LIMIT_BYTES {
                    msg.push_str(&format!(
                        " (the instance used its whole memory limit of {} MiB)",
                        INSTANCE_MEMORY_LIMIT_BYTES >> 20
                    ));
                }
                Err(fail.err(msg))
            }
            Ok(bytes) => {
                self.gas.consume(used, "wasm contract")?;
                // Every returned byte is parsed here and may travel on into events, data and
                // replies: it is paid for before it is read.
                self.gas.consume(
                    RESULT_BYTE_COST.saturating_mul(bytes.len() as u64),
                    "wasm contract result",
                )?;
                match cosmwasm_std::from_json::<ContractResult<Response<Empty>>>(&bytes) {
                    Ok(ContractResult::Ok(r)) => {
                        if let Some(data) = r.data.as_ref().filter(|d| d.len() > MAX_RESPONSE_DATA)
                        {
                            return Err(WasmError::Limit.err(format!(
                                "contract {contract} returned {} bytes of data, limit {MAX_RESPONSE_DATA}",
                                data.len()
                            )));
                        }
                        Ok(r)
                    }
                    Ok(ContractResult::Err(e)) => Err(fail.err(crate::outcome::truncate_log(e))),
                    Err(e) => Err(fail.err(format!(
                        "contract {contract} returned an invalid response: {e}"
                    ))),
                }
            }
        }
    }

    /// Emits the contract's events, then dispatches its messages in order. Returns the data
    /// of the call: the contract's, unless a reply overrides it.
    pub(super) fn handle_response(
        &mut self,
        contract: &Address,
        response: Response<Empty>,
    ) -> Result<Option<Vec<u8>>, TxError> {
        let address = contract.to_bech32();
        if !response.attributes.is_empty() {
            let attrs = self.contract_attributes(&address, &response.attributes)?;
            self.events.push(Event {
                r#type: "wasm".into(),
                attributes: attrs,
            });
        }
        for ev in &response.events {
            let ty = ev.ty.trim();
            if ty.len() < 2 {
                return Err(WasmError::InvalidEvent.err(format!(
                    "event type {:?} is too short (at least 2 characters)",
                    ev.ty
                )));
            }
            let attrs = self.contract_attributes(&address, &ev.attributes)?;
            self.events.push(Event {
                r#type: format!("wasm-{ty}"),
                attributes: attrs,
            });
        }
        let mut data = response.data.map(|d| d.to_vec());
        for sub in response.messages {
            if let Some(d) = self.dispatch_submsg(contract, sub)? {
                data = Some(d);
            }
        }
        Ok(data)
    }

    fn contract_attributes(
        &mut self,
        address: &str,
        attrs: &[cosmwasm_std::Attribute],
    ) -> Result<Vec<EventAttribute>, TxError> {
        let mut out = vec![EventAttribute {
            key: "_contract_address".into(),
            value: address.to_string(),
            index: true,
        }];
        let mut bytes = 0u64;
        for a in attrs {
            let key = a.key.trim();
            if key.is_empty() {
                return Err(WasmError::InvalidEvent.err("empty attribute key"));
            }
            if key.starts_with('_') {
                return Err(WasmError::InvalidEvent.err(format!(
                    "attribute key {key:?} starts with the reserved prefix _"
                )));
            }
            bytes += (key.len() + a.value.len()) as u64;
            out.push(EventAttribute {
                key: key.into(),
                value: a.value.trim().into(),
                index: true,
            });
        }
        self.event_bytes = self.event_bytes.saturating_add(bytes as usize);
        if self.event_bytes > crate::outcome::MAX_TX_EVENT_BYTES
            || self.events.len() >= crate::outcome::MAX_TX_EVENTS
        {
            return Err(WasmError::Limit.err(format!(
                "contract events exceed the limit of {} events or {} bytes per transaction",
                crate::outcome::MAX_TX_EVENTS,
                crate::outcome::MAX_TX_EVENT_BYTES
            )));
        }
        self.gas.consume(
            bytes * EVENT_ATTRIBUTE_BYTE_COST,
            "contract event attributes",
        )?;
        Ok(out)
    }

    /// One sub-message in its own state layer, then the reply its `reply_on` asks for.
    fn dispatch_submsg(
        &mut self,
        contract: &Address,
        sub: SubMsg<Empty>,
    ) -> Result<Option<Vec<u8>>, TxError> {
        let events_before = self.events.len();
        let gas_before = self.gas.used();
        lock(&self.exec.state).begin();
        let outcome = match sub.gas_limit {
            None => self.dispatch(contract, sub.msg),
            Some(limit) => {
                // The sub-message gets its own meter; its out-of-gas is its own failure.
                let limit = limit.min(self.remaining_sdk_gas());
                let parent = std::mem::replace(&mut *self.gas, GasMeter::new(limit));
                let outcome = self.dispatch(contract, sub.msg);
                let used = self.gas.used().min(limit);
                *self.gas = parent;
                match self.gas.consume(used, "sub-message") {
                    Ok(()) => outcome,
                    Err(e) => Err(e),
                }
            }
        };
        let gas_used = self.gas.used().saturating_sub(gas_before);
        let result = match outcome {
            Ok(response) => {
                lock(&self.exec.state).keep();
                if !matches!(sub.reply_on, ReplyOn::Success | ReplyOn::Always) {
                    return Ok(None);
                }
                let events: Vec<_> = self.events[events_before..]
                    .iter()
                    .map(|e| {
                        json!({"type": e.r#type, "attributes": e.attributes.iter()
                            .map(|a| json!({"key": a.key, "value": a.value})).collect::<Vec<_>>()})
                    })
                    .collect();
                // A message without a response (a burn) answers none, as in wasmd.
                let msg_responses: Vec<_> = (!response.type_url.is_empty())
                    .then(|| json!({"type_url": response.type_url, "value": Binary::from(response.value.clone())}))
                    .into_iter()
                    .collect();
                json!({"ok": {
                    "events": events,
                    "data": Binary::from(response.value),
                    "msg_responses": msg_responses,
                }})
            }
            Err(e) => {
                lock(&self.exec.state).discard();
                self.events.truncate(events_before);
                // Running out of the meter this level runs on (the transaction's, or that of
                // an enclosing gas-limited sub-message) can't be caught here, as in wasmd; a
                // gas-limited sub-message's own out-of-gas is an ordinary error further up.
                let meter_limit = self.gas.limit().unwrap_or(SIMULATION_GAS_CAP);
                let uncatchable = self.gas.used() > meter_limit;
                if uncatchable || !matches!(sub.reply_on, ReplyOn::Error | ReplyOn::Always) {
                    return Err(e);
                }
                // Redacted to codespace and code, as wasmd does: the text of an error may
                // differ between nodes (cache, disk) and contracts store what they get.
                json!({"error": format!("codespace: {}, code: {}", e.codespace, e.code)})
            }
        };
        let reply = serde_json::to_vec(&json!({
            "id": sub.id,
            "payload": sub.payload,
            "gas_used": gas_used,
            "result": result,
        }))
        .expect("plain JSON");
        let (_, checksum) = self.contract_code(contract)?;
        let response = self.call(contract, &checksum, Entry::Reply(reply), WasmError::Execute)?;
        self.events.push(event(
            "reply",
            &[("_contract_address", contract.to_bech32())],
        ));
        self.handle_response(contract, response)
    }

    /// A message sent by a contract, executed with the contract as its sender.
    fn dispatch(
        &mut self,
        contract: &Address,
        msg: cosmwasm_std::CosmosMsg<Empty>,
    ) -> Result<Any, TxError> {
        if self.depth >= MAX_CALL_DEPTH {
            return Err(WasmError::Limit.err(format!(
                "contracts called each other more than {MAX_CALL_DEPTH} levels deep"
            )));
        }
        self.depth += 1;
        let result = match msg {
            cosmwasm_std::CosmosMsg::Bank(cosmwasm_std::BankMsg::Burn { amount }) => {
                self.burn(contract, amount)
            }
            msg => {
                let any = contract_msg::to_proto(contract, msg)?;
                let router = self.exec.router.clone();
                self.with_ctx(|ctx| router.dispatch_from(ctx, contract, &any))
            }
        };
        self.depth -= 1;
        result
    }

    /// A contract's `BankMsg::Burn`: its coins and the supply drop. No protobuf message
    /// stands for it (wasmd calls the bank keeper directly), so it has no message response.
    fn burn(
        &mut self,
        contract: &Address,
        amount: Vec<cosmwasm_std::Coin>,
    ) -> Result<Any, TxError> {
        let coins = Coins::from_proto(&contract_msg::proto_coins(amount))?;
        if coins.is_empty() {
            return Err(TxError::invalid_coins("BankMsg::Burn of no coins"));
        }
        self.with_ctx(|ctx| bank::burn(ctx, contract, &coins))?;
        Ok(Any::default())
    }
}
