//! A minimal customer-file reader for `rescreen`: CSV with a header row,
//! or JSON lines (told apart by the first character), UTF-8 with an
//! optional BOM. Fields: `name` (required), `id`, `type`, `dob`,
//! `country`, `ids` (separated by `;`). A record that cannot be screened
//! becomes an error record with its line; reading goes on.
//!
//! (`embargo screen`'s reader in `src/batch` is the full one — encodings,
//! broken quoting, extra columns; rescreen moves to it once it lands.)

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use crate::error::{Error, Result};
use crate::model::Kind;
use crate::search::{parse_query_dob, Query};

/// One input record, ready to screen (or why it cannot be).
#[derive(Debug, Clone)]
pub struct Customer {
    /// 1-based physical line the record starts on.
    pub line: u64,
    pub id: Option<String>,
    /// The query, or the reason the record cannot be screened.
    pub query: std::result::Result<Query, String>,
    /// Recoverable oddities (a date of birth not understood, an unknown type).
    pub warnings: Vec<String>,
}

fn parse_kind(s: &str) -> Option<Kind> {
    match s.trim().to_ascii_lowercase().as_str() {
        "person" | "individual" => Some(Kind::Person),
        "organization" | "organisation" | "entity" | "company" => Some(Kind::Organization),
        "vessel" | "ship" => Some(Kind::Vessel),
        "aircraft" => Some(Kind::Aircraft),
        _ => None,
    }
}

fn nonempty(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

/// Builds a customer from its fields (any may be missing).
fn customer(
    line: u64,
    id: Option<&str>,
    name: Option<&str>,
    kind: Option<&str>,
    dob: Option<&str>,
    country: Option<&str>,
    ids: Option<&str>,
) -> Customer {
    let mut warnings = Vec::new();
    let query = match nonempty(name) {
        None => Err("no name".to_string()),
        Some(n) => {
            let kind = nonempty(kind).and_then(|k| {
                let p = parse_kind(k);
                if p.is_none() {
                    warnings.push(format!("type {k:?} not understood, ignored"));
                }
                p
            });
            let dob = nonempty(dob).and_then(|d| {
                let p = parse_query_dob(d);
                if p.is_none() {
                    warnings.push(format!("dob {d:?} not understood, ignored"));
                }
                p
            });
            Ok(Query {
                name: n.to_string(),
                kind,
                dob,
                country: nonempty(country).map(str::to_string),
                ids: nonempty(ids)
                    .map(|s| {
                        s.split(';')
                            .map(str::trim)
                            .filter(|s| !s.is_empty())
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default(),
            })
        }
    };
    Customer {
        line,
        id: nonempty(id).map(str::to_string),
        query,
        warnings,
    }
}

/// Reads every record of a customer file.
pub fn read_customers(path: &Path) -> Result<Vec<Customer>> {
    let f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    read_customers_from(f).map_err(|e| e.in_file(path))
}

/// Reads every record from a reader (CSV with a header, or JSON lines).
pub fn read_customers_from(r: impl Read) -> Result<Vec<Customer>> {
    let mut r = BufReader::with_capacity(1 << 16, r);
    // Skip a UTF-8 BOM; peek at the first non-space byte.
    let head = r
        .fill_buf()
        .map_err(|e| Error::io(Path::new("<input>"), e))?;
    if head.starts_with(b"\xEF\xBB\xBF") {
        r.consume(3);
    }
    let head = r
        .fill_buf()
        .map_err(|e| Error::io(Path::new("<input>"), e))?;
    let first = head.iter().find(|b| !b.is_ascii_whitespace()).copied();
    if first == Some(b'{') {
        read_jsonl(r)
    } else {
        read_csv(r)
    }
}

fn read_jsonl(r: impl BufRead) -> Result<Vec<Customer>> {
    let mut out = Vec::new();
    for (i, line) in r.split(b'\n').enumerate() {
        let line_no = i as u64 + 1;
        let bytes = line.map_err(|e| Error::io(Path::new("<input>"), e))?;
        let text = match std::str::from_utf8(&bytes) {
            Ok(t) => t.trim(),
            Err(_) => {
                out.push(error_record(line_no, "not UTF-8"));
                continue;
            }
        };
        if text.is_empty() {
            continue;
        }
        let v: serde_json::Value = match serde_json::from_str(text) {
            Ok(v) => v,
            Err(e) => {
                out.push(error_record(line_no, &format!("not a JSON object: {e}")));
                continue;
            }
        };
        let s = |k: &str| -> Option<String> {
            match v.get(k)? {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Number(n) => Some(n.to_string()),
                serde_json::Value::Array(a) => Some(
                    a.iter()
                        .filter_map(|x| x.as_str())
                        .collect::<Vec<_>>()
                        .join(";"),
                ),
                _ => None,
            }
        };
        let (id, name, kind, dob, country, ids) = (
            s("id"),
            s("name"),
            s("type"),
            s("dob"),
            s("country"),
            s("ids"),
        );
        out.push(customer(
            line_no,
            id.as_deref(),
            name.as_deref(),
            kind.as_deref(),
            dob.as_deref(),
            country.as_deref(),
            ids.as_deref(),
        ));
    }
    Ok(out)
}

fn read_csv(r: impl Read) -> Result<Vec<Customer>> {
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(r);
    let headers = rdr
        .headers()
        .map_err(|e| Error::malformed(format!("unreadable header row: {e}")).at(1))?
        .clone();
    let col = |n: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(n))
    };
    let Some(c_name) = col("name") else {
        return Err(Error::malformed("the header row has no `name` column").at(1));
    };
    let (c_id, c_type, c_dob, c_country, c_ids) = (
        col("id"),
        col("type"),
        col("dob"),
        col("country"),
        col("ids"),
    );
    let mut out = Vec::new();
    let mut rec = csv::StringRecord::new();
    loop {
        let line = rdr.position().line();
        match rdr.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {
                if rec.iter().all(|f| f.trim().is_empty()) {
                    continue;
                }
                let g = |c: Option<usize>| c.and_then(|c| rec.get(c));
                out.push(customer(
                    line,
                    g(c_id),
                    rec.get(c_name),
                    g(c_type),
                    g(c_dob),
                    g(c_country),
                    g(c_ids),
                ));
            }
            Err(e) => {
                let bad_utf8 = matches!(e.kind(), csv::ErrorKind::Utf8 { .. });
                if !bad_utf8 && !matches!(e.kind(), csv::ErrorKind::UnequalLengths { .. }) {
                    return Err(Error::malformed(format!("unreadable CSV: {e}")).at(line));
                }
                out.push(error_record(line, &e.to_string()));
            }
        }
    }
    Ok(out)
}

fn error_record(line: u64, why: &str) -> Customer {
    Customer {
        line,
        id: None,
        query: Err(why.to_string()),
        warnings: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_records_become_queries() {
        let c = read_customers_from(
            "\u{feff}id,name,type,dob,country,ids\nc-1,Vladimir Putin,person,1952-10-07,RU,passport:X1;imo:9187629\nc-2,,,,,\nc-3,Acme,ship?,1952-13,,\n"
                .as_bytes(),
        )
        .unwrap();
        assert_eq!(c.len(), 3);
        let q = c[0].query.as_ref().unwrap();
        assert_eq!(q.name, "Vladimir Putin");
        assert_eq!(q.kind, Some(Kind::Person));
        assert_eq!(q.ids, ["passport:X1", "imo:9187629"]);
        assert_eq!(c[0].id.as_deref(), Some("c-1"));
        assert_eq!(c[0].line, 2);
        assert_eq!(c[1].query.as_ref().unwrap_err(), "no name");
        assert_eq!(c[2].warnings.len(), 2);
    }

    #[test]
    fn json_lines_are_read_and_bad_lines_kept_as_errors() {
        let c = read_customers_from(
            "{\"id\": 7, \"name\": \"Kim Jong Un\", \"ids\": [\"a\", \"b\"]}\n\nnot json\n"
                .as_bytes(),
        )
        .unwrap();
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].id.as_deref(), Some("7"));
        assert_eq!(c[0].query.as_ref().unwrap().ids, ["a", "b"]);
        assert_eq!(c[1].line, 3);
        assert!(c[1].query.is_err());
    }

    #[test]
    fn a_csv_without_a_name_column_is_an_error() {
        assert!(read_customers_from("id,full\n1,x\n".as_bytes()).is_err());
    }
}
