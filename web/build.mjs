// Builds the static bundle web/dist/: index.html, app.js (+ lazily loaded chunks), app.css,
// worker.js, config.json (defaults; a server may serve its own), and the WebAssembly module
// copied from web/pkg/ (built by web/build-wasm.sh).
//
//   node build.mjs [--dev] [--require-wasm]
//     --dev           no minification
//     --require-wasm  fail when web/pkg has no module (build.sh passes it unless --no-wasm)

import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
const pkg = join(here, 'pkg');
const dev = process.argv.includes('--dev');
const requireWasm = process.argv.includes('--require-wasm');
const WASM_FILES = ['inferchain_web.js', 'inferchain_web_bg.wasm'];

const wasmPresent = WASM_FILES.every((f) => existsSync(join(pkg, f)));
if (!wasmPresent && requireWasm) {
  console.error(`error: web/pkg/${WASM_FILES.join(' + web/pkg/')} missing: build the WebAssembly module with web/build-wasm.sh first`);
  process.exit(1);
}

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

const common = {
  bundle: true,
  format: 'esm',
  target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  minify: !dev,
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
  define: { 'process.env.NODE_ENV': dev ? '"development"' : '"production"' },
};

const app = await build({
  ...common,
  entryPoints: { app: join(here, 'src/main.jsx') },
  outdir: dist,
  splitting: true,
  entryNames: '[name]',
  chunkNames: 'chunks/[name]-[hash]',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  loader: { '.css': 'css' },
});
const worker = await build({
  ...common,
  entryPoints: { worker: join(here, 'src/worker.js') },
  outdir: dist,
  entryNames: '[name]',
});

copyFileSync(join(here, 'src/index.html'), join(dist, 'index.html'));
copyFileSync(join(here, 'src/config.default.json'), join(dist, 'config.json'));
if (wasmPresent) {
  for (const f of WASM_FILES) copyFileSync(join(pkg, f), join(dist, f));
} else {
  console.warn('');
  console.warn('WARNING: web/pkg has no WebAssembly module (run web/build-wasm.sh): this bundle has NO in-browser');
  console.warn('         inference or verifier; the playground says so. Do not ship it.');
  console.warn('');
}

// Sizes.
function files(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
const rows = files(dist)
  .filter((f) => !f.endsWith('.map'))
  .map((f) => {
    const b = readFileSync(f);
    return { file: relative(dist, f), raw: b.length, gz: gzipSync(b, { level: 9 }).length };
  })
  .sort((a, b) => a.file.localeCompare(b.file));
console.log('web/dist:');
for (const r of rows) console.log(`  ${r.file.padEnd(36)} ${kib(r.raw).padStart(11)}  gzip ${kib(r.gz).padStart(10)}`);
const appJs = rows.find((r) => r.file === 'app.js');
const js = rows.filter((r) => r.file.endsWith('.js') && !WASM_FILES.includes(r.file));
console.log(
  `bundle: app.js ${appJs.raw} bytes (gzip ${appJs.gz}); all own JS+CSS ${js.reduce((s, r) => s + r.raw, 0) + (rows.find((r) => r.file === 'app.css')?.raw || 0)} bytes` +
    (wasmPresent ? `; wasm ${rows.find((r) => r.file === 'inferchain_web_bg.wasm').raw} bytes` : '; no wasm'),
);
