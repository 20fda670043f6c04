//! Proving a planned unit and building its fulfilment message. Synchronous and CPU-heavy:
//! the daemon runs these on a blocking thread.

use std::time::Instant;

use anyhow::{anyhow, bail, Context, Result};
use inferchain_proto::inferchain::inference::v1 as pb;
use inferchain_verifier::{self as v, ArchSpec, InferenceProof, Mode, QuantModel};

use super::plan::Job;

/// One proved single request.
#[derive(Clone, Debug)]
pub struct ProvedSingle {
    pub request_id: u64,
    pub proof: InferenceProof,
    pub seconds: f64,
}

/// One proved aggregate.
#[derive(Clone, Debug)]
pub struct ProvedAggregate {
    pub architecture: String,
    pub request_ids: Vec<u64>,
    pub outputs: Vec<Vec<i64>>,
    pub proof: Vec<u8>,
    /// The public-mode proofs it combines (reused if the aggregate is refused and the
    /// requests are public).
    pub inner: Vec<InferenceProof>,
    pub seconds: f64,
}

/// Checks the job against the model before spending a proof on it: architecture, input
/// width and range, and the chain's input hash.
pub fn check_job(model: &QuantModel, job: &Job) -> Result<ArchSpec> {
    let arch = model.validate()?;
    if arch.name() != job.architecture {
        bail!(
            "request {} is for {}, the model is {}",
            job.request_id,
            job.architecture,
            arch.name()
        );
    }
    v::check_input(&arch, &job.input)
        .with_context(|| format!("request {} has an unusable input", job.request_id))?;
    if !job.input_hash.is_empty() {
        let ours = v::input_hash(&job.input).to_hex();
        if !ours.eq_ignore_ascii_case(&job.input_hash) {
            bail!(
                "request {}: input hash {} differs from the chain's {}",
                job.request_id,
                ours,
                job.input_hash
            );
        }
    }
    Ok(arch)
}

/// Proves `job` with `model` in `mode`, bound to the request on `chain_id`.
pub fn prove_single(
    model: &QuantModel,
    job: &Job,
    mode: Mode,
    chain_id: &str,
) -> Result<ProvedSingle> {
    check_job(model, job)?;
    let t = Instant::now();
    let binding = v::request_binding(chain_id, job.request_id);
    let proof = v::prove_inference(model, &job.input, mode, &binding)
        .with_context(|| format!("proving request {}", job.request_id))?;
    Ok(ProvedSingle {
        request_id: job.request_id,
        proof,
        seconds: t.elapsed().as_secs_f64(),
    })
}

/// Proves each job in public mode (bound to its own request) and aggregates them, in order,
/// into one zero-knowledge proof. `models[i]` answers `jobs[i]`.
pub fn prove_aggregate(
    models: &[&QuantModel],
    jobs: &[Job],
    chain_id: &str,
) -> Result<ProvedAggregate> {
    if models.len() != jobs.len() || jobs.len() < 2 {
        bail!("an aggregate takes one model per job, at least two");
    }
    let t = Instant::now();
    let arch = check_job(models[0], &jobs[0])?;
    let mut inner = Vec::with_capacity(jobs.len());
    for (m, j) in models.iter().zip(jobs) {
        let a = check_job(m, j)?;
        if a != arch {
            bail!(
                "an aggregate takes one architecture ({} and {})",
                arch.name(),
                a.name()
            );
        }
        let binding = v::request_binding(chain_id, j.request_id);
        inner.push(
            v::prove_inference(m, &j.input, Mode::Public, &binding)
                .with_context(|| format!("proving request {}", j.request_id))?,
        );
    }
    let proof = v::aggregate(&arch, &inner).map_err(|e| anyhow!("aggregating: {e}"))?;
    Ok(ProvedAggregate {
        architecture: arch.name(),
        request_ids: jobs.iter().map(|j| j.request_id).collect(),
        outputs: inner.iter().map(|p| p.output.clone()).collect(),
        proof,
        inner,
        seconds: t.elapsed().as_secs_f64(),
    })
}

pub fn single_msg(submitter: &str, p: &ProvedSingle) -> pb::MsgFulfillInference {
    pb::MsgFulfillInference {
        submitter: submitter.into(),
        request_id: p.request_id,
        output: p.proof.output.clone(),
        proof: p.proof.bytes.clone(),
    }
}

pub fn aggregate_msg(submitter: &str, p: &ProvedAggregate) -> pb::MsgFulfillInferences {
    pb::MsgFulfillInferences {
        submitter: submitter.into(),
        request_ids: p.request_ids.clone(),
        outputs: p
            .outputs
            .iter()
            .map(|o| pb::InferenceOutput { values: o.clone() })
            .collect(),
        proof: p.proof.clone(),
    }
}
