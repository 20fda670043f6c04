// DEVELOPMENT STUB of web/pkg/inferchain_web.js (the wasm-bindgen module): the same exports,
// in plain JavaScript, served only by test/mock-server.mjs (never part of web/dist).
//   - infer: the real integer inference (what the circuit computes: weights at 2^6, activations
//     at 2^8, floor division, ReLU on hidden layers), so outputs are the real ones;
//   - commitment / input_hash / playground_binding / circuit digests: sha256 stand-ins for
//     the Poseidon hashes (NOT the chain's values);
//   - proofs: 4 KiB of sha256 blocks over the statement, so a flipped byte fails.
// The page shows a warning when it runs on this stub (`__stub`), and e2e.mjs refuses it
// unless ALLOW_STUB=1.

export const __stub = true;

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
  0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** Synchronous SHA-256 of a UTF-8 string or bytes → bytes. */
export function sha256(input) {
  const msg = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  const l = msg.length;
  const n = ((l + 9 + 63) >> 6) << 6;
  const m = new Uint8Array(n);
  m.set(msg);
  m[l] = 0x80;
  const dv = new DataView(m.buffer);
  dv.setUint32(n - 4, (l * 8) >>> 0);
  dv.setUint32(n - 8, Math.floor((l * 8) / 2 ** 32));
  const H = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
  const W = new Uint32Array(64);
  const rotr = (x, k) => (x >>> k) | (x << (32 - k));
  for (let off = 0; off < n; off += 64) {
    for (let i = 0; i < 16; i++) W[i] = dv.getUint32(off + i * 4);
    for (let i = 16; i < 64; i++) {
      const s0 = rotr(W[i - 15], 7) ^ rotr(W[i - 15], 18) ^ (W[i - 15] >>> 3);
      const s1 = rotr(W[i - 2], 17) ^ rotr(W[i - 2], 19) ^ (W[i - 2] >>> 10);
      W[i] = (W[i - 16] + s0 + W[i - 7] + s1) >>> 0;
    }
    let [a, b, c, d, e, f, g, h] = H;
    for (let i = 0; i < 64; i++) {
      const t1 = (h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + W[i]) >>> 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) >>> 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) >>> 0;
    }
    H[0] += a;
    H[1] += b;
    H[2] += c;
    H[3] += d;
    H[4] += e;
    H[5] += f;
    H[6] += g;
    H[7] += h;
  }
  const out = new Uint8Array(32);
  const ov = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) ov.setUint32(i * 4, H[i]);
  return out;
}

const hex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
export const sha256hex = (s) => hex(sha256(s));

function b64encode(bytes) {
  if (typeof Buffer !== 'undefined') return Buffer.from(bytes).toString('base64');
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}
function b64decode(s) {
  if (typeof Buffer !== 'undefined') return new Uint8Array(Buffer.from(s, 'base64'));
  const t = atob(s);
  return Uint8Array.from(t, (c) => c.charCodeAt(0));
}

let ready = false;
export default async function init() {
  ready = true;
  return {};
}
export function initSync() {
  ready = true;
  return {};
}
function need() {
  if (!ready) throw new Error('stub module not initialised: call init() first');
}

export function fixed_point_scale() {
  return 256;
}
export function version() {
  return '0.0.0-stub';
}

function archLayers(arch) {
  const m = /^mlp((?:-\d+)+)$/.exec(arch);
  if (!m) throw new Error(`unknown architecture ${arch}`);
  return m[1].slice(1).split('-').map(Number);
}

function checkRange(what, v, bits) {
  const hi = 2 ** (bits - 1);
  if (v < -hi || v >= hi) throw new Error(`${what} ${v} out of range [${-hi}, ${hi})`);
}

function parseInts(json, what) {
  const v = JSON.parse(json);
  if (!Array.isArray(v) || !v.every((x) => Number.isInteger(x))) throw new Error(`${what} must be a JSON array of integers`);
  return v;
}

/** The integer inference of prover/verifier/src/quant.rs (infer_validated). */
export function inferInts(quant, input) {
  const widths = archLayers(quant.arch);
  if (quant.layers.length !== widths.length - 1) throw new Error(`model does not match architecture ${quant.arch}`);
  if (input.length !== widths[0]) throw new Error(`model does not match architecture ${quant.arch}: input has ${input.length} values, expected ${widths[0]}`);
  for (const x of input) checkRange('input', x, 24);
  let x = input;
  quant.layers.forEach((layer, l) => {
    const nIn = widths[l];
    const nOut = widths[l + 1];
    const hidden = l + 1 < quant.layers.length;
    const y = [];
    for (let j = 0; j < nOut; j++) {
      let acc = layer.bias[j];
      for (let i = 0; i < nIn; i++) acc += layer.weights[j * nIn + i] * x[i];
      const q = Math.floor(acc / 64);
      checkRange('pre-activation', q, 24);
      y.push(hidden ? Math.max(0, q) : q);
    }
    x = y;
  });
  return x;
}

export function commitment(quant_json) {
  need();
  const q = JSON.parse(quant_json);
  archLayers(q.arch);
  return sha256hex(`stub-commitment|${JSON.stringify([q.arch, q.layers, q.salt])}`);
}

export function input_hash(input_json) {
  need();
  return sha256hex(`stub-input|${JSON.stringify(parseInts(input_json, 'input'))}`);
}

export function infer(quant_json, input_json) {
  need();
  const input = parseInts(input_json, 'input');
  const output = inferInts(JSON.parse(quant_json), input);
  return JSON.stringify({ output, input_hash: input_hash(input_json) });
}

export function playground_binding(nonce) {
  need();
  if (typeof nonce !== 'string' || nonce.length === 0 || nonce.length > 64) throw new Error('nonce must be 1 to 64 characters');
  return sha256hex(`stub-binding|inferchain/playground/v1/${nonce}`);
}

const prepared = new Map();
export function circuitDigest(arch, mode) {
  return sha256hex(`stub-circuit|${arch}|${mode}`);
}

export function prepare_verifier(arch, mode) {
  need();
  archLayers(arch);
  if (!['public', 'private', 'compact'].includes(mode)) throw new Error(`unknown mode ${mode}`);
  if (!prepared.has(`${arch}/${mode}`)) {
    // Stand in for the seconds a real build takes (the worker keeps the page responsive).
    const until = Date.now() + 600;
    while (Date.now() < until);
    prepared.set(`${arch}/${mode}`, circuitDigest(arch, mode));
  }
  return prepared.get(`${arch}/${mode}`);
}

/** The stub proof of a statement (what the mock sidecar returns): 128 sha256 blocks. */
export function stubProof(arch, mode, commitment_hex, input_hash_hex, output, binding_hex) {
  const st = JSON.stringify([arch, mode, commitment_hex.toLowerCase(), input_hash_hex.toLowerCase(), output, binding_hex.toLowerCase()]);
  const out = new Uint8Array(128 * 32);
  for (let i = 0; i < 128; i++) out.set(sha256(`stub-proof|${i}|${st}`), i * 32);
  return b64encode(out);
}

export function verify_inference(arch, mode, proof_b64, commitment_hex, input_hash_hex, output_json, binding_hex) {
  need();
  if (!prepared.has(`${arch}/${mode}`)) throw new Error(`verifier for ${arch}/${mode} not prepared: call prepare_verifier first`);
  const output = parseInts(output_json, 'output');
  const got = b64decode(proof_b64);
  const want = b64decode(stubProof(arch, mode, commitment_hex, input_hash_hex, output, binding_hex));
  if (got.length !== want.length) throw new Error(`proof rejected: ${got.length} bytes, expected ${want.length}`);
  for (let i = 0; i < got.length; i++) {
    if (got[i] !== want[i]) throw new Error(`proof rejected: the proof does not verify against this statement (byte ${i})`);
  }
  return JSON.stringify({ verified: true, circuit_digest: prepared.get(`${arch}/${mode}`), mode });
}
