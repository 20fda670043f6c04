// The playground: free in-browser inference (WebAssembly, bit-exact with the circuit) on a
// model whose owner published its weights, the published weights' commitment checked against
// the chain's, and "Prove & verify": the sidecar proves the page's own question (input hash,
// a fresh nonce's binding) and the page verifies the proof itself, in a worker.

import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { config, inference, sidecarGet, sidecarPost } from '../api.js';
import { Async, Badge, Empty, ErrorBox, Hash, KV, Loading, Mono, Section, useAsync } from '../components.jsx';
import { href, navigate } from '../router.js';
import { archInputWidth, b64ToBytes, bytesToB64, clamp, errMessage, randomHex, sigmoid } from '../util.js';
import { loadWasm, prepareVerifier, verifyInference } from '../wasm.js';

const SCALE = 256;
const SLIDER_MIN = -4 * SCALE;
const SLIDER_MAX = 4 * SCALE;

function parseInput(text, asInts, width) {
  let v;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new Error(`not JSON: ${e.message}`);
  }
  if (!Array.isArray(v)) throw new Error('expected a JSON array of numbers');
  if (v.length !== width) throw new Error(`expected ${width} features, got ${v.length}`);
  return v.map((x, i) => {
    const n = typeof x === 'string' ? Number(x) : x;
    if (typeof n !== 'number' || !isFinite(n)) throw new Error(`feature ${i} is not a number`);
    if (asInts) {
      if (!Number.isInteger(n)) throw new Error(`feature ${i} (${x}) is not an integer: untick "fixed-point ints" for real values`);
      return n;
    }
    return Math.round(n * SCALE);
  });
}

function useElapsed(running) {
  const [now, setNow] = useState(performance.now());
  const start = useRef(0);
  useEffect(() => {
    if (!running) return undefined;
    start.current = performance.now();
    const t = setInterval(() => setNow(performance.now()), 100);
    return () => clearInterval(t);
  }, [running]);
  return running ? (now - start.current) / 1000 : 0;
}

export function PlaygroundPage({ id, params }) {
  const cfg = config();
  const wasm = useAsync(() => loadWasm(), []);
  const published = useAsync(async () => (cfg.sidecar ? (await sidecarGet('/playground/models')).models || [] : []), []);
  const [custom, setCustom] = useState(null); // {model_id, quant} pasted by the user
  const models = [...(published.data || []), ...(custom ? [custom] : [])];
  const selectedId = id || params.get('model') || models[0]?.model_id;
  const entry = models.find((m) => String(m.model_id) === String(selectedId));

  return (
    <>
      {cfg.sidecar === null ? (
        <div class="note">
          No prover sidecar is configured (<code>sidecar</code> in config.json or <code>?sidecar=…</code>): proving is off. You can still run a model
          in the browser by pasting its <code>quant.json</code> below.
        </div>
      ) : null}
      <ErrorBox error={wasm.error} what="WebAssembly" />
      {wasm.data?.info.stub ? (
        <div class="error" data-testid="wasm-stub-warning">
          Development stub of the WebAssembly module: outputs and proofs here are not real.
        </div>
      ) : null}
      <Section
        title="Playground"
        testid="playground"
        right={
          models.length ? (
            <select
              data-testid="playground-model"
              value={selectedId}
              onChange={(e) => navigate(href('playground', e.currentTarget.value))}
            >
              {models.map((m) => (
                <option value={m.model_id}>
                  model {m.model_id} — {m.architecture || m.quant?.arch} ({m.mode || '?'})
                  {m.custom ? ' — pasted' : ''}
                </option>
              ))}
            </select>
          ) : null
        }
      >
        {published.error ? <ErrorBox error={published.error} what="the sidecar's playground models" /> : null}
        {published.loading ? <Loading what="playground models" /> : null}
        {!published.loading && models.length === 0 ? (
          <Empty>{cfg.sidecar ? 'No model has published weights for the playground yet.' : 'Paste a quant.json below to run a model.'}</Empty>
        ) : null}
        {entry && wasm.data ? (
          <Model key={`${entry.model_id}/${entry.custom ? 'c' : 'p'}`} entry={entry} wasm={wasm.data} params={params} />
        ) : entry && !wasm.error ? (
          <Loading what="the WebAssembly module" />
        ) : null}
      </Section>
      <CustomQuant onLoad={setCustom} initiallyOpen={!cfg.sidecar} />
    </>
  );
}

function CustomQuant({ onLoad, initiallyOpen }) {
  const [open, setOpen] = useState(!!initiallyOpen);
  const [text, setText] = useState('');
  const [id, setId] = useState('');
  const [err, setErr] = useState(null);
  if (!open) {
    return (
      <p class="small">
        <button class="link" onClick={() => setOpen(true)}>
          Run your own model: paste a quant.json…
        </button>
      </p>
    );
  }
  const load = () => {
    try {
      const quant = JSON.parse(text);
      if (!quant.arch || !Array.isArray(quant.layers)) throw new Error('a quant.json has "arch", "layers" and "salt"');
      const model_id = id.trim() || 'local';
      onLoad({ model_id, architecture: quant.arch, quant, custom: true, mode: null });
      setErr(null);
      navigate(href('playground', model_id));
    } catch (e) {
      setErr(e);
    }
  };
  return (
    <Section title="Your own quant.json">
      <p class="small muted">Stays in this page. Give the on-chain model id to compare its commitment with the chain's (leave empty for none).</p>
      <textarea rows={5} value={text} onInput={(e) => setText(e.currentTarget.value)} placeholder='{"arch":"mlp-16-32-16-1","layers":[…],"salt":"…"}' />
      <div class="row">
        <input placeholder="on-chain model id" value={id} onInput={(e) => setId(e.currentTarget.value)} />
        <button onClick={load}>Load</button>
      </div>
      <ErrorBox error={err} />
    </Section>
  );
}

function Model({ entry, wasm, params }) {
  const cfg = config();
  const m = wasm.m;
  const quantJson = useMemo(() => JSON.stringify(entry.quant), [entry]);
  const onChainId = /^\d+$/.test(String(entry.model_id)) ? entry.model_id : null;
  const chain = useAsync(async () => (onChainId ? (await inference.model(onChainId)).model : null), [onChainId]);
  const archName = chain.data?.architecture || entry.architecture || entry.quant?.arch;
  const mode = chain.data?.mode || entry.mode;
  const archs = useAsync(() => inference.architectures(), []);
  const width = archInputWidth(archName);

  const initial = useMemo(() => {
    const q = params.get('input');
    if (q) {
      try {
        const v = q.split(',').map((x) => parseInt(x, 10));
        if (v.length === width && v.every(Number.isInteger)) return v;
      } catch {
        /* fall through */
      }
    }
    return new Array(width).fill(0);
  }, [width]);
  const [input, setInput] = useState(initial);
  useEffect(() => {
    if (input.length !== width) setInput(initial);
  }, [width]);

  const local = useMemo(() => {
    try {
      return { commitment: m.commitment(quantJson) };
    } catch (e) {
      return { error: e };
    }
  }, [quantJson]);

  const result = useMemo(() => {
    const t0 = performance.now();
    try {
      const r = JSON.parse(m.infer(quantJson, JSON.stringify(input)));
      return { ...r, us: (performance.now() - t0) * 1000 };
    } catch (e) {
      return { error: e };
    }
  }, [quantJson, input]);

  // The chain's registered digest of this architecture's single-inference circuit in this mode.
  const registered = useMemo(() => {
    const a = (archs.data?.architectures || []).find((x) => x.name === archName);
    const c = (a?.circuits || []).find((x) => x.kind === 'inference' && x.mode === mode && (!x.rows || x.rows === '0'));
    return c?.digest || null;
  }, [archs.data, archName, mode]);

  const canProve = !!cfg.sidecar && !entry.custom && !!mode;
  // Build the verifier in the worker as soon as the page knows what it will verify.
  const [prep, setPrep] = useState(null);
  useEffect(() => {
    if (!canProve || !archName) return;
    setPrep({ state: 'running' });
    prepareVerifier(archName, mode).then(
      (r) => setPrep({ state: 'done', ...r }),
      (e) => setPrep({ state: 'failed', error: e }),
    );
  }, [canProve, archName, mode]);

  const chainCommitment = chain.data?.commitment || null;
  const match = chainCommitment && local.commitment ? chainCommitment.toLowerCase() === local.commitment.toLowerCase() : null;
  const logit = result.output?.[0];

  return (
    <div class="pg">
      <div class="pg-info">
        <KV
          rows={[
            ['model', onChainId ? <a href={href('model', onChainId)}>model {onChainId}</a> : 'not on chain'],
            ['architecture', <Mono>{archName}</Mono>],
            ['proof mode', mode || <span class="muted">unknown</span>],
            ['on-chain commitment', chain.error ? <ErrorBox error={chain.error} /> : chainCommitment ? <Mono>{chainCommitment}</Mono> : onChainId ? '…' : null],
            ['published weights hash to', local.error ? <ErrorBox error={local.error} /> : <Mono>{local.commitment}</Mono>],
            [
              'weights match the chain',
              <span
                data-testid="playground-commitment"
                data-match={match === null ? '' : String(match)}
                data-commitment={local.commitment || ''}
                data-chain-commitment={chainCommitment || ''}
              >
                {match === null ? (
                  <span class="muted">—</span>
                ) : match ? (
                  <Badge kind="ok">match: these are the committed weights</Badge>
                ) : (
                  <Badge kind="bad">MISMATCH: these weights are not the committed model</Badge>
                )}
              </span>,
            ],
          ]}
        />
      </div>

      <div class="pg-main">
        <Features input={input} setInput={setInput} width={width} />
        <div class="pg-out">
          <Output result={result} logit={logit} />
          {canProve ? (
            <Prover
              archName={archName}
              mode={mode}
              modelId={entry.model_id}
              input={input}
              localOutput={result.output}
              commitment={chainCommitment || local.commitment}
              commitmentSource={chainCommitment ? 'chain' : 'published weights'}
              prep={prep}
              registered={registered}
              m={m}
            />
          ) : (
            <p class="muted small">{entry.custom ? 'Pasted weights: no proving (the sidecar proves only its published models).' : 'Proving is off (no sidecar).'}</p>
          )}
        </div>
      </div>
    </div>
  );
}

function Features({ input, setInput, width }) {
  const [text, setText] = useState('');
  const [asInts, setAsInts] = useState(false);
  const [err, setErr] = useState(null);
  const set = (i, v) => setInput(input.map((x, j) => (j === i ? v : x)));
  const apply = () => {
    try {
      setInput(parseInput(text, asInts, width));
      setErr(null);
    } catch (e) {
      setErr(e);
    }
  };
  return (
    <div class="features">
      <div class="sliders" data-testid="playground-sliders">
        {input.map((v, i) => (
          <label class={`slider ${v < SLIDER_MIN || v > SLIDER_MAX ? 'out' : ''}`}>
            <span class="fname">x{i}</span>
            <input
              type="range"
              min={SLIDER_MIN}
              max={SLIDER_MAX}
              step={1}
              value={clamp(v, SLIDER_MIN, SLIDER_MAX)}
              data-testid="playground-slider"
              data-index={i}
              onInput={(e) => set(i, parseInt(e.currentTarget.value, 10))}
            />
            <span class="fval" title={`${v} at scale ${SCALE}`}>
              {(v / SCALE).toFixed(3)}
            </span>
          </label>
        ))}
      </div>
      <div class="row small">
        <button type="button" class="chip" onClick={() => setInput(new Array(width).fill(0))}>
          zero
        </button>
        <button
          type="button"
          class="chip"
          onClick={() => setInput(Array.from({ length: width }, () => Math.round((Math.random() * 4 - 2) * SCALE)))}
        >
          random
        </button>
        <button type="button" class="chip" onClick={() => setText(JSON.stringify(asInts ? input : input.map((x) => x / SCALE)))}>
          copy to JSON
        </button>
      </div>
      <div class="jsonin">
        <textarea
          data-testid="playground-json"
          rows={3}
          value={text}
          placeholder={`paste ${width} features as a JSON array, e.g. [0.25, -0.125, …]`}
          onInput={(e) => setText(e.currentTarget.value)}
          spellcheck={false}
        />
        <div class="row">
          <label class="small">
            <input type="checkbox" data-testid="playground-ints" checked={asInts} onChange={(e) => setAsInts(e.currentTarget.checked)} /> fixed-point
            ints (×{SCALE})
          </label>
          <button type="button" data-testid="playground-apply" onClick={apply}>
            Use these features
          </button>
        </div>
        <ErrorBox error={err} />
      </div>
      <p class="small muted">
        Input as the chain sees it (fixed point ×{SCALE}): <Mono>[{input.join(',')}]</Mono>
      </p>
    </div>
  );
}

function Output({ result, logit }) {
  if (result.error) {
    return (
      <div class="output" data-testid="playground-output" data-output="" data-error={errMessage(result.error)}>
        <ErrorBox error={result.error} what="inference" />
      </div>
    );
  }
  const p = sigmoid(logit / SCALE);
  return (
    <div class="output" data-testid="playground-output" data-output={JSON.stringify(result.output)} data-input-hash={result.input_hash}>
      <div class="big">
        <span class="label">output</span> <Mono>[{result.output.join(', ')}]</Mono>
      </div>
      <div>
        logit {(logit / SCALE).toFixed(4)} → probability <b data-testid="playground-probability">{(p * 100).toFixed(2)}%</b>
      </div>
      <div class="probbar" aria-hidden="true">
        <i style={{ width: `${(p * 100).toFixed(2)}%` }} />
      </div>
      <div class="small muted">
        in the browser, free, in {result.us < 1000 ? `${result.us.toFixed(0)} µs` : `${(result.us / 1000).toFixed(1)} ms`}; input hash{' '}
        <Hash value={result.input_hash} n={8} />
      </div>
    </div>
  );
}

function flipMiddleByte(b64) {
  const bytes = b64ToBytes(b64);
  const i = Math.floor(bytes.length / 2);
  bytes[i] ^= 0xff;
  return { proof: bytesToB64(bytes), index: i, length: bytes.length };
}

function Prover({ archName, mode, modelId, input, localOutput, commitment, commitmentSource, prep, registered, m }) {
  const [run, setRun] = useState({ state: 'idle' });
  const [tamper, setTamper] = useState({ state: 'idle' });
  const running = ['proving', 'preparing', 'verifying'].includes(run.state);
  const elapsed = useElapsed(running);
  const tElapsed = useElapsed(tamper.state === 'running');

  const digestOk = prep?.digest && registered ? prep.digest.toLowerCase() === registered.toLowerCase() : null;

  const prove = async () => {
    setTamper({ state: 'idle' });
    const nonce = randomHex(16);
    const question = { input: [...input] };
    let inputHash;
    let binding;
    try {
      inputHash = m.input_hash(JSON.stringify(question.input));
      binding = m.playground_binding(nonce);
    } catch (e) {
      setRun({ state: 'failed', error: e });
      return;
    }
    setRun({ state: 'proving' });
    const t0 = performance.now();
    let resp;
    try {
      resp = await sidecarPost('/playground/prove', { model_id: String(modelId), input: question.input, nonce });
    } catch (e) {
      setRun({ state: 'failed', error: new Error(`the sidecar could not prove: ${errMessage(e)}`) });
      return;
    }
    const proveMs = performance.now() - t0;
    setRun({ state: 'preparing', proveMs });
    let prepared;
    try {
      prepared = await prepareVerifier(archName, mode);
    } catch (e) {
      setRun({ state: 'failed', error: new Error(`building the verifier failed: ${errMessage(e)}`), proveMs });
      return;
    }
    setRun({ state: 'verifying', proveMs });
    const statement = { arch: archName, mode, proof: resp.proof, commitment, inputHash, output: resp.output, binding };
    const notes = [];
    if (resp.input_hash && resp.input_hash.toLowerCase() !== inputHash.toLowerCase()) notes.push('the sidecar answered another input');
    if (localOutput && JSON.stringify(resp.output) !== JSON.stringify(localOutput)) notes.push('its output differs from the in-browser one');
    try {
      const v = await verifyInference(statement);
      if (!v.verified) throw new Error('the verifier did not accept the proof');
      setRun({
        state: 'verified',
        digest: v.circuit_digest,
        verifyMs: v.ms,
        proveMs,
        prepareMs: prepared.ms,
        sidecarProveMs: resp.prove_ms,
        output: resp.output,
        proofBytes: Math.floor((resp.proof.length * 3) / 4),
        statement,
        notes,
      });
    } catch (e) {
      setRun({ state: 'failed', error: e, proveMs, prepareMs: prepared.ms, statement, notes });
    }
  };

  const verifyTampered = async () => {
    const st = run.statement;
    if (!st) return;
    const t = flipMiddleByte(st.proof);
    setTamper({ state: 'running', index: t.index });
    try {
      const v = await verifyInference({ ...st, proof: t.proof });
      setTamper({ state: v.verified ? 'accepted' : 'failed', index: t.index, ms: v.ms, error: v.verified ? null : new Error('not verified') });
    } catch (e) {
      setTamper({ state: 'failed', index: t.index, error: e });
    }
  };

  return (
    <div class="prover">
      <h3>Prove &amp; verify</h3>
      <p class="small muted">
        The sidecar proves this input with a fresh nonce; this page checks the proof itself against the {commitmentSource}'s commitment, its own
        hash of the input and the nonce's binding — so the proof must answer this page's question.
      </p>
      <div class="small" data-testid="playground-circuit" data-digest={prep?.digest || ''} data-registered={registered || ''} data-match={digestOk === null ? '' : String(digestOk)} data-state={prep?.state || ''} data-ms={prep?.ms ? Math.round(prep.ms) : ''}>
        verifier ({archName}, {mode}):{' '}
        {!prep || prep.state === 'running' ? (
          <span>
            <span class="spinner" /> building from the architecture spec…
          </span>
        ) : prep.state === 'failed' ? (
          <span class="bad">{errMessage(prep.error)}</span>
        ) : (
          <span>
            circuit <Hash value={prep.digest} n={8} /> in {(prep.ms / 1000).toFixed(1)} s{' '}
            {digestOk === null ? (
              <span class="muted">(no registered digest to compare)</span>
            ) : digestOk ? (
              <Badge kind="ok">= the chain's registered circuit</Badge>
            ) : (
              <Badge kind="bad">differs from the chain's {registered.slice(0, 12)}…</Badge>
            )}
          </span>
        )}
      </div>
      <button data-testid="playground-prove" class="primary" disabled={running} onClick={prove}>
        {running ? 'Working…' : 'Prove & verify'}
      </button>
      <Status run={run} elapsed={elapsed} />
      {run.statement && run.state !== 'proving' && run.state !== 'preparing' && run.state !== 'verifying' ? (
        <div class="tamper">
          <button data-testid="playground-tamper" onClick={verifyTampered} disabled={tamper.state === 'running'}>
            Verify a tampered copy
          </button>{' '}
          <span
            data-testid="playground-tamper-status"
            data-state={tamper.state}
            class={tamper.state === 'failed' ? 'ok' : tamper.state === 'accepted' ? 'bad' : ''}
          >
            {tamper.state === 'idle' ? (
              <span class="muted">flips one byte in the middle of the proof</span>
            ) : tamper.state === 'running' ? (
              <span>
                <span class="spinner" /> verifying the copy with byte {tamper.index} flipped… {tElapsed.toFixed(1)} s
              </span>
            ) : tamper.state === 'failed' ? (
              `Tampered proof (byte ${tamper.index} flipped) failed verification, as it must: ${errMessage(tamper.error)}`
            ) : (
              'The tampered proof was ACCEPTED — the verifier is broken!'
            )}
          </span>
        </div>
      ) : null}
    </div>
  );
}

function Status({ run, elapsed }) {
  const attrs = {
    'data-testid': 'playground-verify-status',
    'data-state': run.state,
    'data-commitment': run.statement?.commitment || '',
    'data-digest': run.digest || '',
    'data-prove-ms': run.proveMs ? Math.round(run.proveMs) : '',
    'data-sidecar-prove-ms': run.sidecarProveMs ?? '',
    'data-prepare-ms': run.prepareMs ? Math.round(run.prepareMs) : '',
    'data-verify-ms': run.verifyMs !== undefined ? run.verifyMs.toFixed(1) : '',
  };
  if (run.state === 'idle') return <div class="status muted" {...attrs} />;
  if (['proving', 'preparing', 'verifying'].includes(run.state)) {
    const steps = [
      ['proving', 'proving on the sidecar'],
      ['preparing', 'building the verifier in this browser'],
      ['verifying', 'verifying the proof in this browser'],
    ];
    const at = steps.findIndex(([s]) => s === run.state);
    return (
      <div class="status" {...attrs}>
        <span class="spinner" /> {elapsed.toFixed(1)} s
        <ol class="steps">
          {steps.map(([s, label], i) => (
            <li class={i < at ? 'done' : i === at ? 'now' : ''}>
              {label}
              {s === 'proving' && i < at && run.proveMs ? ` — ${(run.proveMs / 1000).toFixed(1)} s` : ''}
            </li>
          ))}
        </ol>
      </div>
    );
  }
  if (run.state === 'verified') {
    return (
      <div class="status ok" {...attrs}>
        Verified against commitment <Mono>{run.statement.commitment}</Mono> (circuit <Mono>{run.digest}</Mono>), {run.verifyMs.toFixed(0)} ms
        <div class="small muted">
          output [{run.output.join(', ')}]; proof {Math.round(run.proofBytes / 1024)} KiB, proved in {(run.proveMs / 1000).toFixed(1)} s
          {run.sidecarProveMs ? ` (sidecar: ${(run.sidecarProveMs / 1000).toFixed(1)} s)` : ''}; verifier built in{' '}
          {(run.prepareMs / 1000).toFixed(1)} s
        </div>
        {run.notes.length ? <div class="small bad">note: {run.notes.join('; ')}</div> : null}
      </div>
    );
  }
  return (
    <div class="status bad" {...attrs}>
      Verification failed: {errMessage(run.error)}
      {run.notes?.length ? <div class="small">({run.notes.join('; ')})</div> : null}
    </div>
  );
}
