//! `perturb [ROUNDS]`: a fresh 4-validator localnet under a steady load, ROUNDS (default 20)
//! random perturbations (kill -9 + restart, SIGSTOP/SIGCONT, cut off its peers), then every
//! height's app hash compared and the load reconciled (see `inferchain_e2e::perturb`).
//! `INFERCHAIN_PERTURB_SEED` replays a run.

use std::sync::Arc;

use inferchain_e2e::perturb::{perturb, seed};
use inferchain_e2e::Localnet;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let rounds = std::env::args()
        .nth(1)
        .map(|r| r.parse())
        .transpose()?
        .unwrap_or(20);
    let seed = seed();
    eprintln!("perturb: 4 validators, {rounds} rounds, INFERCHAIN_PERTURB_SEED={seed}");
    let net = Arc::new(Localnet::start("perturb", 4, 3000).await?);
    let started = std::time::Instant::now();
    let report = perturb(net, rounds, seed).await?;
    println!(
        "perturb: {} rounds survived ({} kills, {} pauses, {} partitions) in {:.0}s; txs sent {}, committed {}, reconciled {}; app hashes equal at all {} heights (seed {seed})",
        report.rounds,
        report.kills,
        report.pauses,
        report.partitions,
        started.elapsed().as_secs_f64(),
        report.txs_sent,
        report.txs_committed,
        report.txs_reconciled,
        report.heights_compared
    );
    Ok(())
}
