//! Inputs that must not knock the verifier over: each is rejected fast, allocating little,
//! before any circuit is built for it. Allocation is counted by this binary's allocator.
//! `FUZZ_ITERS=N` runs the fuzz loop longer (`prover/fuzz.sh`).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use inferchain_verifier::{
    compress_proof, verify_batch, verify_inference, verify_score, ArchSpec, Digest, Mode, Score,
    VerifyError,
};
use rand::{Rng, SeedableRng};

mod common;

/// Counts live bytes and the peak above a mark.
struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live =
            LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed) + layout.size() as isize;
        PEAK.fetch_max(live.max(0) as usize, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Runs `f`, returning its result, its time and the most memory it held above what was live
/// before. Tests in this binary run one at a time for the count to be theirs (`cargo test`
/// runs them on threads; the bound is generous enough that a neighbour's few KB don't matter,
/// and the suite runs this binary with `--test-threads=1` anyway through the mutex below).
fn measured<T>(f: impl FnOnce() -> T) -> (T, Duration, usize) {
    let before = LIVE.load(Ordering::Relaxed).max(0) as usize;
    PEAK.store(before, Ordering::Relaxed);
    let t = Instant::now();
    let out = f();
    let elapsed = t.elapsed();
    let extra = PEAK.load(Ordering::Relaxed).saturating_sub(before);
    (out, elapsed, extra)
}

static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

const FAST: Duration = Duration::from_millis(10);
const SMALL: usize = 16 << 20;

fn assert_cheap_rejection<T: std::fmt::Debug>(
    what: &str,
    f: impl FnOnce() -> Result<T, VerifyError>,
) -> VerifyError {
    let (r, t, mem) = measured(f);
    let e = r.expect_err(what);
    assert!(t < FAST, "{what}: rejected in {t:?} ({e})");
    assert!(mem < SMALL, "{what}: {mem} bytes held ({e})");
    e
}

/// What the tests' proofs are bound to.
fn bind() -> Digest {
    inferchain_verifier::binding_of(b"hostile")
}

fn arch() -> ArchSpec {
    ArchSpec::parse("mlp-16-32-16-1").unwrap()
}

/// The audit's input: `ICZK 01 02 00 00 0e "mlp-16-32-16-1" 00 00 01 00 00 00 00 00` — a
/// score proof header over 65,536 rows with an empty payload (31 bytes).
fn audit_bytes() -> Vec<u8> {
    let mut b = b"ICZK\x01\x02\x00\x00\x0e".to_vec();
    b.extend_from_slice(b"mlp-16-32-16-1");
    b.extend_from_slice(&[0, 0, 1, 0, 0, 0, 0, 0]);
    assert_eq!(b.len(), 31);
    b
}

#[test]
fn the_audits_31_byte_input_is_rejected_fast() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let bytes = audit_bytes();
    let d = Digest([1, 2, 3, 4]);
    for rows in [65_536, 256] {
        let score = Score {
            rows,
            correct: 0,
            brier_sum: 0,
        };
        let e = assert_cheap_rejection("31-byte score proof", || {
            verify_score(&arch(), Mode::Public, &bytes, &d, &d, &score, &bind())
        });
        // 65,536 rows: unregistered, before the bytes are read; 256: the envelope is refused.
        if rows == 65_536 {
            assert!(matches!(e, VerifyError::Unregistered(_)), "{e}");
        } else {
            assert!(matches!(e, VerifyError::Envelope(_)), "{e}");
        }
    }
    assert_cheap_rejection("31-byte proof compressed", || {
        compress_proof(&arch(), &bytes)
    });
    // The same header with a payload of plausible size: its 65,536 rows are unregistered.
    let mut padded = bytes[..27].to_vec();
    padded[4] = inferchain_verifier::spec::FORMAT_VERSION;
    padded.extend_from_slice(&(8192u32).to_le_bytes());
    padded.resize(31 + 8192, 0);
    let e = assert_cheap_rejection("padded 65,536-row proof compressed", || {
        compress_proof(&arch(), &padded)
    });
    assert!(matches!(e, VerifyError::Unregistered(_)), "{e}");
}

#[test]
fn absurd_rows_of_every_kind_and_unknown_architectures_are_rejected_fast() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let d = Digest([1, 2, 3, 4]);
    for rows in [0, 3, 1_000_000, usize::MAX >> 1] {
        let score = Score {
            rows,
            correct: 0,
            brier_sum: 0,
        };
        assert_cheap_rejection("absurd score rows", || {
            verify_score(
                &arch(),
                Mode::Private,
                &audit_bytes(),
                &d,
                &d,
                &score,
                &bind(),
            )
        });
    }
    for n in [3usize, 5000] {
        let items = vec![(d, vec![0i64]); n];
        assert_cheap_rejection("absurd batch size", || {
            verify_batch(&arch(), Mode::Public, &audit_bytes(), &d, &items, &bind())
        });
    }
    // An architecture no one registered, however plausible its name.
    for name in ["mlp-4096-4096-4096-1", "mlp-2-2-1", "mlp-16-32-16-2"] {
        let unknown = ArchSpec::parse(name).unwrap();
        let out = vec![0i64; unknown.output_len()];
        let e = assert_cheap_rejection("unknown architecture", || {
            verify_inference(
                &unknown,
                Mode::Public,
                &audit_bytes(),
                &d,
                &d,
                &out,
                &bind(),
            )
        });
        assert!(matches!(e, VerifyError::Unregistered(_)), "{e}");
    }
    // A proof naming an unknown architecture, given to a known one's verifier.
    let mut b = b"ICZK\x01\x01\x00\x00\x14".to_vec();
    b.extend_from_slice(b"mlp-4096-4096-4096-1");
    b.extend_from_slice(&[0; 8]);
    assert_cheap_rejection("proof of another architecture", || {
        verify_inference(&arch(), Mode::Public, &b, &d, &d, &[0], &bind())
    });
}

/// Random bytes, and random mutations of a well-formed header, never verify, never panic,
/// and are rejected fast. Bounded here; `FUZZ_ITERS` runs it longer.
#[test]
fn fuzzed_envelopes_are_rejected_fast() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let iters: usize = std::env::var("FUZZ_ITERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
    let d = Digest([5, 6, 7, 8]);
    let mut header = audit_bytes();
    header[4] = inferchain_verifier::spec::FORMAT_VERSION;
    let mut slowest = Duration::ZERO;
    for i in 0..iters {
        let bytes: Vec<u8> = if i % 2 == 0 {
            let n = rng.gen_range(0..4096);
            (0..n).map(|_| rng.gen()).collect()
        } else {
            let mut b = header.clone();
            for _ in 0..rng.gen_range(1..4) {
                let at = rng.gen_range(0..b.len());
                b[at] = rng.gen();
            }
            b.extend((0..rng.gen_range(0..64)).map(|_| rng.gen::<u8>()));
            b
        };
        let rows = [16, 256, 65_536][i % 3];
        let score = Score {
            rows,
            correct: 0,
            brier_sum: 0,
        };
        let mode = [Mode::Public, Mode::Private, Mode::Compact][i % 3];
        let (r, t, mem) = measured(|| {
            (
                verify_inference(&arch(), mode, &bytes, &d, &d, &[0], &bind()),
                verify_score(&arch(), mode, &bytes, &d, &d, &score, &bind()),
                compress_proof(&arch(), &bytes),
            )
        });
        assert!(r.0.is_err() && r.1.is_err(), "iteration {i} verified");
        if let Ok(c) = r.2 {
            // Only a well-formed header of a registered circuit gets this far, and only an
            // empty-payload one could round-trip: it must still not verify.
            assert!(verify_inference(&arch(), mode, &c, &d, &d, &[0], &bind()).is_err());
        }
        assert!(mem < SMALL, "iteration {i}: {mem} bytes");
        slowest = slowest.max(t);
    }
    eprintln!("{iters} fuzzed inputs, slowest rejection {slowest:?}");
}

/// Random flips and splices of a real proof's payload never verify and never panic (each
/// reaches plonky2's parser and verifier; bounded here, longer with `FUZZ_ITERS`).
#[test]
fn fuzzed_real_proofs_never_verify() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let spec = arch();
    let model = common::fixed_model(&spec, inferchain_verifier::Salt([7, 8, 9]));
    let x = vec![100; 16];
    let p = inferchain_verifier::prove_inference(&model, &x, Mode::Public, &bind()).unwrap();
    verify_inference(
        &spec,
        Mode::Public,
        &p.bytes,
        &p.commitment,
        &p.input_hash,
        &p.output,
        &bind(),
    )
    .unwrap();
    let iters: usize = std::env::var("FUZZ_ITERS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .map(|n| n / 20)
        .unwrap_or(60);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(12);
    for i in 0..iters {
        let mut b = p.bytes.clone();
        match i % 3 {
            0 => {
                let at = rng.gen_range(40..b.len());
                b[at] ^= 1 << rng.gen_range(0..8);
            }
            1 => {
                let from = rng.gen_range(40..b.len() - 64);
                let to = rng.gen_range(40..b.len() - 64);
                let chunk: Vec<u8> = b[from..from + 64].to_vec();
                b[to..to + 64].copy_from_slice(&chunk);
            }
            _ => {
                for _ in 0..8 {
                    let at = rng.gen_range(40..b.len());
                    b[at] = rng.gen();
                }
            }
        }
        if b == p.bytes {
            continue;
        }
        let r = verify_inference(
            &spec,
            Mode::Public,
            &b,
            &p.commitment,
            &p.input_hash,
            &p.output,
            &bind(),
        );
        assert!(r.is_err(), "mutation {i} verified");
    }
}

/// Mutated compressed proofs never verify, and none reaches a panic inside plonky2 (a missing
/// opening is found before plonky2 indexes it; the last-resort `catch_unwind` stays unused).
#[test]
fn fuzzed_compressed_proofs_never_verify() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let spec = arch();
    let model = common::fixed_model(&spec, inferchain_verifier::Salt([4, 5, 6]));
    let p = inferchain_verifier::prove_inference(&model, &[60; 16], Mode::Public, &bind()).unwrap();
    let c = compress_proof(&spec, &p.bytes).unwrap();
    verify_inference(
        &spec,
        Mode::Public,
        &c,
        &p.commitment,
        &p.input_hash,
        &p.output,
        &bind(),
    )
    .unwrap();
    let iters: usize = std::env::var("FUZZ_ITERS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .map(|n| n / 20)
        .unwrap_or(60);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(13);
    let mut panics = 0;
    for i in 0..iters {
        let mut b = c.clone();
        for _ in 0..1 + i % 4 {
            let at = rng.gen_range(40..b.len());
            b[at] = rng.gen();
        }
        if b == c {
            continue;
        }
        let r = verify_inference(
            &spec,
            Mode::Public,
            &b,
            &p.commitment,
            &p.input_hash,
            &p.output,
            &bind(),
        );
        match r {
            Ok(_) => panic!("mutation {i} verified"),
            Err(VerifyError::MalformedProof(m)) | Err(VerifyError::Invalid(m))
                if m.contains("panicked") =>
            {
                panics += 1
            }
            Err(_) => {}
        }
    }
    eprintln!(
        "{iters} mutated compressed proofs: all rejected, {panics} via a caught plonky2 panic"
    );
}
