// Runtime configuration: config.json from the page's own origin, then query-string overrides
// (?rest=…&sidecar=…&contracts.challenge=…). `rest: ""` means the page's origin.

export const DEFAULTS = {
  chain_id: 'inferchain-local-1',
  rest: '',
  rpc: 'http://127.0.0.1:26657',
  websocket: 'ws://127.0.0.1:26657/websocket',
  sidecar: null,
  denom: 'uspec',
  display_denom: 'SPEC',
  decimals: 6,
  bech32_prefix: 'infer',
  gas_price: '0.025',
  contracts: {},
};

function parseOverride(key, raw) {
  if (key === 'decimals') return parseInt(raw, 10);
  if (key === 'sidecar' && (raw === '' || raw === 'null' || raw === 'none')) return null;
  if (key === 'contracts') return JSON.parse(raw);
  return raw;
}

export function applyOverrides(cfg, search) {
  const out = { ...cfg, contracts: { ...(cfg.contracts || {}) } };
  const params = new URLSearchParams(search);
  for (const [k, v] of params) {
    if (k.startsWith('contracts.')) out.contracts[k.slice('contracts.'.length)] = v;
    else if (k === 'contracts') Object.assign(out.contracts, parseOverride(k, v));
    else if (k in DEFAULTS || k in cfg) out[k] = parseOverride(k, v);
  }
  return out;
}

function trimSlash(u) {
  return typeof u === 'string' ? u.replace(/\/+$/, '') : u;
}

export async function loadConfig() {
  let fileCfg = {};
  let warning = null;
  try {
    const r = await fetch(new URL('config.json', document.baseURI), { cache: 'no-store' });
    if (!r.ok) throw new Error(`HTTP ${r.status}`);
    fileCfg = await r.json();
  } catch (e) {
    warning = `config.json not loaded (${e.message}); using defaults and the query string`;
  }
  const cfg = applyOverrides({ ...DEFAULTS, ...fileCfg }, location.search);
  cfg.rest = trimSlash(cfg.rest) || location.origin;
  cfg.sidecar = cfg.sidecar ? trimSlash(cfg.sidecar) : null;
  cfg.rpc = trimSlash(cfg.rpc);
  cfg.warning = warning;
  return cfg;
}
