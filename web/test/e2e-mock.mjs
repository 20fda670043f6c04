#!/usr/bin/env node
// Runs test/e2e.mjs, then test/keplr-mock.mjs, against test/mock-server.mjs (no chain needed).
//   node test/e2e-mock.mjs                                   # stub WebAssembly module, stub proofs
//   node test/e2e-mock.mjs --real --prover BIN --model DIR   # dist's real module, real proofs
// Other arguments go to the mock server (e.g. --block-ms 500, --no-sidecar).

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const real = args.includes('--real');
const dir = mkdtempSync(join(tmpdir(), 'inferchain-web-e2e-'));
const expect = join(dir, 'expect.json');

const server = spawn(process.execPath, [join(here, 'mock-server.mjs'), '--port', '0', '--expect-out', expect, ...args], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const url = await new Promise((resolve, reject) => {
  let out = '';
  const t = setTimeout(() => reject(new Error('the mock server did not start in 60 s')), 60000);
  server.stdout.on('data', (d) => {
    out += d;
    process.stdout.write(d);
    const m = /listening on (\S+)/.exec(out);
    if (m && out.includes('expectations written')) {
      clearTimeout(t);
      resolve(m[1]);
    }
  });
  server.on('exit', (c) => reject(new Error(`the mock server exited (${c})`)));
});

const env = { ...process.env, WEB_URL: url, EXPECT: expect };
if (!real) env.ALLOW_STUB = '1';
if (args.includes('--no-sidecar')) env.SKIP_PROVE = '1';
const runNode = (script) =>
  new Promise((r) => spawn(process.execPath, [join(here, script)], { stdio: 'inherit', env }).on('exit', r));
let code = await runNode('e2e.mjs');
console.log('\n--- the Keplr signing flow, with a fake wallet (mock only)');
const keplr = await runNode('keplr-mock.mjs');
if (keplr !== 0) code = code || keplr;
server.kill('SIGTERM');
rmSync(dir, { recursive: true, force: true });
process.exit(code ?? 1);
