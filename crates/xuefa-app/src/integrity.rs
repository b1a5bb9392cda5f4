//! Keeping the records sound: what `xuefa doctor` checks, what `xuefa verify` walks, and
//! the signed summary an office sends to the office above it.
//!
//! A summary is JSON: `{"summary": {...}, "public_key": HEX, "signature": HEX}`. The
//! signature is Ed25519 over the summary's canonical form (keys sorted, no spaces), so the
//! file may be pretty-printed or reordered on the way and still checks. The summary holds
//! the ledger's length and head: the office above can later ask for the ledger and see that
//! nothing before that head was rewritten.

use std::path::Path;

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use jiff::Timestamp;
use serde_json::{Map, Value, json};
use xuefa_store::{Health, LedgerCheck, LedgerProblem, LedgerRecord, Maintenance, hex};

use crate::Result;
use crate::i18n::Tr;

/// The `format` of a signed summary this build writes and reads.
pub const SUMMARY_FORMAT: &str = "xuefa-summary/1";

/// One line of `doctor`: a check, whether it passed, and what it found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The check's id: `schema`, `integrity`, `references`, `orphans`, `overdue`, `ledger`.
    pub check: &'static str,
    /// Whether it passed. `overdue` never fails the doctor: the server submits such
    /// attempts at its next sweep, and any command that opens them does.
    pub ok: bool,
    /// What it found, in the reader's language (one line each).
    pub lines: Vec<String>,
}

/// What `doctor` found.
#[derive(Debug, Clone)]
pub struct Doctor {
    /// One finding per check, in order.
    pub findings: Vec<Finding>,
    /// The database's figures.
    pub health: Health,
    /// The ledger's walk.
    pub ledger: LedgerCheck,
}

impl Doctor {
    /// Whether every check passed.
    pub fn ok(&self) -> bool {
        self.findings.iter().all(|f| f.ok)
    }

    /// The JSON form (English field names).
    pub fn to_json(&self, ui: &Tr) -> Value {
        json!({
            "ok": self.ok(),
            "schema_version": self.health.schema_version,
            "schema_known": self.health.schema_known,
            "size_bytes": self.health.size_bytes,
            "checks": self.findings.iter().map(|f| json!({
                "check": f.check,
                "ok": f.ok,
                "lines": f.lines,
            })).collect::<Vec<_>>(),
            "ledger": ledger_json(&self.ledger, ui),
        })
    }
}

/// Checks everything `doctor` checks, at `now`.
///
/// # Errors
/// Returns a database error.
pub fn doctor<S: Maintenance + ?Sized>(store: &mut S, now: Timestamp, ui: &Tr) -> Result<Doctor> {
    let health = store.health(now)?;
    let ledger = store.verify_ledger()?;
    let mut findings = Vec::new();
    let version = [("found", health.schema_version.to_string()), ("known", health.schema_known.to_string())];
    findings.push(Finding {
        check: "schema",
        ok: health.schema_version == health.schema_known,
        lines: vec![ui.text(
            if health.schema_version == health.schema_known {
                "doctor.schema_ok"
            } else {
                "doctor.schema_old"
            },
            &version,
        )],
    });
    findings.push(Finding {
        check: "integrity",
        ok: health.integrity.is_empty(),
        lines: if health.integrity.is_empty() {
            vec![ui.text("doctor.integrity_ok", &[])]
        } else {
            health
                .integrity
                .iter()
                .take(20)
                .map(|l| ui.text("doctor.integrity_bad", &[("detail", l.clone())]))
                .collect()
        },
    });
    findings.push(Finding {
        check: "references",
        ok: health.references.is_empty(),
        lines: if health.references.is_empty() {
            vec![ui.text("doctor.references_ok", &[])]
        } else {
            // One line per (table, table referred to), with the first row.
            let mut groups: Vec<(&String, &String, i64, u64)> = Vec::new();
            for (table, row, parent) in &health.references {
                match groups.iter_mut().find(|g| g.0 == table && g.1 == parent) {
                    Some(group) => group.3 += 1,
                    None => groups.push((table, parent, *row, 1)),
                }
            }
            groups
                .into_iter()
                .map(|(table, parent, row, count)| {
                    ui.text(
                        "doctor.reference_bad",
                        &[
                            ("table", table.clone()),
                            ("row", row.to_string()),
                            ("parent", parent.clone()),
                            ("count", count.to_string()),
                        ],
                    )
                })
                .collect()
        },
    });
    findings.push(Finding {
        check: "orphans",
        ok: health.orphans.is_empty(),
        lines: if health.orphans.is_empty() {
            vec![ui.text("doctor.orphans_ok", &[])]
        } else {
            health
                .orphans
                .iter()
                .map(|o| {
                    ui.text(
                        &format!("doctor.orphans.{}", o.kind),
                        &[("count", o.count.to_string()), ("example", o.example.clone())],
                    )
                })
                .collect()
        },
    });
    findings.push(Finding {
        check: "overdue",
        ok: true,
        lines: if health.overdue.is_empty() {
            vec![ui.text("doctor.overdue_none", &[])]
        } else {
            let mut lines = vec![ui.text("doctor.overdue", &[("count", health.overdue.len().to_string())])];
            lines.extend(health.overdue.iter().take(10).map(|(exam, employee, attempt, deadline)| {
                ui.text(
                    "doctor.overdue_one",
                    &[
                        ("exam", exam.clone()),
                        ("employee", employee.clone()),
                        ("attempt", attempt.to_string()),
                        ("deadline", deadline.clone()),
                    ],
                )
            }));
            lines
        },
    });
    findings.push(Finding {
        check: "ledger",
        ok: ledger.problems.is_empty(),
        lines: ledger_lines(&ledger, ui, 20),
    });
    Ok(Doctor { findings, health, ledger })
}

/// Returns what a ledger walk found, as lines to read: a sound ledger in one line, else the
/// first `limit` problems and how many more there are.
pub fn ledger_lines(check: &LedgerCheck, ui: &Tr, limit: usize) -> Vec<String> {
    if check.problems.is_empty() {
        return vec![ui.text(
            "verify.sound",
            &[
                ("length", check.length.to_string()),
                ("attempts", check.attempts.to_string()),
                ("marks", check.marks.to_string()),
            ],
        )];
    }
    let mut lines: Vec<String> = check.problems.iter().take(limit).map(|p| problem_text(p, ui)).collect();
    if check.problems.len() > limit {
        lines.push(ui.text("verify.more", &[("count", (check.problems.len() - limit).to_string())]));
    }
    lines
}

fn record_args(record: &LedgerRecord) -> (&'static str, Vec<(&'static str, String)>) {
    match record {
        LedgerRecord::Attempt { exam, employee, attempt } => (
            "attempt",
            vec![("exam", exam.clone()), ("employee", employee.clone()), ("attempt", attempt.to_string())],
        ),
        LedgerRecord::Mark { session, employee } => {
            ("mark", vec![("session", session.clone()), ("employee", employee.clone())])
        }
        _ => ("attempt", Vec::new()),
    }
}

/// Returns one problem in the reader's language.
pub fn problem_text(problem: &LedgerProblem, ui: &Tr) -> String {
    match problem {
        LedgerProblem::Broken { seq } => ui.text("verify.broken", &[("seq", seq.to_string())]),
        LedgerProblem::Changed { record, seq } => {
            let (kind, mut args) = record_args(record);
            args.push(("seq", seq.to_string()));
            ui.text(&format!("verify.changed_{kind}"), &args)
        }
        LedgerProblem::Missing { record, seq } => {
            let (kind, mut args) = record_args(record);
            args.push(("seq", seq.to_string()));
            ui.text(&format!("verify.missing_{kind}"), &args)
        }
        LedgerProblem::Unlinked { record } => {
            let (kind, args) = record_args(record);
            ui.text(&format!("verify.unlinked_{kind}"), &args)
        }
        _ => String::new(),
    }
}

/// The JSON form of a ledger walk.
pub fn ledger_json(check: &LedgerCheck, ui: &Tr) -> Value {
    let problem = |p: &LedgerProblem| -> Value {
        let (what, seq, record) = match p {
            LedgerProblem::Broken { seq } => ("broken", Some(*seq), None),
            LedgerProblem::Changed { record, seq } => ("changed", Some(*seq), Some(record)),
            LedgerProblem::Missing { record, seq } => ("missing", Some(*seq), Some(record)),
            LedgerProblem::Unlinked { record } => ("unlinked", None, Some(record)),
            _ => ("unknown", None, None),
        };
        let record = record.map(|r| match r {
            LedgerRecord::Attempt { exam, employee, attempt } => {
                json!({"kind": "attempt", "exam": exam, "employee": employee, "attempt": attempt})
            }
            LedgerRecord::Mark { session, employee } => {
                json!({"kind": "mark", "session": session, "employee": employee})
            }
            _ => Value::Null,
        });
        json!({"problem": what, "seq": seq, "record": record, "message": problem_text(p, ui)})
    };
    json!({
        "ok": check.problems.is_empty(),
        "length": check.length,
        "head": check.head,
        "attempts": check.attempts,
        "marks": check.marks,
        "problems": check.problems.iter().map(problem).collect::<Vec<_>>(),
    })
}

/// Returns a JSON value in canonical form: object keys sorted, no spaces.
pub fn canonical(value: &Value) -> Vec<u8> {
    fn sorted(value: &Value) -> Value {
        match value {
            Value::Object(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                let mut out = Map::new();
                for key in keys {
                    out.insert(key.clone(), sorted(&map[key]));
                }
                Value::Object(out)
            }
            Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    serde_json::to_vec(&sorted(value)).unwrap_or_default()
}

/// Returns the figures to sign: the office, the moment, the ledger's length and head, and
/// per exam the people who sat and passed, with the year's study records.
///
/// # Errors
/// Returns a database error.
pub fn summary<S: Maintenance + ?Sized>(store: &mut S, office: &str, at: Timestamp) -> Result<Value> {
    let (length, head) = store.ledger_head()?;
    let figures = store.figures()?;
    Ok(json!({
        "format": SUMMARY_FORMAT,
        "office": office,
        "generated_at": at.to_string(),
        "ledger": {"length": length, "head": head},
        "people": figures.people,
        "exams": figures.exams.iter().map(|e| json!({
            "id": e.id,
            "title": e.title,
            "attempts": e.attempts,
            "sat": e.sat,
            "passed": e.passed,
        })).collect::<Vec<_>>(),
        "study": {"sessions": figures.sessions, "marks": figures.marks},
    }))
}

/// Signs a summary: `{"summary", "public_key", "signature"}`.
pub fn sign(summary: Value, key: &SigningKey) -> Value {
    let signature = key.sign(&canonical(&summary));
    json!({
        "summary": summary,
        "public_key": hex(key.verifying_key().as_bytes()),
        "signature": hex(&signature.to_bytes()),
    })
}

/// Why a signed summary was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SummaryRefusal {
    /// Not a signed summary of this format (the detail says what is missing).
    NotASummary(String),
    /// The signature does not match the summary: the figures were changed after signing,
    /// or it was signed by another key than the one it names.
    BadSignature,
    /// The signature is good, but by another key than the one expected.
    OtherKey {
        /// The key that signed it.
        signed_by: String,
    },
}

/// Checks a signed summary and returns it with the key that signed it. With
/// `expected_key` (hex), that key must be the signer.
///
/// # Errors
/// Returns why it was refused.
pub fn check_signed(
    bytes: &[u8],
    expected_key: Option<&str>,
) -> std::result::Result<(Value, String), SummaryRefusal> {
    let not = |what: &str| SummaryRefusal::NotASummary(what.to_owned());
    let value: Value = serde_json::from_slice(bytes).map_err(|e| not(&e.to_string()))?;
    let summary = value.get("summary").ok_or_else(|| not("summary"))?;
    if summary.get("format").and_then(Value::as_str) != Some(SUMMARY_FORMAT) {
        return Err(not("format"));
    }
    let key_hex = value.get("public_key").and_then(Value::as_str).ok_or_else(|| not("public_key"))?;
    let signature_hex = value.get("signature").and_then(Value::as_str).ok_or_else(|| not("signature"))?;
    let key_bytes: [u8; 32] =
        unhex(key_hex).and_then(|b| b.try_into().ok()).ok_or_else(|| not("public_key"))?;
    let signature_bytes: [u8; 64] =
        unhex(signature_hex).and_then(|b| b.try_into().ok()).ok_or_else(|| not("signature"))?;
    let key = VerifyingKey::from_bytes(&key_bytes).map_err(|_| not("public_key"))?;
    let signature = Signature::from_bytes(&signature_bytes);
    key.verify(&canonical(summary), &signature).map_err(|_| SummaryRefusal::BadSignature)?;
    let signer = hex(key.as_bytes());
    if let Some(expected) = expected_key
        && !expected.trim().eq_ignore_ascii_case(&signer)
    {
        return Err(SummaryRefusal::OtherKey { signed_by: signer });
    }
    Ok((summary.clone(), signer))
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    let text = text.trim();
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok()).collect()
}

/// Reads the workspace's signing key, making one (readable by its owner only) the first
/// time. Returns the key and whether it was made now.
///
/// # Errors
/// Returns a file error, or `InvalidData` for a file that is not a key.
pub fn signing_key(path: &Path) -> std::io::Result<(SigningKey, bool)> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let seed: [u8; 32] = unhex(&text)
                .and_then(|b| b.try_into().ok())
                .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::InvalidData))?;
            Ok((SigningKey::from_bytes(&seed), false))
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            let mut seed = [0u8; 32];
            getrandom::fill(&mut seed).map_err(|e| std::io::Error::other(e.to_string()))?;
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt as _;
                options.mode(0o600);
            }
            use std::io::Write as _;
            let mut file = options.open(path)?;
            file.write_all(format!("{}\n", hex(&seed)).as_bytes())?;
            file.sync_all()?;
            Ok((SigningKey::from_bytes(&seed), true))
        }
        Err(error) => Err(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_summary_checks_whatever_its_layout_and_fails_when_a_figure_changes() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let summary =
            json!({"format": SUMMARY_FORMAT, "office": "某区司法局", "exams": [{"id": "E", "passed": 3}]});
        let signed = sign(summary, &key);
        let pretty = serde_json::to_vec_pretty(&signed).expect("JSON");
        let (back, signer) = check_signed(&pretty, None).expect("it checks");
        assert_eq!(back["office"], "某区司法局");
        assert_eq!(signer, hex(key.verifying_key().as_bytes()));
        assert!(check_signed(&pretty, Some(&signer.to_uppercase())).is_ok());
        let other = hex(SigningKey::from_bytes(&[8; 32]).verifying_key().as_bytes());
        assert!(matches!(check_signed(&pretty, Some(&other)), Err(SummaryRefusal::OtherKey { .. })));

        let edited = String::from_utf8(pretty).expect("UTF-8").replace("\"passed\": 3", "\"passed\": 30");
        assert_eq!(check_signed(edited.as_bytes(), None), Err(SummaryRefusal::BadSignature));
        assert!(matches!(check_signed(b"{}", None), Err(SummaryRefusal::NotASummary(_))));
        assert!(matches!(check_signed(b"\xff", None), Err(SummaryRefusal::NotASummary(_))));
    }

    #[test]
    fn canonical_form_sorts_keys_at_every_depth() {
        let value = json!({"b": 1, "a": {"d": [ {"z": 1, "y": 2} ], "c": "x"}});
        assert_eq!(canonical(&value), br#"{"a":{"c":"x","d":[{"y":2,"z":1}]},"b":1}"#.to_vec());
    }

    #[test]
    fn a_key_is_made_once_and_read_back() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let path = dir.path().join("signing.key");
        let (first, made) = signing_key(&path).expect("the key");
        assert!(made);
        let (second, made) = signing_key(&path).expect("the key");
        assert!(!made);
        assert_eq!(first.to_bytes(), second.to_bytes());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            assert_eq!(std::fs::metadata(&path).expect("metadata").permissions().mode() & 0o777, 0o600);
        }
        std::fs::write(&path, "not a key").expect("file written");
        assert!(signing_key(&path).is_err());
    }
}
