//! The `validators` module: CometBFT's validator set follows the staking contract
//! (tgrade-style, permissionless onboarding).
//!
//! - **Set.** At the end of every block it reads the staking contract's validators
//!   (`stakers { role: validator }`, largest stake first), keeps those with a consensus key
//!   (which the contract only registers with a proof of possession), not tombstoned, with at
//!   least one unit of power (`power_reduction` uspec), the `max_validators` largest, diffs them
//!   against the stored set and returns the changes as `ValidatorUpdate`s (power 0 removes).
//!   The first set is CometBFT's genesis validators; it stays while the contract has no such
//!   validator (or no contract is configured or deployed yet), and a change that would leave
//!   the set empty is never returned (the last staked validators keep their seats then).
//! - **Rewards.** At the start of every block the fee collector's balance (transaction fees,
//!   and the validators' share of inference fees that the inference module sends there) is
//!   paid to the validators that signed the previous block, pro rata by their power over the
//!   power of all signers, to each one's operator. A signer without an operator (a genesis
//!   validator nobody bonded) is not paid: its part stays in the collector, as does rounding.
//! - **Evidence.** A double sign (`DUPLICATE_VOTE`) slashes the operator by
//!   `double_sign_slash_fraction` through the contract's `sudo { slash }` and tombstones both
//!   the consensus key and the operator: they never take a seat again.
//!
//! Nothing here may halt the chain: each contract call runs isolated (its own state layer and
//! gas limit, a panic caught); a failure drops what it wrote, emits a `validators_error`
//! event and leaves the set as it was.

pub mod error;
pub mod genesis;
mod msgs;
mod query;
pub mod set;
pub mod state;
mod state_key;

use std::sync::Arc;

use inferchain_proto::inferchain::validators::v1 as pb;
use serde::Deserialize;
use tendermint_proto::v0_38::abci::ValidatorUpdate;
use tendermint_proto::v0_38::crypto::{public_key::Sum, PublicKey};

use super::Module;
use crate::address::{valcons_bech32, Address};
use crate::coins::{Coin, Coins};
use crate::ctx::{Ctx, Misbehavior, MisbehaviorKind};
use crate::error::TxError;
use crate::genesis::Genesis;
use crate::modules::bank::{self, BankRead};
use crate::modules::wasm::state::WasmRead;
use crate::modules::wasm::WasmKeeper;
use crate::router::{Routes, Senders};
pub use error::ValidatorsError;
pub use genesis::ValidatorsGenesis;
pub use msgs::{slash_fraction, validate_params};
pub use query::{sdk_staking_params, HISTORICAL_ENTRIES};
use set::Candidate;
pub use state::ValidatorsRead;
use state::ValidatorsWrite;

pub const NAME: &str = "validators";

/// Gas for reading the staking contract at the end of a block (as a client query's limit).
const READ_GAS: u64 = 50_000_000;
/// Gas for one slash through the contract (its bank messages and reputation report).
const SLASH_GAS: u64 = 20_000_000;
/// The staking contract's page size (its maximum) and how many pages a block reads at most:
/// the end-block work is bounded whatever the number of stakers.
const PAGE: usize = 100;
const MAX_PAGES: usize = 10;
/// At most this many pieces of evidence are acted on per block (CometBFT bounds them too).
const MAX_EVIDENCE: usize = 100;
/// At most this many denoms of the fee collector are paid out per block.
const MAX_DENOMS: usize = 16;

pub struct Validators {
    keeper: WasmKeeper,
}

impl Validators {
    pub fn new(keeper: WasmKeeper) -> Self {
        Validators { keeper }
    }
}

/// Runs `f` in its own state layer with its own gas limit: kept if it succeeds; dropped, with a
/// `validators_error` event, if it fails or panics. `None` on failure.
fn isolated<R>(
    ctx: &mut Ctx,
    gas_limit: u64,
    what: &str,
    f: impl FnOnce(&mut Ctx) -> Result<R, TxError>,
) -> Option<R> {
    match ctx.isolated(gas_limit, f) {
        Ok(r) => Some(r),
        Err(e) => {
            tracing::warn!(what, error = %e.log, "validators module: isolated call failed");
            ctx.emit(
                "validators_error",
                &[
                    ("what", what.to_string()),
                    ("codespace", e.codespace.to_string()),
                    ("code", e.code.to_string()),
                    ("error", e.log),
                ],
            );
            None
        }
    }
}

/// The staking contract's `stakers` answer, the fields read here.
#[derive(Deserialize)]
struct StakersResponse {
    stakers: Vec<StakeInfo>,
}

#[derive(Deserialize)]
struct StakeInfo {
    address: String,
    bonded: String,
    #[serde(default)]
    consensus_pubkey: Option<String>,
}

fn ed25519_update(pubkey: &[u8], power: i64) -> ValidatorUpdate {
    ValidatorUpdate {
        pub_key: Some(PublicKey {
            sum: Some(Sum::Ed25519(pubkey.to_vec().into())),
        }),
        power,
    }
}

impl Validators {
    /// Bonded validators of the staking contract with a consensus key, not tombstoned, with
    /// power: up to `max_validators` of them, largest stake first (bounded pages).
    fn candidates(&self, ctx: &mut Ctx, params: &pb::Params) -> Result<Vec<Candidate>, TxError> {
        use base64::Engine;
        if params.staking_contract.is_empty() {
            return Ok(Vec::new());
        }
        let contract: Address = params
            .staking_contract
            .parse()
            .map_err(|e| TxError::internal(format!("params.staking_contract: {e}")))?;
        // Genesis may name the contract's instantiate2 address before it is deployed: until
        // then there are no staked validators (the genesis set stays), and nothing failed.
        if ctx.contract_info(&contract)?.is_none() {
            return Ok(Vec::new());
        }
        let reduction: u128 = params.power_reduction.parse().unwrap_or(u128::MAX);
        let mut out = Vec::new();
        let mut start_after: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let q = serde_json::json!({"stakers": {
                "role": "validator", "start_after": start_after, "limit": PAGE}});
            let answer = self
                .keeper
                .smart_query(ctx, &contract, q.to_string().as_bytes())?;
            let page: StakersResponse = serde_json::from_slice(&answer)
                .map_err(|e| ValidatorsError::BadStakingAnswer(e.to_string()))?;
            let n = page.stakers.len();
            let mut below_one_power = false;
            for s in page.stakers {
                let stake: u128 = s.bonded.parse().map_err(|e| {
                    ValidatorsError::BadStakingAnswer(format!("bonded {:?}: {e}", s.bonded))
                })?;
                if stake < reduction {
                    // Ordered by stake: nobody after this one has power either.
                    below_one_power = true;
                    break;
                }
                start_after = Some(s.address.clone());
                let Some(pk) = s.consensus_pubkey.as_deref() else {
                    continue;
                };
                let Ok(pubkey) = base64::engine::general_purpose::STANDARD.decode(pk) else {
                    continue;
                };
                let Ok(operator) = s.address.parse::<Address>() else {
                    continue;
                };
                if pubkey.len() != 32
                    || ctx.is_jailed(&set::consensus_address(&pubkey), Some(&operator))?
                {
                    continue;
                }
                out.push(Candidate {
                    operator: s.address,
                    pubkey,
                    stake,
                });
            }
            if below_one_power || n < PAGE || out.len() >= params.max_validators as usize {
                break;
            }
        }
        Ok(out)
    }

    /// A double sign: slash the operator through the contract (isolated) and tombstone it.
    fn double_sign(
        &self,
        ctx: &mut Ctx,
        params: &pb::Params,
        ev: &Misbehavior,
    ) -> Result<(), TxError> {
        let record = ctx.validator_by_address(&ev.address)?;
        let operator = record.and_then(|r| r.operator.parse::<Address>().ok());
        if ctx.is_jailed(&ev.address, operator.as_ref())? {
            return Ok(()); // punished once per offender
        }
        let mut slashed = false;
        if let (Some(op), false) = (&operator, params.staking_contract.is_empty()) {
            let fraction = slash_fraction(params)?;
            let msg = serde_json::json!({"slash": {
                "address": op.to_bech32(),
                "fraction": fraction.to_string(),
                "reason": format!("double sign at height {}", ev.height),
            }});
            let keeper = self.keeper.clone();
            let contract = params.staking_contract.clone();
            slashed = isolated(ctx, SLASH_GAS, "double-sign slash", |c| {
                let contract: Address = contract
                    .parse()
                    .map_err(|e| TxError::internal(format!("params.staking_contract: {e}")))?;
                keeper.sudo(c, &contract, msg.to_string().as_bytes())
            })
            .is_some();
        }
        ctx.jail(&ev.address, operator.as_ref(), ev.height)?;
        ctx.emit(
            "double_sign",
            &[
                ("validator", valcons_bech32(&ev.address)),
                (
                    "operator",
                    operator.map(|o| o.to_bech32()).unwrap_or_default(),
                ),
                ("height", ev.height.to_string()),
                ("slashed", slashed.to_string()),
            ],
        );
        Ok(())
    }

    /// Pays the fee collector's balance to the previous block's signers (see the module doc).
    fn pay_signers(ctx: &mut Ctx) -> Result<(), TxError> {
        let collector = Address::module(bank::FEE_COLLECTOR);
        let held: Vec<Coin> = ctx.balances(&collector, MAX_DENOMS)?;
        if held.is_empty() {
            return Ok(());
        }
        let signers: Vec<(Vec<u8>, i64)> = ctx
            .block
            .header
            .last_commit_votes
            .iter()
            .filter(|v| v.signed && v.power > 0)
            .map(|v| (v.address.clone(), v.power))
            .collect();
        let total: i64 = signers
            .iter()
            .map(|(_, p)| *p)
            .fold(0i64, |a, p| a.saturating_add(p));
        if total <= 0 {
            return Ok(());
        }
        // Whom to pay: signers with an operator that is not tombstoned.
        let mut payees = Vec::with_capacity(signers.len());
        for (address, power) in &signers {
            let Some(record) = ctx.validator_by_address(address)? else {
                continue;
            };
            let Ok(operator) = record.operator.parse::<Address>() else {
                continue;
            };
            if ctx.is_jailed(address, Some(&operator))? {
                continue;
            }
            payees.push((address.clone(), operator, *power));
        }
        let powers: Vec<i64> = payees.iter().map(|(_, _, p)| *p).collect();
        let per_denom: Vec<Vec<u128>> = held
            .iter()
            .map(|c| set::shares(c.amount, &powers, total))
            .collect();
        for (i, (address, operator, _)) in payees.iter().enumerate() {
            let coins: Vec<Coin> = held
                .iter()
                .zip(&per_denom)
                .filter(|(_, s)| s[i] > 0)
                .map(|(c, s)| Coin::new(&c.denom, s[i]))
                .collect();
            if coins.is_empty() {
                continue;
            }
            let coins = Coins(coins);
            bank::send(ctx, &collector, operator, &coins)?;
            ctx.emit(
                "validator_reward",
                &[
                    ("validator", valcons_bech32(address)),
                    ("operator", operator.to_bech32()),
                    ("amount", coins.to_string()),
                ],
            );
        }
        Ok(())
    }

    /// The new set and the updates that reach it; stores the set.
    fn update_set(&self, ctx: &mut Ctx) -> Result<Vec<ValidatorUpdate>, TxError> {
        let params = ctx.validators_params()?;
        let current = ctx.validator_set()?;
        let keeper_self = self;
        let Some(candidates) = isolated(ctx, READ_GAS, "read staking contract", |c| {
            keeper_self.candidates(c, &params)
        }) else {
            return Ok(Vec::new()); // the set stays; the error is an event
        };
        let target = if candidates.is_empty() {
            // No staked validators: the current (genesis) set stays, less tombstoned keys.
            let mut keep = Vec::with_capacity(current.len());
            for v in &current {
                let op = v.operator.parse::<Address>().ok();
                if !ctx.is_jailed(&v.address, op.as_ref())? {
                    keep.push(v.clone());
                }
            }
            keep
        } else {
            let reduction: u128 = params.power_reduction.parse().unwrap_or(u128::MAX);
            set::select(&candidates, params.max_validators as usize, reduction)
        };
        if target.is_empty() {
            if !current.is_empty() {
                ctx.emit(
                    "validator_set_kept",
                    &[("reason", "the new set would be empty".to_string())],
                );
            }
            return Ok(Vec::new());
        }
        let changes = set::diff(&current, &target);
        for (pubkey, power) in &changes {
            if *power == 0 {
                ctx.remove_member(pubkey)?;
            }
        }
        // Every target record is written when it differs (a new operator for a genesis key
        // changes no power but is who gets paid).
        for v in &target {
            if !current.contains(v) {
                ctx.put_member(v)?;
            }
        }
        let mut updates = Vec::with_capacity(changes.len());
        for (pubkey, power) in changes {
            let operator = target
                .iter()
                .chain(current.iter())
                .find(|v| v.pubkey == pubkey)
                .map(|v| v.operator.clone())
                .unwrap_or_default();
            ctx.emit(
                "validator_update",
                &[
                    (
                        "validator",
                        valcons_bech32(&set::consensus_address(&pubkey)),
                    ),
                    ("pubkey", hex::encode(&pubkey)),
                    ("power", power.to_string()),
                    ("operator", operator),
                ],
            );
            updates.push(ed25519_update(&pubkey, power));
        }
        Ok(updates)
    }
}

impl Module for Validators {
    fn name(&self) -> &'static str {
        NAME
    }

    fn register(&self, routes: &mut Routes) {
        // Governance is a contract: it sends MsgUpdateParams.
        routes.msg::<pb::MsgUpdateParams, _>(
            NAME,
            &Arc::new(msgs::MsgServer),
            Senders::AccountsAndContracts,
        );
        query::register(routes);
    }

    /// Params from the section; the first set from CometBFT's genesis validators.
    fn init_genesis(&self, ctx: &mut Ctx, genesis: &Genesis) -> Result<(), TxError> {
        let section: ValidatorsGenesis = genesis.section(NAME).map_err(TxError::internal)?;
        let params = section.params();
        validate_params(&params)?;
        ctx.put_validators_params(&params)?;
        for (index, v) in genesis.validators.iter().enumerate() {
            let bad = |why: String| ValidatorsError::InvalidGenesisValidator { index, why };
            if v.key_type != "ed25519" || v.pubkey.len() != 32 {
                return Err(bad(format!(
                    "only 32-byte ed25519 consensus keys are supported, got {:?} of {} bytes",
                    v.key_type,
                    v.pubkey.len()
                ))
                .into());
            }
            if v.power <= 0 || v.power > set::MAX_POWER {
                return Err(bad(format!(
                    "power {} is outside 1..={}",
                    v.power,
                    set::MAX_POWER
                ))
                .into());
            }
            if ctx.validator_set()?.iter().any(|m| m.pubkey == v.pubkey) {
                return Err(bad("listed twice".into()).into());
            }
            ctx.put_member(&pb::Validator {
                pubkey: v.pubkey.clone(),
                address: set::consensus_address(&v.pubkey),
                power: v.power,
                operator: String::new(),
            })?;
        }
        Ok(())
    }

    /// Evidence first (a double-signer is not paid), then the signers' rewards.
    fn begin_block(&self, ctx: &mut Ctx) -> Result<(), TxError> {
        let evidence: Vec<Misbehavior> = ctx
            .block
            .header
            .misbehavior
            .iter()
            .filter(|m| m.kind == MisbehaviorKind::DuplicateVote)
            .take(MAX_EVIDENCE)
            .cloned()
            .collect();
        if !evidence.is_empty() {
            let params = ctx.validators_params()?;
            for ev in &evidence {
                isolated(ctx, u64::MAX, "double-sign evidence", |c| {
                    self.double_sign(c, &params, ev)
                });
            }
        }
        isolated(ctx, u64::MAX, "fee payout", Self::pay_signers);
        Ok(())
    }

    fn validator_updates(&self, ctx: &mut Ctx) -> Result<Vec<ValidatorUpdate>, TxError> {
        Ok(isolated(ctx, u64::MAX, "validator set update", |c| {
            self.update_set(c)
        })
        .unwrap_or_default())
    }
}
