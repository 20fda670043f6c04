#!/usr/bin/env node
// A stand-in for the node's REST server, CometBFT's websocket and the prover sidecar, serving
// web/dist and fixture JSON in the Cosmos SDK LCD shapes, for developing the web app and its
// e2e test without a chain. Blocks advance every --block-ms (NewBlock events on /websocket).
//
//   node test/mock-server.mjs [--port 0] [--host 127.0.0.1] [--block-ms 1000] [--no-sidecar]
//        [--prove-ms 1500] [--expect-out FILE] [--dist DIR (default web/dist)]
//        [--real --prover PATH/inferchain-prover --model DIR]
//
// Default: the JS stub of the WebAssembly module (test/stub-pkg) is served in place of
// dist's, and the sidecar's "proofs" are the stub's. With --real, dist's real module is served,
// model 1 is DIR's quant.json (commitment, digests and expected outputs from the prover CLI)
// and /sidecar/playground/prove runs `inferchain-prover prove-inference` — real proofs.

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { blockJson, buildWorld, newBlockEvent, pseudoRandomQuant } from './fixtures.mjs';
import * as stub from './stub-pkg/inferchain_web.js';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const webDir = join(here, '..');
let distDir = join(webDir, 'dist');
const stubDir = join(here, 'stub-pkg');

// prover/verifier/src/quant.rs playground_binding(nonce) = binding_of("inferchain/playground/v1/" + nonce).
const PLAYGROUND_BINDING_CONTEXT = 'inferchain/playground/v1/';

export const PLAYGROUND_INPUT = [64, -32, 128, 0, 12, -256, 90, 40, 7, -7, 300, -1, 5, 18, -90, 33];

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

function parseArgs(argv) {
  const o = { port: 0, host: '127.0.0.1', blockMs: 1000, sidecar: true, proveMs: 1500, real: false, prover: null, model: null, expectOut: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => argv[++i];
    if (a === '--port') o.port = parseInt(v(), 10);
    else if (a === '--host') o.host = v();
    else if (a === '--block-ms') o.blockMs = parseInt(v(), 10);
    else if (a === '--no-sidecar') o.sidecar = false;
    else if (a === '--prove-ms') o.proveMs = parseInt(v(), 10);
    else if (a === '--real') o.real = true;
    else if (a === '--prover') o.prover = v();
    else if (a === '--model') o.model = v();
    else if (a === '--expect-out') o.expectOut = v();
    else if (a === '--dist') o.dist = v();
    else throw new Error(`unknown argument ${a}`);
  }
  return o;
}

// ---------- the playground model: stub or real ----------

async function prover(opts, args) {
  const { stdout } = await run(opts.prover, ['--output', 'json', ...args], { maxBuffer: 64 << 20 });
  return JSON.parse(stdout);
}

async function playgroundSetup(opts) {
  if (!opts.real) {
    await stub.default();
    const quant = pseudoRandomQuant('mlp-16-32-16-1', 7);
    const mode = 'private';
    const commitment = stub.commitment(JSON.stringify(quant));
    const digests = {};
    for (const a of ['mlp-16-32-16-1', 'mlp-64-128-128-1']) for (const m of ['public', 'private']) digests[`${a}/${m}`] = stub.circuitDigest(a, m);
    const output = stub.inferInts(quant, PLAYGROUND_INPUT);
    return {
      quant,
      mode,
      commitment,
      digests,
      expectOutput: output,
      prove: async ({ input, nonce }) => {
        const out = stub.inferInts(quant, input);
        const inputHash = stub.input_hash(JSON.stringify(input));
        const binding = stub.playground_binding(nonce);
        await new Promise((r) => setTimeout(r, opts.proveMs));
        return {
          output: out,
          input_hash: inputHash,
          binding,
          proof: stub.stubProof(quant.arch, mode, commitment, inputHash, out, binding),
        };
      },
    };
  }
  if (!opts.prover || !opts.model) throw new Error('--real needs --prover PATH and --model DIR');
  // The real module in Node (for the binding the sidecar reports): dist's, else web/pkg's.
  const wasmDir = [distDir, join(webDir, 'pkg')].find((d) => existsSync(join(d, 'inferchain_web.js')));
  if (!wasmDir) throw new Error('--real needs the WebAssembly module (web/pkg, built by web/build-wasm.sh)');
  const wasmJs = join(wasmDir, 'inferchain_web.js');
  const quantPath = existsSync(join(opts.model, 'quant.json')) ? join(opts.model, 'quant.json') : opts.model;
  const quant = JSON.parse(readFileSync(quantPath, 'utf8'));
  const mode = 'private';
  const { commitment } = await prover(opts, ['commit', '--model', opts.model]);
  const digests = {};
  for (const m of ['public', 'private']) digests[`${quant.arch}/${m}`] = (await prover(opts, ['digest', '--arch', quant.arch, '--mode', m])).circuit_digest;
  const inf = await prover(opts, ['infer', '--model', opts.model, '--input', PLAYGROUND_INPUT.join(',')]);
  const real = await import(pathToFileURL(wasmJs).href);
  real.initSync({ module: readFileSync(join(wasmDir, 'inferchain_web_bg.wasm')) });
  return {
    quant,
    mode,
    commitment,
    digests,
    expectOutput: inf.output,
    prove: async ({ input, nonce }) => {
      const dir = mkdtempSync(join(tmpdir(), 'mock-prove-'));
      try {
        const out = join(dir, 'proof.bin');
        const r = await prover(opts, [
          'prove-inference', '--model', opts.model, '--input', input.join(','), '--mode', mode,
          '--bind', `${PLAYGROUND_BINDING_CONTEXT}${nonce}`, '--out', out,
        ]);
        return { output: r.output, input_hash: r.input_hash, binding: real.playground_binding(nonce), proof: readFileSync(out).toString('base64') };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

// ---------- a minimal websocket server (RFC 6455 text frames) ----------

function wsAccept(req, socket, onMessage) {
  const key = req.headers['sec-websocket-key'];
  const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
  const conn = {
    open: true,
    send(text) {
      if (!conn.open) return;
      const payload = Buffer.from(text);
      let head;
      if (payload.length < 126) head = Buffer.from([0x81, payload.length]);
      else if (payload.length < 65536) {
        head = Buffer.alloc(4);
        head[0] = 0x81;
        head[1] = 126;
        head.writeUInt16BE(payload.length, 2);
      } else {
        head = Buffer.alloc(10);
        head[0] = 0x81;
        head[1] = 127;
        head.writeBigUInt64BE(BigInt(payload.length), 2);
      }
      socket.write(Buffer.concat([head, payload]));
    },
    close() {
      if (!conn.open) return;
      conn.open = false;
      try {
        socket.end(Buffer.from([0x88, 0]));
      } catch {
        /* gone */
      }
    },
  };
  let buf = Buffer.alloc(0);
  socket.on('data', (d) => {
    buf = Buffer.concat([buf, d]);
    for (;;) {
      if (buf.length < 2) return;
      const op = buf[0] & 0x0f;
      let len = buf[1] & 0x7f;
      let off = 2;
      if (len === 126) {
        if (buf.length < 4) return;
        len = buf.readUInt16BE(2);
        off = 4;
      } else if (len === 127) {
        if (buf.length < 10) return;
        len = Number(buf.readBigUInt64BE(2));
        off = 10;
      }
      const masked = buf[1] & 0x80;
      const maskOff = off;
      if (masked) off += 4;
      if (buf.length < off + len) return;
      const payload = Buffer.from(buf.subarray(off, off + len));
      if (masked) for (let i = 0; i < len; i++) payload[i] ^= buf[maskOff + (i % 4)];
      buf = buf.subarray(off + len);
      if (op === 0x8) return conn.close();
      if (op === 0x9) socket.write(Buffer.concat([Buffer.from([0x8a, payload.length]), payload]));
      else if (op === 0x1) onMessage(payload.toString('utf8'));
    }
  });
  socket.on('close', () => {
    conn.open = false;
  });
  socket.on('error', () => {
    conn.open = false;
  });
  return conn;
}

// ---------- HTTP ----------

class HttpError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}
const notFound = (what) => new HttpError(404, 5, `${what} not found`);

function page(items, params, key = 'id') {
  const start = BigInt(params.get('start_after') || '0');
  let limit = parseInt(params.get('limit') || '0', 10) || 50;
  limit = Math.min(limit, 200);
  const after = items.filter((x) => BigInt(x[key]) > start);
  const slice = after.slice(0, limit);
  return { items: slice, next: after.length > limit ? String(slice[slice.length - 1][key]) : '0' };
}

/** Parses `tx.height=12 AND message.sender='infer1…'` into [{key, value}]. */
function parseTxQuery(q) {
  return q
    .split(/\s+AND\s+/i)
    .map((c) => c.trim())
    .filter(Boolean)
    .map((c) => {
      const m = /^([\w.]+)\s*=\s*'?([^']*)'?$/.exec(c);
      if (!m) throw new HttpError(400, 3, `invalid query condition ${c}`);
      return { key: m[1], value: m[2] };
    });
}

function txMatches(t, conds) {
  return conds.every(({ key, value }) => {
    if (key === 'tx.height') return String(t.height) === value;
    if (key === 'tx.hash') return t.response.txhash === value.toUpperCase();
    const dot = key.indexOf('.');
    const type = key.slice(0, dot);
    const attr = key.slice(dot + 1);
    return t.response.events.some((e) => e.type === type && e.attributes.some((a) => a.key === attr && a.value === value));
  });
}

function decodeQueryArg(seg) {
  const s = decodeURIComponent(seg).replace(/-/g, '+').replace(/_/g, '/');
  try {
    return JSON.parse(Buffer.from(s, 'base64').toString('utf8'));
  } catch {
    throw new HttpError(400, 3, 'query data must be base64 of a JSON query');
  }
}

function smartQuery(world, address, q) {
  const C = world.C;
  const variant = Object.keys(q)[0];
  const args = q[variant] || {};
  const err = () => new HttpError(500, 2, `Error parsing into type ${address === C.challenge ? 'inferchain_challenge' : 'contract'}::msg::QueryMsg: unknown variant \`${variant}\`: query wasm contract failed`);
  if (address === C.challenge) {
    if (variant === 'config') return { owner: C.governance, staking: C.staking, reputation: C.reputation, creation_deposit: '1000000', forfeit_destination: 'burn', max_top_k: 10 };
    if (variant === 'challenges') {
      let list = world.challenges;
      if (args.status) list = list.filter((c) => c.status === args.status);
      if (args.start_after) list = list.filter((c) => c.id > args.start_after);
      return { challenges: list.slice(0, Math.min(args.limit ?? 10, 100)) };
    }
    if (variant === 'challenge') {
      const c = world.challenges.find((x) => x.id === args.challenge_id);
      if (!c) throw new HttpError(500, 2, `Challenge ${args.challenge_id} not found: query wasm contract failed`);
      return c;
    }
    if (variant === 'leaderboard') {
      const l = world.leaderboards[args.challenge_id];
      if (!l) throw new HttpError(500, 2, `Challenge ${args.challenge_id} not found: query wasm contract failed`);
      return l;
    }
    if (variant === 'liabilities') return { escrow: '3000000' };
    throw err();
  }
  if (address === C.reputation) {
    if (variant === 'config') return { owner: C.governance, reporters: [C.challenge, C.staking], params: { decay_bps: 9000, challenge_weight: '1000', consumption_weight: '100', slash_penalty: '50' } };
    if (variant === 'ranking') return { ranking: world.ranking.slice(0, Math.min(args.limit ?? 10, 30)) };
    if (variant === 'reputation') {
      const r = world.ranking.find((x) => x.address === args.address);
      return r || { address: args.address, reputation: { performance: '0', consumption: '0', consumption_score: '0', penalty: '0', slashes: 0, slashed_amount: '0', challenges: 0, wins: 0, score: '0' } };
    }
    throw err();
  }
  if (world.contracts[address]) {
    if (variant === 'config') return { owner: C.governance };
    throw err();
  }
  throw new HttpError(404, 5, `contract ${address}: not found`);
}

function makeRoutes(world, opts, pg, origin) {
  const A = world.A;
  const coins = (amount) => [{ denom: 'uspec', amount }];
  const nodeInfo = {
    default_node_info: {
      protocol_version: { p2p: '8', block: '11', app: '0' },
      default_node_id: createHash('sha256').update('node0').digest('hex').slice(0, 40),
      listen_addr: 'tcp://0.0.0.0:26656',
      network: world.chainId,
      version: '0.38.26',
      channels: Buffer.from([0x40, 0x20, 0x21, 0x22, 0x23, 0x30, 0x38, 0x60, 0x61, 0x00]).toString('base64'),
      moniker: 'node0',
      other: { tx_index: 'on', rpc_address: 'tcp://127.0.0.1:26657' },
    },
    application_version: {
      name: 'inferchain',
      app_name: 'inferchaind',
      version: '0.1.0',
      git_commit: '',
      build_tags: '',
      go_version: '',
      build_deps: [],
      cosmos_sdk_version: '',
    },
  };
  const keplr = {
    chainId: world.chainId,
    chainName: 'InferChain (local)',
    rpc: 'http://127.0.0.1:26657',
    rest: origin,
    bip44: { coinType: 118 },
    bech32Config: {
      bech32PrefixAccAddr: 'infer',
      bech32PrefixAccPub: 'inferpub',
      bech32PrefixValAddr: 'infervaloper',
      bech32PrefixValPub: 'infervaloperpub',
      bech32PrefixConsAddr: 'infervalcons',
      bech32PrefixConsPub: 'infervalconspub',
    },
    currencies: [{ coinDenom: 'SPEC', coinMinimalDenom: 'uspec', coinDecimals: 6 }],
    feeCurrencies: [{ coinDenom: 'SPEC', coinMinimalDenom: 'uspec', coinDecimals: 6, gasPriceStep: { low: 0.025, average: 0.03, high: 0.04 } }],
    stakeCurrency: { coinDenom: 'SPEC', coinMinimalDenom: 'uspec', coinDecimals: 6 },
    features: ['cosmwasm'],
  };
  const routes = [
    ['GET', /^\/config\.json$/, () => ({
      chain_id: world.chainId,
      rest: '',
      rpc: origin,
      websocket: `${origin.replace(/^http/, 'ws')}/websocket`,
      sidecar: opts.sidecar ? `${origin}/sidecar` : null,
      denom: 'uspec',
      display_denom: 'SPEC',
      decimals: 6,
      bech32_prefix: 'infer',
      contracts: world.C,
    })],
    ['GET', /^\/keplr\.json$/, () => keplr],
    ['GET', /^\/chain\.json$/, () => ({
      $schema: '../chain.schema.json',
      chain_name: 'inferchainlocal',
      chain_type: 'cosmos',
      status: 'live',
      network_type: 'devnet',
      pretty_name: 'InferChain (local)',
      chain_id: world.chainId,
      bech32_prefix: 'infer',
      slip44: 118,
      fees: { fee_tokens: [{ denom: 'uspec', fixed_min_gas_price: 0.025, low_gas_price: 0.025, average_gas_price: 0.03, high_gas_price: 0.04 }] },
      staking: { staking_tokens: [{ denom: 'uspec' }] },
      apis: { rpc: [{ address: 'http://127.0.0.1:26657' }], rest: [{ address: origin }], grpc: [{ address: '127.0.0.1:9090' }] },
    })],

    // --- CometBFT service ---
    ['GET', /^\/cosmos\/base\/tendermint\/v1beta1\/node_info$/, () => nodeInfo],
    ['GET', /^\/cosmos\/base\/tendermint\/v1beta1\/syncing$/, () => ({ syncing: false })],
    ['GET', /^\/cosmos\/base\/tendermint\/v1beta1\/blocks\/latest$/, () => blockJson(world, world.height)],
    ['GET', /^\/cosmos\/base\/tendermint\/v1beta1\/blocks\/(\d+)$/, (m) => {
      const h = parseInt(m[1], 10);
      if (h < 1 || h > world.height) throw new HttpError(400, 3, `requested block height ${h} is bigger then the chain length ${world.height}`);
      return blockJson(world, h);
    }],
    ['GET', /^\/cosmos\/base\/tendermint\/v1beta1\/validatorsets\/latest$/, () => ({
      block_height: String(world.height),
      validators: [{ address: world.valcons, pub_key: { '@type': '/cosmos.crypto.ed25519.PubKey', key: createHash('sha256').update('valpk').digest('base64') }, voting_power: '10', proposer_priority: '0' }],
      pagination: { next_key: null, total: '1' },
    })],

    // --- tx service ---
    ['GET', /^\/cosmos\/tx\/v1beta1\/txs$/, (m, params) => {
      const q = params.get('query') || params.getAll('events').join(' AND ');
      if (!q) throw new HttpError(400, 3, 'query cannot be empty');
      const conds = parseTxQuery(q);
      let list = world.txs.filter((t) => txMatches(t, conds));
      if (params.get('order_by') === 'ORDER_BY_DESC') list = [...list].reverse();
      const limit = parseInt(params.get('limit') || params.get('pagination.limit') || '100', 10);
      const pageN = parseInt(params.get('page') || '1', 10);
      const offset = params.has('pagination.offset') ? parseInt(params.get('pagination.offset'), 10) : (pageN - 1) * limit;
      const slice = list.slice(offset, offset + limit);
      return { txs: slice.map((t) => t.tx), tx_responses: slice.map((t) => t.response), pagination: null, total: String(list.length) };
    }],
    ['GET', /^\/cosmos\/tx\/v1beta1\/txs\/([0-9A-Fa-f]{64})$/, (m) => {
      const t = world.txs.find((x) => x.response.txhash === m[1].toUpperCase());
      if (!t) throw new HttpError(404, 5, `tx not found: ${m[1]}`);
      return { tx: t.tx, tx_response: t.response };
    }],
    // Mock-only: what was broadcast (test/keplr-mock.mjs decodes it).
    ['GET', /^\/__mock\/broadcasts$/, () => ({ broadcasts: world.broadcasts })],
    ['POST', /^\/cosmos\/tx\/v1beta1\/simulate$/, () => ({
      gas_info: { gas_wanted: '0', gas_used: '91234' },
      result: { data: '', log: '', events: [], msg_responses: [] },
    })],
    ['POST', /^\/cosmos\/tx\/v1beta1\/txs$/, (m, params, body) => {
      if (!body?.tx_bytes) throw new HttpError(400, 3, 'tx_bytes is required');
      const txhash = createHash('sha256').update(Buffer.from(body.tx_bytes, 'base64')).digest('hex').toUpperCase();
      world.broadcasts.push({ txhash, tx_bytes: body.tx_bytes, mode: body.mode });
      return { tx_response: { height: '0', txhash, codespace: '', code: 0, data: '', raw_log: '', logs: [], info: '', gas_wanted: '0', gas_used: '0', tx: null, timestamp: '', events: [] } };
    }],

    // --- auth / bank ---
    ['GET', /^\/cosmos\/auth\/v1beta1\/accounts\/(infer1[a-z0-9]+)$/, (m) => {
      const a = world.accounts[m[1]];
      if (!a) throw new HttpError(404, 5, `account ${m[1]} not found`);
      return { account: a };
    }],
    ['GET', /^\/cosmos\/bank\/v1beta1\/balances\/(infer1[a-z0-9]+)$/, (m) => {
      const b = world.balances[m[1]];
      return { balances: b ? coins(b) : [], pagination: { next_key: null, total: b ? '1' : '0' } };
    }],
    ['GET', /^\/cosmos\/bank\/v1beta1\/supply$/, () => ({ supply: coins('1000000000000'), pagination: { next_key: null, total: '1' } })],

    // --- wasm ---
    ['GET', /^\/cosmwasm\/wasm\/v1\/code$/, () => ({
      code_infos: ['staking', 'challenge', 'reputation', 'governance', 'lending'].map((n, i) => ({
        code_id: String(i + 1),
        creator: A.faucet,
        data_hash: createHash('sha256').update(`code/${n}`).digest('hex').toUpperCase(),
        instantiate_permission: { permission: 'Everybody', addresses: [] },
      })),
      pagination: { next_key: null, total: '5' },
    })],
    ['GET', /^\/cosmwasm\/wasm\/v1\/code\/(\d+)\/contracts$/, (m) => ({
      contracts: Object.values(world.contracts).filter((c) => c.code_id === m[1]).map((c) => c.address),
      pagination: { next_key: null, total: '0' },
    })],
    ['GET', /^\/cosmwasm\/wasm\/v1\/contract\/(infer1[a-z0-9]+)$/, (m) => {
      const c = world.contracts[m[1]];
      if (!c) throw new HttpError(404, 5, `address ${m[1]}: not found`);
      return {
        address: c.address,
        contract_info: { code_id: c.code_id, creator: c.creator, admin: c.admin, label: c.label, created: c.created, ibc_port_id: '', ibc2_port_id: '', extension: null },
      };
    }],
    ['GET', /^\/cosmwasm\/wasm\/v1\/contract\/(infer1[a-z0-9]+)\/history$/, (m) => {
      const c = world.contracts[m[1]];
      if (!c) throw new HttpError(404, 5, `address ${m[1]}: not found`);
      return {
        entries: [{ operation: 'CONTRACT_CODE_HISTORY_OPERATION_TYPE_INIT', code_id: c.code_id, updated: c.created, msg: c.init_msg }],
        pagination: { next_key: null, total: '0' },
      };
    }],
    ['GET', /^\/cosmwasm\/wasm\/v1\/contract\/(infer1[a-z0-9]+)\/smart\/([^/]+)$/, (m) => ({ data: smartQuery(world, m[1], decodeQueryArg(m[2])) })],

    // --- inference module ---
    ['GET', /^\/inferchain\/inference\/v1\/params$/, () => ({ params: world.params })],
    ['GET', /^\/inferchain\/inference\/v1\/architectures$/, () => ({ architectures: world.architectures })],
    ['GET', /^\/inferchain\/inference\/v1\/architectures\/([^/]+)$/, (m) => {
      const a = world.architectures.find((x) => x.name === decodeURIComponent(m[1]));
      if (!a) throw notFound(`architecture ${m[1]}`);
      return { architecture: a };
    }],
    ['GET', /^\/inferchain\/inference\/v1\/models$/, (m, p) => {
      let l = world.models;
      if (p.get('owner')) l = l.filter((x) => x.owner === p.get('owner'));
      if (p.get('architecture')) l = l.filter((x) => x.architecture === p.get('architecture'));
      const r = page(l, p);
      return { models: r.items, next: r.next };
    }],
    ['GET', /^\/inferchain\/inference\/v1\/models\/(\d+)$/, (m) => {
      const x = world.models.find((y) => y.id === m[1]);
      if (!x) throw notFound(`model ${m[1]}`);
      return { model: x };
    }],
    ['GET', /^\/inferchain\/inference\/v1\/feeds$/, (m, p) => {
      let l = world.feeds;
      if (p.get('owner')) l = l.filter((x) => x.owner === p.get('owner'));
      const r = page(l, p);
      return { feeds: r.items, next: r.next };
    }],
    ['GET', /^\/inferchain\/inference\/v1\/feeds\/(\d+)$/, (m) => {
      const x = world.feeds.find((y) => y.id === m[1]);
      if (!x) throw notFound(`feed ${m[1]}`);
      return { feed: x };
    }],
    ['GET', /^\/inferchain\/inference\/v1\/requests$/, (m, p) => {
      let l = world.requests;
      for (const k of ['feed_id', 'model_id']) if (p.get(k) && p.get(k) !== '0') l = l.filter((x) => x[k] === p.get(k));
      if (p.get('requester')) l = l.filter((x) => x.requester === p.get('requester'));
      if (p.get('status')) l = l.filter((x) => x.status === p.get('status'));
      const r = page(l, p);
      return { requests: r.items, next: r.next };
    }],
    ['GET', /^\/inferchain\/inference\/v1\/requests\/(\d+)$/, (m) => {
      const x = world.requests.find((y) => y.id === m[1]);
      if (!x) throw notFound(`request ${m[1]}`);
      return { request: x };
    }],
    ['GET', /^\/inferchain\/inference\/v1\/challenges\/(\d+)$/, (m) => {
      const c = world.challenges.find((x) => String(x.id) === m[1]);
      if (!c) throw notFound(`challenge ${m[1]}`);
      const revealed = c.status !== 'open';
      return {
        challenge_id: String(c.id),
        architecture: c.architecture_id,
        metric: c.metric,
        status: c.status,
        scoring_deadline: String(BigInt(c.scoring_deadline) / 1000000000n),
        test_set: revealed ? Buffer.from('ICTS\x01mock test set').toString('base64') : '',
        test_set_hash: revealed ? createHash('sha256').update(`poseidon/${c.id}`).digest('hex') : '',
        rows: revealed ? '64' : '0',
      };
    }],
    ['GET', /^\/inferchain\/inference\/v1\/escrow$/, () => world.escrow],
  ];
  if (opts.sidecar) {
    routes.push(
      ['GET', /^\/sidecar\/playground\/models$/, () => ({
        models: [{ model_id: '1', architecture: pg.quant.arch, mode: pg.mode, commitment: pg.commitment, quant: pg.quant }],
      })],
      ['POST', /^\/sidecar\/playground\/prove$/, async (m, p, body) => {
        if (!body || body.model_id !== '1') throw Object.assign(new HttpError(404, 5, `model ${body?.model_id} has no published weights`), { sidecar: true });
        if (typeof body.nonce !== 'string' || !/^[0-9a-fA-F]{1,64}$/.test(body.nonce)) throw Object.assign(new HttpError(400, 3, 'nonce must be 1-64 hex digits'), { sidecar: true });
        if (!Array.isArray(body.input) || body.input.length !== 16 || !body.input.every(Number.isInteger)) {
          throw Object.assign(new HttpError(400, 3, 'input must be 16 fixed-point integers'), { sidecar: true });
        }
        const t0 = Date.now();
        const r = await pg.prove(body);
        return { model_id: '1', architecture: pg.quant.arch, mode: pg.mode, commitment: pg.commitment, ...r, prove_ms: Date.now() - t0 };
      }],
    );
  }
  return routes;
}

function serveStatic(req, res, pathname, opts) {
  let p = pathname === '/' ? '/index.html' : pathname;
  const name = p.slice(1);
  let dir = distDir;
  // The stub replaces dist's module unless --real.
  if (!opts.real && (name === 'inferchain_web.js' || name === 'inferchain_web_bg.wasm')) dir = stubDir;
  const file = normalize(join(dir, p));
  if (!file.startsWith(dir) || !existsSync(file)) {
    if (p === '/index.html') {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('web/dist is not built: run `npm run build` in web/');
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
    return;
  }
  res.writeHead(200, { 'content-type': MIME[extname(file)] || 'application/octet-stream', 'cache-control': 'no-store' });
  res.end(readFileSync(file));
}

export async function startMock(userOpts = {}) {
  const opts = { ...parseArgs([]), ...userOpts };
  if (opts.dist) distDir = opts.dist;
  const pg = await playgroundSetup(opts);
  const world = buildWorld({ pg });
  world.broadcasts = [];
  const clients = new Set();
  let origin = '';
  let routes = null;

  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    const cors = { 'access-control-allow-origin': '*', 'access-control-allow-headers': 'content-type', 'access-control-allow-methods': 'GET, POST, OPTIONS' };
    if (req.method === 'OPTIONS') {
      res.writeHead(204, cors);
      res.end();
      return;
    }
    const route = routes.find(([method, re]) => method === req.method && re.test(url.pathname));
    if (!route) {
      if (req.method === 'GET' && !/^\/(cosmos|cosmwasm|inferchain|sidecar|__mock)\//.test(url.pathname)) return serveStatic(req, res, url.pathname, opts);
      res.writeHead(501, { 'content-type': 'application/json', ...cors });
      res.end(JSON.stringify({ code: 12, message: `Not Implemented: ${req.method} ${url.pathname}`, details: [] }));
      return;
    }
    let body = null;
    if (req.method === 'POST') {
      const chunks = [];
      for await (const c of req) chunks.push(c);
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
      } catch {
        res.writeHead(400, { 'content-type': 'application/json', ...cors });
        res.end(JSON.stringify({ code: 3, message: 'invalid JSON body', details: [] }));
        return;
      }
    }
    try {
      const out = await route[2](url.pathname.match(route[1]), url.searchParams, body);
      res.writeHead(200, { 'content-type': 'application/json', ...cors });
      res.end(JSON.stringify(out));
    } catch (e) {
      const status = e.status || 500;
      const payload = url.pathname.startsWith('/sidecar/') ? { error: e.message } : { code: e.code ?? 2, message: e.message, details: [] };
      res.writeHead(status, { 'content-type': 'application/json', ...cors });
      res.end(JSON.stringify(payload));
      if (!e.status) console.error('mock: handler error', e);
    }
  });

  server.on('upgrade', (req, socket) => {
    if (new URL(req.url, 'http://x').pathname !== '/websocket') return socket.destroy();
    const conn = wsAccept(req, socket, (text) => {
      let m;
      try {
        m = JSON.parse(text);
      } catch {
        return conn.send(JSON.stringify({ jsonrpc: '2.0', id: -1, error: { code: -32700, message: 'Parse error' } }));
      }
      if (m.method === 'subscribe') {
        conn.sub = m.params?.query;
        conn.subId = m.id;
        conn.send(JSON.stringify({ jsonrpc: '2.0', id: m.id, result: {} }));
      } else if (m.method === 'unsubscribe_all') {
        conn.sub = null;
        conn.send(JSON.stringify({ jsonrpc: '2.0', id: m.id, result: {} }));
      } else {
        conn.send(JSON.stringify({ jsonrpc: '2.0', id: m.id, error: { code: -32601, message: 'Method not found' } }));
      }
    });
    clients.add(conn);
    socket.on('close', () => clients.delete(conn));
  });

  await new Promise((r) => server.listen(opts.port, opts.host, r));
  origin = `http://${opts.host}:${server.address().port}`;
  routes = makeRoutes(world, opts, pg, origin);

  const timer = setInterval(() => {
    world.height += 1;
    for (const c of clients) {
      if (c.open && c.sub && c.sub.includes('NewBlock')) {
        const ev = newBlockEvent(world, world.height);
        ev.id = c.subId;
        c.send(JSON.stringify(ev));
      }
    }
  }, opts.blockMs);

  const send = world.txs.find((t) => t.tx.body.messages[0]['@type'] === '/cosmos.bank.v1beta1.MsgSend' && !t.response.code);
  const expect = {
    tx_hash: send.response.txhash,
    tx_height: String(send.height),
    tx_msg_type: '/cosmos.bank.v1beta1.MsgSend',
    challenge_id: '1',
    ranks: world.leaderboards[1].entries.filter((e) => e.rank !== null).map((e) => ({ rank: e.rank, modeler: e.modeler })),
    playground: { model_id: '1', input: PLAYGROUND_INPUT, output: pg.expectOutput },
  };
  if (opts.expectOut) writeFileSync(opts.expectOut, JSON.stringify(expect, null, 2));

  return {
    url: `${origin}/`,
    world,
    expect,
    close: () =>
      new Promise((r) => {
        clearInterval(timer);
        for (const c of clients) c.close();
        server.closeAllConnections?.();
        server.close(r);
      }),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const opts = parseArgs(process.argv.slice(2));
  const m = await startMock(opts);
  console.log(`mock: listening on ${m.url} (${opts.real ? 'real wasm + prover' : 'stub wasm'}${opts.sidecar ? ', sidecar at /sidecar' : ', no sidecar'})`);
  if (opts.expectOut) console.log(`mock: expectations written to ${opts.expectOut}`);
  const stop = () => m.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
