// Known-answer tests of the tiny protobuf writer (vectors decoded with cosmjs-types) and of the
// config overrides. Run: npm test
import assert from 'node:assert/strict';
import test from 'node:test';
import { applyOverrides, DEFAULTS } from '../src/config.js';
import * as P from '../src/proto.js';

const hex = (b) => Buffer.from(b).toString('hex');

test('MsgRequestInference: string, uint64 and packed zigzag sint64', () => {
  const v = P.msgRequestInference({ requester: 'infer1abc', feedId: 1n, input: [64n, -32n, 0n, -256n, 8388607n, -8388608n] });
  assert.equal(hex(v), '0a09696e6665723161626310011a0e80013f00ff03feffff07ffffff07');
});

test('TxRaw of one message, one secp256k1 SIGN_MODE_DIRECT signer', () => {
  const pub = new Uint8Array(33).fill(7);
  pub[0] = 2;
  const msg = P.any(P.MSG_REQUEST_INFERENCE, P.msgRequestInference({ requester: 'infer1abc', feedId: 1n, input: [64n, -32n, 0n, -256n, 8388607n, -8388608n] }));
  const raw = P.txRaw({
    bodyBytes: P.txBody({ messages: [msg], memo: 'hi' }),
    authInfoBytes: P.authInfo({ pubKey: pub, sequence: 5n, gasLimit: 123456, fee: [{ denom: 'uspec', amount: '3087' }] }),
    signatures: [new Uint8Array(64).fill(1)],
  });
  assert.equal(
    hex(raw),
    '0a530a4d0a2c2f696e666572636861696e2e696e666572656e63652e76312e4d736752657175657374496e666572656e6365121d0a09696e6665723161626310011a0e80013f00ff03feffff07ffffff07120268691267' +
      '0a500a460a1f2f636f736d6f732e63727970746f2e736563703235366b312e5075624b657912230a2102070707070707070707070707070707070707070707070707070707070707070712040a020801180512130a0d0a05757370656312043330383710c0c4071a40' +
      '01'.repeat(64),
  );
});

test('an empty signature is still written (simulation)', () => {
  assert.equal(hex(P.txRaw({ bodyBytes: new Uint8Array([1]), authInfoBytes: new Uint8Array([2]), signatures: [new Uint8Array(0)] })), '0a01011201021a00');
});

test('query-string overrides', () => {
  const c = applyOverrides({ ...DEFAULTS, contracts: { challenge: 'a' } }, '?rest=http://x:1&sidecar=null&decimals=3&contracts.reputation=r&unknown=1');
  assert.equal(c.rest, 'http://x:1');
  assert.equal(c.sidecar, null);
  assert.equal(c.decimals, 3);
  assert.deepEqual(c.contracts, { challenge: 'a', reputation: 'r' });
  assert.equal(c.unknown, undefined);
});
