//! A tiny HTTP/1.1 server on 127.0.0.1 for the fetch tests: each path
//! answers from a script of responses (the last one repeats), honours
//! `If-None-Match` when a response has an ETag, and can cut a body short
//! of its Content-Length. One connection at a time; it stops when dropped
//! and never serves more than a bounded number of requests.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
    pub etag: Option<String>,
    /// Send only this many bytes of the body (Content-Length stays whole).
    pub cut_at: Option<usize>,
}

impl Reply {
    pub fn ok(body: Vec<u8>) -> Reply {
        Reply {
            status: 200,
            body,
            etag: None,
            cut_at: None,
        }
    }

    pub fn with_etag(mut self, e: &str) -> Reply {
        self.etag = Some(e.to_string());
        self
    }

    pub fn status(status: u16) -> Reply {
        Reply {
            status,
            body: b"error".to_vec(),
            etag: None,
            cut_at: None,
        }
    }

    pub fn cut(mut self, at: usize) -> Reply {
        self.cut_at = Some(at);
        self
    }
}

type Scripts = Arc<Mutex<HashMap<String, Vec<Reply>>>>;

pub struct Server {
    pub addr: SocketAddr,
    scripts: Scripts,
    hits: Arc<Mutex<HashMap<String, u32>>>,
    conditional: Arc<Mutex<u32>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

const MAX_REQUESTS: u32 = 500;

impl Server {
    pub fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let scripts: Scripts = Arc::default();
        let hits: Arc<Mutex<HashMap<String, u32>>> = Arc::default();
        let conditional: Arc<Mutex<u32>> = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let (s, h, c, st) = (
            scripts.clone(),
            hits.clone(),
            conditional.clone(),
            stop.clone(),
        );
        let thread = std::thread::spawn(move || {
            for (served, conn) in listener.incoming().enumerate() {
                if st.load(Ordering::SeqCst) || served as u32 >= MAX_REQUESTS {
                    break;
                }
                if let Ok(conn) = conn {
                    let _ = serve(conn, &s, &h, &c);
                }
            }
        });
        Server {
            addr,
            scripts,
            hits,
            conditional,
            stop,
            thread: Some(thread),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Sets the replies for `path`, in order; the last one repeats.
    pub fn script(&self, path: &str, replies: Vec<Reply>) {
        self.scripts
            .lock()
            .unwrap()
            .insert(path.to_string(), replies);
    }

    pub fn hits(&self, path: &str) -> u32 {
        self.hits.lock().unwrap().get(path).copied().unwrap_or(0)
    }

    /// Requests that carried If-None-Match or If-Modified-Since.
    pub fn conditional_requests(&self) -> u32 {
        *self.conditional.lock().unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve(
    conn: TcpStream,
    scripts: &Scripts,
    hits: &Mutex<HashMap<String, u32>>,
    conditional: &Mutex<u32>,
) -> std::io::Result<()> {
    conn.set_read_timeout(Some(std::time::Duration::from_secs(5)))?;
    let mut reader = BufReader::new(conn.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let mut if_none_match = None;
    let mut is_conditional = false;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 || h == "\r\n" || h == "\n" {
            break;
        }
        let lower = h.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("if-none-match:") {
            if_none_match = Some(v.trim().to_string());
            is_conditional = true;
        }
        if lower.starts_with("if-modified-since:") {
            is_conditional = true;
        }
    }
    if is_conditional {
        *conditional.lock().unwrap() += 1;
    }
    let n = {
        let mut hm = hits.lock().unwrap();
        let n = hm.entry(path.clone()).or_insert(0);
        *n += 1;
        *n
    };
    let reply = {
        let s = scripts.lock().unwrap();
        match s.get(&path) {
            Some(rs) if !rs.is_empty() => rs[(n as usize - 1).min(rs.len() - 1)].clone(),
            _ => Reply::status(404),
        }
    };
    let mut w = conn;
    if let (Some(tag), Some(sent)) = (&reply.etag, &if_none_match) {
        if sent.trim_matches('"') == tag.to_ascii_lowercase() {
            write!(
                w,
                "HTTP/1.1 304 Not Modified\r\nETag: \"{tag}\"\r\nConnection: close\r\n\r\n"
            )?;
            return w.flush();
        }
    }
    write!(
        w,
        "HTTP/1.1 {} X\r\nContent-Length: {}\r\nConnection: close\r\n",
        reply.status,
        reply.body.len()
    )?;
    if let Some(tag) = &reply.etag {
        write!(w, "ETag: \"{tag}\"\r\n")?;
    }
    write!(w, "Last-Modified: Wed, 01 May 2024 18:43:24 GMT\r\n\r\n")?;
    let end = reply
        .cut_at
        .unwrap_or(reply.body.len())
        .min(reply.body.len());
    w.write_all(&reply.body[..end])?;
    w.flush()
}
