//! plonky2 circuits of proof of inference and proof of score, built deterministically from an
//! architecture spec, a proof kind and a mode.
//!
//! Every value is constrained:
//! * weights are private witnesses committed as offset bytes `u = w + 128`, each looked up in a
//!   256-entry range table; biases are private `b + 2^23`, split in three looked-up bytes;
//! * the commitment (Poseidon over the same elements the native `QuantModel::commitment`
//!   hashes) is computed in-circuit and made public;
//! * inputs are hashed in-circuit (public hash) and range-checked to 24 bits;
//! * each neuron accumulates `b + sum (u - 128) x` with `mul_add` chains (the `-128 * sum x`
//!   correction is applied once per neuron), then the shifted accumulator
//!   `acc + 2^29` is decomposed into `r` (6 bits, rescale remainder, looked up in a 64-entry
//!   table) and three bytes of `q + 2^23` (looked up), recomposed and connected to the
//!   accumulator: this proves `q = floor(acc / 64)` with `q` in `[-2^23, 2^23)`;
//! * ReLU: the top byte of `q + 2^23` is looked up in a sign table (byte >= 128, i.e. q >= 0)
//!   whose output `s` multiplies: `relu = q * s`;
//! * score: the logit `z` is split as `z = 16 (c + over - under - 128) + r4` with `r4` in
//!   [0,16), `c` in [0,256), `over`, `under` 24-bit, `over * under = 0`,
//!   `over * (255 - c) = 0`, `under * c = 0` (a constrained clamp), `p = SIGMOID[c]` and the
//!   prediction `c >= 128` by lookups; labels are asserted boolean.
//!
//! Witness generation uses small hint generators (limb splits) whose outputs are all bound by
//! the constraints above, so a dishonest prover gains nothing by changing them.

// Without `prove`, only the verifier-side builders are compiled; the prover-side imports and
// witness targets stay for the shared circuit construction.
#![cfg_attr(not(feature = "prove"), allow(unused_imports, dead_code))]

use std::sync::Arc;

use anyhow::{anyhow, Result};
use plonky2::field::types::Field;
use plonky2::fri::reduction_strategies::FriReductionStrategy;
use plonky2::hash::hash_types::HashOutTarget;
use plonky2::hash::poseidon::PoseidonHash;
use plonky2::iop::generator::{generate_partial_witness, GeneratedValues, SimpleGenerator};
use plonky2::iop::target::{BoolTarget, Target};
use plonky2::iop::witness::{PartialWitness, PartitionWitness, Witness, WitnessWrite};
use plonky2::plonk::circuit_builder::CircuitBuilder;
use plonky2::plonk::circuit_data::{
    CircuitConfig, CircuitData, CommonCircuitData, VerifierCircuitData,
};
use plonky2::plonk::proof::{ProofWithPublicInputs, ProofWithPublicInputsTarget};
use plonky2::util::serialization::{Buffer, IoError, IoResult};

use crate::quant::{
    commitment_prefix, field_of_i64, Digest, QuantModel, DOMAIN_INPUT, DOMAIN_TESTSET, SIGMOID,
    WEIGHTS_PER_ELEMENT,
};
use crate::spec::*;
use crate::{C, D, F};

/// Splits a canonical value into limbs of the given bit widths; the last output takes the
/// rest (so an out-of-range value yields a last limb that fails its lookup).
#[derive(Debug, Clone)]
struct LimbsHint {
    input: Target,
    bits: Vec<u32>,
    outputs: Vec<Target>,
}

impl SimpleGenerator<F, D> for LimbsHint {
    fn id(&self) -> String {
        "inferchain.LimbsHint".into()
    }
    fn dependencies(&self) -> Vec<Target> {
        vec![self.input]
    }
    fn run_once(&self, w: &PartitionWitness<F>, out: &mut GeneratedValues<F>) -> Result<()> {
        use plonky2::field::types::PrimeField64;
        let v = w.get_target(self.input).to_canonical_u64();
        #[allow(unused_mut)]
        let mut limbs = split_limbs(v, &self.bits);
        #[cfg(test)]
        tamper::limbs(&self.bits, v, &mut limbs);
        for (&t, &l) in self.outputs.iter().zip(&limbs) {
            out.set_target(t, F::from_noncanonical_u64(l))?;
        }
        Ok(())
    }
    fn serialize(&self, _dst: &mut Vec<u8>, _c: &CommonCircuitData<F, D>) -> IoResult<()> {
        Err(IoError)
    }
    fn deserialize(_src: &mut Buffer, _c: &CommonCircuitData<F, D>) -> IoResult<Self> {
        Err(IoError)
    }
}

/// `v` split into limbs of `bits` widths, the last limb taking the rest.
fn split_limbs(mut v: u64, bits: &[u32]) -> Vec<u64> {
    let mut out = Vec::with_capacity(bits.len() + 1);
    for &b in bits {
        out.push(v & ((1u64 << b) - 1));
        v >>= b;
    }
    out.push(v);
    out
}

/// Test-only lies of the witness generators: each makes the prover's witness wrong in one
/// chosen way, to show that the circuit's constraints — not only the honest generators —
/// reject it.
#[cfg(test)]
pub(crate) mod tamper {
    use std::cell::Cell;

    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Lie {
        /// A rescale remainder of 64 (quotient one less, so the recomposition still holds).
        Remainder64,
        /// The sign bit of a hidden neuron's top limb flipped (ReLU on the wrong side).
        ReluSignFlip,
        /// The clamp's other branch: "over" for an in-range logit.
        OtherClampBranch,
        /// A label of 2.
        Label2,
        /// A weight byte of 256.
        Weight256,
    }

    thread_local! {
        static LIE: Cell<Option<Lie>> = const { Cell::new(None) };
        static TOLD: Cell<bool> = const { Cell::new(false) };
    }

    pub fn set(lie: Option<Lie>) {
        LIE.with(|l| l.set(lie));
        TOLD.with(|t| t.set(false));
    }

    /// Whether to tell `lie` now: once, at the first place that can.
    pub fn take(lie: Lie) -> bool {
        LIE.with(|l| l.get() == Some(lie)) && !TOLD.with(|t| t.replace(true))
    }

    /// The rescale split is `[6, 8, 8]` + the top limb.
    pub fn limbs(bits: &[u32], v: u64, limbs: &mut [u64]) {
        if bits != [6, 8, 8] {
            return;
        }
        if v >= 64 && take(Lie::Remainder64) {
            let q = (v >> 6) - 1;
            limbs[0] = (v & 63) + 64;
            limbs[1] = q & 255;
            limbs[2] = (q >> 8) & 255;
            limbs[3] = q >> 16;
        } else if limbs[3] & 0x80 != 0 && take(Lie::ReluSignFlip) {
            limbs[3] ^= 0x80;
        }
    }
}

/// Given a logit z (signed), outputs r4, c, over bytes (3), under bytes (3) of the clamp.
#[derive(Debug, Clone)]
struct ClampHint {
    z: Target,
    outputs: [Target; 8],
}

impl SimpleGenerator<F, D> for ClampHint {
    fn id(&self) -> String {
        "inferchain.ClampHint".into()
    }
    fn dependencies(&self) -> Vec<Target> {
        vec![self.z]
    }
    fn run_once(&self, w: &PartitionWitness<F>, out: &mut GeneratedValues<F>) -> Result<()> {
        let z = crate::quant::i64_of_field(w.get_target(self.z));
        #[allow(unused_mut)]
        let mut r4 = z.rem_euclid(16);
        let s = z.div_euclid(16) + 128;
        #[allow(unused_mut)]
        let mut c = s.clamp(0, 255);
        #[allow(unused_mut)]
        let mut over = (s - 255).max(0);
        let under = (-s).max(0);
        #[cfg(test)]
        if over == 0 && under == 0 && tamper::take(tamper::Lie::OtherClampBranch) {
            // Claim the logit is over the range: c = 255, over = 1, and r4 whatever keeps
            // 16 (c + over - under) + r4 = z + 2048 — outside [0, 16).
            c = 255;
            over = 1;
            r4 = z + 2048 - 16 * (c + over);
        }
        let vals = [
            r4,
            c,
            over & 255,
            (over >> 8) & 255,
            over >> 16,
            under & 255,
            (under >> 8) & 255,
            under >> 16,
        ];
        for (t, v) in self.outputs.iter().zip(vals) {
            out.set_target(*t, field_of_i64(v))?;
        }
        Ok(())
    }
    fn serialize(&self, _dst: &mut Vec<u8>, _c: &CommonCircuitData<F, D>) -> IoResult<()> {
        Err(IoError)
    }
    fn deserialize(_src: &mut Buffer, _c: &CommonCircuitData<F, D>) -> IoResult<Self> {
        Err(IoError)
    }
}

struct Tables {
    range256: usize,
    range64: usize,
    sign: usize,
    range16: usize,
    sigmoid: usize,
}

fn add_tables(b: &mut CircuitBuilder<F, D>, score: bool) -> Tables {
    let pairs = |n: u16, f: &dyn Fn(u16) -> u16| Arc::new((0..n).map(|i| (i, f(i))).collect());
    let range256 = b.add_lookup_table_from_pairs(pairs(256, &|i| i));
    let range64 = b.add_lookup_table_from_pairs(pairs(64, &|i| i));
    let sign = b.add_lookup_table_from_pairs(pairs(256, &|i| i >> 7));
    let (range16, sigmoid) = if score {
        (
            b.add_lookup_table_from_pairs(pairs(16, &|i| i)),
            b.add_lookup_table_from_pairs(pairs(256, &|i| SIGMOID[i as usize])),
        )
    } else {
        (usize::MAX, usize::MAX)
    };
    Tables {
        range256,
        range64,
        sign,
        range16,
        sigmoid,
    }
}

fn limbs(b: &mut CircuitBuilder<F, D>, input: Target, bits: &[u32], n: usize) -> Vec<Target> {
    let outputs = b.add_virtual_targets(n);
    b.add_simple_generator(LimbsHint {
        input,
        bits: bits.to_vec(),
        outputs: outputs.clone(),
    });
    outputs
}

/// Range-checks `v + 2^23` to 24 bits (three looked-up bytes).
fn range_check_act(b: &mut CircuitBuilder<F, D>, t: &Tables, v_off: Target) {
    let l = limbs(b, v_off, &[8, 8], 3);
    for &x in &l {
        b.add_lookup_from_index(x, t.range256);
    }
    let r = b.mul_const_add(F::from_canonical_u64(256), l[1], l[0]);
    let r = b.mul_const_add(F::from_canonical_u64(65536), l[2], r);
    b.connect(r, v_off);
}

struct LayerTargets {
    w_off: Vec<Target>,
    b_off: Vec<Target>,
}

/// Dense layer + rescale + (ReLU | identity). Returns activations.
fn dense(
    b: &mut CircuitBuilder<F, D>,
    t: &Tables,
    layer: &LayerTargets,
    x: &[Target],
    hidden: bool,
) -> Vec<Target> {
    let n_in = x.len();
    let sx = b.add_many(x);
    let shift = F::from_canonical_u64((1u64 << 29) - (1u64 << 23));
    let mut out = Vec::with_capacity(layer.b_off.len());
    for (j, &bo) in layer.b_off.iter().enumerate() {
        // acc + 2^29 = (b + 2^23) - 2^23 + 2^29 + sum u x - 128 sum x
        let mut acc = b.add_const(bo, shift);
        for i in 0..n_in {
            acc = b.mul_add(layer.w_off[j * n_in + i], x[i], acc);
        }
        let acc = b.mul_const_add(-F::from_canonical_u64(128), sx, acc);
        // acc + 2^29 = r + 64 * (q + 2^23), q + 2^23 = l0 + 256 l1 + 65536 l2
        let l = limbs(b, acc, &[6, 8, 8], 4);
        b.add_lookup_from_index(l[0], t.range64);
        b.add_lookup_from_index(l[1], t.range256);
        b.add_lookup_from_index(l[2], t.range256);
        let s = if hidden {
            Some(b.add_lookup_from_index(l[3], t.sign))
        } else {
            b.add_lookup_from_index(l[3], t.range256);
            None
        };
        let q_off = b.mul_const_add(F::from_canonical_u64(256), l[2], l[1]);
        let q_off = b.mul_const_add(F::from_canonical_u64(65536), l[3], q_off);
        let re = b.mul_const_add(F::from_canonical_u64(64), q_off, l[0]);
        b.connect(re, acc);
        let a = match s {
            // relu = q * s = (q_off - 2^23) * s
            Some(s) => b.arithmetic(
                F::ONE,
                -F::from_canonical_u64(ACT_OFFSET as u64),
                q_off,
                s,
                s,
            ),
            None => b.add_const(q_off, -F::from_canonical_u64(ACT_OFFSET as u64)),
        };
        out.push(a);
    }
    out
}

fn forward(
    b: &mut CircuitBuilder<F, D>,
    t: &Tables,
    layers: &[LayerTargets],
    x: &[Target],
) -> Vec<Target> {
    let mut cur = x.to_vec();
    for (l, layer) in layers.iter().enumerate() {
        cur = dense(b, t, layer, &cur, l + 1 < layers.len());
    }
    cur
}

#[cfg(feature = "prove")]
/// A built circuit with the targets the prover fills.
pub struct BuiltCircuit {
    pub arch: ArchSpec,
    pub kind: ProofKind,
    pub mode: Mode,
    pub data: CircuitData<F, C, D>,
    /// Gates before padding to a power of two.
    pub gate_rows: usize,
    targets: Targets,
}

struct Targets {
    arch: ArchSpec,
    layers: Vec<LayerTargets>,
    /// The commitment's private salt.
    salt: Vec<Target>,
    /// The public binding (who or what the proof is for), the last four public inputs.
    binding: Vec<Target>,
    inputs: Vec<Vec<Target>>,
    labels: Vec<Target>,
    outputs: Vec<Target>,
}

#[cfg(feature = "prove")]
/// A circuit built for witness generation only (no polynomial commitments): checks the
/// circuit's computation on many inputs cheaply. Uses the public-mode layout.
pub struct MockCircuit {
    pub kind: ProofKind,
    data: plonky2::plonk::circuit_data::MockCircuitData<F, C, D>,
    targets: Targets,
}

#[cfg(feature = "prove")]
impl MockCircuit {
    pub fn new(arch: &ArchSpec, kind: ProofKind) -> Self {
        let (b, _, targets) = construct(arch, kind, Mode::Public);
        MockCircuit {
            kind,
            data: b.mock_build::<C>(),
            targets,
        }
    }

    /// Runs witness generation (copy constraints and lookups are enforced while generating)
    /// and returns the public inputs.
    pub fn public_inputs(
        &self,
        model: &QuantModel,
        rows: &[Vec<i64>],
        labels: &[i64],
    ) -> Result<Vec<F>> {
        let pw = self.targets.witness(model, rows, labels, &Digest([0; 4]))?;
        let w = generate_partial_witness::<F, C, D>(pw, &self.data.prover_only, &self.data.common)?;
        self.data
            .prover_only
            .public_inputs
            .iter()
            .map(|&t| {
                w.try_get_target(t)
                    .ok_or_else(|| anyhow!("public input not generated"))
            })
            .collect()
    }
}

/// The domain separator hashed into the circuit digest: format version, kind, mode, rows and
/// the layer widths. So verifier data of different kinds/modes/architectures never coincide.
pub fn domain_separator(arch: &ArchSpec, kind: ProofKind, mode: Mode) -> Vec<F> {
    let mut v = vec![
        F::from_canonical_u64(0x4943_5a4b), // "ICZK"
        F::from_canonical_u8(FORMAT_VERSION),
        F::from_canonical_u8(kind.code()),
        F::from_canonical_u8(mode.code()),
        F::from_canonical_usize(kind.rows()),
    ];
    v.extend(arch.layers().iter().map(|&w| F::from_canonical_usize(w)));
    v
}

/// Public mode: plonky2's standard recursion config (100-bit conjectured security: rate 1/8,
/// 28 queries, 16 PoW bits). Private mode: the same security parameters with zero knowledge,
/// and FRI folding of arity 4 down to an 8-coefficient final polynomial instead of arity 16 /
/// 32 coefficients: zero-knowledge blinding adds rows per FRI-opened value, and smaller
/// arities open far fewer values per query (an mlp-16-32-16-1 proof drops from 2^14 to 2^12
/// rows). Compact mode: no zero knowledge, rate 1/64 and 14 queries (6 * 14 + 16 PoW bits =
/// 100 bits, like the others): a smaller proof (an mlp-16-32-16-1 proof is ~62 KB instead of
/// ~104 KB) for a larger low-degree extension.
pub fn config_for(mode: Mode) -> CircuitConfig {
    match mode {
        Mode::Public => CircuitConfig::standard_recursion_config(),
        Mode::Compact => {
            let mut c = CircuitConfig::standard_recursion_config();
            c.fri_config.rate_bits = 6;
            c.fri_config.num_query_rounds = 14;
            c
        }
        Mode::Private => {
            let mut c = CircuitConfig::standard_recursion_zk_config();
            c.fri_config.reduction_strategy = FriReductionStrategy::ConstantArityBits(2, 3);
            c
        }
    }
}

/// The zero-knowledge wrapper of a public-mode circuit: a circuit that verifies one proof of
/// `inner` (its public inputs become the wrapper's) and nothing else. It has no lookup
/// tables, so none of its opened polynomials is an unblinded lookup polynomial; it is built
/// with plonky2's zero-knowledge configuration, which blinds the wire and permutation
/// columns — every column the wrapper has. The inner proof (which does open witness-dependent
/// lookup polynomials) is the wrapper's private witness and never leaves the prover.
///
/// `kind` is the wrapper's: the wrapped claim's own kind (one proof), or
/// `Aggregate { rows }` for `rows` proofs of the inference circuit, each verified in turn, their
/// public inputs registered one claim after the other — one proof the chain verifies once.
pub fn build_zk_wrapper(
    arch: &ArchSpec,
    kind: ProofKind,
    inner_common: &CommonCircuitData<F, D>,
    inner_verifier: &plonky2::plonk::circuit_data::VerifierOnlyCircuitData<C, D>,
) -> (CircuitBuilder<F, D>, Vec<ProofWithPublicInputsTarget<D>>) {
    let mut b = CircuitBuilder::<F, D>::new(config_for(Mode::Private));
    b.set_domain_separator(domain_separator(arch, kind, Mode::Private));
    let n = match kind {
        ProofKind::Aggregate { rows } => rows,
        _ => 1,
    };
    let vd = b.constant_verifier_data::<C>(inner_verifier);
    let proofs: Vec<_> = (0..n)
        .map(|_| {
            let proof = b.add_virtual_proof_with_pis(inner_common);
            b.verify_proof::<C>(&proof, &vd, inner_common);
            b.register_public_inputs(&proof.public_inputs);
            proof
        })
        .collect();
    (b, proofs)
}

/// The kind of the public circuit a private proof of `kind` wraps (an aggregate wraps
/// inference proofs).
pub fn wrapped_kind(kind: ProofKind) -> ProofKind {
    match kind {
        ProofKind::Aggregate { .. } => ProofKind::Inference,
        other => other,
    }
}

#[cfg(feature = "prove")]
/// A built zero-knowledge wrapper (prover side).
pub struct ZkWrapper {
    pub data: CircuitData<F, C, D>,
    proofs: Vec<ProofWithPublicInputsTarget<D>>,
}

#[cfg(feature = "prove")]
impl ZkWrapper {
    pub fn new(arch: &ArchSpec, kind: ProofKind, inner: &CircuitData<F, C, D>) -> Self {
        let (b, proofs) = build_zk_wrapper(arch, kind, &inner.common, &inner.verifier_only);
        ZkWrapper {
            data: b.build::<C>(),
            proofs,
        }
    }

    /// The zero-knowledge proof of `inners` (proofs of the wrapped public circuit, as many as
    /// the wrapper takes).
    pub fn prove(
        &self,
        inners: &[&ProofWithPublicInputs<F, C, D>],
    ) -> Result<ProofWithPublicInputs<F, C, D>> {
        if inners.len() != self.proofs.len() {
            return Err(anyhow!(
                "{} proofs given, the wrapper takes {}",
                inners.len(),
                self.proofs.len()
            ));
        }
        let mut pw = PartialWitness::new();
        for (t, p) in self.proofs.iter().zip(inners) {
            pw.set_proof_with_pis_target(t, p)?;
        }
        self.data.prove(pw)
    }
}

#[cfg(feature = "prove")]
/// Builds the circuit. Deterministic: the same (arch, kind, mode) always gives the same
/// verifier data and circuit digest.
pub fn build(arch: &ArchSpec, kind: ProofKind, mode: Mode) -> BuiltCircuit {
    let (b, gate_rows, targets) = construct(arch, kind, mode);
    let data = b.build::<C>();
    BuiltCircuit {
        arch: arch.clone(),
        kind,
        mode,
        data,
        gate_rows,
        targets,
    }
}

/// The verifier-only data of the circuit (no prover data is kept): what the chain holds. For
/// private mode, the wrapper's, built over `inner` (the public circuit's verifier data).
pub fn build_verifier(
    arch: &ArchSpec,
    kind: ProofKind,
    mode: Mode,
    inner: Option<&VerifierCircuitData<F, C, D>>,
) -> VerifierCircuitData<F, C, D> {
    match (mode, inner) {
        (Mode::Private, Some(inner)) => {
            let (b, _) = build_zk_wrapper(arch, kind, &inner.common, &inner.verifier_only);
            b.build_verifier::<C>()
        }
        (Mode::Private, None) => {
            let inner = build_verifier(arch, wrapped_kind(kind), Mode::Public, None);
            build_verifier(arch, kind, mode, Some(&inner))
        }
        _ => {
            let (b, _, _) = construct(arch, kind, mode);
            b.build_verifier::<C>()
        }
    }
}

fn construct(
    arch: &ArchSpec,
    kind: ProofKind,
    mode: Mode,
) -> (CircuitBuilder<F, D>, usize, Targets) {
    let mut b = CircuitBuilder::<F, D>::new(config_for(mode));
    b.set_domain_separator(domain_separator(arch, kind, mode));
    let score = matches!(kind, ProofKind::Score { .. });
    let t = add_tables(&mut b, score);

    // Private weights, range-checked, committed.
    let mut preimage: Vec<Target> = commitment_prefix(arch)
        .into_iter()
        .map(|c| b.constant(c))
        .collect();
    let mut layers = Vec::new();
    for l in 0..arch.num_dense() {
        let (n_in, n_out) = arch.dense_shape(l);
        let w_off = b.add_virtual_targets(n_in * n_out);
        for &w in &w_off {
            b.add_lookup_from_index(w, t.range256);
        }
        let b_off = b.add_virtual_targets(n_out);
        for &bo in &b_off {
            range_check_act(&mut b, &t, bo);
        }
        // pack 7 weight bytes per element, little-endian (Horner from the last byte)
        for chunk in w_off.chunks(WEIGHTS_PER_ELEMENT) {
            let mut acc = *chunk.last().expect("non-empty chunk");
            for &u in chunk.iter().rev().skip(1) {
                acc = b.mul_const_add(F::from_canonical_u64(256), acc, u);
            }
            preimage.push(acc);
        }
        preimage.extend(&b_off);
        layers.push(LayerTargets { w_off, b_off });
    }
    // The private salt ends the preimage: the commitment hides the weights.
    let salt = b.add_virtual_targets(3);
    preimage.extend(&salt);
    let commitment = b.hash_n_to_hash_no_pad::<PoseidonHash>(preimage);
    b.register_public_inputs(&commitment.elements);

    let n_rows = match kind {
        // An aggregate's proofs are of the inference circuit (see `wrapped_kind`).
        ProofKind::Inference | ProofKind::Aggregate { .. } => 1,
        ProofKind::Score { rows } | ProofKind::Batch { rows } => rows,
    };
    let act_off = F::from_canonical_u64(ACT_OFFSET as u64);
    let mut inputs = Vec::with_capacity(n_rows);
    let mut labels = Vec::new();
    let mut outputs = Vec::new();
    // Score: one hash of the whole labelled set. Inference / batch: one hash per input row.
    let mut data_preimage: Vec<Target> = vec![
        b.constant(F::from_canonical_u64(DOMAIN_TESTSET)),
        b.constant(F::from_canonical_usize(n_rows)),
        b.constant(F::from_canonical_usize(arch.input_len())),
    ];
    let zero = b.zero();
    let mut correct = zero;
    let mut brier = zero;
    for _ in 0..n_rows {
        let x = b.add_virtual_targets(arch.input_len());
        for &xi in &x {
            let off = b.add_const(xi, act_off);
            range_check_act(&mut b, &t, off);
        }
        if score {
            data_preimage.extend(&x);
        } else {
            let mut pre = vec![
                b.constant(F::from_canonical_u64(DOMAIN_INPUT)),
                b.constant(F::from_canonical_usize(arch.input_len())),
            ];
            pre.extend(&x);
            let h = b.hash_n_to_hash_no_pad::<PoseidonHash>(pre);
            b.register_public_inputs(&h.elements);
        }
        let y = forward(&mut b, &t, &layers, &x);
        if score {
            let label = b.add_virtual_target();
            b.assert_bool(BoolTarget::new_unsafe(label));
            data_preimage.push(label);
            let z = y[0];
            let h = b.add_virtual_targets(8);
            b.add_simple_generator(ClampHint {
                z,
                outputs: h.clone().try_into().expect("8 targets"),
            });
            let (r4, c) = (h[0], h[1]);
            b.add_lookup_from_index(r4, t.range16);
            for &byte in &h[2..8] {
                b.add_lookup_from_index(byte, t.range256);
            }
            let c256 = F::from_canonical_u64(256);
            let c65536 = F::from_canonical_u64(65536);
            let over = b.mul_const_add(c256, h[3], h[2]);
            let over = b.mul_const_add(c65536, h[4], over);
            let under = b.mul_const_add(c256, h[6], h[5]);
            let under = b.mul_const_add(c65536, h[7], under);
            let p = b.add_lookup_from_index(c, t.sigmoid);
            let pred = b.add_lookup_from_index(c, t.sign);
            // clamp constraints
            let ou = b.mul(over, under);
            b.assert_zero(ou);
            let oc = b.arithmetic(F::ONE, -F::from_canonical_u64(255), over, c, over);
            b.assert_zero(oc);
            let uc = b.mul(under, c);
            b.assert_zero(uc);
            // z + 2048 = 16 (c + over - under) + r4
            let s = b.add(c, over);
            let s = b.sub(s, under);
            let rec = b.mul_const_add(F::from_canonical_u64(16), s, r4);
            let z_shift = b.add_const(z, F::from_canonical_u64(2048));
            b.connect(rec, z_shift);
            // wrong = pred + label - 2 pred label; correct += 1 - wrong
            let pl = b.mul(pred, label);
            let sum = b.add(pred, label);
            let one = b.one();
            let wrong = b.arithmetic(-F::TWO, F::ONE, pl, one, sum);
            let right = b.arithmetic(F::ONE, -F::ONE, one, one, wrong);
            correct = b.add(correct, right);
            // brier += (p - 256 label)^2
            let e = b.mul_const_add(-c256, label, p);
            brier = b.mul_add(e, e, brier);
            labels.push(label);
        } else {
            b.register_public_inputs(&y);
            outputs.extend(y);
        }
        inputs.push(x);
    }
    if score {
        let data_hash: HashOutTarget = b.hash_n_to_hash_no_pad::<PoseidonHash>(data_preimage);
        b.register_public_inputs(&data_hash.elements);
        b.register_public_input(correct);
        b.register_public_input(brier);
    }
    // The binding: public inputs only. Fiat-Shamir hashes every public input into the
    // challenges, so a proof made for one binding fails with any other.
    let binding = b.add_virtual_targets(4);
    b.register_public_inputs(&binding);
    let gate_rows = b.num_gates();
    (
        b,
        gate_rows,
        Targets {
            arch: arch.clone(),
            layers,
            salt,
            binding,
            inputs,
            labels,
            outputs,
        },
    )
}

#[cfg(feature = "prove")]
impl BuiltCircuit {
    /// Fills the private weights and salt, the inputs, (score) the labels and the binding.
    pub fn witness(
        &self,
        model: &QuantModel,
        rows: &[Vec<i64>],
        labels: &[i64],
        binding: &Digest,
    ) -> Result<PartialWitness<F>> {
        self.targets.witness(model, rows, labels, binding)
    }
}

#[cfg(feature = "prove")]
impl Targets {
    /// Fills the private weights and salt, the inputs, (score) the labels and the binding.
    pub fn witness(
        &self,
        model: &QuantModel,
        rows: &[Vec<i64>],
        labels: &[i64],
        binding: &Digest,
    ) -> Result<PartialWitness<F>> {
        let arch = model.validate()?;
        if arch != self.arch {
            return Err(anyhow!(
                "model is {}, circuit is {}",
                arch.name(),
                self.arch.name()
            ));
        }
        if rows.len() != self.inputs.len() {
            return Err(anyhow!(
                "{} input rows, circuit takes {}",
                rows.len(),
                self.inputs.len()
            ));
        }
        let mut pw = PartialWitness::new();
        for (&t, v) in self.salt.iter().zip(model.salt.to_fields()) {
            pw.set_target(t, v)?;
        }
        for (&t, v) in self.binding.iter().zip(binding.to_fields()) {
            pw.set_target(t, v)?;
        }
        for (lt, lm) in self.layers.iter().zip(&model.layers) {
            for (&t, &w) in lt.w_off.iter().zip(&lm.weights) {
                #[allow(unused_mut)]
                let mut byte = (w + WEIGHT_OFFSET) as u64;
                #[cfg(test)]
                if tamper::take(tamper::Lie::Weight256) {
                    byte = 256;
                }
                pw.set_target(t, F::from_canonical_u64(byte))?;
            }
            for (&t, &bias) in lt.b_off.iter().zip(&lm.bias) {
                pw.set_target(t, F::from_canonical_u64((bias + ACT_OFFSET) as u64))?;
            }
        }
        for (xt, row) in self.inputs.iter().zip(rows) {
            if row.len() != xt.len() {
                return Err(anyhow!(
                    "row has {} values, expected {}",
                    row.len(),
                    xt.len()
                ));
            }
            for (&t, &v) in xt.iter().zip(row) {
                pw.set_target(t, field_of_i64(v))?;
            }
        }
        if !self.labels.is_empty() {
            if labels.len() != self.labels.len() {
                return Err(anyhow!(
                    "{} labels, expected {}",
                    labels.len(),
                    self.labels.len()
                ));
            }
            for (&t, &y) in self.labels.iter().zip(labels) {
                #[allow(unused_mut)]
                let mut y = y;
                #[cfg(test)]
                if tamper::take(tamper::Lie::Label2) {
                    y = 2;
                }
                pw.set_target(t, field_of_i64(y))?;
            }
        }
        Ok(pw)
    }
}

#[cfg(feature = "prove")]
impl BuiltCircuit {
    /// Runs witness generation only (all copy constraints and lookups are checked while
    /// generating) and returns the public inputs the proof would carry.
    pub fn generate_public_inputs(&self, pw: PartialWitness<F>) -> Result<Vec<F>> {
        let w = generate_partial_witness::<F, C, D>(pw, &self.data.prover_only, &self.data.common)?;
        let pis = self.data.prover_only.public_inputs.clone();
        pis.iter()
            .map(|&t| {
                w.try_get_target(t)
                    .ok_or_else(|| anyhow!("public input not generated"))
            })
            .collect()
    }

    pub fn prove(&self, pw: PartialWitness<F>) -> Result<ProofWithPublicInputs<F, C, D>> {
        self.data.prove(pw)
    }

    /// Number of output public inputs (inference) or 2 (score).
    pub fn num_public_inputs(&self) -> usize {
        self.data.common.num_public_inputs
    }

    #[doc(hidden)]
    pub fn output_targets(&self) -> &[Target] {
        &self.targets.outputs
    }
}

/// A prover whose witness generator lies can't produce a verifying proof: each lie is caught
/// by a constraint (a lookup, a copy constraint or an assertion), so proving fails or the
/// proof does not verify. The same model, input and test set prove fine without the lie.
#[cfg(all(test, feature = "prove"))]
mod malicious_witness_tests {
    use super::tamper::{self, Lie};
    use super::*;
    use crate::quant::{QuantLayer, Salt, TestSet};

    fn model() -> QuantModel {
        let arch = ArchSpec::parse("mlp-16-32-16-1").unwrap();
        QuantModel {
            arch: arch.name(),
            layers: (0..arch.num_dense())
                .map(|l| {
                    let (i, o) = arch.dense_shape(l);
                    QuantLayer {
                        weights: (0..i * o)
                            .map(|k| ((k * 37 + l * 11) % 23) as i64 - 11)
                            .collect(),
                        bias: (0..o).map(|k| (k as i64 * 997) % 4001 - 2000).collect(),
                    }
                })
                .collect(),
            salt: Salt([1, 2, 3]),
        }
    }

    /// Proves `rows` (with `labels` for a score circuit) under `lie`; whether a verifying
    /// proof came out.
    fn verifying_proof(
        kind: ProofKind,
        rows: &[Vec<i64>],
        labels: &[i64],
        lie: Option<Lie>,
    ) -> bool {
        let m = model();
        let arch = m.validate().unwrap();
        let built = build(&arch, kind, Mode::Public);
        tamper::set(lie);
        let proved = built
            .witness(&m, rows, labels, &Digest([0; 4]))
            .and_then(|pw| built.prove(pw));
        let told = lie.is_none() || !tamper::take(lie.unwrap());
        tamper::set(None);
        assert!(
            told,
            "the lie {lie:?} was never told: the test does not test it"
        );
        match proved {
            Ok(p) => built.data.verify(p).is_ok(),
            Err(_) => false,
        }
    }

    /// Inputs whose first hidden layer has negative pre-activations (so a ReLU sign exists to
    /// flip) and whose logit stays in the clamp's range.
    fn input() -> Vec<i64> {
        (0..16).map(|i| (i as i64 * 53) % 401 - 200).collect()
    }

    #[test]
    fn each_lie_of_the_witness_generator_is_caught() {
        let x = vec![input()];
        assert!(
            verifying_proof(ProofKind::Inference, &x, &[], None),
            "honest proof"
        );
        for lie in [Lie::Remainder64, Lie::ReluSignFlip, Lie::Weight256] {
            assert!(
                !verifying_proof(ProofKind::Inference, &x, &[], Some(lie)),
                "{lie:?} produced a verifying proof"
            );
        }
        let set = TestSet {
            rows: (0..16)
                .map(|r| {
                    (0..16)
                        .map(|i| ((i * 31 + r * 7) % 201) as i64 - 100)
                        .collect()
                })
                .collect(),
            labels: (0..16).map(|r| (r % 2) as i64).collect(),
        };
        let kind = ProofKind::Score { rows: 16 };
        assert!(
            verifying_proof(kind, &set.rows, &set.labels, None),
            "honest score proof"
        );
        for lie in [Lie::OtherClampBranch, Lie::Label2] {
            assert!(
                !verifying_proof(kind, &set.rows, &set.labels, Some(lie)),
                "{lie:?} produced a verifying proof"
            );
        }
    }
}
