//! Screening requests: JSON bytes → validated queries, with a clear error
//! (an HTTP status, a short code and a message naming the field) for
//! anything else. No HTTP types here, so the C ABI ([`crate::ffi`]) parses
//! its options with the same rules.
//!
//! One party is `{"name", "id"?, "type"?, "dob"?, "country"?, "ids"?,
//! "threshold"?, "max_hits"?}`; a batch is `{"queries": [...], "threshold"?,
//! "max_hits"?}` (the batch-level threshold and max hits are defaults for
//! its queries). Unknown fields are refused, so a misspelt `"treshold"`
//! cannot silently screen at the default.
//!
//! ```
//! use embargo::server::request::{parse_screen, Limits, Screen};
//! let body = br#"{"name": "Vladimir Putin", "type": "person", "threshold": 0.9}"#;
//! let Ok(Screen::One(item)) = parse_screen(body, &Limits::default()) else { panic!() };
//! assert_eq!(item.query.name, "Vladimir Putin");
//! assert_eq!(item.options.threshold, 0.9);
//!
//! let err = parse_screen(br#"{"name": ""}"#, &Limits::default()).unwrap_err();
//! assert_eq!(err.status, 422);
//! ```

use serde_json::{Map, Value};

use crate::model::Kind;
use crate::search::{parse_query_dob, Hit, Options, Query};
#[cfg(test)]
use crate::search::{DEFAULT_MAX_HITS, DEFAULT_THRESHOLD};

/// Limits on what one request may ask.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Bytes of one request body.
    pub max_body: usize,
    /// Queries in one batch (413 beyond).
    pub max_batch: usize,
    /// Characters of one name.
    pub max_name_chars: usize,
    /// Characters of any other text field (id, country, one identifier).
    pub max_field_chars: usize,
    /// Identifiers of one query.
    pub max_ids: usize,
    /// The largest `max_hits` a query may ask.
    pub max_hits: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body: 1 << 20,
            max_batch: 1000,
            max_name_chars: 500,
            max_field_chars: 200,
            max_ids: 20,
            max_hits: 100,
        }
    }
}

/// One validated query with its options and the caller's record id.
#[derive(Debug, Clone)]
pub struct Item {
    pub id: Option<String>,
    pub query: Query,
    pub options: Options,
}

/// A parsed `POST /v1/screen` body.
#[derive(Debug, Clone)]
pub enum Screen {
    One(Item),
    Batch(Vec<Item>),
}

impl Screen {
    /// The queries, in order.
    pub fn items(&self) -> &[Item] {
        match self {
            Screen::One(i) => std::slice::from_ref(i),
            Screen::Batch(v) => v,
        }
    }
}

/// Why a request was refused: the HTTP status, a stable machine-readable
/// code, and a message for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestError {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
}

impl RequestError {
    pub fn new(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        RequestError {
            status,
            code,
            message: message.into(),
        }
    }

    fn field(path: &str, message: impl std::fmt::Display) -> Self {
        RequestError::new(422, "invalid_field", format!("{path}: {message}"))
    }
}

impl std::fmt::Display for RequestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

/// Parses bytes as a JSON value: 400 for text that is not UTF-8, not JSON,
/// or nested deeper than serde_json's recursion limit (128).
pub fn parse_json(body: &[u8]) -> Result<Value, RequestError> {
    let text = std::str::from_utf8(body).map_err(|e| {
        RequestError::new(
            400,
            "invalid_utf8",
            format!(
                "the body is not valid UTF-8 (bad byte at offset {})",
                e.valid_up_to()
            ),
        )
    })?;
    serde_json::from_str(text).map_err(|e| {
        let code = if e.to_string().contains("recursion limit") {
            "too_deep"
        } else {
            "invalid_json"
        };
        RequestError::new(400, code, format!("the body is not valid JSON: {e}"))
    })
}

/// Parses and validates a `POST /v1/screen` body.
pub fn parse_screen(body: &[u8], limits: &Limits) -> Result<Screen, RequestError> {
    if body.len() > limits.max_body {
        return Err(too_large(limits));
    }
    let v = parse_json(body)?;
    let Value::Object(obj) = v else {
        return Err(RequestError::new(
            422,
            "invalid_body",
            "the body must be a JSON object: {\"name\": ...} or {\"queries\": [...]}",
        ));
    };
    match obj.get("queries") {
        None => Ok(Screen::One(item(&obj, "", None, limits)?)),
        Some(Value::Array(qs)) => {
            for k in obj.keys() {
                if !matches!(k.as_str(), "queries" | "threshold" | "max_hits") {
                    return Err(RequestError::field(
                        k,
                        "unknown field in a batch (allowed: queries, threshold, max_hits)",
                    ));
                }
            }
            if qs.len() > limits.max_batch {
                return Err(RequestError::new(
                    413,
                    "batch_too_large",
                    format!(
                        "a batch holds at most {} queries; this one has {} (split it)",
                        limits.max_batch,
                        qs.len()
                    ),
                ));
            }
            let defaults = options(&obj, "", Options::default(), limits)?;
            let mut out = Vec::with_capacity(qs.len());
            for (i, q) in qs.iter().enumerate() {
                let path = format!("queries[{i}]");
                let Value::Object(o) = q else {
                    return Err(RequestError::field(&path, "must be an object"));
                };
                out.push(item(o, &path, Some(defaults), limits)?);
            }
            Ok(Screen::Batch(out))
        }
        Some(_) => Err(RequestError::field("queries", "must be an array")),
    }
}

/// The 413 answer for a body over [`Limits::max_body`].
pub fn too_large(limits: &Limits) -> RequestError {
    RequestError::new(
        413,
        "body_too_large",
        format!(
            "the body exceeds {} bytes (send smaller batches)",
            limits.max_body
        ),
    )
}

/// Parses the C ABI's options: null/empty text or a JSON object with the
/// fields of one query except `name` (which the caller passes apart).
pub fn parse_options(
    name: &str,
    options_json: Option<&str>,
    limits: &Limits,
) -> Result<Item, RequestError> {
    let mut obj = match options_json.map(str::trim).filter(|s| !s.is_empty()) {
        None => Map::new(),
        Some(s) => match parse_json(s.as_bytes())? {
            Value::Object(o) => o,
            Value::Null => Map::new(),
            _ => {
                return Err(RequestError::new(
                    422,
                    "invalid_body",
                    "options must be a JSON object",
                ))
            }
        },
    };
    if obj.contains_key("name") {
        return Err(RequestError::field(
            "name",
            "pass the name as its own argument, not in the options",
        ));
    }
    obj.insert("name".into(), Value::String(name.to_string()));
    item(&obj, "", None, limits)
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn text<'a>(
    obj: &'a Map<String, Value>,
    path: &str,
    key: &str,
    max: usize,
) -> Result<Option<&'a str>, RequestError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => {
            if s.chars().count() > max {
                Err(RequestError::field(
                    &join(path, key),
                    format!("longer than {max} characters"),
                ))
            } else if s.contains('\0') {
                Err(RequestError::field(&join(path, key), "contains a NUL"))
            } else {
                Ok(Some(s))
            }
        }
        Some(_) => Err(RequestError::field(&join(path, key), "must be a string")),
    }
}

fn options(
    obj: &Map<String, Value>,
    path: &str,
    mut o: Options,
    limits: &Limits,
) -> Result<Options, RequestError> {
    match obj.get("threshold") {
        None | Some(Value::Null) => {}
        Some(v) => match v.as_f64() {
            Some(t) if (0.0..=1.0).contains(&t) => o.threshold = t as f32,
            _ => {
                return Err(RequestError::field(
                    &join(path, "threshold"),
                    "must be a number between 0 and 1",
                ))
            }
        },
    }
    match obj.get("max_hits") {
        None | Some(Value::Null) => {}
        Some(v) => match v.as_u64() {
            Some(n) if n >= 1 && n as usize <= limits.max_hits => o.max_hits = n as usize,
            _ => {
                return Err(RequestError::field(
                    &join(path, "max_hits"),
                    format!("must be an integer from 1 to {}", limits.max_hits),
                ))
            }
        },
    }
    Ok(o)
}

/// `person`, `organization` (and common synonyms), `vessel`, `aircraft`.
pub fn parse_kind(s: &str) -> Option<Kind> {
    match s.trim().to_ascii_lowercase().as_str() {
        "person" | "individual" => Some(Kind::Person),
        "organization" | "organisation" | "entity" | "company" => Some(Kind::Organization),
        "vessel" | "ship" => Some(Kind::Vessel),
        "aircraft" => Some(Kind::Aircraft),
        _ => None,
    }
}

/// An identifier as given (`passport:X123`, `imo:9187629`, `IMO 9187629`)
/// → the value matched exactly against the lists (a leading `type:` word is
/// dropped: identifiers match on their value).
fn id_value(s: &str) -> &str {
    let s = s.trim();
    match s.split_once(':') {
        Some((t, v))
            if !t.is_empty()
                && t.len() <= 24
                && t.chars()
                    .all(|c| c.is_ascii_alphabetic() || c == '_' || c == '-') =>
        {
            v.trim()
        }
        _ => s,
    }
}

const FIELDS: &[&str] = &[
    "id",
    "name",
    "type",
    "dob",
    "country",
    "ids",
    "threshold",
    "max_hits",
];

fn item(
    obj: &Map<String, Value>,
    path: &str,
    defaults: Option<Options>,
    limits: &Limits,
) -> Result<Item, RequestError> {
    for k in obj.keys() {
        if !FIELDS.contains(&k.as_str()) {
            return Err(RequestError::field(
                &join(path, k),
                format!("unknown field (allowed: {})", FIELDS.join(", ")),
            ));
        }
    }
    let id = match obj.get("id") {
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => text(obj, path, "id", limits.max_field_chars)?.map(str::to_string),
    };
    let name = match text(obj, path, "name", limits.max_name_chars)? {
        // The matcher's own limit, in bytes (500 characters of Han are 1,500).
        Some(n) if n.len() > crate::search::MAX_NAME_BYTES => {
            return Err(RequestError::field(
                &join(path, "name"),
                format!(
                    "is {} bytes of UTF-8; at most {} are screened",
                    n.len(),
                    crate::search::MAX_NAME_BYTES
                ),
            ))
        }
        Some(n) if !n.trim().is_empty() => n.to_string(),
        Some(_) => return Err(RequestError::field(&join(path, "name"), "is empty")),
        None => {
            return Err(RequestError::field(
                &join(path, "name"),
                "is required (a string)",
            ))
        }
    };
    let kind = match text(obj, path, "type", limits.max_field_chars)? {
        None => None,
        Some(t) => Some(parse_kind(t).ok_or_else(|| {
            RequestError::field(
                &join(path, "type"),
                format!("{t:?}: expected person, organization, vessel or aircraft"),
            )
        })?),
    };
    let dob = match text(obj, path, "dob", limits.max_field_chars)? {
        None => None,
        Some(d) => Some(parse_query_dob(d).ok_or_else(|| {
            RequestError::field(
                &join(path, "dob"),
                format!("{d:?}: expected YYYY, YYYY-MM or YYYY-MM-DD"),
            )
        })?),
    };
    let country = text(obj, path, "country", limits.max_field_chars)?
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string);
    let raw_ids: Vec<&str> = match obj.get("ids") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(s)) => s.split(';').collect(),
        Some(Value::Array(a)) => {
            let mut v = Vec::with_capacity(a.len());
            for (i, x) in a.iter().enumerate() {
                match x {
                    Value::String(s) => v.push(s.as_str()),
                    _ => {
                        return Err(RequestError::field(
                            &format!("{}[{i}]", join(path, "ids")),
                            "must be a string",
                        ))
                    }
                }
            }
            v
        }
        Some(_) => {
            return Err(RequestError::field(
                &join(path, "ids"),
                "must be an array of strings or one string with ';' between identifiers",
            ))
        }
    };
    if raw_ids.len() > limits.max_ids {
        return Err(RequestError::field(
            &join(path, "ids"),
            format!("at most {} identifiers", limits.max_ids),
        ));
    }
    let mut ids = Vec::with_capacity(raw_ids.len());
    for s in raw_ids {
        if s.chars().count() > limits.max_field_chars {
            return Err(RequestError::field(
                &join(path, "ids"),
                format!(
                    "an identifier is longer than {} characters",
                    limits.max_field_chars
                ),
            ));
        }
        let v = id_value(s);
        if !v.is_empty() {
            ids.push(v.to_string());
        }
    }
    let options = options(obj, path, defaults.unwrap_or_default(), limits)?;
    Ok(Item {
        id,
        query: Query {
            name,
            kind,
            dob,
            country,
            ids,
        },
        options,
    })
}

/// One screening record as answered: `{"id"?, "name", "hits", "manifest_sha256"?}`
/// (the screening output's record; the hash is left out inside a batch,
/// whose envelope carries it once).
#[derive(Debug, serde::Serialize)]
pub struct Record<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<&'a str>,
    pub name: &'a str,
    pub hits: &'a [Hit],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manifest_sha256: Option<&'a str>,
}

/// The JSON of screened queries: for one party the whole record, stamped
/// with the hash of the index that answered; for (a slice of) a batch the
/// records separated by commas, which [`batch_envelope`] joins.
pub fn render(
    kind: &ScreenKind,
    items: &[Item],
    hits: &[Vec<Hit>],
    manifest_sha256: &str,
) -> serde_json::Result<Vec<u8>> {
    let record =
        |it: &'_ Item, h: &'_ [Hit], sha: Option<&'_ str>| -> serde_json::Result<Vec<u8>> {
            serde_json::to_vec(&Record {
                id: it.id.as_deref(),
                name: &it.query.name,
                hits: h,
                manifest_sha256: sha,
            })
        };
    match kind {
        ScreenKind::One => match items.iter().zip(hits).next() {
            Some((it, h)) => record(it, h, Some(manifest_sha256)),
            None => Ok(b"{}".to_vec()),
        },
        ScreenKind::Batch => {
            let mut out = Vec::with_capacity(items.len() * 256);
            for (i, (it, h)) in items.iter().zip(hits).enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(&record(it, h, None)?);
            }
            Ok(out)
        }
    }
}

/// A batch answer, `{"results": [...], "manifest_sha256"}`, from the
/// rendered slices of its records, in order.
pub fn batch_envelope(parts: &[Vec<u8>], manifest_sha256: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(parts.iter().map(Vec::len).sum::<usize>() + 128);
    out.extend_from_slice(b"{\"results\":[");
    for (i, p) in parts.iter().filter(|p| !p.is_empty()).enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(p);
    }
    out.extend_from_slice(b"],\"manifest_sha256\":");
    out.extend_from_slice(
        serde_json::to_string(manifest_sha256)
            .unwrap_or_else(|_| "\"\"".into())
            .as_bytes(),
    );
    out.push(b'}');
    out
}

/// Whether a request was one party or a batch (its answer's shape).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScreenKind {
    One,
    Batch,
}

impl Screen {
    /// Splits into the answer's shape and the queries.
    pub fn into_parts(self) -> (ScreenKind, Vec<Item>) {
        match self {
            Screen::One(i) => (ScreenKind::One, vec![i]),
            Screen::Batch(v) => (ScreenKind::Batch, v),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: &str) -> Result<Screen, RequestError> {
        parse_screen(body.as_bytes(), &Limits::default())
    }

    fn one(body: &str) -> Item {
        match parse(body) {
            Ok(Screen::One(i)) => i,
            other => panic!("not one query: {other:?}"),
        }
    }

    #[test]
    fn one_party_with_every_field() {
        let i = one(
            r#"{"id": 17, "name": "Ali Hassan", "type": "person", "dob": "1970-05",
                "country": "IR", "ids": ["passport:X123", "IMO 9187629"],
                "threshold": 0.7, "max_hits": 3}"#,
        );
        assert_eq!(i.id.as_deref(), Some("17"));
        assert_eq!(i.query.kind, Some(Kind::Person));
        assert_eq!(
            i.query.dob.map(|d| (d.year, d.month)),
            Some((1970, Some(5)))
        );
        assert_eq!(i.query.country.as_deref(), Some("IR"));
        assert_eq!(i.query.ids, ["X123", "IMO 9187629"]);
        assert_eq!((i.options.threshold, i.options.max_hits), (0.7, 3));
    }

    #[test]
    fn defaults_are_the_cli_defaults() {
        let i = one(r#"{"name": "Acme"}"#);
        assert_eq!(i.options.threshold, DEFAULT_THRESHOLD);
        assert_eq!(i.options.max_hits, DEFAULT_MAX_HITS);
    }

    #[test]
    fn ids_may_be_one_string_separated_by_semicolons() {
        let i = one(r#"{"name": "x", "ids": "imo:9187629; bic:ABCDEF12"}"#);
        assert_eq!(i.query.ids, ["9187629", "ABCDEF12"]);
    }

    #[test]
    fn a_batch_keeps_order_and_takes_batch_defaults() {
        let Ok(Screen::Batch(v)) = parse(
            r#"{"threshold": 0.5, "queries": [{"name": "a"}, {"name": "b", "threshold": 0.9}]}"#,
        ) else {
            panic!()
        };
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].query.name, "a");
        assert_eq!(v[0].options.threshold, 0.5);
        assert_eq!(v[1].options.threshold, 0.9);
    }

    #[test]
    fn bad_fields_are_422_naming_the_field() {
        for (body, field) in [
            (r#"{"name": ""}"#, "name"),
            (r#"{"name": 5}"#, "name"),
            (r#"{"type": "person"}"#, "name"),
            (r#"{"name": "x", "type": "robot"}"#, "type"),
            (r#"{"name": "x", "dob": "yesterday"}"#, "dob"),
            (r#"{"name": "x", "threshold": 1.5}"#, "threshold"),
            (r#"{"name": "x", "max_hits": 0}"#, "max_hits"),
            (r#"{"name": "x", "treshold": 0.5}"#, "treshold"),
            (
                r#"{"queries": [{"name": "a"}, {"nam": "b"}]}"#,
                "queries[1].nam",
            ),
            (r#"{"queries": {}}"#, "queries"),
        ] {
            let e = parse(body).unwrap_err();
            assert_eq!(e.status, 422, "{body}");
            assert!(e.message.starts_with(field), "{body}: {}", e.message);
        }
    }

    #[test]
    fn syntax_errors_are_400() {
        assert_eq!(parse("{").unwrap_err().code, "invalid_json");
        assert_eq!(
            parse_screen(b"{\"name\": \"\xff\"}", &Limits::default())
                .unwrap_err()
                .code,
            "invalid_utf8"
        );
        let deep = "[".repeat(10_000);
        let e = parse(&deep).unwrap_err();
        assert_eq!((e.status, e.code), (400, "too_deep"));
    }

    #[test]
    fn sizes_are_limited() {
        let limits = Limits::default();
        let long = format!(r#"{{"name": "{}"}}"#, "a".repeat(limits.max_name_chars + 1));
        assert_eq!(parse(&long).unwrap_err().status, 422);
        // Within the characters, over the matcher's bytes: 500 Han.
        let han = format!(r#"{{"name": "{}"}}"#, "明".repeat(limits.max_name_chars));
        let e = parse(&han).unwrap_err();
        assert_eq!(e.status, 422);
        assert!(e.to_string().contains("1500 bytes"), "{e}");
        let batch = format!(
            r#"{{"queries": [{}]}}"#,
            vec![r#"{"name":"a"}"#; limits.max_batch + 1].join(",")
        );
        assert_eq!(parse(&batch).unwrap_err().code, "batch_too_large");
        let big = vec![b' '; limits.max_body + 1];
        assert_eq!(
            parse_screen(&big, &limits).unwrap_err().code,
            "body_too_large"
        );
    }

    #[test]
    fn a_batch_answer_is_joined_from_slices_in_order() {
        let Ok(Screen::Batch(items)) =
            parse(r#"{"queries": [{"id": "a", "name": "x"}, {"name": "y"}, {"name": "z"}]}"#)
        else {
            panic!()
        };
        let none: Vec<Vec<Hit>> = vec![vec![]; 3];
        let p1 = render(&ScreenKind::Batch, &items[..2], &none[..2], "h").unwrap();
        let p2 = render(&ScreenKind::Batch, &items[2..], &none[2..], "h").unwrap();
        let v: serde_json::Value =
            serde_json::from_slice(&batch_envelope(&[p1, vec![], p2], "h")).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"results": [{"id": "a", "name": "x", "hits": []}, {"name": "y", "hits": []}, {"name": "z", "hits": []}], "manifest_sha256": "h"})
        );
        let empty: serde_json::Value = serde_json::from_slice(&batch_envelope(&[], "h")).unwrap();
        assert_eq!(empty["results"], serde_json::json!([]));
    }

    #[test]
    fn ffi_options_take_the_name_apart() {
        let i = parse_options("Acme", Some(r#"{"max_hits": 2}"#), &Limits::default()).unwrap();
        assert_eq!((i.query.name.as_str(), i.options.max_hits), ("Acme", 2));
        assert!(parse_options("Acme", None, &Limits::default()).is_ok());
        assert!(parse_options("Acme", Some("[1]"), &Limits::default()).is_err());
        assert!(parse_options("Acme", Some(r#"{"name": "B"}"#), &Limits::default()).is_err());
    }
}
