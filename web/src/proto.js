// A tiny protobuf writer: just what a Cosmos SDK transaction needs (varints, zigzag sint64,
// length-delimited fields, packed repeated). Messages are built as arrays of fields so the
// field order is the proto's, as every SDK encoder writes them.

const enc = new TextEncoder();

function varint(out, v) {
  let n = BigInt(v);
  if (n < 0n) n = BigInt.asUintN(64, n);
  while (n > 0x7fn) {
    out.push(Number((n & 0x7fn) | 0x80n));
    n >>= 7n;
  }
  out.push(Number(n));
}

function zigzag(v) {
  const n = BigInt(v);
  return BigInt.asUintN(64, (n << 1n) ^ (n >> 63n));
}

export class Writer {
  constructor() {
    this.buf = [];
  }
  tag(field, wire) {
    varint(this.buf, (field << 3) | wire);
    return this;
  }
  /** uint64/uint32/int32/bool/enum (proto3: a zero value is omitted). */
  uint(field, v) {
    if (v === undefined || v === null || BigInt(v) === 0n) return this;
    this.tag(field, 0);
    varint(this.buf, v);
    return this;
  }
  bytes(field, b) {
    if (!b || b.length === 0) return this;
    this.tag(field, 2);
    varint(this.buf, b.length);
    for (const x of b) this.buf.push(x);
    return this;
  }
  /** Like `bytes` but written even when empty (an embedded message that is present). */
  message(field, b) {
    this.tag(field, 2);
    varint(this.buf, b.length);
    for (const x of b) this.buf.push(x);
    return this;
  }
  string(field, s) {
    if (!s) return this;
    return this.bytes(field, enc.encode(s));
  }
  /** repeated sint64, packed (proto3's default). */
  packedSint64(field, values) {
    if (!values || values.length === 0) return this;
    const inner = [];
    for (const v of values) varint(inner, zigzag(v));
    this.tag(field, 2);
    varint(this.buf, inner.length);
    for (const x of inner) this.buf.push(x);
    return this;
  }
  finish() {
    return Uint8Array.from(this.buf);
  }
}

export function any(typeUrl, value) {
  return new Writer().string(1, typeUrl).bytes(2, value).finish();
}

// --- the Cosmos SDK transaction envelope ---

/** cosmos.tx.v1beta1.TxBody */
export function txBody({ messages, memo = '', timeoutHeight = 0 }) {
  const w = new Writer();
  for (const m of messages) w.message(1, m);
  w.string(2, memo);
  w.uint(3, timeoutHeight);
  return w.finish();
}

/** cosmos.tx.v1beta1.AuthInfo with one SIGN_MODE_DIRECT secp256k1 signer. */
export function authInfo({ pubKey, sequence, gasLimit, fee }) {
  const pk = any('/cosmos.crypto.secp256k1.PubKey', new Writer().bytes(1, pubKey).finish());
  const single = new Writer().uint(1, 1 /* SIGN_MODE_DIRECT */).finish();
  const modeInfo = new Writer().message(1, single).finish();
  const signer = new Writer().message(1, pk).message(2, modeInfo).uint(3, sequence).finish();
  const feeW = new Writer();
  for (const c of fee) feeW.message(1, new Writer().string(1, c.denom).string(2, c.amount).finish());
  feeW.uint(2, gasLimit);
  return new Writer().message(1, signer).message(2, feeW.finish()).finish();
}

/** cosmos.tx.v1beta1.TxRaw */
export function txRaw({ bodyBytes, authInfoBytes, signatures }) {
  const w = new Writer().bytes(1, bodyBytes).bytes(2, authInfoBytes);
  for (const s of signatures) w.message(3, s);
  return w.finish();
}

/** inferchain.inference.v1.MsgRequestInference (proto/inferchain/inference/v1/tx.proto). */
export function msgRequestInference({ requester, feedId, input, callbackData }) {
  return new Writer()
    .string(1, requester)
    .uint(2, feedId)
    .packedSint64(3, input)
    .bytes(4, callbackData)
    .finish();
}

export const MSG_REQUEST_INFERENCE = '/inferchain.inference.v1.MsgRequestInference';
