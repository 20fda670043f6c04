//! Batch planning: which pending requests go into one aggregate proof
//! (`MsgFulfillInferences`) and which are answered one by one (`MsgFulfillInference`).
//!
//! Aggregates combine requests of one architecture (any of our models) into one
//! zero-knowledge proof; the chain verifies one only in a size the architecture registers
//! (`Architecture.circuits` with kind "aggregate"). Per architecture, requests are taken
//! earliest deadline first; while at least two remain, the largest registered size no larger
//! than what remains (and `--max-batch`) is filled; what no registered size fits is sent
//! singly.

use std::collections::BTreeMap;

use inferchain_verifier::Mode;

/// One request ready to be proved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Job {
    pub request_id: u64,
    pub model_id: u64,
    pub architecture: String,
    /// The feed's mode (a single fulfilment is proved in it).
    pub mode: Mode,
    pub input: Vec<i64>,
    /// Hex of the input hash the chain computed (checked before proving).
    pub input_hash: String,
    pub deadline: u64,
}

/// A unit of work: one proof and one message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unit {
    Single(Job),
    Aggregate {
        architecture: String,
        jobs: Vec<Job>,
    },
}

impl Unit {
    pub fn request_ids(&self) -> Vec<u64> {
        match self {
            Unit::Single(j) => vec![j.request_id],
            Unit::Aggregate { jobs, .. } => jobs.iter().map(|j| j.request_id).collect(),
        }
    }

    /// The earliest deadline of its requests.
    pub fn deadline(&self) -> u64 {
        match self {
            Unit::Single(j) => j.deadline,
            Unit::Aggregate { jobs, .. } => jobs.iter().map(|j| j.deadline).min().unwrap_or(0),
        }
    }
}

/// The aggregate sizes an architecture registers, from its circuit list
/// (`(kind, mode, rows)`); aggregates are private-only, so other modes are ignored.
pub fn aggregate_sizes<'a>(
    circuits: impl IntoIterator<Item = (&'a str, &'a str, u64)>,
) -> Vec<usize> {
    let mut sizes: Vec<usize> = circuits
        .into_iter()
        .filter(|(kind, mode, rows)| *kind == "aggregate" && *mode == "private" && *rows >= 2)
        .filter_map(|(_, _, rows)| usize::try_from(rows).ok())
        .collect();
    sizes.sort_unstable();
    sizes.dedup();
    sizes
}

/// Splits `jobs` into units: per architecture (in name order), the largest registered
/// aggregate size ≤ min(remaining, `max_batch`) while one fits, then singles.
/// `sizes[arch]` lists the registered aggregate sizes (absent or empty: all single).
pub fn plan(
    mut jobs: Vec<Job>,
    sizes: &BTreeMap<String, Vec<usize>>,
    max_batch: usize,
) -> Vec<Unit> {
    jobs.sort_by_key(|j| (j.architecture.clone(), j.deadline, j.request_id));
    let mut by_arch: BTreeMap<String, Vec<Job>> = BTreeMap::new();
    for j in jobs {
        by_arch.entry(j.architecture.clone()).or_default().push(j);
    }
    let mut units = Vec::new();
    for (arch, jobs) in by_arch {
        let registered = sizes.get(&arch).map(Vec::as_slice).unwrap_or(&[]);
        let mut rest = jobs.as_slice();
        while rest.len() >= 2 {
            let cap = rest.len().min(max_batch);
            let Some(&n) = registered.iter().filter(|&&s| s >= 2 && s <= cap).max() else {
                break;
            };
            units.push(Unit::Aggregate {
                architecture: arch.clone(),
                jobs: rest[..n].to_vec(),
            });
            rest = &rest[n..];
        }
        units.extend(rest.iter().cloned().map(Unit::Single));
    }
    // Most urgent first.
    units.sort_by_key(|u| (u.deadline(), u.request_ids()[0]));
    units
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(id: u64, arch: &str, deadline: u64) -> Job {
        Job {
            request_id: id,
            model_id: 1,
            architecture: arch.into(),
            mode: Mode::Private,
            input: vec![],
            input_hash: String::new(),
            deadline,
        }
    }

    fn shape(units: &[Unit]) -> Vec<Vec<u64>> {
        units.iter().map(Unit::request_ids).collect()
    }

    const A: &str = "mlp-16-32-16-1";
    const B: &str = "mlp-64-128-128-1";

    #[test]
    fn registered_sizes_from_circuits() {
        let c = [
            ("inference", "private", 0),
            ("aggregate", "private", 8),
            ("aggregate", "private", 2),
            ("aggregate", "public", 4), // not a thing: aggregates are private
            ("score", "private", 16),
            ("aggregate", "private", 2),
        ];
        assert_eq!(aggregate_sizes(c), vec![2, 8]);
    }

    #[test]
    fn largest_registered_size_that_fits_then_singles() {
        let sizes = BTreeMap::from([(A.to_string(), vec![2, 4, 8])]);
        let jobs: Vec<Job> = (1..=7).map(|i| job(i, A, 100)).collect();
        // 7 pending: 4 + 2, then 1 single.
        assert_eq!(
            shape(&plan(jobs.clone(), &sizes, 64)),
            vec![vec![1, 2, 3, 4], vec![5, 6], vec![7]]
        );
        // 8 pending: one aggregate of 8.
        let eight: Vec<Job> = (1..=8).map(|i| job(i, A, 100)).collect();
        assert_eq!(
            shape(&plan(eight.clone(), &sizes, 64)),
            vec![(1..=8).collect::<Vec<_>>()]
        );
        // --max-batch caps it.
        assert_eq!(
            shape(&plan(eight, &sizes, 3)),
            vec![vec![1, 2], vec![3, 4], vec![5, 6], vec![7, 8]]
        );
        // max-batch 1: never aggregate.
        assert_eq!(
            shape(&plan(jobs[..3].to_vec(), &sizes, 1)),
            vec![vec![1], vec![2], vec![3]]
        );
        // One pending: single.
        assert_eq!(shape(&plan(jobs[..1].to_vec(), &sizes, 64)), vec![vec![1]]);
    }

    #[test]
    fn unregistered_architectures_and_sizes_go_single() {
        // Only 4 registered: 3 pending can't be aggregated; 5 pending -> 4 + 1.
        let sizes = BTreeMap::from([(A.to_string(), vec![4])]);
        let three: Vec<Job> = (1..=3).map(|i| job(i, A, 100)).collect();
        assert_eq!(
            shape(&plan(three, &sizes, 64)),
            vec![vec![1], vec![2], vec![3]]
        );
        let five: Vec<Job> = (1..=5).map(|i| job(i, A, 100)).collect();
        assert_eq!(
            shape(&plan(five, &sizes, 64)),
            vec![vec![1, 2, 3, 4], vec![5]]
        );
        // B registers nothing.
        let b: Vec<Job> = (1..=2).map(|i| job(i, B, 100)).collect();
        assert_eq!(shape(&plan(b, &sizes, 64)), vec![vec![1], vec![2]]);
    }

    #[test]
    fn architectures_never_mix_and_urgent_requests_come_first() {
        let sizes = BTreeMap::from([(A.to_string(), vec![2]), (B.to_string(), vec![2])]);
        let jobs = vec![
            job(1, A, 50),
            job(2, B, 40),
            job(3, A, 30),
            job(4, B, 45),
            job(5, A, 60),
        ];
        let units = plan(jobs, &sizes, 64);
        // A by deadline: 3 (30), 1 (50), 5 (60) -> [3,1] + [5]; B: 2 (40), 4 (45) -> [2,4].
        assert_eq!(shape(&units), vec![vec![3, 1], vec![2, 4], vec![5]]);
        for u in &units {
            if let Unit::Aggregate { architecture, jobs } = u {
                assert!(jobs.iter().all(|j| &j.architecture == architecture));
            }
        }
    }
}
