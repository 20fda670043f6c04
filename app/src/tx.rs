//! Transaction decoding and stateless validation: `TxRaw` → a `ParsedTx` whose messages are
//! decoded by their routes (once) and whose signers are known. Nothing here reads state.

use cosmos_sdk_proto::cosmos::tx::v1beta1::{AuthInfo, TxBody, TxRaw};
use prost::Message;

use crate::address::Address;
use crate::coins::Coins;
use crate::error::TxError;
use crate::modules::auth::{MAX_MEMO_CHARS, TX_SIG_LIMIT};
use crate::router::{RoutedMsg, Router};
use crate::wire;

/// Largest transaction accepted, in bytes (CometBFT's default mempool limit is 1 MiB).
pub const MAX_TX_BYTES: usize = 1024 * 1024;

pub struct ParsedTx {
    pub len: usize,
    pub body: TxBody,
    pub auth_info: AuthInfo,
    pub body_bytes: Vec<u8>,
    pub auth_info_bytes: Vec<u8>,
    pub signatures: Vec<Vec<u8>>,
    /// Each message decoded by its route and checked statelessly, ready to deliver.
    pub msgs: Vec<RoutedMsg>,
    /// Unique signers, in order of first appearance; `signer_infos[i]` belongs to `signers[i]`.
    pub signers: Vec<Address>,
    pub fee: Coins,
    pub gas_limit: u64,
    pub fee_payer: Address,
}

pub fn decode_tx(bytes: &[u8], router: &Router) -> Result<ParsedTx, TxError> {
    if bytes.len() > MAX_TX_BYTES {
        return Err(TxError::tx_too_large(format!(
            "tx is {} bytes, limit {MAX_TX_BYTES}",
            bytes.len()
        )));
    }
    let raw =
        TxRaw::decode(bytes).map_err(|e| TxError::tx_decode(format!("decoding TxRaw: {e}")))?;
    let body = TxBody::decode(raw.body_bytes.as_slice())
        .map_err(|e| TxError::tx_decode(format!("decoding TxBody: {e}")))?;
    let auth_info = AuthInfo::decode(raw.auth_info_bytes.as_slice())
        .map_err(|e| TxError::tx_decode(format!("decoding AuthInfo: {e}")))?;
    // After decoding, so malformed bytes keep prost's error text.
    wire::reject_unknown_fields(bytes, &wire::TX_RAW)?;
    wire::reject_unknown_fields(&raw.body_bytes, &wire::TX_BODY)?;
    wire::reject_unknown_fields(&raw.auth_info_bytes, &wire::AUTH_INFO)?;

    if body.messages.is_empty() {
        return Err(TxError::invalid_request(
            "must contain at least one message",
        ));
    }
    if !body.extension_options.is_empty() {
        return Err(TxError::unknown_extension_options(
            "unknown extension options",
        ));
    }
    // Bytes, not characters, as the SDK counts (Go's `len` of a string): 256 four-byte
    // characters would otherwise be 1 KiB of memo.
    if body.memo.len() > MAX_MEMO_CHARS {
        return Err(TxError::memo_too_large(format!(
            "maximum number of characters is {MAX_MEMO_CHARS} but received {} characters",
            body.memo.len()
        )));
    }
    #[allow(deprecated)]
    if auth_info.tip.is_some() {
        return Err(TxError::not_supported("tips are not supported"));
    }

    let mut msgs = Vec::with_capacity(body.messages.len());
    let mut signers: Vec<Address> = Vec::new();
    for msg in &body.messages {
        let routed = router.decode(msg)?;
        for s in &routed.signers {
            if !signers.contains(s) {
                signers.push(s.clone());
            }
        }
        msgs.push(routed);
    }

    if raw.signatures.is_empty() {
        return Err(TxError::no_signatures("no signatures supplied"));
    }
    if raw.signatures.len() > TX_SIG_LIMIT {
        return Err(TxError::too_many_signatures(format!(
            "signatures: {}, limit: {TX_SIG_LIMIT}",
            raw.signatures.len()
        )));
    }
    if raw.signatures.len() != signers.len() || auth_info.signer_infos.len() != signers.len() {
        return Err(TxError::unauthorized(format!(
            "wrong number of signers; expected {}, got {}",
            signers.len(),
            raw.signatures.len()
        )));
    }

    let fee = auth_info.fee.clone().unwrap_or_default();
    let fee_coins = Coins::from_proto(&fee.amount)?;
    let fee_payer = if fee.payer.is_empty() {
        signers[0].clone()
    } else {
        let p: Address = fee
            .payer
            .parse()
            .map_err(|e| TxError::invalid_address(format!("invalid fee payer: {e}")))?;
        if !signers.contains(&p) {
            return Err(TxError::unauthorized(
                "fee payer must be a signer of the tx",
            ));
        }
        p
    };
    if !fee.granter.is_empty() {
        return Err(TxError::not_supported("fee grants are not supported"));
    }

    Ok(ParsedTx {
        len: bytes.len(),
        body,
        auth_info,
        body_bytes: raw.body_bytes,
        auth_info_bytes: raw.auth_info_bytes,
        signatures: raw.signatures,
        msgs,
        signers,
        fee: fee_coins,
        gas_limit: fee.gas_limit,
        fee_payer,
    })
}

/// The bytes a SIGN_MODE_DIRECT signature covers (`SignDoc`).
pub fn sign_doc_bytes(
    body_bytes: &[u8],
    auth_info_bytes: &[u8],
    chain_id: &str,
    account_number: u64,
) -> Vec<u8> {
    cosmos_sdk_proto::cosmos::tx::v1beta1::SignDoc {
        body_bytes: body_bytes.to_vec(),
        auth_info_bytes: auth_info_bytes.to_vec(),
        chain_id: chain_id.to_string(),
        account_number,
    }
    .encode_to_vec()
}
