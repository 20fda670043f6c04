#!/usr/bin/env node
// End-to-end test of the web app in a real headless Chromium (playwright-core driving the
// system's /usr/bin/chromium; no browser download).
//
//   WEB_URL=http://127.0.0.1:1317/ [EXPECT=expect.json] [ARTIFACTS=dir] node test/e2e.mjs
//
// Env:
//   WEB_URL           the page's base URL (may carry query-string overrides, e.g. ?sidecar=…); or argv[2]
//   EXPECT            JSON written by the test harness: {tx_hash, tx_height, challenge_id,
//                     ranks:[{rank, modeler}], playground:{model_id, input, output}} (optional
//                     tx_msg_type); without it the checks are generic
//   ARTIFACTS         where screenshots go (default web/test/artifacts)
//   CHROMIUM          the browser (default /usr/bin/chromium)
//   TIMEOUT_SCALE     multiplies every timeout (slow machines)
//   PROVE_TIMEOUT_MS  how long "Prove & verify" may take (default 300000)
//   ALLOW_STUB=1      accept the JS stub of the WebAssembly module (mock-server development only)
//   SKIP_PROVE=1      skip checks 4 and 5 (no sidecar)
//
// Checks: (1) the explorer lists blocks, live, and the block at tx_height shows tx_hash whose
// page shows its decoded message type; (2) the challenge's leaderboard plot has one element
// per ranked modeler with the expected ranks; (3) the in-browser output for playground.input
// equals playground.output; (4) "Prove & verify" ends verified, naming the chain's commitment;
// (5) a tampered copy of the proof fails. A screenshot after each; timings as "bench:" lines.

import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const WEB_URL = process.env.WEB_URL || process.argv[2];
if (!WEB_URL) {
  console.error('usage: WEB_URL=http://host:port/ [EXPECT=file.json] [ARTIFACTS=dir] node test/e2e.mjs');
  process.exit(2);
}
const EXPECT = process.env.EXPECT ? JSON.parse(readFileSync(process.env.EXPECT, 'utf8')) : null;
const ARTIFACTS = process.env.ARTIFACTS || join(here, 'artifacts');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SCALE = parseFloat(process.env.TIMEOUT_SCALE || '1');
const T = (ms) => Math.round(ms * SCALE);
const PROVE_TIMEOUT = T(parseInt(process.env.PROVE_TIMEOUT_MS || '300000', 10));
const ALLOW_STUB = process.env.ALLOW_STUB === '1';
const SKIP_PROVE = process.env.SKIP_PROVE === '1';
const BASE = WEB_URL.split('#')[0];

mkdirSync(ARTIFACTS, { recursive: true });

const failures = [];
const t0All = Date.now();
let shot = 0;

function log(s) {
  console.log(`[${((Date.now() - t0All) / 1000).toFixed(1).padStart(6)}s] ${s}`);
}
function ok(s) {
  log(`ok: ${s}`);
}
function fail(s) {
  failures.push(s);
  log(`FAIL: ${s}`);
}
function bench(k, v) {
  console.log(`bench: web ${k}=${v}`);
}
function check(cond, okMsg, failMsg) {
  if (cond) ok(okMsg);
  else fail(failMsg);
  return cond;
}

const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
const context = await browser.newContext({ viewport: { width: 1360, height: 1000 } });
const page = await context.newPage();
const consoleErrors = [];
page.on('console', (m) => {
  if (m.type() === 'error') consoleErrors.push(m.text());
});
page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));

async function screenshot(name) {
  const file = join(ARTIFACTS, `${String(++shot).padStart(2, '0')}-${name}.png`);
  try {
    await page.screenshot({ path: file, fullPage: true });
    log(`screenshot ${file}`);
  } catch (e) {
    log(`screenshot ${name} failed: ${e.message}`);
  }
}

let loaded = false;
async function go(hash) {
  if (!loaded) {
    await page.goto(`${BASE}#${hash}`, { waitUntil: 'domcontentloaded', timeout: T(30000) });
    await page.waitForFunction(() => window.inferchainApp?.ready === true, null, { timeout: T(30000) });
    loaded = true;
  } else {
    await page.evaluate((h) => {
      location.hash = h;
    }, hash);
  }
}

/** Runs a section; a thrown error (a timeout, usually) is that section's failure. */
async function section(name, fn) {
  log(`--- ${name}`);
  try {
    await fn();
  } catch (e) {
    fail(`${name}: ${e.message.split('\n')[0]}`);
  }
  await screenshot(name.replace(/[^a-z0-9]+/gi, '-').toLowerCase());
}

const attr = (sel, name) => page.$eval(sel, (el, n) => el.getAttribute(n), name);

// (1) explorer
await section('explorer', async () => {
  const t0 = Date.now();
  await go('/blocks');
  await page.waitForSelector('[data-testid=explorer-blocks] [data-testid=block-row]', { timeout: T(30000) });
  bench('page_load_ms', Date.now() - t0);
  const heights = await page.$$eval('[data-testid=block-row]', (rows) => rows.map((r) => parseInt(r.dataset.height, 10)));
  const top = Math.max(...heights);
  ok(`the explorer lists ${heights.length} blocks, latest ${top}`);
  // Live: a newer block appears without a reload.
  await page.waitForFunction(
    (h) => [...document.querySelectorAll('[data-testid=block-row]')].some((r) => parseInt(r.dataset.height, 10) > h),
    top,
    { timeout: T(30000) },
  );
  ok('a new block appeared without a reload');
  const header = await attr('[data-testid=latest-height]', 'data-height');
  check(parseInt(header, 10) > top, `the header's height follows (${header})`, `the header's height ${header} did not advance past ${top}`);
});

await section('block and transaction', async () => {
  let height;
  let hash;
  if (EXPECT?.tx_height && EXPECT?.tx_hash) {
    height = EXPECT.tx_height;
    hash = EXPECT.tx_hash.toUpperCase();
  } else {
    log('no EXPECT tx: checking the latest block only');
    height = await attr('[data-testid=block-row]', 'data-height');
  }
  await go(`/block/${height}`);
  await page.waitForSelector('[data-testid=block-detail] .kv', { timeout: T(20000) });
  if (!hash) {
    ok(`block ${height} renders`);
    return;
  }
  await page.waitForSelector(`[data-testid=tx-row][data-hash="${hash}"]`, { timeout: T(20000) });
  ok(`block ${height} lists tx ${hash}`);
  await page.click(`[data-testid=tx-row][data-hash="${hash}"] a[href^="#/tx/"]`);
  await page.waitForSelector('[data-testid=tx-msg-type]', { timeout: T(20000) });
  const types = await page.$$eval('[data-testid=tx-msg-type]', (els) => els.map((e) => e.textContent.trim()));
  check(types.length > 0 && types.every((t) => t.startsWith('/')), `the tx page shows its decoded messages: ${types.join(', ')}`, `the tx page's message types look wrong: ${JSON.stringify(types)}`);
  if (EXPECT.tx_msg_type) {
    check(types.includes(EXPECT.tx_msg_type), `…including ${EXPECT.tx_msg_type}`, `expected message type ${EXPECT.tx_msg_type}, got ${types.join(', ')}`);
  }
});

// (2) challenge leaderboard plot
await section('challenge', async () => {
  let cid = EXPECT?.challenge_id;
  if (!cid) {
    await go('/challenges');
    const row = await page.waitForSelector('[data-testid=challenge-row]', { timeout: T(20000) });
    cid = await row.getAttribute('data-id');
  }
  await go(`/challenge/${cid}`);
  const want = EXPECT?.ranks ? [...EXPECT.ranks].sort((a, b) => a.rank - b.rank) : null;
  await page.waitForSelector('svg[data-testid=leaderboard-plot] [data-rank]', { timeout: T(30000) });
  if (want) {
    await page
      .waitForFunction((n) => document.querySelectorAll('svg[data-testid=leaderboard-plot] [data-rank]').length === n, want.length, { timeout: T(15000) })
      .catch(() => {});
  }
  const got = await page.$$eval('svg[data-testid=leaderboard-plot] [data-rank]', (els) =>
    els.map((e) => ({ rank: parseInt(e.dataset.rank, 10), modeler: e.dataset.modeler, score: e.dataset.score })),
  );
  got.sort((a, b) => a.rank - b.rank);
  ok(`challenge ${cid}'s plot: ${got.map((g) => `#${g.rank} ${g.modeler} ${g.score}`).join('; ')}`);
  if (want) {
    const same = got.length === want.length && want.every((w, i) => got[i].rank === w.rank && got[i].modeler === w.modeler);
    check(same, `the plot has one element per ranked modeler, as expected (${want.length})`, `plot ${JSON.stringify(got)} != expected ${JSON.stringify(want)}`);
  } else {
    check(got.length > 0, 'the plot has ranked modelers', 'the plot is empty');
  }
  const rep = await page.waitForSelector('[data-testid=reputation-ranking] table, [data-testid=reputation-ranking] .empty', { timeout: T(20000) }).catch(() => null);
  check(!!rep, 'the reputation ranking renders', 'the reputation ranking did not render');
});

// (3) playground: in-browser inference
let playgroundOk = false;
await section('playground', async () => {
  const id = EXPECT?.playground?.model_id;
  const t0 = Date.now();
  await go(id ? `/playground/${id}` : '/playground');
  await page.waitForFunction(
    () => {
      const o = document.querySelector('[data-testid=playground-output]');
      return o && (o.dataset.output || o.dataset.error);
    },
    null,
    { timeout: T(60000) },
  );
  bench('playground_ready_ms', Date.now() - t0);
  playgroundOk = !!(await attr('[data-testid=playground-output]', 'data-output'));
  const wasm = await page.evaluate(() => window.inferchainApp.wasm);
  if (wasm?.stub) {
    if (ALLOW_STUB) log('note: the page runs the JS STUB of the WebAssembly module (ALLOW_STUB=1)');
    else fail('the page runs the development STUB of the WebAssembly module, not web/pkg\'s');
  }
  if (wasm) bench('wasm_init_ms', Math.round(wasm.initMs));
  const input = EXPECT?.playground?.input;
  if (input) {
    await page.fill('[data-testid=playground-json]', JSON.stringify(input));
    await page.check('[data-testid=playground-ints]');
    const t1 = Date.now();
    await page.click('[data-testid=playground-apply]');
    const want = JSON.stringify(EXPECT.playground.output.map(Number));
    try {
      await page.waitForFunction((w) => document.querySelector('[data-testid=playground-output]')?.dataset.output === w, want, { timeout: T(10000) });
      bench('infer_update_ms', Date.now() - t1);
      ok(`in-browser output for the harness's input is ${want}, as the prover's`);
    } catch {
      const got = await attr('[data-testid=playground-output]', 'data-output');
      const err = await attr('[data-testid=playground-output]', 'data-error');
      fail(`in-browser output ${got || `(error: ${err})`} != expected ${want}`);
    }
  } else {
    const got = await attr('[data-testid=playground-output]', 'data-output');
    check(!!got, `in-browser output ${got}`, 'no in-browser output');
  }
  // A slider move updates the output at once (no chain call).
  const before = await attr('[data-testid=playground-output]', 'data-output');
  await page.$eval('[data-testid=playground-slider][data-index="0"]', (el) => {
    el.value = String(Math.min(1024, parseInt(el.value, 10) + 512));
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await page.waitForFunction((b) => document.querySelector('[data-testid=playground-output]')?.dataset.output !== b, before, { timeout: T(3000) }).catch(() => {});
  const after = await attr('[data-testid=playground-output]', 'data-output');
  log(`slider x0 moved: output ${before} -> ${after}${before === after ? ' (unchanged: ReLU may have cut it)' : ''}`);
  if (input) {
    await page.click('[data-testid=playground-apply]');
    await page.waitForFunction((b) => document.querySelector('[data-testid=playground-output]')?.dataset.output === b, before, { timeout: T(3000) });
  }
  const match = await page
    .waitForFunction(() => document.querySelector('[data-testid=playground-commitment]')?.dataset.match, null, { timeout: T(15000) })
    .then(() => attr('[data-testid=playground-commitment]', 'data-match'))
    .catch(() => '');
  if (match === 'true') ok('the published weights hash to the on-chain commitment');
  else if (match === 'false') fail(`the published weights' commitment ${await attr('[data-testid=playground-commitment]', 'data-commitment')} != the chain's ${await attr('[data-testid=playground-commitment]', 'data-chain-commitment')}`);
  else log('note: the on-chain commitment could not be compared');
});

// (4) prove & verify, (5) tampered proof
const sidecar = await page.evaluate(() => window.inferchainApp.config?.sidecar).catch(() => null);
if (SKIP_PROVE) {
  log('SKIP_PROVE=1: not proving');
} else if (!sidecar) {
  fail('no sidecar configured (config.json "sidecar" or ?sidecar=…): cannot prove; set SKIP_PROVE=1 to skip');
} else if (!playgroundOk) {
  fail('prove & verify: skipped, the playground shows no in-browser output');
} else {
  let verified = false;
  await section('prove and verify', async () => {
    await page.waitForSelector('[data-testid=playground-prove]:not([disabled])', { timeout: T(20000) });
    const t0 = Date.now();
    await page.click('[data-testid=playground-prove]');
    await page.waitForFunction(
      () => ['verified', 'failed'].includes(document.querySelector('[data-testid=playground-verify-status]')?.dataset.state),
      null,
      { timeout: PROVE_TIMEOUT, polling: 250 },
    );
    bench('prove_and_verify_total_ms', Date.now() - t0);
    const st = await page.$eval('[data-testid=playground-verify-status]', (el) => ({ ...el.dataset, text: el.textContent }));
    if (st.proveMs) bench('sidecar_roundtrip_ms', st.proveMs);
    if (st.sidecarProveMs) bench('sidecar_prove_ms', st.sidecarProveMs);
    const prepMs = await attr('[data-testid=playground-circuit]', 'data-ms');
    if (prepMs) bench('prepare_verifier_ms', prepMs);
    if (st.verifyMs) bench('verify_ms', st.verifyMs);
    if (st.state !== 'verified') {
      fail(`prove & verify ended "${st.text.trim()}"`);
      return;
    }
    let chainCommitment = await attr('[data-testid=playground-commitment]', 'data-chain-commitment');
    const id = EXPECT?.playground?.model_id;
    if (id) {
      chainCommitment = await page.evaluate(async (mid) => {
        const r = await fetch(`${window.inferchainApp.config.rest}/inferchain/inference/v1/models/${mid}`);
        return (await r.json()).model?.commitment || '';
      }, id);
    }
    check(/^Verified/.test(st.text.trim()), `status: ${st.text.trim().slice(0, 160)}…`, `status text ${st.text} does not start with "Verified"`);
    check(
      !!chainCommitment && st.commitment === chainCommitment && st.text.includes(chainCommitment),
      `verified against the chain's commitment ${chainCommitment}`,
      `verified against ${st.commitment}, but the chain's commitment is ${chainCommitment || '(unknown)'}`,
    );
    const circuit = await page.$eval('[data-testid=playground-circuit]', (el) => ({ ...el.dataset }));
    if (circuit.registered) {
      check(circuit.match === 'true', `the in-browser verifier's circuit digest ${circuit.digest} is the chain's registered one`, `circuit digest ${circuit.digest} != registered ${circuit.registered}`);
    } else {
      log('note: the chain registers no digest for this circuit to compare with');
    }
    verified = true;
  });
  if (verified) {
    await section('tampered proof', async () => {
      await page.click('[data-testid=playground-tamper]');
      await page.waitForFunction(
        () => ['failed', 'accepted'].includes(document.querySelector('[data-testid=playground-tamper-status]')?.dataset.state),
        null,
        { timeout: T(180000), polling: 250 },
      );
      const st = await page.$eval('[data-testid=playground-tamper-status]', (el) => ({ state: el.dataset.state, text: el.textContent.trim() }));
      check(st.state === 'failed' && /failed/.test(st.text), `tampered copy: ${st.text.slice(0, 200)}`, `the tampered proof was not rejected: ${st.text}`);
    });
  } else {
    fail('tampered proof: skipped, the proof did not verify');
  }
}

// The page never needs a wallet: the header says so when Keplr is absent.
const keplrBtn = await page.$('[data-testid=keplr-connect]');
if (keplrBtn) log(`Keplr button: ${(await keplrBtn.isDisabled()) ? 'disabled (no extension), as expected headless' : 'enabled'}`);

if (consoleErrors.length) {
  log(`browser console errors (${consoleErrors.length}):`);
  for (const e of consoleErrors.slice(0, 20)) log(`  ${e.slice(0, 300)}`);
}
await browser.close();
bench('e2e_total_ms', Date.now() - t0All);
if (failures.length) {
  console.error(`\nweb e2e: ${failures.length} check(s) FAILED:\n${failures.map((f) => `  - ${f}`).join('\n')}`);
  process.exit(1);
}
console.log('\nweb e2e: all checks passed');
