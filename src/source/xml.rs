//! The streaming XML record reader shared by the UN, EU and Canada readers.
//!
//! It streams a document with quick-xml, builds a tiny tree for one record
//! at a time (a record is an element whose path the caller recognises),
//! hands it to the caller, and refuses a document whose root element is
//! never closed — a truncated file must never read as a shorter list.

use std::io::{BufRead, Read};

use quick_xml::events::{BytesStart, Event};

use super::Input;
use crate::error::{Error, Result};

/// A `BufRead` wrapper counting the lines consumed so far (for error
/// locations in streamed XML).
struct LineCounter<R> {
    inner: R,
    line: u64,
}

impl<R: BufRead> Read for LineCounter<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = {
            let buf = self.inner.fill_buf()?;
            let n = buf.len().min(out.len());
            out[..n].copy_from_slice(&buf[..n]);
            n
        };
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for LineCounter<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        if let Ok(buf) = self.inner.fill_buf() {
            let upto = amt.min(buf.len());
            self.line += buf[..upto].iter().filter(|&&b| b == b'\n').count() as u64;
        }
        self.inner.consume(amt);
    }
}

/// One XML element of a record: its local name, attributes, text (all text
/// and character/entity references directly inside it, concatenated) and
/// child elements.
#[derive(Debug, Clone, Default)]
pub(crate) struct XmlNode {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub text: String,
    pub children: Vec<XmlNode>,
    /// 1-based line where the element starts.
    pub line: u64,
}

impl XmlNode {
    /// An attribute's value, trimmed; `None` when absent or blank.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// The first child element with this name.
    pub fn child(&self, name: &str) -> Option<&XmlNode> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Every child element with this name, in document order.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a XmlNode> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// This element's text, trimmed; `None` when blank.
    pub fn value(&self) -> Option<&str> {
        let t = self.text.trim();
        (!t.is_empty()).then_some(t)
    }

    /// The trimmed text of the first child called `name`; `None` when the
    /// child is absent or blank.
    pub fn text_of(&self, name: &str) -> Option<&str> {
        self.child(name).and_then(XmlNode::value)
    }
}

fn xml_error(e: impl std::fmt::Display, line: u64) -> Error {
    Error::malformed(format!("malformed XML: {e}")).at(line)
}

fn local_name(name: &str) -> String {
    name.rsplit(':').next().unwrap_or(name).to_string()
}

fn start_node(e: &BytesStart<'_>, line: u64) -> Result<XmlNode> {
    let mut node = XmlNode {
        name: local_name(e.local_name().as_ref()),
        line,
        ..XmlNode::default()
    };
    for a in e.attributes() {
        let a = a.map_err(|err| xml_error(err, line))?;
        let key = local_name(a.key.local_name().as_ref());
        let value = a
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|err| xml_error(err, line))?;
        node.attrs.push((key, value.into_owned()));
    }
    Ok(node)
}

/// Streams an XML document and hands over each *record* element (one for
/// which `is_record(path)` holds, `path` being the local names from the root
/// down to the element) as a small tree. `on_root` sees the root element
/// (attributes only) before any record.
///
/// Errors: malformed XML, a document without a root element, and a root
/// element that is never closed (a truncated file).
pub(crate) fn read_records(
    input: &Input,
    is_record: &dyn Fn(&[String]) -> bool,
    mut on_root: impl FnMut(&XmlNode) -> Result<()>,
    mut on_record: impl FnMut(XmlNode) -> Result<()>,
) -> Result<()> {
    let counter = LineCounter {
        inner: input.reader()?,
        line: 1,
    };
    let mut reader = quick_xml::Reader::from_reader(counter);
    let mut buf = Vec::new();
    let mut path: Vec<String> = Vec::new();
    let mut stack: Vec<XmlNode> = Vec::new();
    let mut root_name: Option<String> = None;
    let mut root_closed = false;
    loop {
        let line = reader.get_ref().line;
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| xml_error(e, reader.get_ref().line))?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let is_empty = matches!(event, Event::Empty(_));
                let node = start_node(e, line)?;
                if root_closed {
                    return Err(xml_error(
                        format!("a second root element <{}>", node.name),
                        line,
                    ));
                }
                if root_name.is_none() {
                    on_root(&node)?;
                    root_name = Some(node.name.clone());
                    if is_empty {
                        root_closed = true;
                    } else {
                        path.push(node.name);
                    }
                    buf.clear();
                    continue;
                }
                path.push(node.name.clone());
                if !stack.is_empty() || is_record(&path) {
                    stack.push(node);
                }
                if is_empty {
                    close_element(&mut path, &mut stack, &mut on_record)?;
                }
            }
            Event::End(_) => {
                close_element(&mut path, &mut stack, &mut on_record)?;
                if path.is_empty() {
                    root_closed = true;
                }
            }
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t.into_inner());
                }
            }
            Event::GeneralRef(r) => {
                let resolved: String = if r.is_char_ref() {
                    match r.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        Ok(None) => String::new(),
                        Err(e) => return Err(xml_error(e, line)),
                    }
                } else {
                    let name = r.xml10_content();
                    match quick_xml::escape::resolve_predefined_entity(&name) {
                        Some(s) => s.to_string(),
                        None => {
                            return Err(xml_error(format!("unknown entity &{name};"), line));
                        }
                    }
                };
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&resolved);
                }
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
        buf.clear();
    }
    let line = reader.get_ref().line;
    match root_name {
        None => Err(Error::malformed("no XML root element: the file is empty or not XML").at(line)),
        Some(root) if !root_closed => Err(Error::malformed(format!(
            "truncated XML: the closing </{root}> tag is missing"
        ))
        .at(line)),
        Some(_) => Ok(()),
    }
}

fn close_element(
    path: &mut Vec<String>,
    stack: &mut Vec<XmlNode>,
    on_record: &mut impl FnMut(XmlNode) -> Result<()>,
) -> Result<()> {
    path.pop();
    if let Some(node) = stack.pop() {
        match stack.last_mut() {
            Some(parent) => parent.children.push(node),
            None => on_record(node)?,
        }
    }
    Ok(())
}

/// `YYYY-MM-DD` from the start of a date/time text (`2016-02-11T14:50:41`,
/// `1960-01-01-05:00`), else `None`.
pub(crate) fn iso_date_prefix(s: &str) -> Option<&str> {
    let d = s.trim().get(..10)?;
    let b = d.as_bytes();
    let ok = b.iter().enumerate().all(|(i, c)| match i {
        4 | 7 => *c == b'-',
        _ => c.is_ascii_digit(),
    });
    ok.then_some(d)
}
