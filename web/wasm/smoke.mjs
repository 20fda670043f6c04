#!/usr/bin/env node
// Smoke test of the browser module (web/pkg, built by web/build-wasm.sh) in Node:
// integer inference, verifier preparation and proof verification, a tampered proof refused.
//
// Usage:
//   node web/wasm/smoke.mjs --model <quant.json> --input 256,-128,... \
//       [--proof <proof>] [--nonce <nonce> | --binding <hex>] [--mode private|public|compact] \
//       [--pkg <dir with inferchain_web.js>]
//
// --proof is either the proof bytes as the prover writes them (`inferchain-prover
// prove-inference --out FILE`; the claim — commitment, input hash, output — is then computed
// here by the module itself from --model and --input, and the mode read from the proof's
// header unless --mode is given), or a JSON claim: the prover's `--output json` result of
// prove-inference (its "proof" names the bytes' file, resolved against the JSON's directory
// too), or any JSON with "proof_b64" / "proof_hex" instead, plus optional "arch", "mode",
// "commitment", "input_hash", "output", "binding".
// The binding is --binding HEX, else the JSON's "binding", else playground_binding(--nonce)
// (default nonce "test-nonce"): prove with `--bind "inferchain-playground:<nonce>"`.
// Exits 1 if anything that should verify doesn't, or anything that shouldn't does.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";

const here = path.dirname(fileURLToPath(import.meta.url));

function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("--")) throw new Error(`unexpected argument ${a}`);
    const key = a.slice(2);
    const val = argv[i + 1];
    if (val === undefined || val.startsWith("--")) throw new Error(`${a} needs a value`);
    args[key] = val;
    i++;
  }
  return args;
}

const args = parseArgs(process.argv.slice(2));
if (!args.model || !args.input) {
  console.error(
    "usage: node web/wasm/smoke.mjs --model <quant.json> --input 1,2,... " +
      "[--proof <proof bytes | claim.json>] [--nonce N | --binding HEX] [--mode M] [--pkg DIR]",
  );
  process.exit(2);
}

const pkgDir = path.resolve(args.pkg ?? path.join(here, "..", "pkg"));
const glue = await import(path.join(pkgDir, "inferchain_web.js"));
const wasmBytes = fs.readFileSync(path.join(pkgDir, "inferchain_web_bg.wasm"));
let t = performance.now();
glue.initSync({ module: wasmBytes });
console.log(
  `module: inferchain-web ${glue.version()}, ${wasmBytes.length} bytes, ` +
    `instantiated in ${(performance.now() - t).toFixed(1)} ms; fixed-point scale ${glue.fixed_point_scale()}`,
);

let failures = 0;
const fail = (msg) => {
  failures++;
  console.log(`FAIL: ${msg}`);
};

// --- inference --------------------------------------------------------------------------------
const quantJson = fs.readFileSync(args.model, "utf8");
const arch = JSON.parse(quantJson).arch;
const input = args.input.split(",").map((s) => {
  const v = Number(s.trim());
  if (!Number.isInteger(v)) throw new Error(`--input: ${s} is not an integer`);
  return v;
});
t = performance.now();
const inferred = JSON.parse(glue.infer(quantJson, JSON.stringify(input)));
const inferMs = performance.now() - t;
const commitment = glue.commitment(quantJson);
console.log(`infer (${inferMs.toFixed(2)} ms): ${JSON.stringify(inferred)}`);
console.log(
  `  output as real numbers: ${JSON.stringify(inferred.output.map((o) => o / glue.fixed_point_scale()))}`,
);
console.log(`  model ${arch}, commitment ${commitment}`);
if (glue.input_hash(JSON.stringify(input)) !== inferred.input_hash) fail("input_hash differs from infer's");
try {
  glue.infer(quantJson, JSON.stringify(input.slice(1)));
  fail("a short input was accepted");
} catch (e) {
  console.log(`  short input refused: ${e.message}`);
}

if (!args.proof) {
  console.log("(no --proof: skipping verification)");
  process.exit(failures ? 1 : 0);
}

// --- the proof and its claim ------------------------------------------------------------------
const MODES = ["public", "private", "compact"];
const raw = fs.readFileSync(args.proof);
let proofBytes;
let claim = {};
try {
  claim = JSON.parse(raw.toString("utf8"));
} catch {
  proofBytes = raw;
}
if (!proofBytes) {
  if (claim.proof_b64) proofBytes = Buffer.from(claim.proof_b64, "base64");
  else if (claim.proof_hex) proofBytes = Buffer.from(claim.proof_hex.replace(/^0x/, ""), "hex");
  else if (typeof claim.proof === "string") {
    const candidates = [claim.proof, path.join(path.dirname(args.proof), claim.proof)];
    const file = candidates.find((f) => fs.existsSync(f));
    if (!file) throw new Error(`proof file ${claim.proof} (named by ${args.proof}) not found`);
    proofBytes = fs.readFileSync(file);
  } else throw new Error(`${args.proof}: no proof_b64, proof_hex or proof (file) field`);
}
if (proofBytes.subarray(0, 4).toString("latin1") !== "ICZK") fail("proof does not start with the ICZK magic");
const mode = args.mode ?? claim.mode ?? MODES[proofBytes[6]] ?? "private";
const claimArch = claim.arch ?? arch;
const claimCommitment = claim.commitment ?? commitment;
const claimInputHash = claim.input_hash ?? inferred.input_hash;
const claimOutput = claim.output ?? inferred.output;
const binding = args.binding ?? claim.binding ?? glue.playground_binding(args.nonce ?? "test-nonce");
if (claim.commitment && claim.commitment !== commitment) console.log("note: the claim's commitment is not --model's");
if (claim.output && JSON.stringify(claim.output) !== JSON.stringify(inferred.output))
  console.log(`note: the claim's output ${JSON.stringify(claim.output)} is not infer's (another input?)`);
console.log(
  `proof: ${proofBytes.length} bytes, ${claimArch} ${mode}; binding ${binding}` +
    (args.binding || claim.binding ? "" : ` (playground nonce ${JSON.stringify(args.nonce ?? "test-nonce")})`),
);

// --- verifier -----------------------------------------------------------------------------------
t = performance.now();
const digest = glue.prepare_verifier(claimArch, mode);
console.log(`prepare_verifier(${claimArch}, ${mode}): ${(performance.now() - t).toFixed(0)} ms, circuit digest ${digest}`);
t = performance.now();
glue.prepare_verifier(claimArch, mode);
console.log(`  again (cached): ${(performance.now() - t).toFixed(2)} ms`);

const verify = (bytes, bindingHex = binding, output = claimOutput) =>
  JSON.parse(
    glue.verify_inference(
      claimArch,
      mode,
      Buffer.from(bytes).toString("base64"),
      claimCommitment,
      claimInputHash,
      JSON.stringify(output),
      bindingHex,
    ),
  );

for (let run = 1; run <= 3; run++) {
  t = performance.now();
  try {
    const r = verify(proofBytes);
    const wall = performance.now() - t;
    console.log(`verify #${run}: ${JSON.stringify(r)} (${wall.toFixed(0)} ms wall, base64 and JSON included)`);
    if (r.verified !== true || r.circuit_digest !== digest) fail("verified result is not the prepared circuit's");
  } catch (e) {
    fail(`the proof did not verify: ${e.message}`);
    break;
  }
}

// A byte flipped in the middle of the proof, then the right proof with wrong claims.
const refused = (what, f) => {
  t = performance.now();
  try {
    f();
    fail(`${what} verified`);
  } catch (e) {
    const trap = e instanceof WebAssembly.RuntimeError ? " (a wasm trap!)" : "";
    console.log(`${what}: refused in ${(performance.now() - t).toFixed(0)} ms${trap}: ${e.message}`);
    if (trap) fail(`${what} trapped instead of returning an error`);
  }
};
const tampered = Buffer.from(proofBytes);
const mid = Math.floor(tampered.length / 2);
tampered[mid] ^= 0x01;
refused(`tampered proof (byte ${mid} flipped)`, () => verify(tampered));
refused("another nonce's binding", () => verify(proofBytes, glue.playground_binding("another-nonce")));
refused("a wrong output", () => verify(proofBytes, binding, claimOutput.map((o) => o + 1)));
// Still usable after the refusals.
try {
  verify(proofBytes);
  console.log("the original still verifies after the refusals");
} catch (e) {
  fail(`the original stopped verifying: ${e.message}`);
}

console.log(failures ? `${failures} failure(s)` : "smoke: all good");
process.exit(failures ? 1 : 0);
