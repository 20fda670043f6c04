//! Balances, transfers and total supply (`cosmos.bank.v1beta1`).
//!
//! - [`state_key`], [`state`]: the substore's keys, typed reads, and the bank keeper (send,
//!   mint, burn) that every module moves coins with.
//! - [`msgs`]: `MsgSend`, `MsgMultiSend`; [`query`]: the gRPC query service.

pub mod error;
pub mod genesis;
mod msgs;
pub mod query;
pub mod state;
mod state_key;

use std::sync::Arc;

use cosmos_sdk_proto::cosmos::bank::v1beta1 as bankv1;

pub use error::BankError;
pub use state::{burn, mint, send, BankRead};

use super::Module;
use crate::address::Address;
use crate::coins::Coins;
use crate::ctx::Ctx;
use crate::error::TxError;
use crate::genesis::Genesis;
use crate::router::{Routes, Senders};

pub const NAME: &str = "bank";

/// Module account that collects transaction fees.
pub const FEE_COLLECTOR: &str = "fee_collector";

fn parse_addr(s: &str, what: &'static str) -> Result<Address, BankError> {
    s.parse().map_err(|e| BankError::InvalidAddress {
        what,
        reason: format!("{e}"),
    })
}

pub struct Bank;

impl Module for Bank {
    fn name(&self) -> &'static str {
        NAME
    }

    fn register(&self, routes: &mut Routes) {
        let server = Arc::new(msgs::MsgServer);
        routes.msg::<bankv1::MsgSend, _>(NAME, &server, Senders::AccountsAndContracts);
        routes.msg::<bankv1::MsgMultiSend, _>(NAME, &server, Senders::AccountsAndContracts);
        routes.module_account(FEE_COLLECTOR);
        query::register(routes);
    }

    fn init_genesis(&self, ctx: &mut Ctx, genesis: &Genesis) -> Result<(), TxError> {
        let section: genesis::BankGenesis = genesis.section(NAME).map_err(TxError::internal)?;
        for b in &section.balances {
            let addr = parse_addr(&b.address, "genesis")?;
            let coins = Coins::parse(&b.coins)?;
            mint(ctx, &addr, &coins)?;
        }
        Ok(())
    }
}
