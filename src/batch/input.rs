//! Reading customer files for `embargo screen`: CSV with a header (the
//! delimiter sniffed, quoting as real exports write it, a BOM ignored) or
//! JSON lines, in UTF-8 or Windows-1252, one *input record* at a time, with
//! the physical line it started on.
//!
//! The reader is split in two so that the serial part stays small: the
//! reading thread only cuts the byte stream into records and fields
//! ([`RecordReader`] fills a [`Chunk`]); the workers decode the fields and
//! turn them into queries ([`parse_record`]), in parallel.
//!
//! ## What one input record is
//!
//! A CSV record is what RFC 4180 reads: one physical line, or several when
//! a quoted field holds line breaks (an address, a note). A quote that does
//! not close cleanly would make any CSV parser swallow the lines after it
//! into one field — a thousand customers silently screened as one. So a
//! multi-line record is accepted only when it ends with a closed quote, no
//! text after a closing quote, no line break in the `name` column, the
//! header's number of fields, and within [`MAX_RECORD_LINES`] lines and
//! [`MAX_LINE_BYTES`] bytes. Otherwise it is *broken quoting*: the record is
//! the physical line where the quote opened, it becomes an error record, and
//! reading resumes on the very next physical line. One broken quote costs
//! one record, never the rest of the file.
//!
//! Blank lines (nothing but spaces, tabs or a carriage return) are not
//! records, in CSV and in JSON lines alike; line numbers count them anyway,
//! so every error names the line an editor shows.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::io::BufRead;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::error::{Error, ErrorKind, Result};
use crate::model::Kind;
use crate::search::{parse_query_dob, Query};

/// The longest physical line (or multi-line record) read; past it the line
/// is skipped to its end (never held in memory) and becomes an error record.
pub const MAX_LINE_BYTES: usize = 4 << 20;
/// The most physical lines one CSV record may span.
pub const MAX_RECORD_LINES: usize = 32;
/// The longest name screened, in bytes of UTF-8 text. A longer "name" is
/// not a name (a pasted document, a hostile row): an error record, not a
/// megabyte query.
pub const MAX_NAME_BYTES: usize = crate::search::MAX_NAME_BYTES;
/// The longest `id`, `type`, `dob`, `country` or `ids` field.
pub const MAX_FIELD_BYTES: usize = 4096;
/// The most identifiers taken from one record's `ids`.
pub const MAX_IDS: usize = 64;
/// Bytes looked at to tell the format and the encoding.
pub const SNIFF_BYTES: usize = 64 << 10;

/// The text encoding of the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    /// Windows-1252, which is also how ISO-8859-1 (Latin-1) files are read
    /// (the WHATWG rule: the two differ only in C1 controls, which no
    /// customer file means).
    Windows1252,
}

impl Encoding {
    /// Parses an `--encoding` value: `utf-8`, `windows-1252`, or an alias
    /// (`utf8`, `cp1252`, `latin-1`, `latin1`, `iso-8859-1`).
    pub fn parse(s: &str) -> Option<Encoding> {
        match s.trim().to_ascii_lowercase().as_str() {
            "utf-8" | "utf8" => Some(Encoding::Utf8),
            "windows-1252" | "cp1252" | "latin-1" | "latin1" | "iso-8859-1" => {
                Some(Encoding::Windows1252)
            }
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Windows1252 => "windows-1252",
        }
    }
}

/// The layout of the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    /// CSV with a header row and this delimiter.
    Csv { delimiter: u8 },
    /// One JSON object per line.
    Jsonl,
}

impl InputFormat {
    pub fn describe(self) -> String {
        match self {
            InputFormat::Jsonl => "jsonl".to_string(),
            InputFormat::Csv { delimiter } => {
                let d = match delimiter {
                    b'\t' => "tab".to_string(),
                    d => format!("'{}'", d as char),
                };
                format!("csv ({d}-separated)")
            }
        }
    }
}

/// What the first bytes of the input say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sniffed {
    pub format: InputFormat,
    /// Whether the input starts with a UTF-8 byte order mark.
    pub bom: bool,
    /// The sample holds bytes that are not UTF-8 (1-based line of the
    /// first): the file is most likely Windows-1252 / Latin-1.
    pub not_utf8_at_line: Option<u64>,
    /// The sample holds non-ASCII text that is valid UTF-8.
    pub utf8_non_ascii: bool,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Tells the format and the likely encoding from the first bytes.
///
/// JSON lines when the first non-blank byte is `{`; else CSV, with the
/// delimiter (`,` `;` tab `|`) that splits the header row the most (`,`
/// when none does, as in a one-column file).
pub fn sniff(sample: &[u8]) -> Result<Sniffed> {
    if sample.starts_with(b"\xFF\xFE") || sample.starts_with(b"\xFE\xFF") {
        return Err(Error::malformed(
            "the input is UTF-16 (it starts with a UTF-16 byte order mark): save it as UTF-8",
        ));
    }
    let bom = sample.starts_with(BOM);
    let body = if bom { &sample[BOM.len()..] } else { sample };
    let (not_utf8_at_line, utf8_non_ascii) = match std::str::from_utf8(body) {
        Ok(s) => (None, !s.is_ascii()),
        // A sequence cut by the end of the sample is not an error.
        Err(e) if e.error_len().is_none() => (None, !body[..e.valid_up_to()].is_ascii()),
        Err(e) => {
            let at = e.valid_up_to();
            let line = memchr::memchr_iter(b'\n', &body[..at]).count() as u64 + 1;
            (Some(line), !body[..at].is_ascii())
        }
    };
    let first = body.iter().position(|b| !b.is_ascii_whitespace());
    let format = match first.map(|i| body[i]) {
        Some(b'{') => InputFormat::Jsonl,
        _ => {
            let header = body.split(|&b| b == b'\n').next().unwrap_or(&[]);
            InputFormat::Csv {
                delimiter: sniff_delimiter(header),
            }
        }
    };
    Ok(Sniffed {
        format,
        bom,
        not_utf8_at_line,
        utf8_non_ascii,
    })
}

/// The delimiter that splits a header row the most, quotes respected.
fn sniff_delimiter(header: &[u8]) -> u8 {
    let cands = [b',', b';', b'\t', b'|'];
    let mut counts = [0usize; 4];
    let mut quoted = false;
    for &b in header {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted {
            if let Some(i) = cands.iter().position(|&c| c == b) {
                counts[i] += 1;
            }
        }
    }
    let mut best = 0;
    for i in 1..4 {
        if counts[i] > counts[best] {
            best = i;
        }
    }
    cands[best]
}

/// One record as the reading thread cut it: where it started and which
/// field spans of its [`Chunk`] are its own, or why it cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRecord {
    /// 1-based physical line the record starts on.
    pub line: u64,
    /// Index of its first span in [`Chunk::spans`].
    pub first: u32,
    /// Number of spans (fields; one whole line for JSON lines).
    pub n: u32,
    /// Why the record cannot be read (broken quoting, a line too long).
    pub error: Option<String>,
}

/// A run of records with their field bytes in one buffer: the unit the
/// reading thread hands to the workers.
#[derive(Debug, Default)]
pub struct Chunk {
    /// Position of the chunk in the input (0, 1, 2, …), for re-ordering.
    pub seq: u64,
    pub buf: Vec<u8>,
    pub spans: Vec<(u32, u32)>,
    pub records: Vec<RawRecord>,
}

impl Chunk {
    /// The bytes of field `i` of `rec` (`None` past its last field).
    pub fn field(&self, rec: &RawRecord, i: usize) -> Option<&[u8]> {
        if i >= rec.n as usize {
            return None;
        }
        let (a, b) = *self.spans.get(rec.first as usize + i)?;
        self.buf.get(a as usize..b as usize)
    }

    fn mark(&self) -> (usize, usize) {
        (self.buf.len(), self.spans.len())
    }

    fn reset(&mut self, mark: (usize, usize)) {
        self.buf.truncate(mark.0);
        self.spans.truncate(mark.1);
    }

    fn push_error(&mut self, line: u64, error: String) {
        self.records.push(RawRecord {
            line,
            first: self.spans.len() as u32,
            n: 0,
            error: Some(error),
        });
    }
}

/// How a CSV record's text ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    /// Every quote closed; `junk` when text followed a closing quote.
    Complete { junk: bool },
    /// A quoted field is still open at the end of the text.
    Open,
}

/// Splits one CSV record's text into fields (quotes removed, `""`
/// unescaped), appending them to the chunk. A quote opens a quoted field
/// only at the start of a field; elsewhere it is a letter (`O"Brien`), as
/// spreadsheets write it.
fn split_csv(text: &[u8], delim: u8, chunk: &mut Chunk) -> End {
    if memchr::memchr(b'"', text).is_none() {
        let mut start = 0;
        for i in memchr::memchr_iter(delim, text) {
            push_span(chunk, &text[start..i]);
            start = i + 1;
        }
        push_span(chunk, &text[start..]);
        return End::Complete { junk: false };
    }
    #[derive(PartialEq)]
    enum S {
        Start,
        Plain,
        Quoted,
        QuoteSeen,
    }
    let mut s = S::Start;
    let mut junk = false;
    let mut field_start = chunk.buf.len();
    for &b in text {
        match s {
            S::Start | S::Plain if b == delim => {
                end_field(chunk, field_start);
                field_start = chunk.buf.len();
                s = S::Start;
            }
            S::Start if b == b'"' => s = S::Quoted,
            S::Start | S::Plain => {
                chunk.buf.push(b);
                s = S::Plain;
            }
            S::Quoted if b == b'"' => s = S::QuoteSeen,
            S::Quoted => chunk.buf.push(b),
            S::QuoteSeen if b == b'"' => {
                chunk.buf.push(b'"');
                s = S::Quoted;
            }
            S::QuoteSeen if b == delim => {
                end_field(chunk, field_start);
                field_start = chunk.buf.len();
                s = S::Start;
            }
            S::QuoteSeen => {
                // `"Smith" Jr`: kept as a spreadsheet would, but noted.
                junk = true;
                chunk.buf.push(b);
                s = S::Plain;
            }
        }
    }
    if s == S::Quoted {
        return End::Open;
    }
    end_field(chunk, field_start);
    End::Complete { junk }
}

fn push_span(chunk: &mut Chunk, bytes: &[u8]) {
    let a = chunk.buf.len();
    chunk.buf.extend_from_slice(bytes);
    chunk.spans.push((a as u32, chunk.buf.len() as u32));
}

fn end_field(chunk: &mut Chunk, start: usize) {
    chunk.spans.push((start as u32, chunk.buf.len() as u32));
}

fn is_blank(line: &[u8]) -> bool {
    line.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r'))
}

/// A physical line read back after a broken quote.
struct Pending {
    no: u64,
    bytes: Vec<u8>,
    too_long: bool,
}

/// Cuts a byte stream into records (see the module docs), a chunk at a
/// time. Memory stays bounded whatever the input: a line is held up to
/// [`MAX_LINE_BYTES`], a record up to [`MAX_RECORD_LINES`] lines.
pub struct RecordReader<R: BufRead> {
    src: R,
    path: PathBuf,
    format: InputFormat,
    /// Fields of the CSV header (0 for JSON lines).
    header_fields: usize,
    /// Index of the `name` column (CSV), to refuse line breaks in names.
    name_col: usize,
    lines: u64,
    pending: VecDeque<Pending>,
    line: Vec<u8>,
    first_line: bool,
}

impl<R: BufRead> RecordReader<R> {
    /// A reader over `src` (`path` only names it in errors). A leading BOM
    /// is skipped.
    pub fn new(src: R, path: &Path, format: InputFormat) -> Self {
        RecordReader {
            src,
            path: path.to_path_buf(),
            format,
            header_fields: 0,
            name_col: usize::MAX,
            lines: 0,
            pending: VecDeque::new(),
            line: Vec::new(),
            first_line: true,
        }
    }

    /// The source, once every record is read.
    pub fn into_inner(self) -> R {
        self.src
    }

    /// Physical lines read so far.
    pub fn lines_read(&self) -> u64 {
        self.lines
    }

    /// Reads the next physical line into `out` (without `\n` or a final
    /// `\r`): `None` at the end of input, else its number and whether it
    /// was longer than [`MAX_LINE_BYTES`] (then `out` is empty).
    fn next_line(&mut self, out: &mut Vec<u8>) -> Result<Option<(u64, bool)>> {
        out.clear();
        if let Some(p) = self.pending.pop_front() {
            out.extend_from_slice(&p.bytes);
            return Ok(Some((p.no, p.too_long)));
        }
        let mut too_long = false;
        let mut any = false;
        loop {
            let buf = match self.src.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(Error::io(&self.path, e).at(self.lines + 1)),
            };
            if buf.is_empty() {
                if !any {
                    return Ok(None);
                }
                break;
            }
            any = true;
            let (take, done) = match memchr::memchr(b'\n', buf) {
                Some(i) => (i, true),
                None => (buf.len(), false),
            };
            if !too_long {
                if out.len() + take > MAX_LINE_BYTES {
                    too_long = true;
                    out.clear();
                } else {
                    out.extend_from_slice(&buf[..take]);
                }
            }
            self.src.consume(if done { take + 1 } else { take });
            if done {
                break;
            }
        }
        self.lines += 1;
        if self.first_line {
            self.first_line = false;
            if out.starts_with(BOM) {
                out.drain(..BOM.len());
            }
        }
        if out.last() == Some(&b'\r') {
            out.pop();
        }
        Ok(Some((self.lines, too_long)))
    }

    /// Reads the CSV header row: its raw fields (the caller decodes them).
    /// Fails on an empty input or a header with a broken quote.
    pub fn read_header(&mut self) -> Result<Vec<Vec<u8>>> {
        let InputFormat::Csv { delimiter } = self.format else {
            return Ok(Vec::new());
        };
        let mut line = std::mem::take(&mut self.line);
        let got = loop {
            match self.next_line(&mut line)? {
                None => break None,
                Some((_, true)) => {
                    return Err(Error::malformed("the header row is longer than 4 MiB")
                        .in_file(&self.path)
                        .at(self.lines))
                }
                Some((no, false)) if !is_blank(&line) => break Some(no),
                Some(_) => {}
            }
        };
        let Some(no) = got else {
            return Err(Error::malformed("the input is empty: no header row").in_file(&self.path));
        };
        let mut chunk = Chunk::default();
        if split_csv(&line, delimiter, &mut chunk) == End::Open {
            return Err(Error::malformed("the header row has an unclosed quote")
                .in_file(&self.path)
                .at(no));
        }
        let rec = RawRecord {
            line: no,
            first: 0,
            n: chunk.spans.len() as u32,
            error: None,
        };
        let fields: Vec<Vec<u8>> = (0..chunk.spans.len())
            .map(|i| chunk.field(&rec, i).unwrap_or(&[]).to_vec())
            .collect();
        self.line = line;
        self.header_fields = fields.len();
        Ok(fields)
    }

    /// Tells the reader which CSV column holds names (no line breaks
    /// allowed there).
    pub fn set_name_column(&mut self, col: usize) {
        self.name_col = col;
    }

    /// Appends up to `max` records to `chunk`; returns how many (0 at the
    /// end of the input).
    pub fn fill(&mut self, chunk: &mut Chunk, max: usize) -> Result<usize> {
        let mut n = 0;
        while n < max {
            let got = match self.format {
                InputFormat::Jsonl => self.next_jsonl(chunk)?,
                InputFormat::Csv { delimiter } => self.next_csv(chunk, delimiter)?,
            };
            if !got {
                break;
            }
            n += 1;
        }
        Ok(n)
    }

    fn next_jsonl(&mut self, chunk: &mut Chunk) -> Result<bool> {
        let mut line = std::mem::take(&mut self.line);
        let r = loop {
            match self.next_line(&mut line)? {
                None => break false,
                Some((no, true)) => {
                    chunk.push_error(no, too_long_msg());
                    break true;
                }
                Some((_, false)) if is_blank(&line) => {}
                Some((no, false)) => {
                    let first = chunk.spans.len() as u32;
                    push_span(chunk, &line);
                    chunk.records.push(RawRecord {
                        line: no,
                        first,
                        n: 1,
                        error: None,
                    });
                    break true;
                }
            }
        };
        self.line = line;
        Ok(r)
    }

    fn next_csv(&mut self, chunk: &mut Chunk, delim: u8) -> Result<bool> {
        let mut line = std::mem::take(&mut self.line);
        let r = self.next_csv_inner(chunk, delim, &mut line);
        self.line = line;
        r
    }

    fn next_csv_inner(&mut self, chunk: &mut Chunk, delim: u8, line: &mut Vec<u8>) -> Result<bool> {
        let no = loop {
            match self.next_line(line)? {
                None => return Ok(false),
                Some((no, true)) => {
                    chunk.push_error(no, too_long_msg());
                    return Ok(true);
                }
                Some((_, false)) if is_blank(line) => {}
                Some((no, false)) => break no,
            }
        };
        let mark = chunk.mark();
        if let End::Complete { .. } = split_csv(line, delim, chunk) {
            self.push_fields(chunk, no, mark);
            return Ok(true);
        }
        // A quoted field runs on: gather lines until it closes cleanly.
        let mut text = line.clone();
        let mut more: Vec<Pending> = Vec::new();
        let broken: String = loop {
            chunk.reset(mark);
            let mut next = Vec::new();
            let Some((no2, too_long)) = self.next_line(&mut next)? else {
                break "broken quoting: a quote opened here is not closed before the end of the input".into();
            };
            more.push(Pending {
                no: no2,
                bytes: next,
                too_long,
            });
            if too_long
                || more.len() >= MAX_RECORD_LINES
                || text.len() + more.last().map_or(0, |p| p.bytes.len()) + 1 > MAX_LINE_BYTES
            {
                break format!(
                    "broken quoting: a quote opened here is not closed within {MAX_RECORD_LINES} lines"
                );
            }
            text.push(b'\n');
            text.extend_from_slice(more.last().map_or(&[][..], |p| &p.bytes));
            match split_csv(&text, delim, chunk) {
                End::Open => continue,
                End::Complete { junk: true } => {
                    break "broken quoting: text follows a closing quote in a field that spans lines".into()
                }
                End::Complete { junk: false } => {
                    let n = chunk.spans.len() - mark.1;
                    if n != self.header_fields {
                        break format!(
                            "broken quoting: a quoted field spanning lines {no}-{no2} leaves {n} fields where the header has {}",
                            self.header_fields
                        );
                    }
                    let name_has_break = mark
                        .1
                        .checked_add(self.name_col)
                        .and_then(|i| chunk.spans.get(i))
                        .and_then(|&(a, b)| chunk.buf.get(a as usize..b as usize))
                        .is_some_and(|f| f.contains(&b'\n'));
                    if name_has_break {
                        break "broken quoting: the name would span lines".into();
                    }
                    self.push_fields(chunk, no, mark);
                    return Ok(true);
                }
            }
        };
        // The error record keeps the starting line's fields split as if it
        // had no quotes, so it can still name its customer's id.
        chunk.reset(mark);
        let mut start = 0;
        for i in memchr::memchr_iter(delim, line) {
            push_span(chunk, &line[start..i]);
            start = i + 1;
        }
        push_span(chunk, &line[start..]);
        chunk.records.push(RawRecord {
            line: no,
            first: mark.1 as u32,
            n: (chunk.spans.len() - mark.1) as u32,
            error: Some(broken),
        });
        for p in more.into_iter().rev() {
            self.pending.push_front(p);
        }
        Ok(true)
    }

    fn push_fields(&mut self, chunk: &mut Chunk, no: u64, mark: (usize, usize)) {
        let n = chunk.spans.len() - mark.1;
        let error = (self.header_fields > 0 && n > self.header_fields).then(|| {
            format!(
                "{n} fields where the header has {} (an unquoted delimiter inside a field?)",
                self.header_fields
            )
        });
        chunk.records.push(RawRecord {
            line: no,
            first: mark.1 as u32,
            n: n as u32,
            error,
        });
    }
}

fn too_long_msg() -> String {
    format!("the line is longer than {} MiB", MAX_LINE_BYTES >> 20)
}

/// Where each screening field is in a CSV file.
#[derive(Debug, Clone, Default)]
pub struct Schema {
    pub name: usize,
    pub id: Option<usize>,
    pub kind: Option<usize>,
    pub dob: Option<usize>,
    pub country: Option<usize>,
    pub ids: Option<usize>,
    /// The other columns: (index, header text).
    pub extra: Vec<(usize, String)>,
}

impl Schema {
    /// Maps a decoded header row (names compared trimmed, ignoring case).
    /// Fails when there is no `name` column.
    pub fn from_header(header: &[String]) -> Result<Schema> {
        let mut s = Schema::default();
        let mut name = None;
        for (i, h) in header.iter().enumerate() {
            let key = h.trim().to_ascii_lowercase();
            let slot = match key.as_str() {
                "name" => &mut name,
                "id" => &mut s.id,
                "type" => &mut s.kind,
                "dob" => &mut s.dob,
                "country" => &mut s.country,
                "ids" => &mut s.ids,
                _ => {
                    s.extra.push((i, h.clone()));
                    continue;
                }
            };
            if slot.is_none() {
                *slot = Some(i);
            } else {
                s.extra.push((i, h.clone()));
            }
        }
        let Some(n) = name else {
            return Err(Error::new(
                ErrorKind::Malformed,
                format!(
                    "the header has no `name` column (it has: {})",
                    header.join(", ")
                ),
            ));
        };
        s.name = n;
        Ok(s)
    }
}

/// Decodes a field's bytes in the input encoding. Fails on a byte that is
/// not UTF-8 (under UTF-8) and on NUL bytes (under any encoding).
pub fn decode<'a>(bytes: &'a [u8], enc: Encoding, what: &str) -> Result<Cow<'a, str>, String> {
    if memchr::memchr(0, bytes).is_some() {
        return Err(format!("the {what} holds a NUL byte"));
    }
    match enc {
        Encoding::Utf8 => std::str::from_utf8(bytes).map(Cow::Borrowed).map_err(|e| {
            let bad = bytes.get(e.valid_up_to()).copied().unwrap_or(0);
            format!(
                "the {what} is not valid UTF-8 (byte 0x{bad:02X}): if the file is Windows-1252 or Latin-1, rerun with --encoding windows-1252"
            )
        }),
        Encoding::Windows1252 => Ok(encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0),
    }
}

/// A record ready to screen, or why it cannot be.
#[derive(Debug, Clone)]
pub enum Parsed {
    Ok {
        line: u64,
        id: Option<String>,
        query: Query,
        extra: Option<Map<String, Value>>,
        /// Attributes left out because they could not be read (an unknown
        /// `type`, an unparseable `dob`): the name is screened without them,
        /// which can only add hits, never lose one.
        ignored: u32,
    },
    Err {
        line: u64,
        id: Option<String>,
        error: String,
    },
}

/// The kind named by a `type` field (`None` when empty or unknown).
pub fn parse_kind(s: &str) -> Option<Kind> {
    match s.trim().to_ascii_lowercase().as_str() {
        "person" | "individual" => Some(Kind::Person),
        "organization" | "organisation" | "entity" | "company" => Some(Kind::Organization),
        "vessel" | "ship" => Some(Kind::Vessel),
        "aircraft" => Some(Kind::Aircraft),
        _ => None,
    }
}

/// The raw text of the screening fields of one record.
#[derive(Default)]
struct Texts<'a> {
    id: Option<Cow<'a, str>>,
    name: Option<Cow<'a, str>>,
    kind: Option<Cow<'a, str>>,
    dob: Option<Cow<'a, str>>,
    country: Option<Cow<'a, str>>,
    ids: Vec<String>,
}

/// Turns one raw record into a query (see [`Parsed`]). `schema` is the
/// CSV header's mapping (ignored for JSON lines); `extra` carries the other
/// columns.
pub fn parse_record(
    chunk: &Chunk,
    rec: &RawRecord,
    format: InputFormat,
    schema: &Schema,
    enc: Encoding,
    extra: bool,
) -> Parsed {
    let line = rec.line;
    if let Some(e) = &rec.error {
        // The id, where the reader could still cut the record into fields.
        let id = match format {
            InputFormat::Csv { .. } => schema
                .id
                .and_then(|c| chunk.field(rec, c))
                .and_then(|b| decode(b, enc, "id").ok())
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty() && s.len() <= MAX_FIELD_BYTES),
            InputFormat::Jsonl => None,
        };
        return Parsed::Err {
            line,
            id,
            error: e.clone(),
        };
    }
    match format {
        InputFormat::Csv { .. } => parse_csv_record(chunk, rec, schema, enc, extra),
        InputFormat::Jsonl => {
            parse_json_record(chunk.field(rec, 0).unwrap_or(&[]), line, enc, extra)
        }
    }
}

fn parse_csv_record(
    chunk: &Chunk,
    rec: &RawRecord,
    schema: &Schema,
    enc: Encoding,
    extra: bool,
) -> Parsed {
    let line = rec.line;
    let get = |col: Option<usize>, what: &str| -> Result<Option<Cow<'_, str>>, String> {
        match col.and_then(|c| chunk.field(rec, c)) {
            None => Ok(None),
            Some(b) => decode(b, enc, what).map(Some),
        }
    };
    // The id first, so an error record can still name its customer.
    let id = match get(schema.id, "id") {
        Ok(v) => v,
        Err(error) => {
            return Parsed::Err {
                line,
                id: None,
                error,
            }
        }
    };
    let fields = (|| -> Result<(Texts<'_>, Option<Map<String, Value>>), String> {
        let t = Texts {
            id: id.clone(),
            name: get(Some(schema.name), "name")?,
            kind: get(schema.kind, "type")?,
            dob: get(schema.dob, "dob")?,
            country: get(schema.country, "country")?,
            ids: get(schema.ids, "ids")?
                .map(|s| split_ids(&s))
                .unwrap_or_default(),
        };
        let x = if extra {
            let mut m = Map::new();
            for (c, h) in &schema.extra {
                let v = get(Some(*c), h)?
                    .map(|s| s.into_owned())
                    .unwrap_or_default();
                m.insert(h.clone(), Value::String(v));
            }
            Some(m)
        } else {
            None
        };
        Ok((t, x))
    })();
    match fields {
        Ok((t, x)) => build(line, t, x),
        Err(error) => Parsed::Err {
            line,
            id: id.map(|s| s.trim().to_string()),
            error,
        },
    }
}

fn split_ids(s: &str) -> Vec<String> {
    s.split(';')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

fn parse_json_record(bytes: &[u8], line: u64, enc: Encoding, extra: bool) -> Parsed {
    let text = match decode(bytes, enc, "line") {
        Ok(t) => t,
        Err(error) => {
            return Parsed::Err {
                line,
                id: None,
                error,
            }
        }
    };
    let obj = match serde_json::from_str::<Value>(&text) {
        Ok(Value::Object(m)) => m,
        Ok(_) => {
            return Parsed::Err {
                line,
                id: None,
                error: "not a JSON object".into(),
            }
        }
        Err(e) => {
            return Parsed::Err {
                line,
                id: None,
                error: format!("not valid JSON: {e}"),
            }
        }
    };
    let scalar = |k: &str| -> Result<Option<Cow<'_, str>>, String> {
        match obj.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => {
                if s.contains('\0') {
                    Err(format!("the {k} holds a NUL byte"))
                } else {
                    Ok(Some(Cow::Borrowed(s.as_str())))
                }
            }
            Some(Value::Number(n)) => Ok(Some(Cow::Owned(n.to_string()))),
            Some(_) => Err(format!("the {k} is not a string")),
        }
    };
    let id = scalar("id").ok().flatten();
    let fields = (|| -> Result<Texts<'_>, String> {
        let ids = match obj.get("ids") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::String(s)) => split_ids(s),
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(|v| match v {
                    Value::String(s) => Some(s.trim().to_string()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                })
                .filter(|s| !s.is_empty())
                .collect(),
            Some(_) => return Err("the ids are neither a string nor a list".into()),
        };
        Ok(Texts {
            id: id.clone(),
            name: scalar("name")?,
            kind: scalar("type")?,
            dob: scalar("dob")?,
            country: scalar("country")?,
            ids,
        })
    })();
    match fields {
        Ok(t) => {
            let x = extra.then(|| {
                obj.iter()
                    .filter(|(k, _)| {
                        !matches!(
                            k.as_str(),
                            "id" | "name" | "type" | "dob" | "country" | "ids"
                        )
                    })
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            });
            build(line, t, x)
        }
        Err(error) => Parsed::Err {
            line,
            id: id.map(|s| s.trim().to_string()),
            error,
        },
    }
}

fn build(line: u64, t: Texts<'_>, extra: Option<Map<String, Value>>) -> Parsed {
    let id = t.id.as_deref().map(str::trim);
    let fail = |error: String| Parsed::Err {
        line,
        id: id
            .filter(|s| s.len() <= MAX_FIELD_BYTES)
            .map(str::to_string),
        error,
    };
    if let Some(i) = id.filter(|s| s.len() > MAX_FIELD_BYTES) {
        return fail(format!(
            "the id is {} bytes; the most read is {MAX_FIELD_BYTES}",
            i.len()
        ));
    }
    let name = t.name.as_deref().map(str::trim).unwrap_or("");
    if name.is_empty() {
        return fail("no name".into());
    }
    if name.len() > MAX_NAME_BYTES {
        return fail(format!(
            "the name is {} bytes; the most screened is {MAX_NAME_BYTES} (is this a name?)",
            name.len()
        ));
    }
    for (what, v) in [("type", &t.kind), ("dob", &t.dob), ("country", &t.country)] {
        if v.as_ref().is_some_and(|s| s.len() > MAX_FIELD_BYTES) {
            return fail(format!("the {what} is longer than {MAX_FIELD_BYTES} bytes"));
        }
    }
    if t.ids.len() > MAX_IDS || t.ids.iter().any(|s| s.len() > MAX_FIELD_BYTES) {
        return fail(format!(
            "the ids hold more than {MAX_IDS} identifiers or an identifier longer than {MAX_FIELD_BYTES} bytes"
        ));
    }
    let mut ignored = 0;
    let nonempty = |v: &Option<Cow<'_, str>>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let kind = nonempty(&t.kind).and_then(|k| {
        let p = parse_kind(&k);
        if p.is_none() && !k.eq_ignore_ascii_case("unknown") {
            ignored += 1;
        }
        p
    });
    let dob = nonempty(&t.dob).and_then(|d| {
        let p = parse_query_dob(&d);
        if p.is_none() {
            ignored += 1;
        }
        p
    });
    Parsed::Ok {
        line,
        id: id.map(str::to_string),
        query: Query {
            name: name.to_string(),
            kind,
            dob,
            country: nonempty(&t.country),
            ids: t.ids,
        },
        extra,
        ignored,
    }
}

/// Fuzz entry point (the `batch_input` fuzz target and its seed replay):
/// reads `bytes` as a customer file — sniffing, header, every record, both
/// encodings — and panics only if it yields more records than the input
/// has lines (the one-record-per-input promise), never otherwise.
pub fn fuzz_records(bytes: &[u8]) {
    let Ok(sn) = sniff(bytes) else { return };
    let mut r = RecordReader::new(bytes, Path::new("fuzz"), sn.format);
    let Ok(header) = r.read_header() else {
        return;
    };
    let header: Vec<String> = header
        .iter()
        .map(|h| String::from_utf8_lossy(h).into_owned())
        .collect();
    let schema = Schema::from_header(&header).unwrap_or_default();
    let mut c = Chunk::default();
    let n = r.fill(&mut c, usize::MAX).unwrap_or(0);
    let lines = bytes.iter().filter(|&&b| b == b'\n').count() + 1;
    assert!(n <= lines, "{n} records from {lines} lines");
    for rec in &c.records {
        for enc in [Encoding::Utf8, Encoding::Windows1252] {
            let _ = parse_record(&c, rec, sn.format, &schema, enc, true);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(input: &str) -> (Chunk, Vec<RawRecord>) {
        let fmt = sniff(input.as_bytes()).expect("sniff").format;
        let mut r = RecordReader::new(input.as_bytes(), Path::new("t.csv"), fmt);
        r.read_header().expect("header");
        r.set_name_column(1);
        let mut c = Chunk::default();
        r.fill(&mut c, 1000).expect("fill");
        let recs = c.records.clone();
        (c, recs)
    }

    fn fields(c: &Chunk, r: &RawRecord) -> Vec<String> {
        (0..r.n as usize)
            .map(|i| String::from_utf8_lossy(c.field(r, i).unwrap_or(&[])).into_owned())
            .collect()
    }

    #[test]
    fn the_delimiter_is_sniffed_from_the_header() {
        let d = |s: &str| sniff(s.as_bytes()).map(|s| s.format).ok();
        assert_eq!(
            d("id;name;country\n"),
            Some(InputFormat::Csv { delimiter: b';' })
        );
        assert_eq!(d("id\tname\n"), Some(InputFormat::Csv { delimiter: b'\t' }));
        assert_eq!(d("id|name\n"), Some(InputFormat::Csv { delimiter: b'|' }));
        assert_eq!(d("name\n"), Some(InputFormat::Csv { delimiter: b',' }));
        assert_eq!(d("\n {\"name\": \"x\"}\n"), Some(InputFormat::Jsonl));
    }

    #[test]
    fn windows_1252_bytes_are_noticed_with_their_line() {
        let s = sniff(b"id,name\n1,Jos\xE9\n").expect("sniff");
        assert_eq!(s.not_utf8_at_line, Some(2));
        assert!(sniff(b"\xFF\xFEi\0d\0").is_err(), "UTF-16 is refused");
    }

    #[test]
    fn quoted_fields_keep_delimiters_and_doubled_quotes() {
        let (c, r) = records("id,name\n1,\"Smith, John \"\"Jack\"\"\"\n2,O\"Brien\n");
        assert_eq!(fields(&c, &r[0]), ["1", "Smith, John \"Jack\""]);
        assert_eq!(fields(&c, &r[1]), ["2", "O\"Brien"]);
    }

    #[test]
    fn a_quoted_line_break_outside_the_name_is_one_record() {
        let (c, r) = records("id,name,address\n1,Ann,\"1 Main St\nSpringfield\"\n2,Bob,x\n");
        assert_eq!(r.len(), 2);
        assert_eq!(fields(&c, &r[0])[2], "1 Main St\nSpringfield");
        assert_eq!((r[1].line, fields(&c, &r[1])[1].as_str()), (4, "Bob"));
    }

    #[test]
    fn a_broken_quote_costs_one_record_not_the_rest_of_the_file() {
        let (c, r) = records("id,name\n1,\"Ann\n2,Bob\n3,Carl\n");
        assert_eq!(r.len(), 3);
        assert!(r[0]
            .error
            .as_deref()
            .unwrap_or("")
            .contains("broken quoting"));
        assert_eq!(r[0].line, 2);
        assert_eq!(fields(&c, &r[1]), ["2", "Bob"]);
        assert_eq!(
            (r[2].line, fields(&c, &r[2])),
            (4, vec!["3".into(), "Carl".into()])
        );
    }

    #[test]
    fn a_quote_closing_lines_later_with_the_wrong_field_count_is_broken() {
        let (_, r) = records("id,name\n1,\"Ann\n2,Bob\",x\n3,Carl\n");
        assert_eq!(r.len(), 3);
        assert!(r[0].error.is_some());
        assert!(
            r[1].error.is_some(),
            "2,Bob\",x has a stray quote and 3 fields"
        );
        assert!(r[2].error.is_none());
    }

    #[test]
    fn blank_lines_crlf_and_a_bom_are_not_records() {
        let (c, r) = records("\u{feff}id,name\r\n\r\n1,Ann\r\n   \r\n2,Bob\r\n");
        assert_eq!(r.len(), 2);
        assert_eq!(fields(&c, &r[0]), ["1", "Ann"]);
        assert_eq!(r[1].line, 5);
    }

    #[test]
    fn too_many_fields_is_an_error_record() {
        let (_, r) = records("id,name\n1,Smith, John\n");
        assert!(r[0].error.as_deref().unwrap_or("").contains("3 fields"));
    }

    #[test]
    fn a_line_past_the_cap_is_skipped_to_its_end() {
        let long = "x".repeat(MAX_LINE_BYTES + 10);
        let (c, r) = records(&format!("id,name\n1,{long}\n2,Bob\n"));
        assert_eq!(r.len(), 2);
        assert!(r[0].error.is_some());
        assert_eq!(fields(&c, &r[1]), ["2", "Bob"]);
    }

    fn parse_one(input: &str, enc: Encoding) -> Parsed {
        let fmt = sniff(input.as_bytes()).expect("sniff").format;
        let mut r = RecordReader::new(input.as_bytes(), Path::new("t"), fmt);
        let header: Vec<String> = r
            .read_header()
            .expect("header")
            .iter()
            .map(|h| String::from_utf8_lossy(h).into_owned())
            .collect();
        let schema = if header.is_empty() {
            Schema::default()
        } else {
            Schema::from_header(&header).expect("schema")
        };
        let mut c = Chunk::default();
        r.fill(&mut c, 1).expect("fill");
        parse_record(&c, &c.records[0], fmt, &schema, enc, true)
    }

    #[test]
    fn csv_fields_become_a_query() {
        let p = parse_one(
            "ID,Name,Type,DOB,Country,IDs,branch\nc-1, Ann Lee ,individual,1970-02,FR,passport:X1; 99\n",
            Encoding::Utf8,
        );
        let Parsed::Ok {
            id,
            query,
            extra,
            ignored,
            ..
        } = p
        else {
            panic!("{p:?}")
        };
        assert_eq!(id.as_deref(), Some("c-1"));
        assert_eq!(query.name, "Ann Lee");
        assert_eq!(query.kind, Some(Kind::Person));
        assert_eq!(query.dob.map(|d| d.to_string()).as_deref(), Some("1970-02"));
        assert_eq!(query.country.as_deref(), Some("FR"));
        assert_eq!(query.ids, ["passport:X1", "99"]);
        assert_eq!(
            extra.and_then(|m| m.get("branch").cloned()),
            Some(Value::from(""))
        );
        assert_eq!(ignored, 0);
    }

    #[test]
    fn unreadable_attributes_are_left_out_and_counted() {
        let p = parse_one("name,type,dob\nAnn,robot,yesterday\n", Encoding::Utf8);
        assert!(matches!(p, Parsed::Ok { ignored: 2, .. }), "{p:?}");
    }

    #[test]
    fn records_that_cannot_be_screened_say_why() {
        let err = |input: &str| match parse_one(input, Encoding::Utf8) {
            Parsed::Err { error, .. } => error,
            p => panic!("{p:?}"),
        };
        assert_eq!(err("id,name\n7,\n"), "no name");
        assert!(err("id,name\n7,a\0b\n").contains("NUL"));
        assert!(err(&format!("id,name\n7,{}\n", "n".repeat(2000))).contains("2000 bytes"));
        assert!(err("{\"name\": [1]}\n").contains("not a string"));
        assert!(err("{\"name\": \"x\"\n").contains("not valid JSON"));
    }

    #[test]
    fn invalid_utf8_is_an_error_unless_the_encoding_is_stated() {
        let bytes = b"id,name\n7,Jos\xE9\n";
        let fmt = InputFormat::Csv { delimiter: b',' };
        let mut r = RecordReader::new(&bytes[..], Path::new("t"), fmt);
        r.read_header().expect("header");
        let mut c = Chunk::default();
        r.fill(&mut c, 1).expect("fill");
        let schema = Schema::from_header(&["id".into(), "name".into()]).expect("schema");
        let utf8 = parse_record(&c, &c.records[0], fmt, &schema, Encoding::Utf8, false);
        assert!(
            matches!(&utf8, Parsed::Err { error, id, .. } if error.contains("windows-1252") && id.as_deref() == Some("7"))
        );
        let w = parse_record(
            &c,
            &c.records[0],
            fmt,
            &schema,
            Encoding::Windows1252,
            false,
        );
        assert!(
            matches!(&w, Parsed::Ok { query, .. } if query.name == "José"),
            "{w:?}"
        );
    }

    #[test]
    fn random_bytes_never_panic_and_never_make_more_records_than_lines() {
        let alphabet: &[u8] = b"\",;\t|\n\r a\xE9\x00{}:";
        let mut rng = crate::eval::Rng::new(11);
        for _ in 0..3000 {
            let len = rng.below(200);
            let mut bytes: Vec<u8> = (0..len)
                .map(|_| alphabet[rng.below(alphabet.len())])
                .collect();
            if rng.chance(0.3) {
                bytes.splice(0..0, b"id,name\n".iter().copied());
            }
            fuzz_records(&bytes);
        }
    }

    #[test]
    fn json_lines_carry_other_keys_as_extra() {
        let p = parse_one(
            "{\"id\": 12, \"name\": \"Ann\", \"ids\": [\"imo:9187629\"], \"segment\": {\"tier\": 2}}\n",
            Encoding::Utf8,
        );
        let Parsed::Ok {
            id, query, extra, ..
        } = p
        else {
            panic!("{p:?}")
        };
        assert_eq!(id.as_deref(), Some("12"));
        assert_eq!(query.ids, ["imo:9187629"]);
        assert_eq!(
            extra.map(|m| m["segment"]["tier"].clone()),
            Some(Value::from(2))
        );
    }
}
