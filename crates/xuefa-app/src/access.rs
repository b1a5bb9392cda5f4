//! Access codes and signing in, for sitting over a network: each person gets a one-time
//! readable code (shown once, on the slip, stored only as an Argon2id hash); signing in
//! with it makes a session whose token lives in the browser's cookie and only as a hash in
//! the store; failed sign-ins are limited per person and per address.

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use sha2::{Digest, Sha256};
use xuefa_core::{Department, Person, Status};
use xuefa_store::{AccessCode, LoginEnd, OnlineStore, Store};

use crate::error::{AppError, Message};

/// The letters of an access code: digits and capitals without 0, O, 1, I and L, which
/// people misread on a printed slip.
pub const CODE_ALPHABET: &[u8; 31] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// The letters in a code: 31¹⁰ ≈ 2⁴⁹·⁵ codes, far past guessing at five tries in 15
/// minutes, and past an offline search of a stolen hash at the cost below.
pub const CODE_LENGTH: usize = 10;

/// Failed sign-ins allowed per person and per address within [`FAILURE_WINDOW_MINUTES`].
pub const MAX_FAILURES: u64 = 5;

/// The window of the sign-in limit.
pub const FAILURE_WINDOW_MINUTES: i64 = 15;

/// How long a signed-in session lasts.
pub const SESSION_HOURS: i64 = 12;

/// The cost of a code's Argon2id hash: 4 MiB of memory, one pass (a few milliseconds). A
/// code has ~49.5 bits of entropy, so even this cost makes an offline search of a stolen
/// hash hopeless (2⁴⁸ tries on average), while 10,000 people signing in within a minute
/// take a fraction of one core (a password, with far less entropy, would need the heavier
/// defaults). The cost is kept in each stored hash, so it can be raised later without
/// breaking the codes already issued.
fn hasher() -> Argon2<'static> {
    let params = Params::new(4 * 1024, 1, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A slip to hand a person: who, and the code (shown only here, once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Slip {
    /// The employee id (工号).
    pub employee: String,
    /// The name.
    pub name: String,
    /// The department path.
    pub department: String,
    /// The code, grouped `ABCDE-FGHJK` for reading aloud and typing.
    pub code: String,
}

/// Returns random bytes from the operating system.
fn random(bytes: &mut [u8]) -> Result<(), AppError> {
    getrandom::fill(bytes)
        .map_err(|error| AppError::message_of("access.no_randomness", vec![("detail", error.to_string())]))
}

/// Returns a new random code (ungrouped).
fn new_code() -> Result<String, AppError> {
    let mut code = String::with_capacity(CODE_LENGTH);
    while code.len() < CODE_LENGTH {
        let mut bytes = [0u8; 16];
        random(&mut bytes)?;
        // Rejection sampling: 248 = 8 × 31, so every letter is equally likely.
        for byte in bytes {
            if byte < 248 && code.len() < CODE_LENGTH {
                code.push(char::from(CODE_ALPHABET[usize::from(byte % 31)]));
            }
        }
    }
    Ok(code)
}

/// Returns a code as printed: two groups of five joined by a hyphen.
fn grouped(code: &str) -> String {
    let (first, second) = code.split_at(code.len() / 2);
    format!("{first}-{second}")
}

/// Returns a typed code as stored: capitals, full-width forms made half-width, spaces and
/// hyphens dropped, so `abcde fghjk`, `ＡＢＣＤＥ－ＦＧＨＪＫ` and `ABCDE-FGHJK` are one code.
pub fn normalize_code(typed: &str) -> String {
    typed
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '_' | '—' | '·'))
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

fn hash_code(code: &str) -> Result<String, AppError> {
    let mut salt = [0u8; 16];
    random(&mut salt)?;
    let salt = SaltString::encode_b64(&salt)
        .map_err(|error| AppError::message_of("access.no_randomness", vec![("detail", error.to_string())]))?;
    hasher()
        .hash_password(code.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| AppError::message_of("access.no_randomness", vec![("detail", error.to_string())]))
}

fn verify(code: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| hasher().verify_password(code.as_bytes(), &parsed).is_ok())
}

/// The people named by departments (each with the departments under it) and employee
/// ids; everyone not left when both are empty. Refuses unknown departments and ids, and
/// people who left, naming each.
///
/// # Errors
/// Returns every unknown department and person, or store errors.
pub fn select_people<S: Store + ?Sized>(
    store: &S,
    departments: &[String],
    employees: &[String],
) -> Result<Vec<Person>, AppError> {
    let mut problems = Vec::new();
    let mut chosen: Vec<Person> = Vec::new();
    if departments.is_empty() && employees.is_empty() {
        chosen = store.people(None)?.into_iter().filter(|p| p.status != Status::Left).collect();
    }
    for name in departments {
        let found = match Department::parse(name) {
            Some(department) => store.people(Some(&department))?,
            None => Vec::new(),
        };
        if found.is_empty() {
            problems.push(Message::new("access.unknown_department", vec![("department", name.clone())]));
        }
        chosen.extend(found.into_iter().filter(|p| p.status != Status::Left));
    }
    if !employees.is_empty() {
        let everyone = store.people(None)?;
        for id in employees {
            match everyone.iter().find(|p| p.id == *id) {
                None => {
                    problems.push(Message::new("access.unknown_employee", vec![("employee", id.clone())]))
                }
                Some(person) if person.status == Status::Left => {
                    problems.push(Message::new("access.left", vec![("employee", id.clone())]));
                }
                Some(person) => chosen.push(person.clone()),
            }
        }
    }
    if !problems.is_empty() {
        return Err(AppError::Refused(problems));
    }
    let mut seen = std::collections::HashSet::new();
    chosen.retain(|p| seen.insert(p.id.clone()));
    chosen.sort_by(|a, b| (a.department.to_string(), &a.id).cmp(&(b.department.to_string(), &b.id)));
    Ok(chosen)
}

/// Issues a new code to each of these people, replacing any earlier code and ending their
/// signed-in sessions, all in one transaction; returns the slips in the people's order.
/// Hashing runs on every core.
///
/// # Errors
/// Returns a failure of the system's randomness, or store errors; nothing is stored then.
pub fn issue_codes<S: OnlineStore + ?Sized>(
    store: &mut S,
    people: &[Person],
    expires: Option<Timestamp>,
    now: Timestamp,
) -> Result<Vec<Slip>, AppError> {
    let codes: Vec<String> = people.iter().map(|_| new_code()).collect::<Result<_, _>>()?;
    let threads = std::thread::available_parallelism().map_or(1, usize::from).max(1);
    let chunk = codes.len().div_ceil(threads).max(1);
    let hashes: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = codes
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(|c| hash_code(c)).collect::<Result<Vec<_>, _>>()))
            .collect();
        let mut all = Vec::with_capacity(codes.len());
        for handle in handles {
            match handle.join() {
                Ok(part) => all.extend(part?),
                Err(_) => {
                    return Err(AppError::message_of(
                        "access.no_randomness",
                        vec![("detail", "panic".into())],
                    ));
                }
            }
        }
        Ok(all)
    })?;
    let records: Vec<AccessCode> = people
        .iter()
        .zip(&hashes)
        .map(|(person, hash)| AccessCode::new(person.id.clone(), hash.clone(), now, expires))
        .collect();
    store.set_access_codes(&records)?;
    Ok(people
        .iter()
        .zip(&codes)
        .map(|(person, code)| Slip {
            employee: person.id.clone(),
            name: person.name.clone(),
            department: person.department.to_string(),
            code: grouped(code),
        })
        .collect())
}

/// Revokes these people's codes and ends their sessions; returns how many codes there were.
///
/// # Errors
/// Returns store errors.
pub fn revoke_codes<S: OnlineStore + ?Sized>(store: &mut S, people: &[Person]) -> Result<u64, AppError> {
    let ids: Vec<String> = people.iter().map(|p| p.id.clone()).collect();
    Ok(store.revoke_access_codes(&ids)?)
}

/// A person who signed in: the session's secret token goes into the browser's cookie.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SignedIn {
    /// The employee id.
    pub employee: String,
    /// The name.
    pub name: String,
    /// The session's token (64 hex digits); the store keeps only its hash.
    pub token: String,
}

/// Why signing in failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum LoginError {
    /// The id or the code is wrong, the code expired or was revoked: one answer for all, so
    /// nobody learns which ids exist.
    Wrong,
    /// Too many failures for this person or this address within the window.
    TooMany,
    /// The store failed.
    App(AppError),
}

impl From<xuefa_store::StoreError> for LoginError {
    fn from(error: xuefa_store::StoreError) -> Self {
        LoginError::App(error.into())
    }
}

/// Returns the hash under which a session token is stored.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// A hash of a random code, verified against when the person has no code, so that a wrong
/// id costs as long as a wrong code.
fn decoy() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| new_code().and_then(|code| hash_code(&code)).unwrap_or_default())
}

/// A sign-in under way: what the store said before the code is checked. A server checks
/// the code (the slow, CPU-bound part) between [`login_prepare`] and [`login_finish`]
/// without holding the database.
#[derive(Debug, Clone)]
pub struct LoginAttempt {
    employee: String,
    name: Option<String>,
    hash: String,
    usable: bool,
    keys: [String; 2],
    since: Timestamp,
}

impl LoginAttempt {
    /// Returns whether the typed code is this person's valid code (an unknown person, an
    /// expired or revoked code, or a person who left all fail, after the same work).
    pub fn verify(&self, code: &str) -> bool {
        let matches = verify(&normalize_code(code), &self.hash);
        matches && self.usable
    }
}

/// Reads what signing `employee` in from `address` at `now` needs; refuses at once after
/// [`MAX_FAILURES`] failures for the person or the address within
/// [`FAILURE_WINDOW_MINUTES`].
///
/// # Errors
/// Returns [`LoginError::TooMany`] or store errors.
pub fn login_prepare<S: OnlineStore + xuefa_store::ExamStore + ?Sized>(
    store: &S,
    employee: &str,
    address: &str,
    now: Timestamp,
) -> Result<LoginAttempt, LoginError> {
    let employee = employee.trim();
    let keys = [format!("employee:{employee}"), format!("address:{address}")];
    let since = now.checked_sub(SignedDuration::from_mins(FAILURE_WINDOW_MINUTES)).unwrap_or(now);
    let refs = [keys[0].as_str(), keys[1].as_str()];
    if store.login_failures(&refs, since)?.iter().any(|&n| n >= MAX_FAILURES) {
        return Err(LoginError::TooMany);
    }
    let stored = store.access_code(employee)?;
    let person = store.person(employee)?.filter(|p| p.status != Status::Left);
    let usable = person.is_some() && stored.as_ref().is_some_and(|c| c.expires_at.is_none_or(|e| now < e));
    Ok(LoginAttempt {
        employee: employee.to_owned(),
        name: person.map(|p| p.name),
        hash: stored.map_or_else(|| decoy().to_owned(), |c| c.hash),
        usable,
        keys,
        since,
    })
}

/// Ends a sign-in: a session for a verified code, else a failure recorded under the person
/// and the address.
///
/// # Errors
/// Returns [`LoginError::Wrong`] when `verified` is false, or store errors.
pub fn login_finish<S: OnlineStore + ?Sized>(
    store: &mut S,
    attempt: LoginAttempt,
    verified: bool,
    now: Timestamp,
) -> Result<SignedIn, LoginError> {
    let refs = [attempt.keys[0].as_str(), attempt.keys[1].as_str()];
    let signed_in = attempt.name.filter(|_| verified).map(|name| {
        let mut bytes = [0u8; 32];
        random(&mut bytes).map(|()| (name, bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()))
    });
    let signed_in = signed_in.transpose().map_err(LoginError::App)?;
    let hash = signed_in.as_ref().map(|(_, token)| token_hash(token));
    let end = match &hash {
        Some(hash) => LoginEnd::Session {
            token_hash: hash,
            employee: &attempt.employee,
            created: now,
            expires: now.checked_add(SignedDuration::from_hours(SESSION_HOURS)).unwrap_or(now),
        },
        None => LoginEnd::Failure { at: now, forget: attempt.since },
    };
    // Counted again where the outcome is written, in one step on every server sharing the
    // database: of many guesses sent at once, all of which passed [`login_prepare`]
    // together, none signs in or counts after the fifth failure.
    if !store.settle_login(&refs, attempt.since, MAX_FAILURES, end)? {
        return Err(LoginError::TooMany);
    }
    let Some((name, token)) = signed_in else { return Err(LoginError::Wrong) };
    Ok(SignedIn { employee: attempt.employee, name, token })
}

/// Signs a person in with their code from `address`, at `now`: [`login_prepare`], the
/// code checked, [`login_finish`].
///
/// # Errors
/// Returns [`LoginError::Wrong`], [`LoginError::TooMany`] or store errors.
pub fn login<S: OnlineStore + xuefa_store::ExamStore + ?Sized>(
    store: &mut S,
    employee: &str,
    code: &str,
    address: &str,
    now: Timestamp,
) -> Result<SignedIn, LoginError> {
    let attempt = login_prepare(store, employee, address, now)?;
    let verified = attempt.verify(code);
    login_finish(store, attempt, verified, now)
}

/// Returns the employee signed in with this session token at `now`, if any.
///
/// # Errors
/// Returns store errors.
pub fn session_employee<S: OnlineStore + ?Sized>(
    store: &S,
    token: &str,
    now: Timestamp,
) -> Result<Option<String>, AppError> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    Ok(store.web_session(&token_hash(token), now)?)
}

/// Ends a session (and every expired one).
///
/// # Errors
/// Returns store errors.
pub fn logout<S: OnlineStore + ?Sized>(store: &mut S, token: &str, now: Timestamp) -> Result<(), AppError> {
    Ok(store.end_web_session(&token_hash(token), now)?)
}

/// Returns the slips as a listing (for a table, CSV or XLSX): the CSV's columns are
/// `employee,name,department,code`, then `url` when one is given.
pub fn slips_listing(slips: &[Slip], url: Option<&str>, tr: &crate::i18n::Tr) -> crate::render::Listing {
    let mut columns = vec![
        ("employee", tr.text("col.employee", &[])),
        ("name", tr.text("col.name", &[])),
        ("department", tr.text("col.department", &[])),
        ("code", tr.text("access.col_code", &[])),
    ];
    if url.is_some() {
        columns.push(("url", tr.text("access.col_url", &[])));
    }
    let mut listing = crate::render::Listing::new(columns);
    for slip in slips {
        let mut row =
            vec![slip.employee.clone(), slip.name.clone(), slip.department.clone(), slip.code.clone()];
        if let Some(url) = url {
            row.push(url.to_owned());
        }
        listing.row(row);
    }
    listing
}

/// Returns the slips as one HTML page to print and cut: a card per person with the
/// address, the name, the 工号 and the code, every value escaped; no script, no external
/// file.
pub fn slips_html(slips: &[Slip], url: Option<&str>, tr: &crate::i18n::Tr) -> String {
    use crate::render::escape_html as e;
    let lang = if tr.lang == xuefa_core::Lang::Zh { "zh-CN" } else { "en" };
    let title = tr.text("access.slips_title", &[]);
    let mut html = format!(
        "<!doctype html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>\n\
         body {{ font-family: \"Noto Sans CJK SC\", \"Microsoft YaHei\", \"PingFang SC\", sans-serif; margin: 12mm; }}\n\
         .slips {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(80mm, 1fr)); gap: 0; }}\n\
         .slip {{ border: 1px dashed #888; padding: 5mm 6mm; break-inside: avoid; page-break-inside: avoid; }}\n\
         .slip h2 {{ font-size: 11pt; margin: 0 0 3mm; color: #1f4e8c; }}\n\
         .slip dl {{ display: grid; grid-template-columns: max-content 1fr; gap: 1.5mm 3mm; margin: 0; font-size: 11pt; }}\n\
         .slip dt {{ color: #555; }} .slip dd {{ margin: 0; overflow-wrap: anywhere; }}\n\
         .code {{ font-family: \"DejaVu Sans Mono\", Consolas, monospace; font-size: 15pt; letter-spacing: 0.08em; font-weight: bold; }}\n\
         .note {{ font-size: 9pt; color: #555; margin-top: 3mm; }}\n\
         @media print {{ body {{ margin: 8mm; }} }}\n</style>\n</head>\n<body>\n<div class=\"slips\">\n",
        e(&title)
    );
    let note = tr.text("access.slip_note", &[]);
    for slip in slips {
        html.push_str(&format!(
            "<section class=\"slip\">\n<h2>{}</h2>\n<dl>\n",
            e(&tr.text("access.slip_heading", &[]))
        ));
        if let Some(url) = url {
            html.push_str(&format!("<dt>{}</dt><dd>{}</dd>\n", e(&tr.text("access.col_url", &[])), e(url)));
        }
        for (label, value, class) in [
            (tr.text("col.name", &[]), &slip.name, ""),
            (tr.text("col.employee", &[]), &slip.employee, ""),
            (tr.text("col.department", &[]), &slip.department, ""),
            (tr.text("access.col_code", &[]), &slip.code, " class=\"code\""),
        ] {
            html.push_str(&format!("<dt>{}</dt><dd{class}>{}</dd>\n", e(&label), e(value)));
        }
        html.push_str(&format!("</dl>\n<p class=\"note\">{}</p>\n</section>\n", e(&note)));
    }
    html.push_str("</div>\n</body>\n</html>\n");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_use_the_alphabet_and_normalize() {
        let code = new_code().expect("code");
        assert_eq!(code.len(), CODE_LENGTH);
        assert!(code.bytes().all(|b| CODE_ALPHABET.contains(&b)));
        let printed = grouped(&code);
        assert_eq!(normalize_code(&printed.to_lowercase()), code);
        let wide: String = printed.chars().map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap_or(c)).collect();
        assert_eq!(normalize_code(&wide), code);
        let hash = hash_code(&code).expect("hash");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify(&code, &hash));
        assert!(!verify("23456789AB", &hash));
    }
}
