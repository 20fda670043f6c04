// Signing a MsgRequestInference with Keplr (SIGN_MODE_DIRECT) and broadcasting it over REST.
// Loaded lazily (its own chunk) only when someone signs.

import { config, get, post } from './api.js';
import { MSG_REQUEST_INFERENCE, any, authInfo, msgRequestInference, txBody, txRaw } from './proto.js';
import { b64ToBytes, bytesToB64 } from './util.js';

async function accountOf(address) {
  const r = await get(`/cosmos/auth/v1beta1/accounts/${address}`);
  const a = r.account || {};
  // A BaseAccount, or an account type that wraps one (vesting etc.).
  const base = a.base_account || a.base_vesting_account?.base_account || a;
  return { accountNumber: BigInt(base.account_number || 0), sequence: BigInt(base.sequence || 0) };
}

/**
 * Signs and broadcasts one MsgRequestInference on `feedId` with `input` (fixed-point ints).
 * `onStep(text)` reports progress. Returns the broadcast's tx_response.
 */
export async function requestInference({ address, feedId, input, memo = '', onStep = () => {} }) {
  const cfg = config();
  const keplr = window.keplr;
  if (!keplr) throw new Error('Keplr is not available');
  const chainId = cfg.chain_id;
  onStep('reading the account');
  const key = await keplr.getKey(chainId);
  if (key.bech32Address !== address) throw new Error(`Keplr's key is ${key.bech32Address}, not ${address}`);
  const { accountNumber, sequence } = await accountOf(address);

  const msg = any(
    MSG_REQUEST_INFERENCE,
    msgRequestInference({ requester: address, feedId: BigInt(feedId), input: input.map((x) => BigInt(x)) }),
  );
  const bodyBytes = txBody({ messages: [msg], memo });

  onStep('simulating for gas');
  const simAuth = authInfo({ pubKey: key.pubKey, sequence, gasLimit: 0, fee: [] });
  const sim = await post('/cosmos/tx/v1beta1/simulate', {
    tx_bytes: bytesToB64(txRaw({ bodyBytes, authInfoBytes: simAuth, signatures: [new Uint8Array(0)] })),
  });
  const used = Number(sim.gas_info?.gas_used || 200000);
  const gasLimit = Math.ceil(used * 1.4) + 5000;
  const price = Number(cfg.gas_price || 0.025);
  const fee = [{ denom: cfg.denom, amount: String(Math.ceil(gasLimit * price)) }];
  const authInfoBytes = authInfo({ pubKey: key.pubKey, sequence, gasLimit, fee });

  onStep('waiting for the signature in Keplr');
  const signer = keplr.getOfflineSigner(chainId);
  const { signed, signature } = await signer.signDirect(address, {
    bodyBytes,
    authInfoBytes,
    chainId,
    accountNumber,
  });

  onStep('broadcasting');
  const tx = txRaw({
    bodyBytes: signed.bodyBytes,
    authInfoBytes: signed.authInfoBytes,
    signatures: [b64ToBytes(signature.signature)],
  });
  const r = await post('/cosmos/tx/v1beta1/txs', { tx_bytes: bytesToB64(tx), mode: 'BROADCAST_MODE_SYNC' });
  const resp = r.tx_response || {};
  if (resp.code && resp.code !== 0) {
    throw new Error(`rejected (code ${resp.code}${resp.codespace ? `, ${resp.codespace}` : ''}): ${resp.raw_log}`);
  }
  return resp;
}
