//! The ante step every transaction passes before its messages run: size gas, timeout, fee,
//! signer accounts, public keys, sequences and signatures — in the Cosmos SDK's order, with
//! its error codes and wording.

use cosmos_sdk_proto::cosmos::crypto::secp256k1::PubKey as Secp256k1PubKey;
use cosmos_sdk_proto::cosmos::tx::signing::v1beta1::SignMode;
use cosmos_sdk_proto::cosmos::tx::v1beta1::mode_info;
#[cfg(test)]
use k256::ecdsa::signature::Verifier;
#[cfg(test)]
use k256::ecdsa::{Signature, VerifyingKey};

use crate::address::Address;
use crate::coins::{Coin, GasPrice, NATIVE_DENOM};
use crate::ctx::Ctx;
use crate::error::TxError;
use crate::gas;
use crate::modules::auth::{AuthRead, AuthWrite};
use crate::modules::{bank, decode_any, type_url};
use crate::params::ChainLimits;
use crate::tx::{sign_doc_bytes, ParsedTx};

/// Why a transaction runs; decides which checks apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExecMode {
    /// Mempool admission: applies the node's minimum gas price.
    Check,
    /// Gas estimation: no signature checks, no minimum fee, no gas limit.
    Simulate,
    /// Screening a block proposal (PrepareProposal / ProcessProposal): the checks of
    /// `Check` that are consensus — signatures, sequences, the gas caps, the chain's fee
    /// floor and paying the fee — without the node's own minimum gas price.
    Proposal,
    /// Block execution.
    Deliver,
}

/// Requires `tx` to pay at least `price` per unit of the gas it asks for.
fn check_fee(tx: &ParsedTx, price: &GasPrice) -> Result<(), TxError> {
    let required = price.fee_for(tx.gas_limit);
    let got = tx.fee.amount_of(&price.denom);
    if got < required {
        return Err(TxError::insufficient_fee(format!(
            "insufficient fees; got: {} required: {}",
            if tx.fee.is_empty() {
                "0".to_string()
            } else {
                tx.fee.to_string()
            },
            Coin::new(&price.denom, required)
        )));
    }
    Ok(())
}

pub fn run_ante(
    ctx: &mut Ctx,
    tx: &ParsedTx,
    mode: ExecMode,
    min_gas_price: Option<&GasPrice>,
    sigs: &SigCache,
) -> Result<(), TxError> {
    ctx.gas
        .consume(gas::TX_SIZE_PER_BYTE * tx.len as u64, "txSize")?;

    if mode != ExecMode::Simulate {
        // Consensus limits: every validator applies these to every transaction, so a
        // byzantine proposer can't include a transaction that asks for more gas than the
        // cap or pays below the chain's floor (see app/SECURITY.md).
        let limits = ChainLimits::load(ctx.state)?;
        limits.check_tx_gas(tx.gas_limit)?;
        check_fee(tx, &limits.gas_price().map_err(TxError::internal)?)?;
    }

    let timeout = tx.body.timeout_height;
    if timeout > 0 && ctx.block.height > timeout {
        return Err(TxError::tx_timeout_height(format!(
            "block height: {}, timeout height: {timeout}",
            ctx.block.height
        )));
    }

    if mode == ExecMode::Check {
        if let Some(price) = min_gas_price {
            check_fee(tx, price)?;
        }
    }
    for c in &tx.fee.0 {
        if c.denom != NATIVE_DENOM {
            return Err(TxError::invalid_coins(format!(
                "fees must be paid in {NATIVE_DENOM}, not {}",
                c.denom
            )));
        }
    }

    let Some(_) = ctx.account(&tx.fee_payer)? else {
        return Err(TxError::unknown_address(format!(
            "fee payer address: {} does not exist",
            tx.fee_payer
        )));
    };
    if tx.fee.is_empty() && mode == ExecMode::Simulate {
        // Clients simulate with an empty fee, then pay one: charge that transfer's gas too,
        // in a layer that is dropped, or every `gas: auto` estimate would come out short.
        let events = ctx.events.len();
        ctx.state.begin();
        let probe = crate::coins::Coins(vec![Coin::new(NATIVE_DENOM, 1)]);
        let _ = bank::send(
            ctx,
            &tx.fee_payer,
            &Address::module(bank::FEE_COLLECTOR),
            &probe,
        );
        ctx.state.discard();
        ctx.events.truncate(events);
    }
    if !tx.fee.is_empty() {
        bank::send(
            ctx,
            &tx.fee_payer,
            &Address::module(bank::FEE_COLLECTOR),
            &tx.fee,
        )
        .map_err(|e| {
            if e.code == 5 {
                TxError::insufficient_funds(format!(
                    "{}; insufficient funds to pay for fees",
                    e.log.trim_end_matches(": insufficient funds")
                ))
            } else {
                e
            }
        })?;
    }
    ctx.emit(
        "tx",
        &[
            ("fee", tx.fee.to_string()),
            ("fee_payer", tx.fee_payer.to_bech32()),
        ],
    );

    for (i, signer) in tx.signers.iter().enumerate() {
        let info = &tx.auth_info.signer_infos[i];
        let mut account = ctx
            .account(signer)?
            .ok_or_else(|| TxError::unknown_address(format!("account {signer} does not exist")))?;

        let pubkey = match &info.public_key {
            Some(any) => {
                if any.type_url != type_url::<Secp256k1PubKey>() {
                    return Err(TxError::invalid_pubkey(format!(
                        "unsupported key type {}",
                        any.type_url
                    )));
                }
                decode_any::<Secp256k1PubKey>(any)?.key
            }
            None => account.pub_key.clone().ok_or_else(|| {
                TxError::invalid_pubkey(format!("pubkey on account {signer} is not set"))
            })?,
        };
        // Only the compressed form: an uncompressed key of the same point would hash to a
        // second address for one key (the SDK's secp256k1 key is 33 bytes).
        if pubkey.len() != SECP256K1_PUBKEY_LEN {
            return Err(TxError::invalid_pubkey(format!(
                "secp256k1 public key must be {SECP256K1_PUBKEY_LEN} bytes (compressed), got {}",
                pubkey.len()
            )));
        }
        if Address::from_secp256k1(&pubkey) != *signer {
            return Err(TxError::invalid_pubkey(format!(
                "pubKey does not match signer address {signer} with signer index: {i}"
            )));
        }

        ctx.gas
            .consume(gas::SIG_VERIFY_SECP256K1, "ante verify: secp256k1")?;

        if info.sequence != account.sequence {
            return Err(TxError::wrong_sequence(format!(
                "account sequence mismatch, expected {}, got {}",
                account.sequence, info.sequence
            )));
        }

        if mode != ExecMode::Simulate {
            let direct = matches!(
                info.mode_info.as_ref().and_then(|m| m.sum.as_ref()),
                Some(mode_info::Sum::Single(mode_info::Single { mode })) if *mode == SignMode::Direct as i32
            );
            if !direct {
                return Err(TxError::not_supported(
                    "only SIGN_MODE_DIRECT single signatures are accepted",
                ));
            }
            let sign_bytes = sign_doc_bytes(
                &tx.body_bytes,
                &tx.auth_info_bytes,
                &ctx.block.chain_id,
                account.number,
            );
            if !sigs.verify(&pubkey, &sign_bytes, &tx.signatures[i]) {
                return Err(TxError::unauthorized(format!(
                    "signature verification failed; please verify account number ({}), sequence ({}) and chain-id ({})",
                    account.number, account.sequence, ctx.block.chain_id
                )));
            }
        }

        if account.pub_key.is_none() {
            account.pub_key = Some(pubkey);
        }
        account.sequence += 1;
        ctx.put_account(&account)?;
        ctx.emit("tx", &[("acc_seq", format!("{signer}/{}", info.sequence))]);
    }
    Ok(())
}

/// Length of a compressed secp256k1 public key.
pub const SECP256K1_PUBKEY_LEN: usize = 33;

/// Signatures this node has already verified. A transaction is checked in CheckTx, again
/// when a proposal is screened, and again in FinalizeBlock; verification is a pure function
/// of (key, message, signature), so remembering successes changes no outcome and no gas —
/// only the time spent.
pub struct SigCache {
    verified: std::sync::Mutex<std::collections::HashSet<[u8; 32]>>,
}

/// Entries kept before the cache starts over (32 bytes each: about 2 MiB).
const SIG_CACHE_ENTRIES: usize = 65_536;

impl Default for SigCache {
    fn default() -> Self {
        SigCache {
            verified: std::sync::Mutex::new(std::collections::HashSet::new()),
        }
    }
}

impl SigCache {
    pub fn verify(&self, pubkey: &[u8], msg: &[u8], sig: &[u8]) -> bool {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        for part in [pubkey, msg, sig] {
            h.update((part.len() as u64).to_be_bytes());
            h.update(part);
        }
        let id: [u8; 32] = h.finalize().into();
        let lock = || self.verified.lock().unwrap_or_else(|p| p.into_inner());
        if lock().contains(&id) {
            return true;
        }
        let ok = verify_secp256k1(pubkey, msg, sig);
        if ok {
            let mut seen = lock();
            if seen.len() >= SIG_CACHE_ENTRIES {
                seen.clear();
            }
            seen.insert(id);
        }
        ok
    }
}

/// secp256k1 ECDSA over SHA-256 of `msg`; rejects high-S signatures (malleable), as the SDK.
///
/// libsecp256k1 does the work (about three times k256's speed here; a block's signatures
/// are most of the app's CPU under load). Its verify accepts only low-S signatures and its
/// compact parse refuses r or s ≥ n, so it accepts exactly what k256 with a low-S check
/// does; `verifiers_agree` below checks that on valid, mutated and high-S signatures.
pub fn verify_secp256k1(pubkey: &[u8], msg: &[u8], sig: &[u8]) -> bool {
    use sha2::{Digest, Sha256};
    static CTX: std::sync::OnceLock<secp256k1::Secp256k1<secp256k1::VerifyOnly>> =
        std::sync::OnceLock::new();
    let ctx = CTX.get_or_init(secp256k1::Secp256k1::verification_only);
    let Ok(key) = secp256k1::PublicKey::from_slice(pubkey) else {
        return false;
    };
    if sig.len() != 64 {
        return false;
    }
    let Ok(sig) = secp256k1::ecdsa::Signature::from_compact(sig) else {
        return false;
    };
    let digest: [u8; 32] = Sha256::digest(msg).into();
    let msg = secp256k1::Message::from_slice(&digest).expect("a SHA-256 digest is 32 bytes");
    ctx.verify_ecdsa(&msg, &sig, &key).is_ok()
}

/// The same check with k256 (the reference the tests hold libsecp256k1 to).
#[cfg(test)]
fn verify_secp256k1_k256(pubkey: &[u8], msg: &[u8], sig: &[u8]) -> bool {
    let Ok(key) = VerifyingKey::from_sec1_bytes(pubkey) else {
        return false;
    };
    let Ok(sig) = Signature::from_slice(sig) else {
        return false;
    };
    if sig.normalize_s().is_some() {
        return false;
    }
    key.verify(msg, &sig).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gas_price_rounds_up() {
        let p = GasPrice::parse("0.025uspec").unwrap();
        assert_eq!(p.fee_for(200_000), 5_000);
        assert_eq!(p.fee_for(1), 1);
        assert_eq!(GasPrice::parse("1uspec").unwrap().fee_for(7), 7);
        assert!(GasPrice::parse("uspec").is_err());
        assert!(GasPrice::parse("0.1").is_err());
    }

    /// libsecp256k1 and k256 accept exactly the same signatures: valid ones, ones with a
    /// flipped bit anywhere, their high-S twins, zero and out-of-range scalars, wrong keys.
    #[test]
    fn verifiers_agree() {
        use k256::ecdsa::signature::Signer;
        use k256::ecdsa::SigningKey;
        use sha2::{Digest, Sha256};
        // n, the group order: s' = n - s is the high-S twin of a signature.
        const N: [u8; 32] = hex_literal_n();
        fn neg(s: &[u8]) -> [u8; 32] {
            let (mut out, mut borrow) = ([0u8; 32], 0i16);
            for i in (0..32).rev() {
                let d = N[i] as i16 - s[i] as i16 - borrow;
                borrow = (d < 0) as i16;
                out[i] = d.rem_euclid(256) as u8;
            }
            out
        }
        let mut checked = 0;
        for i in 0u32..48 {
            let key = SigningKey::from_slice(&Sha256::digest(i.to_be_bytes())).unwrap();
            let other = SigningKey::from_slice(&Sha256::digest((i + 1000).to_be_bytes())).unwrap();
            let pk = key
                .verifying_key()
                .to_encoded_point(true)
                .as_bytes()
                .to_vec();
            let pk_other = other
                .verifying_key()
                .to_encoded_point(true)
                .as_bytes()
                .to_vec();
            let msg = format!("sign doc {i}").into_bytes();
            let sig: Signature = key.sign(&msg);
            let sig = sig.to_bytes().to_vec();
            let mut high = sig.clone();
            high[32..].copy_from_slice(&neg(&sig[32..]));
            let mut cases = vec![
                (pk.clone(), msg.clone(), sig.clone()),
                (pk.clone(), msg.clone(), high),
                (pk_other, msg.clone(), sig.clone()),
                (pk.clone(), b"another doc".to_vec(), sig.clone()),
                (
                    pk.clone(),
                    msg.clone(),
                    [sig[..32].to_vec(), vec![0; 32]].concat(),
                ),
                (
                    pk.clone(),
                    msg.clone(),
                    [vec![0; 32], sig[32..].to_vec()].concat(),
                ),
                (
                    pk.clone(),
                    msg.clone(),
                    [N.to_vec(), sig[32..].to_vec()].concat(),
                ),
                (
                    pk.clone(),
                    msg.clone(),
                    [sig[..32].to_vec(), N.to_vec()].concat(),
                ),
                (pk.clone(), msg.clone(), sig[..63].to_vec()),
                (pk[..32].to_vec(), msg.clone(), sig.clone()),
            ];
            let bit = (i as usize * 7) % (64 * 8);
            let mut flipped = sig.clone();
            flipped[bit / 8] ^= 1 << (bit % 8);
            cases.push((pk.clone(), msg.clone(), flipped));
            let mut bad_key = pk.clone();
            bad_key[1 + i as usize % 32] ^= 0x40;
            cases.push((bad_key, msg.clone(), sig.clone()));
            for (case, (pk, msg, sig)) in cases.iter().enumerate() {
                let ours = verify_secp256k1(pk, msg, sig);
                assert_eq!(
                    ours,
                    verify_secp256k1_k256(pk, msg, sig),
                    "key {i} case {case}"
                );
                assert_eq!(
                    ours,
                    case == 0,
                    "key {i} case {case}: only the valid low-S one verifies"
                );
                checked += 1;
            }
        }
        assert_eq!(checked, 48 * 12);
    }

    const fn hex_literal_n() -> [u8; 32] {
        [
            0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
            0xFF, 0xFE, 0xBA, 0xAE, 0xDC, 0xE6, 0xAF, 0x48, 0xA0, 0x3B, 0xBF, 0xD2, 0x5E, 0x8C,
            0xD0, 0x36, 0x41, 0x41,
        ]
    }
}
