// Small pure helpers: encodings, formatting, numbers. No DOM, no network.

export function b64ToBytes(b64) {
  const s = atob(String(b64).replace(/-/g, '+').replace(/_/g, '/'));
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

export function bytesToB64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

export function bytesToHex(bytes) {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

export function hexToBytes(hex) {
  const h = hex.startsWith('0x') ? hex.slice(2) : hex;
  if (h.length % 2 || /[^0-9a-fA-F]/.test(h)) throw new Error(`not hex: ${hex}`);
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.substr(i * 2, 2), 16);
  return out;
}

/** base64 (as the LCD encodes bytes) to upper-case hex, "" for empty. */
export function b64ToHex(b64) {
  if (!b64) return '';
  try {
    return bytesToHex(b64ToBytes(b64)).toUpperCase();
  } catch {
    return String(b64);
  }
}

export async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
}

/** A transaction's hash as CometBFT and the SDK show it: upper-case hex sha256 of the TxRaw bytes. */
export async function txHashOfRaw(b64) {
  return bytesToHex(await sha256(b64ToBytes(b64))).toUpperCase();
}

export function randomHex(nBytes) {
  const b = new Uint8Array(nBytes);
  crypto.getRandomValues(b);
  return bytesToHex(b);
}

export function shortHash(h, n = 8) {
  if (!h) return '';
  const s = String(h);
  return s.length > 2 * n + 1 ? `${s.slice(0, n)}…${s.slice(-n)}` : s;
}

export function shortAddr(a) {
  if (!a) return '';
  const s = String(a);
  const sep = s.lastIndexOf('1');
  if (sep < 0 || s.length < 20) return s;
  return `${s.slice(0, sep + 5)}…${s.slice(-6)}`;
}

/** Integer amount (decimal string) in base units to a display string with `decimals` places, trailing zeros trimmed. */
export function formatUnits(amount, decimals) {
  let v;
  try {
    v = BigInt(String(amount ?? '0'));
  } catch {
    return String(amount);
  }
  const neg = v < 0n;
  if (neg) v = -v;
  const base = 10n ** BigInt(decimals);
  const whole = v / base;
  let frac = (v % base).toString().padStart(decimals, '0').replace(/0+$/, '');
  const w = whole.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return (neg ? '-' : '') + w + (frac ? '.' + frac : '');
}

export function formatInt(v) {
  if (v === undefined || v === null || v === '') return '';
  return String(v).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** RFC 3339 / Date / ms to a short local string. */
export function formatTime(t) {
  if (t === undefined || t === null || t === '') return '';
  const d = t instanceof Date ? t : new Date(t);
  if (isNaN(d)) return String(t);
  return d.toLocaleString(undefined, { hour12: false });
}

export function relativeTime(ms, now = Date.now()) {
  if (ms === undefined || ms === null || isNaN(ms)) return '';
  const d = (ms - now) / 1000;
  const a = Math.abs(d);
  let s;
  if (a < 60) s = `${Math.round(a)} s`;
  else if (a < 3600) s = `${Math.round(a / 60)} min`;
  else if (a < 86400) s = `${(a / 3600).toFixed(1)} h`;
  else s = `${(a / 86400).toFixed(1)} d`;
  return d >= 0 ? `in ${s}` : `${s} ago`;
}

/** A CosmWasm `Timestamp` (nanoseconds as a decimal string) to milliseconds. */
export function nanosToMs(ns) {
  if (ns === undefined || ns === null) return NaN;
  try {
    return Number(BigInt(String(ns)) / 1000000n);
  } catch {
    return NaN;
  }
}

export function sigmoid(z) {
  return 1 / (1 + Math.exp(-z));
}

/** Number of input features of an architecture name such as "mlp-16-32-16-1". */
export function archInputWidth(arch) {
  const m = /^mlp-(\d+)-/.exec(String(arch || ''));
  return m ? parseInt(m[1], 10) : 16;
}

export function errMessage(e) {
  if (!e) return 'unknown error';
  if (typeof e === 'string') return e;
  return e.message || String(e);
}

/** Clamp a value to [lo, hi]. */
export function clamp(v, lo, hi) {
  return Math.min(hi, Math.max(lo, v));
}

export function isHexHash(s) {
  return /^[0-9a-fA-F]{64}$/.test(s);
}
