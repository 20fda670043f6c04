//! ICS-20 fungible token transfer (port `transfer`, version `ics20-1`): ibc-rs's transfer
//! logic over the bank keeper.
//!
//! - Native coins leave into a per-channel escrow account (ibc-go's ADR-028 address, so the
//!   same channel has the same escrow address on every Cosmos chain) and come back out of it.
//! - Coins from elsewhere arrive as vouchers named `ibc/<SHA-256 of the trace, upper hex>`,
//!   minted on receipt and burned when sent back; the trace behind each name is kept so
//!   `MsgTransfer` may name a voucher by it and `DenomTrace` can answer.
//! - Total supply per denomination stays consistent: native supply moves into escrow (no
//!   mint or burn), voucher supply equals what is outstanding on this chain.

use ibc::apps::transfer::context::{TokenTransferExecutionContext, TokenTransferValidationContext};
use ibc::apps::transfer::module as ics20;
use ibc::apps::transfer::types::error::TokenTransferError;
use ibc::apps::transfer::types::{Memo, PrefixedCoin, PrefixedDenom, VERSION};
use ibc::core::channel::types::acknowledgement::Acknowledgement;
use ibc::core::channel::types::channel::{Counterparty, Order};
use ibc::core::channel::types::error::ChannelError;
use ibc::core::channel::types::packet::Packet;
use ibc::core::channel::types::Version as ChannelVersion;
use ibc::core::host::types::error::HostError;
use ibc::core::host::types::identifiers::{ChannelId, ConnectionId, PortId};
use ibc::core::router::module::Module as IbcModule;
use ibc::core::router::types::module::ModuleExtras;
use ibc::cosmos_host::utils::cosmos_adr028_escrow_address;
use ibc::primitives::Signer;
use sha2::{Digest, Sha256};

use super::host::Shared;
use super::state_key as key;
use crate::address::Address;
use crate::coins::{Coin, Coins};
use crate::error::TxError;
use crate::modules::bank::{self, BankRead};

pub const PORT: &str = "transfer";

/// The bank denomination of an ICS-20 denomination: a native one as is, one with a trace as
/// `ibc/<HASH>` (ibc-go's `DenomTrace.IBCDenom`).
pub fn bank_denom(denom: &PrefixedDenom) -> String {
    if denom.trace_path.is_empty() {
        denom.base_denom.to_string()
    } else {
        format!("ibc/{}", trace_hash(&denom.to_string()))
    }
}

/// Upper-case hex SHA-256 of a full denomination trace (`transfer/channel-0/stake`).
pub fn trace_hash(full: &str) -> String {
    hex::encode_upper(Sha256::digest(full.as_bytes()))
}

/// The escrow account of a channel end (ibc-go's `GetEscrowAddress`).
pub fn escrow_address(port: &PortId, channel: &ChannelId) -> Address {
    Address::from_bytes(cosmos_adr028_escrow_address(port, channel))
        .expect("an ADR-028 escrow address is 20 bytes")
}

/// ICS-20 over a transaction's context.
pub struct Transfer<'s, 'c, 'a> {
    pub shared: &'s Shared<'c, 'a>,
}

impl std::fmt::Debug for Transfer<'_, '_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Transfer")
    }
}

fn app_error(e: TokenTransferError) -> ChannelError {
    ChannelError::AppSpecific {
        description: e.to_string(),
    }
}

impl Transfer<'_, '_, '_> {
    fn coins(&self, coin: &PrefixedCoin) -> Result<Coins, HostError> {
        let amount: u128 = coin.amount.to_string().parse().map_err(|_| {
            HostError::invalid_state(format!(
                "amount {} exceeds this chain's 128-bit balances",
                coin.amount
            ))
        })?;
        let denom = bank_denom(&coin.denom);
        Coins::from_proto(&[Coin::new(&denom, amount).to_proto()])
            .map_err(|e| HostError::invalid_state(e.log))
    }

    fn balance_covers(&self, account: &Address, coins: &Coins) -> Result<(), HostError> {
        for c in &coins.0 {
            let r = self.shared.ctx().balance(account, &c.denom);
            let have = self.shared.host(r)?;
            if have < c.amount {
                return Err(HostError::invalid_state(format!(
                    "insufficient funds: {account} has {have}{}, needs {c}",
                    c.denom
                )));
            }
        }
        Ok(())
    }

    fn bank<T>(
        &self,
        f: impl FnOnce(&mut crate::ctx::Ctx) -> Result<T, TxError>,
    ) -> Result<T, HostError> {
        let r = {
            let mut ctx = self.shared.ctx();
            f(&mut ctx)
        };
        self.shared.host(r)
    }

    /// Moves the escrow total of `denom` up (`add`) or down by `amount`, in u128 (an
    /// amount may use all 128 bits).
    fn change_escrow(&self, denom: &str, amount: u128, add: bool) -> Result<(), HostError> {
        let k = key::total_escrow(denom);
        let have = match self.shared.get(&k)? {
            Some(b) => u128::from_be_bytes(
                b.as_slice()
                    .try_into()
                    .map_err(|_| HostError::invalid_state("escrow total record"))?,
            ),
            None => 0,
        };
        let new = if add {
            have.checked_add(amount)
        } else {
            have.checked_sub(amount)
        }
        .ok_or_else(|| HostError::invalid_state(format!("escrow total of {denom} out of range")))?;
        if new == 0 {
            self.shared.delete(k)
        } else {
            self.shared.put(k, new.to_be_bytes().to_vec())
        }
    }

    /// Records the trace behind a voucher's name, once (traces never change).
    fn record_trace(&self, denom: &PrefixedDenom) -> Result<(), HostError> {
        if denom.trace_path.is_empty() {
            return Ok(());
        }
        let full = denom.to_string();
        let k = key::denom_trace(&trace_hash(&full));
        if self.shared.get(&k)?.is_none() {
            self.shared.put(k, full.into_bytes())?;
        }
        Ok(())
    }
}

fn parse_account(signer: &Signer) -> Result<Address, HostError> {
    signer
        .as_ref()
        .parse::<Address>()
        .map_err(|e| HostError::invalid_state(format!("account {signer}: {e}")))
}

impl TokenTransferValidationContext for Transfer<'_, '_, '_> {
    type AccountId = Address;

    fn sender_account(&self, sender: &Signer) -> Result<Address, HostError> {
        parse_account(sender)
    }

    fn receiver_account(&self, receiver: &Signer) -> Result<Address, HostError> {
        parse_account(receiver)
    }

    fn get_port(&self) -> Result<PortId, HostError> {
        Ok(PortId::transfer())
    }

    fn can_send_coins(&self) -> Result<(), HostError> {
        Ok(())
    }

    fn can_receive_coins(&self) -> Result<(), HostError> {
        Ok(())
    }

    fn escrow_coins_validate(
        &self,
        from: &Address,
        _port: &PortId,
        _channel: &ChannelId,
        coin: &PrefixedCoin,
        _memo: &Memo,
    ) -> Result<(), HostError> {
        self.balance_covers(from, &self.coins(coin)?)
    }

    fn unescrow_coins_validate(
        &self,
        _to: &Address,
        port: &PortId,
        channel: &ChannelId,
        coin: &PrefixedCoin,
    ) -> Result<(), HostError> {
        self.balance_covers(&escrow_address(port, channel), &self.coins(coin)?)
    }

    fn mint_coins_validate(
        &self,
        _account: &Address,
        coin: &PrefixedCoin,
    ) -> Result<(), HostError> {
        self.coins(coin).map(|_| ())
    }

    fn burn_coins_validate(
        &self,
        account: &Address,
        coin: &PrefixedCoin,
        _memo: &Memo,
    ) -> Result<(), HostError> {
        self.balance_covers(account, &self.coins(coin)?)
    }

    fn denom_hash_string(&self, denom: &PrefixedDenom) -> Option<String> {
        Some(bank_denom(denom))
    }
}

impl TokenTransferExecutionContext for Transfer<'_, '_, '_> {
    fn escrow_coins_execute(
        &mut self,
        from: &Address,
        port: &PortId,
        channel: &ChannelId,
        coin: &PrefixedCoin,
        _memo: &Memo,
    ) -> Result<(), HostError> {
        let coins = self.coins(coin)?;
        let escrow = escrow_address(port, channel);
        self.bank(|ctx| bank::send(ctx, from, &escrow, &coins))?;
        self.change_escrow(&coins.0[0].denom, coins.0[0].amount, true)
    }

    fn unescrow_coins_execute(
        &mut self,
        to: &Address,
        port: &PortId,
        channel: &ChannelId,
        coin: &PrefixedCoin,
    ) -> Result<(), HostError> {
        let coins = self.coins(coin)?;
        let escrow = escrow_address(port, channel);
        self.bank(|ctx| bank::send(ctx, &escrow, to, &coins))?;
        self.change_escrow(&coins.0[0].denom, coins.0[0].amount, false)
    }

    fn mint_coins_execute(
        &mut self,
        account: &Address,
        coin: &PrefixedCoin,
    ) -> Result<(), HostError> {
        let coins = self.coins(coin)?;
        self.record_trace(&coin.denom)?;
        self.bank(|ctx| bank::mint(ctx, account, &coins))
    }

    fn burn_coins_execute(
        &mut self,
        account: &Address,
        coin: &PrefixedCoin,
        _memo: &Memo,
    ) -> Result<(), HostError> {
        let coins = self.coins(coin)?;
        self.bank(|ctx| bank::burn(ctx, account, &coins))
    }
}

impl IbcModule for Transfer<'_, '_, '_> {
    fn on_chan_open_init_validate(
        &self,
        order: Order,
        connection_hops: &[ConnectionId],
        port_id: &PortId,
        channel_id: &ChannelId,
        counterparty: &Counterparty,
        version: &ChannelVersion,
    ) -> Result<ChannelVersion, ChannelError> {
        ics20::on_chan_open_init_validate(
            self,
            order,
            connection_hops,
            port_id,
            channel_id,
            counterparty,
            version,
        )
        .map_err(app_error)?;
        Ok(ChannelVersion::new(VERSION.to_string()))
    }

    fn on_chan_open_init_execute(
        &mut self,
        order: Order,
        connection_hops: &[ConnectionId],
        port_id: &PortId,
        channel_id: &ChannelId,
        counterparty: &Counterparty,
        version: &ChannelVersion,
    ) -> Result<(ModuleExtras, ChannelVersion), ChannelError> {
        ics20::on_chan_open_init_execute(
            self,
            order,
            connection_hops,
            port_id,
            channel_id,
            counterparty,
            version,
        )
        .map_err(app_error)
    }

    fn on_chan_open_try_validate(
        &self,
        order: Order,
        connection_hops: &[ConnectionId],
        port_id: &PortId,
        channel_id: &ChannelId,
        counterparty: &Counterparty,
        counterparty_version: &ChannelVersion,
    ) -> Result<ChannelVersion, ChannelError> {
        ics20::on_chan_open_try_validate(
            self,
            order,
            connection_hops,
            port_id,
            channel_id,
            counterparty,
            counterparty_version,
        )
        .map_err(app_error)?;
        Ok(ChannelVersion::new(VERSION.to_string()))
    }

    fn on_chan_open_try_execute(
        &mut self,
        order: Order,
        connection_hops: &[ConnectionId],
        port_id: &PortId,
        channel_id: &ChannelId,
        counterparty: &Counterparty,
        counterparty_version: &ChannelVersion,
    ) -> Result<(ModuleExtras, ChannelVersion), ChannelError> {
        ics20::on_chan_open_try_execute(
            self,
            order,
            connection_hops,
            port_id,
            channel_id,
            counterparty,
            counterparty_version,
        )
        .map_err(app_error)
    }

    fn on_chan_open_ack_validate(
        &self,
        port_id: &PortId,
        channel_id: &ChannelId,
        counterparty_version: &ChannelVersion,
    ) -> Result<(), ChannelError> {
        ics20::on_chan_open_ack_validate(self, port_id, channel_id, counterparty_version)
            .map_err(app_error)
    }

    fn on_chan_open_confirm_validate(
        &self,
        port_id: &PortId,
        channel_id: &ChannelId,
    ) -> Result<(), ChannelError> {
        ics20::on_chan_open_confirm_validate(self, port_id, channel_id).map_err(app_error)
    }

    fn on_chan_close_init_validate(
        &self,
        port_id: &PortId,
        channel_id: &ChannelId,
    ) -> Result<(), ChannelError> {
        // ICS-20 channels can't be closed by a user (ibc-go refuses too): escrowed coins
        // would be stranded.
        ics20::on_chan_close_init_validate(self, port_id, channel_id).map_err(app_error)
    }

    fn on_recv_packet_execute(
        &mut self,
        packet: &Packet,
        _relayer: &Signer,
    ) -> (ModuleExtras, Option<Acknowledgement>) {
        let (extras, ack) = ics20::on_recv_packet_execute(self, packet);
        (extras, Some(ack))
    }

    fn on_acknowledgement_packet_validate(
        &self,
        packet: &Packet,
        acknowledgement: &Acknowledgement,
        relayer: &Signer,
    ) -> Result<(), ChannelError> {
        ics20::on_acknowledgement_packet_validate(self, packet, acknowledgement, relayer)
            .map_err(app_error)
    }

    fn on_acknowledgement_packet_execute(
        &mut self,
        packet: &Packet,
        acknowledgement: &Acknowledgement,
        relayer: &Signer,
    ) -> (ModuleExtras, Result<(), ChannelError>) {
        let (extras, r) =
            ics20::on_acknowledgement_packet_execute(self, packet, acknowledgement, relayer);
        (extras, r.map_err(app_error))
    }

    fn on_timeout_packet_validate(
        &self,
        packet: &Packet,
        relayer: &Signer,
    ) -> Result<(), ChannelError> {
        ics20::on_timeout_packet_validate(self, packet, relayer).map_err(app_error)
    }

    fn on_timeout_packet_execute(
        &mut self,
        packet: &Packet,
        relayer: &Signer,
    ) -> (ModuleExtras, Result<(), ChannelError>) {
        let (extras, r) = ics20::on_timeout_packet_execute(self, packet, relayer);
        (extras, r.map_err(app_error))
    }
}
