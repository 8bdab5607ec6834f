//! Writing screening results: JSON lines (one line per input record, the
//! interface page's format) or CSV (one row per hit, one row for a record
//! with none or with an error). Workers render their chunk into bytes with
//! these functions; the writer thread only copies bytes out in order.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::search::Hit;

/// The output format (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Jsonl,
    Csv,
}

impl OutputFormat {
    pub fn parse(s: &str) -> Option<OutputFormat> {
        match s.trim().to_ascii_lowercase().as_str() {
            "jsonl" | "json" | "ndjson" => Some(OutputFormat::Jsonl),
            "csv" => Some(OutputFormat::Csv),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            OutputFormat::Jsonl => "jsonl",
            OutputFormat::Csv => "csv",
        }
    }
}

/// The result of one input record.
#[derive(Debug, Clone, Copy)]
pub enum Outcome<'a> {
    Screened {
        id: Option<&'a str>,
        name: &'a str,
        hits: &'a [Hit],
        extra: Option<&'a Map<String, Value>>,
    },
    Error {
        id: Option<&'a str>,
        line: u64,
        error: &'a str,
    },
}

/// The CSV header row (with a trailing `extra` column under `--extra`).
pub fn csv_header(extra: bool) -> String {
    let mut h =
        String::from("id,name,entity_id,score,list,kind,matched_name,primary_name,alias,error");
    if extra {
        h.push_str(",extra");
    }
    h.push('\n');
    h
}

#[derive(Serialize)]
struct ScreenedLine<'a> {
    id: Option<&'a str>,
    name: &'a str,
    hits: &'a [Hit],
    #[serde(skip_serializing_if = "Option::is_none")]
    extra: Option<&'a Map<String, Value>>,
}

#[derive(Serialize)]
struct ErrorLine<'a> {
    id: Option<&'a str>,
    line: u64,
    error: &'a str,
}

/// Appends the output of one record to `out`. `extra_column` says whether
/// the CSV output has its `extra` column (so every row has it, even an
/// error row).
pub fn write(out: &mut Vec<u8>, format: OutputFormat, o: &Outcome<'_>, extra_column: bool) {
    match format {
        OutputFormat::Jsonl => {
            // Serialising plain strings, numbers and maps cannot fail; if it
            // ever did, the line still says so rather than vanishing.
            let r = match *o {
                Outcome::Screened {
                    id,
                    name,
                    hits,
                    extra,
                } => serde_json::to_writer(
                    &mut *out,
                    &ScreenedLine {
                        id,
                        name,
                        hits,
                        extra,
                    },
                ),
                Outcome::Error { id, line, error } => {
                    serde_json::to_writer(&mut *out, &ErrorLine { id, line, error })
                }
            };
            if r.is_err() {
                out.extend_from_slice(b"{\"id\":null,\"error\":\"output serialisation failed\"}");
            }
            out.push(b'\n');
        }
        OutputFormat::Csv => write_csv(out, o, extra_column),
    }
}

fn write_csv(out: &mut Vec<u8>, o: &Outcome<'_>, extra_column: bool) {
    let extra_text = |extra: Option<&Map<String, Value>>| {
        extra
            .map(|m| serde_json::to_string(m).unwrap_or_default())
            .unwrap_or_default()
    };
    match *o {
        Outcome::Screened {
            id,
            name,
            hits,
            extra,
        } => {
            let x = extra_text(extra);
            if hits.is_empty() {
                row(
                    out,
                    &[id.unwrap_or(""), name, "", "", "", "", "", "", "", ""],
                    extra_column.then_some(&x),
                );
            }
            for h in hits {
                let score = h.score.to_string();
                row(
                    out,
                    &[
                        id.unwrap_or(""),
                        name,
                        &h.entity_id,
                        &score,
                        &h.list,
                        h.kind.as_str(),
                        &h.matched_name,
                        &h.primary_name,
                        h.alias.as_str(),
                        "",
                    ],
                    extra_column.then_some(&x),
                );
            }
        }
        Outcome::Error { id, line, error } => {
            let e = format!("line {line}: {error}");
            row(
                out,
                &[id.unwrap_or(""), "", "", "", "", "", "", "", "", &e],
                extra_column.then_some(&String::new()),
            );
        }
    }
}

fn row(out: &mut Vec<u8>, cells: &[&str], extra: Option<&String>) {
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        cell(out, c);
    }
    if let Some(x) = extra {
        out.push(b',');
        cell(out, x);
    }
    out.push(b'\n');
}

/// One CSV cell, quoted when it holds a comma, a quote or a line break.
fn cell(out: &mut Vec<u8>, s: &str) {
    if s.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        out.push(b'"');
        for b in s.bytes() {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(s.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(format: OutputFormat, o: Outcome<'_>, extra: bool) -> String {
        let mut v = Vec::new();
        write(&mut v, format, &o, extra);
        String::from_utf8(v).unwrap_or_default()
    }

    #[test]
    fn a_record_without_hits_is_one_json_line() {
        let o = Outcome::Screened {
            id: Some("c-1"),
            name: "Ann Lee",
            hits: &[],
            extra: None,
        };
        assert_eq!(
            render(OutputFormat::Jsonl, o, false),
            "{\"id\":\"c-1\",\"name\":\"Ann Lee\",\"hits\":[]}\n"
        );
    }

    #[test]
    fn an_error_record_names_its_line() {
        let o = Outcome::Error {
            id: None,
            line: 7,
            error: "no name",
        };
        assert_eq!(
            render(OutputFormat::Jsonl, o, false),
            "{\"id\":null,\"line\":7,\"error\":\"no name\"}\n"
        );
        assert_eq!(
            render(OutputFormat::Csv, o, true),
            ",,,,,,,,,line 7: no name,\n"
        );
    }

    #[test]
    fn csv_cells_are_quoted_only_when_needed() {
        let o = Outcome::Screened {
            id: Some("1"),
            name: "Smith, \"Jack\"",
            hits: &[],
            extra: None,
        };
        assert_eq!(
            render(OutputFormat::Csv, o, false),
            "1,\"Smith, \"\"Jack\"\"\",,,,,,,,\n"
        );
        assert_eq!(csv_header(false).split(',').count(), 10);
    }
}
