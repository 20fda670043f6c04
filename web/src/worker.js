// The verifier worker: loads the InferChain WebAssembly module in its own instance and runs
// the slow calls (prepare_verifier, verify_inference) off the page's thread.
//
// A trap inside the module (e.g. a panic on a malformed proof, which aborts) can leave the
// instance's memory inconsistent, so after one the instance is dropped and the next call
// loads a fresh one, preparing again the verifiers it had prepared.

let modPromise = null;
let instance = 0; // bumped after a trap: a new import URL gives a fresh glue module and instance
const preparedKeys = new Set();

function load(base) {
  if (!modPromise) {
    modPromise = (async () => {
      const url = new URL('inferchain_web.js', base);
      if (instance) url.searchParams.set('instance', String(instance));
      const js = url.href;
      const wasm = new URL('inferchain_web_bg.wasm', base).href;
      let m;
      try {
        m = await import(js);
      } catch (e) {
        throw new Error(`the WebAssembly module is missing (${js}: ${e.message}); run web/build-wasm.sh, then web/build.sh`);
      }
      await m.default({ module_or_path: wasm });
      return m;
    })();
    modPromise.catch(() => {
      modPromise = null;
    });
  }
  return modPromise;
}

function isTrap(e) {
  return e instanceof WebAssembly.RuntimeError || /unreachable|RuntimeError/.test(String(e?.stack || e));
}

self.onmessage = async ({ data }) => {
  const { id, op, args, base } = data;
  const t0 = performance.now();
  try {
    let m = await load(base);
    let result;
    let reprepared = false;
    if (op === 'prepare') {
      const [arch, mode] = args;
      result = m.prepare_verifier(arch, mode);
      preparedKeys.add(`${arch}\u0000${mode}`);
    } else if (op === 'verify') {
      const [arch, mode] = args;
      const key = `${arch}\u0000${mode}`;
      if (!preparedKeys.has(key)) {
        m.prepare_verifier(arch, mode);
        preparedKeys.add(key);
        reprepared = true;
      }
      const tv = performance.now();
      result = m.verify_inference(...args);
      self.postMessage({ id, ok: true, result, ms: performance.now() - tv, reprepared });
      return;
    } else {
      throw new Error(`unknown op ${op}`);
    }
    self.postMessage({ id, ok: true, result, ms: performance.now() - t0, reprepared });
  } catch (e) {
    if (isTrap(e)) {
      modPromise = null;
      instance++;
      preparedKeys.clear();
    }
    self.postMessage({ id, ok: false, error: String(e?.message || e), ms: performance.now() - t0 });
  }
};
