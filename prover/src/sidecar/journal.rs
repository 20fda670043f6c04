//! The sidecar's journal: what it has submitted, so that it never submits a fulfilment twice,
//! across restarts and crashes (kill -9 included).
//!
//! `<state-dir>/journal.jsonl` is append-only, one JSON object per line, each line written
//! and `fdatasync`'d before the sidecar acts on it:
//!
//! ```text
//! {"v":1,"at":1764614400,"state":"submitted","requests":[7,8],"tx_hash":"AB12…","sequence":41,"height":120}
//! {"v":1,"at":1764614406,"state":"included","requests":[7,8],"tx_hash":"AB12…","code":0,"height":121}
//! {"v":1,"at":1764614410,"state":"abandoned","requests":[9],"tx_hash":"CD34…","reason":"…"}
//! {"v":1,"at":1764614420,"state":"done","requests":[10],"reason":"timed_out"}
//! ```
//!
//! * `submitted` is written **before** the signed transaction is broadcast; its bytes are in
//!   `<state-dir>/tx/<tx_hash>.tx` (written and synced before the line). From then on the
//!   request is *in flight*: the journal refuses another `submitted` for it, and after a
//!   restart the sidecar looks the transaction up (and rebroadcasts the very same bytes, which
//!   is idempotent: one hash, one account sequence) instead of proving again.
//! * `included`: the transaction is in a block with this result code. Code 0 ends the
//!   requests; another code means the transaction failed, and the request may be answered
//!   again if the chain still says it is pending.
//! * `abandoned`: the transaction can never be included (CheckTx refused it, or its account
//!   sequence was used by another transaction), so the request may be answered again.
//! * `done`: nothing more to do (fulfilled, timed out, past its deadline).
//!
//! A crash can leave the last line torn (no newline): it is ignored and cut off when the
//! journal is opened, since nothing was done on its behalf (acting waits for the sync). A bad
//! line anywhere else is an error: the journal is the only record of what is in flight, and
//! guessing could submit twice.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub const FILE_NAME: &str = "journal.jsonl";
const VERSION: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("journal {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("journal {path} line {line} is corrupt ({why}); refusing to guess what is in flight — inspect or move the file")]
    Corrupt {
        path: String,
        line: usize,
        why: String,
    },
    #[error("request {request} is already {state} (tx {tx_hash}): refusing to submit it again")]
    AlreadySubmitted {
        request: u64,
        state: &'static str,
        tx_hash: String,
    },
}

/// One journal line's content.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Record {
    Submitted {
        requests: Vec<u64>,
        tx_hash: String,
        sequence: u64,
        /// The chain's height when it was signed.
        height: u64,
    },
    Included {
        requests: Vec<u64>,
        tx_hash: String,
        code: u32,
        height: u64,
    },
    Abandoned {
        requests: Vec<u64>,
        tx_hash: String,
        reason: String,
    },
    Done {
        requests: Vec<u64>,
        reason: String,
    },
}

impl Record {
    pub fn requests(&self) -> &[u64] {
        match self {
            Record::Submitted { requests, .. }
            | Record::Included { requests, .. }
            | Record::Abandoned { requests, .. }
            | Record::Done { requests, .. } => requests,
        }
    }
}

#[derive(Serialize, Deserialize)]
struct Line {
    v: u32,
    /// Unix seconds (for people reading the file; nothing depends on it).
    at: u64,
    #[serde(flatten)]
    record: Record,
}

/// A submitted transaction whose fate is not known yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InFlight {
    pub requests: Vec<u64>,
    pub tx_hash: String,
    pub sequence: u64,
    pub height: u64,
}

/// What the journal says about one request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RequestState {
    /// Submitted in this transaction, outcome unknown: never submit again, check it.
    InFlight { tx_hash: String },
    /// Nothing more to do.
    Done { reason: String },
    /// An earlier transaction failed or can never land: may be answered again if the chain
    /// says it is still pending.
    Retryable { tx_hash: String, reason: String },
}

/// What opening the journal found.
#[derive(Debug, Default)]
pub struct Replay {
    pub lines: usize,
    /// Bytes of a torn last line that were cut off.
    pub torn_bytes: usize,
}

pub struct Journal {
    dir: PathBuf,
    path: PathBuf,
    file: File,
    states: BTreeMap<u64, RequestState>,
    in_flight: BTreeMap<String, InFlight>,
}

fn io_err(path: &Path) -> impl Fn(std::io::Error) -> JournalError + '_ {
    move |source| JournalError::Io {
        path: path.display().to_string(),
        source,
    }
}

fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}

impl Journal {
    /// Opens (or creates) the journal in `dir`, replays it and cuts off a torn last line.
    pub fn open(dir: &Path) -> Result<(Journal, Replay), JournalError> {
        std::fs::create_dir_all(dir.join("tx")).map_err(io_err(dir))?;
        let path = dir.join(FILE_NAME);
        let existed = path.exists();
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(&path)
            .map_err(io_err(&path))?;
        if !existed {
            sync_dir(dir).map_err(io_err(dir))?;
        }
        let mut raw = Vec::new();
        file.seek(SeekFrom::Start(0)).map_err(io_err(&path))?;
        file.read_to_end(&mut raw).map_err(io_err(&path))?;
        let complete = raw
            .iter()
            .rposition(|&b| b == b'\n')
            .map(|i| i + 1)
            .unwrap_or(0);
        let mut replay = Replay {
            torn_bytes: raw.len() - complete,
            ..Replay::default()
        };
        let mut j = Journal {
            dir: dir.to_path_buf(),
            path: path.clone(),
            file,
            states: BTreeMap::new(),
            in_flight: BTreeMap::new(),
        };
        for (n, line) in raw[..complete].split(|&b| b == b'\n').enumerate() {
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let corrupt = |why: String| JournalError::Corrupt {
                path: path.display().to_string(),
                line: n + 1,
                why,
            };
            let l: Line = serde_json::from_slice(line).map_err(|e| corrupt(e.to_string()))?;
            if l.v != VERSION {
                return Err(corrupt(format!(
                    "version {} (this build reads {VERSION})",
                    l.v
                )));
            }
            j.apply(l.record);
            replay.lines += 1;
        }
        if replay.torn_bytes > 0 {
            // Appends would otherwise continue the torn line and corrupt the next record.
            j.file.set_len(complete as u64).map_err(io_err(&path))?;
            j.file.sync_data().map_err(io_err(&path))?;
        }
        Ok((j, replay))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn apply(&mut self, r: Record) {
        match r {
            Record::Submitted {
                requests,
                tx_hash,
                sequence,
                height,
            } => {
                for id in &requests {
                    self.states.insert(
                        *id,
                        RequestState::InFlight {
                            tx_hash: tx_hash.clone(),
                        },
                    );
                }
                self.in_flight.insert(
                    tx_hash.clone(),
                    InFlight {
                        requests,
                        tx_hash,
                        sequence,
                        height,
                    },
                );
            }
            Record::Included {
                requests,
                tx_hash,
                code,
                ..
            } => {
                self.in_flight.remove(&tx_hash);
                for id in requests {
                    if code == 0 {
                        self.states.insert(
                            id,
                            RequestState::Done {
                                reason: format!("fulfilled by {tx_hash}"),
                            },
                        );
                    } else if self.superseded_by_other(id, &tx_hash) {
                        // A failed older transaction does not reopen a request in flight in
                        // a newer one.
                    } else {
                        self.states.insert(
                            id,
                            RequestState::Retryable {
                                tx_hash: tx_hash.clone(),
                                reason: format!("tx failed with code {code}"),
                            },
                        );
                    }
                }
            }
            Record::Abandoned {
                requests,
                tx_hash,
                reason,
            } => {
                self.in_flight.remove(&tx_hash);
                for id in requests {
                    // A later record for the request (another tx) wins over this one.
                    if !self.superseded_by_other(id, &tx_hash) {
                        self.states.insert(
                            id,
                            RequestState::Retryable {
                                tx_hash: tx_hash.clone(),
                                reason: reason.clone(),
                            },
                        );
                    }
                }
            }
            Record::Done { requests, reason } => {
                for id in requests {
                    self.states.insert(
                        id,
                        RequestState::Done {
                            reason: reason.clone(),
                        },
                    );
                }
            }
        }
    }

    /// Whether the request is in flight in, or done by, another transaction than `tx_hash`.
    fn superseded_by_other(&self, id: u64, tx_hash: &str) -> bool {
        match self.states.get(&id) {
            Some(RequestState::InFlight { tx_hash: h }) => h != tx_hash,
            Some(RequestState::Done { .. }) => true,
            _ => false,
        }
    }

    /// Appends `r` and syncs it to disk before returning. A `submitted` record for a request
    /// that is in flight or done is refused: this is the guard against double submission.
    pub fn append(&mut self, r: Record) -> Result<(), JournalError> {
        if let Record::Submitted { requests, .. } = &r {
            for id in requests {
                match self.states.get(id) {
                    Some(RequestState::InFlight { tx_hash }) => {
                        return Err(JournalError::AlreadySubmitted {
                            request: *id,
                            state: "in flight",
                            tx_hash: tx_hash.clone(),
                        })
                    }
                    Some(RequestState::Done { reason }) => {
                        return Err(JournalError::AlreadySubmitted {
                            request: *id,
                            state: "done",
                            tx_hash: reason.clone(),
                        })
                    }
                    _ => {}
                }
            }
        }
        let mut line = serde_json::to_vec(&Line {
            v: VERSION,
            at: now_secs(),
            record: r.clone(),
        })
        .expect("journal records serialize");
        line.push(b'\n');
        let path = self.path.clone();
        self.file.write_all(&line).map_err(io_err(&path))?;
        self.file.sync_data().map_err(io_err(&path))?;
        self.apply(r);
        Ok(())
    }

    pub fn state(&self, request: u64) -> Option<&RequestState> {
        self.states.get(&request)
    }

    /// Whether the request may be proved and submitted (never seen, or its last transaction
    /// failed / can never land).
    pub fn may_submit(&self, request: u64) -> bool {
        matches!(
            self.states.get(&request),
            None | Some(RequestState::Retryable { .. })
        )
    }

    /// Submitted transactions whose outcome is not journaled yet, by hash.
    pub fn in_flight(&self) -> impl Iterator<Item = &InFlight> {
        self.in_flight.values()
    }

    fn tx_path(&self, tx_hash: &str) -> PathBuf {
        self.dir.join("tx").join(format!("{tx_hash}.tx"))
    }

    /// Stores a signed transaction's bytes (synced) before its `submitted` line is written.
    pub fn save_tx(&self, tx_hash: &str, bytes: &[u8]) -> Result<(), JournalError> {
        let path = self.tx_path(tx_hash);
        let tmp = path.with_extension("tmp");
        let err = io_err(&path);
        let mut f = File::create(&tmp).map_err(&err)?;
        f.write_all(bytes).map_err(&err)?;
        f.sync_all().map_err(&err)?;
        std::fs::rename(&tmp, &path).map_err(&err)?;
        sync_dir(&self.dir.join("tx")).map_err(&err)
    }

    /// A stored transaction's bytes (to rebroadcast exactly them).
    pub fn load_tx(&self, tx_hash: &str) -> Option<Vec<u8>> {
        std::fs::read(self.tx_path(tx_hash)).ok()
    }

    /// Removes a stored transaction once its outcome is journaled.
    pub fn forget_tx(&self, tx_hash: &str) {
        let _ = std::fs::remove_file(self.tx_path(tx_hash));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn submitted(ids: &[u64], hash: &str, seq: u64) -> Record {
        Record::Submitted {
            requests: ids.to_vec(),
            tx_hash: hash.into(),
            sequence: seq,
            height: 10,
        }
    }

    #[test]
    fn submitted_requests_are_never_submitted_again_even_after_reopening() {
        let dir = tempfile::tempdir().unwrap();
        {
            let (mut j, r) = Journal::open(dir.path()).unwrap();
            assert_eq!(r.lines, 0);
            assert!(j.may_submit(7));
            j.save_tx("AA", b"tx bytes").unwrap();
            j.append(submitted(&[7, 8], "AA", 3)).unwrap();
            assert!(!j.may_submit(7) && !j.may_submit(8) && j.may_submit(9));
            let e = j.append(submitted(&[9, 8], "BB", 4)).unwrap_err();
            assert!(
                matches!(e, JournalError::AlreadySubmitted { request: 8, .. }),
                "{e}"
            );
        }
        let (mut j, r) = Journal::open(dir.path()).unwrap();
        assert_eq!(r.lines, 1);
        assert_eq!(
            j.state(7),
            Some(&RequestState::InFlight {
                tx_hash: "AA".into()
            })
        );
        assert_eq!(j.load_tx("AA").unwrap(), b"tx bytes");
        let flying: Vec<_> = j.in_flight().cloned().collect();
        assert_eq!(
            flying,
            vec![InFlight {
                requests: vec![7, 8],
                tx_hash: "AA".into(),
                sequence: 3,
                height: 10
            }]
        );
        assert!(j.append(submitted(&[7], "CC", 4)).is_err());
        // Included with code 0: done for good, still never resubmitted.
        j.append(Record::Included {
            requests: vec![7, 8],
            tx_hash: "AA".into(),
            code: 0,
            height: 11,
        })
        .unwrap();
        assert_eq!(j.in_flight().count(), 0);
        assert!(!j.may_submit(7));
        assert!(j.append(submitted(&[7], "CC", 4)).is_err());
        drop(j);
        let (j, _) = Journal::open(dir.path()).unwrap();
        assert!(matches!(j.state(8), Some(RequestState::Done { .. })));
        assert!(!j.may_submit(8));
    }

    #[test]
    fn failed_or_abandoned_transactions_leave_the_request_retryable() {
        let dir = tempfile::tempdir().unwrap();
        let (mut j, _) = Journal::open(dir.path()).unwrap();
        j.append(submitted(&[1], "AA", 0)).unwrap();
        j.append(Record::Included {
            requests: vec![1],
            tx_hash: "AA".into(),
            code: 5,
            height: 3,
        })
        .unwrap();
        assert!(j.may_submit(1));
        j.append(submitted(&[1, 2], "BB", 1)).unwrap();
        j.append(Record::Abandoned {
            requests: vec![1, 2],
            tx_hash: "BB".into(),
            reason: "sequence used".into(),
        })
        .unwrap();
        assert!(j.may_submit(1) && j.may_submit(2));
        j.append(submitted(&[2], "CC", 1)).unwrap();
        // A late abandonment of an older tx does not reopen a request in flight elsewhere.
        j.append(Record::Abandoned {
            requests: vec![2],
            tx_hash: "BB".into(),
            reason: "again".into(),
        })
        .unwrap();
        assert!(!j.may_submit(2));
        j.append(Record::Done {
            requests: vec![1],
            reason: "timed_out".into(),
        })
        .unwrap();
        drop(j);
        let (j, r) = Journal::open(dir.path()).unwrap();
        assert_eq!(r.lines, 7);
        assert!(!j.may_submit(1) && !j.may_submit(2));
        assert_eq!(j.in_flight().count(), 1);
    }

    #[test]
    fn a_torn_last_line_is_ignored_and_cut_off() {
        let dir = tempfile::tempdir().unwrap();
        {
            let (mut j, _) = Journal::open(dir.path()).unwrap();
            j.append(submitted(&[1], "AA", 0)).unwrap();
        }
        let path = dir.path().join(FILE_NAME);
        let good = std::fs::read(&path).unwrap();
        // A crash mid-write of the next record: a prefix of a line, no newline.
        let next = br#"{"v":1,"at":5,"state":"submitted","requests":[2],"tx_ha"#;
        let mut torn = good.clone();
        torn.extend_from_slice(next);
        std::fs::write(&path, &torn).unwrap();
        {
            let (mut j, r) = Journal::open(dir.path()).unwrap();
            assert_eq!((r.lines, r.torn_bytes), (1, next.len()));
            assert!(!j.may_submit(1));
            assert!(j.may_submit(2), "the torn record did not happen");
            assert_eq!(std::fs::read(&path).unwrap(), good, "cut back");
            j.append(submitted(&[2], "BB", 1)).unwrap();
        }
        let (j, r) = Journal::open(dir.path()).unwrap();
        assert_eq!((r.lines, r.torn_bytes), (2, 0));
        assert!(!j.may_submit(2));
        // Even a complete-looking last record without its newline was never synced as a line:
        // it is ignored too.
        let mut unterminated = std::fs::read(&path).unwrap();
        let line = serde_json::to_vec(&Line {
            v: 1,
            at: 0,
            record: submitted(&[3], "CC", 2),
        })
        .unwrap();
        unterminated.extend_from_slice(&line);
        std::fs::write(&path, &unterminated).unwrap();
        let (j, r) = Journal::open(dir.path()).unwrap();
        assert_eq!(r.torn_bytes, line.len());
        assert!(j.may_submit(3));
    }

    #[test]
    fn a_corrupt_line_before_the_end_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        {
            let (mut j, _) = Journal::open(dir.path()).unwrap();
            j.append(submitted(&[1], "AA", 0)).unwrap();
            j.append(submitted(&[2], "BB", 1)).unwrap();
        }
        let path = dir.path().join(FILE_NAME);
        let text = std::fs::read_to_string(&path).unwrap();
        let broken = text.replacen("\"requests\"", "\"requ", 1);
        std::fs::write(&path, broken).unwrap();
        let e = Journal::open(dir.path()).err().expect("refused");
        assert!(matches!(e, JournalError::Corrupt { line: 1, .. }), "{e}");
    }
}
