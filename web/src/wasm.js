// The InferChain WebAssembly module (web/pkg: wasm-bindgen --target web), loaded twice:
// on the page for the fast calls (infer, commitment, input_hash, playground_binding) so the
// output follows every slider move, and in a Web Worker for the slow ones (prepare_verifier,
// verify_inference) so the page never freezes.

const JS_NAME = 'inferchain_web.js';
const WASM_NAME = 'inferchain_web_bg.wasm';

export function wasmUrls(base = document.baseURI) {
  return { js: new URL(JS_NAME, base).href, wasm: new URL(WASM_NAME, base).href };
}

let mainPromise = null;

/** The module on the page; rejects with a clear message when the bundle has no module. */
export function loadWasm() {
  if (!mainPromise) {
    mainPromise = (async () => {
      const { js, wasm } = wasmUrls();
      let m;
      try {
        m = await import(/* the module is not bundled: it is web/pkg's, copied into dist */ js);
      } catch (e) {
        throw new Error(
          `the WebAssembly module is missing from this bundle (${JS_NAME} did not load: ${e.message}). ` +
            'Build it with web/build-wasm.sh, then web/build.sh.',
        );
      }
      const t0 = performance.now();
      await m.default({ module_or_path: wasm });
      const info = { stub: !!m.__stub, initMs: performance.now() - t0, scale: m.fixed_point_scale() };
      window.inferchainApp.wasm = info;
      return { m, info };
    })();
    mainPromise.catch(() => {
      mainPromise = null;
    });
  }
  return mainPromise;
}

let worker = null;
let seq = 0;
const pending = new Map();

function getWorker() {
  if (!worker) {
    worker = new Worker(new URL('worker.js', document.baseURI), { type: 'module' });
    worker.onmessage = ({ data }) => {
      const p = pending.get(data.id);
      if (!p) return;
      pending.delete(data.id);
      if (data.ok) p.resolve(data);
      else p.reject(Object.assign(new Error(data.error), { ms: data.ms }));
    };
    worker.onerror = (e) => {
      const err = new Error(`verifier worker failed: ${e.message || 'script error'}`);
      for (const p of pending.values()) p.reject(err);
      pending.clear();
      worker = null;
    };
  }
  return worker;
}

function call(op, args) {
  const id = ++seq;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    getWorker().postMessage({ id, op, args, base: document.baseURI });
  });
}

const prepared = new Map();

/** prepare_verifier(arch, mode) in the worker, once per (arch, mode): {digest, ms}. */
export function prepareVerifier(arch, mode) {
  const key = `${arch}/${mode}`;
  if (!prepared.has(key)) {
    const p = call('prepare', [arch, mode]).then((r) => ({ digest: r.result, ms: r.ms }));
    p.catch(() => prepared.delete(key));
    prepared.set(key, p);
  }
  return prepared.get(key);
}

/** verify_inference in the worker: {verified, circuit_digest, ms}; throws with the verifier's message. */
export async function verifyInference(args) {
  const { arch, mode, proof, commitment, inputHash, output, binding } = args;
  const r = await call('verify', [arch, mode, proof, commitment, inputHash, JSON.stringify(output), binding]);
  return { ...JSON.parse(r.result), ms: r.ms, reprepared: r.reprepared };
}
