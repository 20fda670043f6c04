// REST (Cosmos SDK LCD routes + the inference module's) and prover-sidecar clients.

let cfg = null;

export function setConfig(c) {
  cfg = c;
}
export function config() {
  return cfg;
}

export class ApiError extends Error {
  constructor(message, { status, code, url } = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.url = url;
  }
  get notFound() {
    return this.status === 404 || this.code === 5;
  }
}

async function request(url, init) {
  let r;
  try {
    r = await fetch(url, init);
  } catch (e) {
    throw new ApiError(`cannot reach ${new URL(url).origin} (${e.message})`, { url });
  }
  const text = await r.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    if (!r.ok) throw new ApiError(`HTTP ${r.status}: ${text.slice(0, 200)}`, { status: r.status, url });
    throw new ApiError(`not JSON from ${url}`, { status: r.status, url });
  }
  if (!r.ok) {
    // gRPC-gateway error body {"code", "message", "details"}; the sidecar's {"error"}.
    const msg = body?.message || body?.error || `HTTP ${r.status}`;
    throw new ApiError(msg, { status: r.status, code: body?.code, url });
  }
  return body;
}

function qs(params) {
  if (!params) return '';
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') p.append(k, String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

export function restUrl(path, params) {
  return `${cfg.rest}${path}${qs(params)}`;
}

export function get(path, params) {
  return request(restUrl(path, params), { headers: { accept: 'application/json' } });
}

export function post(path, body) {
  return request(restUrl(path), {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
}

/** A CosmWasm smart query: GET …/smart/{base64 of the JSON query} → the contract's JSON answer. */
export async function smart(contract, query) {
  const b64 = btoa(unescape(encodeURIComponent(JSON.stringify(query))));
  const r = await get(`/cosmwasm/wasm/v1/contract/${contract}/smart/${encodeURIComponent(b64)}`);
  return r?.data;
}

/** GetTxsEvent (SDK 0.50: `query`), newest first. */
export function txsByQuery(query, { page = 1, limit = 20, order = 'ORDER_BY_DESC' } = {}) {
  return get('/cosmos/tx/v1beta1/txs', { query, order_by: order, page, limit });
}

export const tm = {
  nodeInfo: () => get('/cosmos/base/tendermint/v1beta1/node_info'),
  syncing: () => get('/cosmos/base/tendermint/v1beta1/syncing'),
  latestBlock: () => get('/cosmos/base/tendermint/v1beta1/blocks/latest'),
  block: (h) => get(`/cosmos/base/tendermint/v1beta1/blocks/${h}`),
  validators: () => get('/cosmos/base/tendermint/v1beta1/validatorsets/latest'),
};

const INF = '/inferchain/inference/v1';
export const inference = {
  params: () => get(`${INF}/params`),
  architectures: () => get(`${INF}/architectures`),
  architecture: (name) => get(`${INF}/architectures/${encodeURIComponent(name)}`),
  models: (p) => get(`${INF}/models`, p),
  model: (id) => get(`${INF}/models/${id}`),
  feeds: (p) => get(`${INF}/feeds`, p),
  feed: (id) => get(`${INF}/feeds/${id}`),
  requests: (p) => get(`${INF}/requests`, p),
  request: (id) => get(`${INF}/requests/${id}`),
  challenge: (id) => get(`${INF}/challenges/${id}`),
  escrow: () => get(`${INF}/escrow`),
};

export function sidecarGet(path) {
  return request(`${cfg.sidecar}${path}`, { headers: { accept: 'application/json' } });
}

export function sidecarPost(path, body) {
  return request(`${cfg.sidecar}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
}

let paramsPromise = null;
/** The inference module's params, fetched once. */
export function moduleParams() {
  if (!paramsPromise) {
    paramsPromise = inference.params().then((r) => r.params || {});
    paramsPromise.catch(() => {
      paramsPromise = null;
    });
  }
  return paramsPromise;
}

/** A contract's address: config.contracts[name], else the inference module's params (`<name>_contract`). */
export async function contractAddress(name) {
  const c = cfg.contracts?.[name];
  if (c) return c;
  const p = await moduleParams().catch(() => ({}));
  const a = p[`${name}_contract`];
  if (a) return a;
  throw new Error(`no ${name} contract configured (config.json "contracts.${name}", or ?contracts.${name}=…)`);
}
