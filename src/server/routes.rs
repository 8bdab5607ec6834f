//! The HTTP routes (documented in `docs/openapi.json`):
//!
//! | route | answers |
//! |---|---|
//! | `POST /v1/screen` | one record `{"id"?, "name", "hits", "manifest_sha256"}`, or for `{"queries": [...]}` `{"results": [...], "manifest_sha256"}` |
//! | `GET /v1/lists` | the lists loaded: id, version, age, sha256; the manifest hash |
//! | `GET /healthz` | `{"status": "ok", "manifest_sha256", ...}` |
//! | `GET /metrics` | Prometheus text |
//! | `POST /v1/admin/reload` | swaps in a verified index (loopback clients only) |
//!
//! Every error is JSON `{"error": "...", "code": "..."}` with a 4xx/5xx
//! status: 400 unreadable body, 413 too large, 422 bad field, 503 overload
//! (with `Retry-After`), 504 past the per-request timeout.

use std::future::poll_fn;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use axum::body::{Body, HttpBody};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde::Serialize;
use tokio::sync::oneshot;

use super::conns::Peer;
use super::metrics::Gauges;
use super::pool::{Job, Outcome, Refused};
use super::request::{
    batch_envelope, parse_json, parse_screen, too_large, RequestError, ScreenKind,
};
use super::AppState;

type St = State<Arc<AppState>>;

/// The router over shared state.
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/v1/screen", post(screen))
        .route("/v1/lists", get(lists))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .route("/v1/admin/reload", post(reload))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
}

fn json_response(status: u16, body: Vec<u8>) -> Response {
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

fn json_value<T: Serialize>(status: u16, v: &T) -> Response {
    match serde_json::to_vec(v) {
        Ok(b) => json_response(status, b),
        Err(e) => error(&RequestError::new(500, "internal", e.to_string())),
    }
}

/// The JSON error answer.
fn error(e: &RequestError) -> Response {
    #[derive(Serialize)]
    struct Err<'a> {
        error: &'a str,
        code: &'a str,
    }
    let body = serde_json::to_vec(&Err {
        error: &e.message,
        code: e.code,
    })
    .unwrap_or_default();
    let mut r = json_response(e.status, body);
    if e.status == 503 {
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    }
    r
}

async fn not_found(State(st): St) -> Response {
    st.metrics.request("other", 404);
    error(&RequestError::new(
        404,
        "not_found",
        "no such route (see docs/openapi.json)",
    ))
}

async fn method_not_allowed(State(st): St) -> Response {
    st.metrics.request("other", 405);
    error(&RequestError::new(
        405,
        "method_not_allowed",
        "this route does not take that method (see docs/openapi.json)",
    ))
}

/// Reads a body of at most `limit` bytes before `deadline`.
async fn read_body(
    mut body: Body,
    limit: usize,
    deadline: Instant,
) -> Result<Vec<u8>, RequestError> {
    let read = async {
        let mut out: Vec<u8> = Vec::new();
        while let Some(frame) = poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
            let frame = frame.map_err(|e| {
                RequestError::new(400, "unreadable_body", format!("reading the body: {e}"))
            })?;
            if let Ok(data) = frame.into_data() {
                if out.len() + data.len() > limit {
                    return Err(RequestError::new(413, "body_too_large", ""));
                }
                out.extend_from_slice(&data);
            }
        }
        Ok(out)
    };
    match tokio::time::timeout_at(deadline.into(), read).await {
        Ok(r) => r,
        Err(_) => Err(RequestError::new(
            408,
            "body_timeout",
            "the body did not arrive in time",
        )),
    }
}

async fn screen(State(st): St, req: Request) -> Response {
    let t0 = Instant::now();
    let (status, resp) = match screen_inner(&st, req, t0).await {
        Ok(r) => (200, r),
        Err(e) => {
            match e.status {
                503 => st.metrics.shed(),
                504 => st.metrics.timeout(),
                _ => {}
            }
            (e.status, error(&e))
        }
    };
    st.metrics.request("/v1/screen", status);
    st.metrics.screen_latency(t0.elapsed());
    resp
}

async fn screen_inner(st: &AppState, req: Request, t0: Instant) -> Result<Response, RequestError> {
    let limits = &st.config.limits;
    let deadline = t0 + st.config.timeout;
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limits.max_body as u64) {
        return Err(too_large(limits));
    }
    let body = read_body(req.into_body(), limits.max_body, deadline)
        .await
        .map_err(|e| {
            if e.status == 413 {
                too_large(limits)
            } else {
                e
            }
        })?;
    let (kind, items) = parse_screen(&body, limits)?.into_parts();
    drop(body);
    let index = st.live.current();
    let sha = index.manifest_sha256().to_string();
    // A batch is cut into one slice per worker (16 names at least), so
    // its names screen in parallel; each slice is one job in the queue.
    let slices = match kind {
        ScreenKind::One => 1,
        ScreenKind::Batch => st.config.workers.min(items.len().div_ceil(16)),
    };
    let per = items.len().div_ceil(slices.max(1)).max(1);
    let mut items = items;
    let mut waiting = Vec::with_capacity(slices);
    while !items.is_empty() {
        let rest = items.split_off(per.min(items.len()));
        let (tx, rx) = oneshot::channel();
        let job = Job {
            index: index.clone(),
            kind,
            items: std::mem::replace(&mut items, rest),
            deadline,
            reply: tx,
        };
        // A refused slice drops the receivers of the queued ones, which
        // the workers then skip.
        st.pool.submit(job).map_err(|r| match r {
            Refused::Full => RequestError::new(
                503,
                "overloaded",
                "the screening queue is full: retry shortly",
            ),
            Refused::Closed => RequestError::new(503, "shutting_down", "the server is stopping"),
        })?;
        waiting.push(rx);
    }
    drop(index);
    let timed_out = || {
        RequestError::new(
            504,
            "timeout",
            format!(
                "screening took longer than the {} ms allowed",
                st.config.timeout.as_millis()
            ),
        )
    };
    let mut parts = Vec::with_capacity(waiting.len());
    let (mut names, mut hits) = (0, 0);
    for rx in waiting {
        match tokio::time::timeout_at(deadline.into(), rx).await {
            Err(_) | Ok(Ok(Outcome::TimedOut)) => return Err(timed_out()),
            Ok(Err(_)) => {
                return Err(RequestError::new(
                    500,
                    "internal",
                    "the screening worker went away",
                ))
            }
            Ok(Ok(Outcome::Failed(m))) => {
                return Err(RequestError::new(500, "screening_failed", m))
            }
            Ok(Ok(Outcome::Done {
                body,
                names: n,
                hits: h,
            })) => {
                parts.push(body);
                names += n;
                hits += h;
            }
        }
    }
    st.metrics.screened(names, hits);
    Ok(json_response(
        200,
        match kind {
            ScreenKind::One => parts.pop().unwrap_or_default(),
            ScreenKind::Batch => batch_envelope(&parts, &sha),
        },
    ))
}

/// Days from 1970-01-01 to a civil date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Unix seconds of a text starting `YYYY-MM-DD` (a list version or an
/// RFC 3339 time), if it does.
fn unix_of_date(s: &str) -> Option<i64> {
    let b = s.get(..10)?;
    let mut it = b.split('-');
    let y: i64 = it.next()?.parse().ok()?;
    let m: i64 = it.next()?.parse().ok()?;
    let d: i64 = it.next()?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let mut t = days_from_civil(y, m, d) * 86_400;
    // RFC 3339 `...THH:MM:SS`
    if let Some(hms) = s.get(11..19) {
        let p: Vec<i64> = hms.split(':').filter_map(|x| x.parse().ok()).collect();
        if let [h, mi, se] = p[..] {
            t += h * 3600 + mi * 60 + se;
        }
    }
    Some(t)
}

fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// sha256 of a list: its one file's, or for a set of files (an OFAC CSV
/// set) the sha256 of their `sha256  path` lines in path order.
fn list_sha256(files: &[crate::index::manifest::SourceFile]) -> String {
    use sha2::{Digest, Sha256};
    match files {
        [one] => one.sha256.clone(),
        _ => {
            let mut v: Vec<_> = files.iter().collect();
            v.sort_by(|a, b| a.path.cmp(&b.path));
            let mut h = Sha256::new();
            for f in v {
                h.update(format!("{}  {}\n", f.sha256, f.path).as_bytes());
            }
            crate::model::hex(&h.finalize())
        }
    }
}

async fn lists(State(st): St) -> Response {
    #[derive(Serialize)]
    struct File<'a> {
        path: &'a str,
        sha256: &'a str,
    }
    #[derive(Serialize)]
    struct List<'a> {
        list_id: &'a str,
        format: &'a str,
        version: Option<&'a str>,
        /// Days since the list's stated version date (null when the
        /// version is not a date).
        age_days: Option<i64>,
        entities: u64,
        names: u64,
        sha256: String,
        files: Vec<File<'a>>,
    }
    #[derive(Serialize)]
    struct Out<'a> {
        manifest_sha256: &'a str,
        engine_version: &'a str,
        format_version: u32,
        created: &'a str,
        index_age_seconds: Option<i64>,
        lists: Vec<List<'a>>,
    }
    let idx = st.live.current();
    let m = idx.manifest();
    let now = now_unix();
    let out = Out {
        manifest_sha256: idx.manifest_sha256(),
        engine_version: &m.engine_version,
        format_version: m.format_version,
        created: &m.created,
        index_age_seconds: unix_of_date(&m.created).map(|t| (now - t).max(0)),
        lists: m
            .lists
            .iter()
            .map(|l| List {
                list_id: &l.list_id,
                format: &l.format,
                version: l.version.as_deref(),
                age_days: l
                    .version
                    .as_deref()
                    .and_then(unix_of_date)
                    .map(|t| (now - t).div_euclid(86_400)),
                entities: l.entities,
                names: l.names,
                sha256: list_sha256(&l.files),
                files: l
                    .files
                    .iter()
                    .map(|f| File {
                        path: &f.path,
                        sha256: &f.sha256,
                    })
                    .collect(),
            })
            .collect(),
    };
    st.metrics.request("/v1/lists", 200);
    json_value(200, &out)
}

async fn healthz(State(st): St) -> Response {
    let idx = st.live.current();
    let v = serde_json::json!({
        "status": "ok",
        "manifest_sha256": idx.manifest_sha256(),
        "entities": idx.entity_count(),
        "queued": st.pool.queued(),
        "busy": st.pool.busy(),
        "uptime_seconds": st.started.elapsed().as_secs(),
    });
    st.metrics.request("/healthz", 200);
    json_value(200, &v)
}

async fn metrics(State(st): St) -> Response {
    st.metrics.request("/metrics", 200);
    let idx = st.live.current();
    let text = st.metrics.render(&Gauges {
        index: &idx,
        queued: st.pool.queued(),
        queue_capacity: st.pool.capacity(),
        busy: st.pool.busy(),
    });
    let mut r = Response::new(Body::from(text));
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4"),
    );
    r
}

/// Whether a client may use the admin routes: loopback only (an IPv4
/// client of a server on `[::]` shows as `::ffff:127.0.0.1`).
pub fn admin_allowed(ip: std::net::IpAddr) -> bool {
    ip.to_canonical().is_loopback()
}

async fn reload(
    State(st): St,
    ConnectInfo(Peer(peer)): ConnectInfo<Peer>,
    req: Request,
) -> Response {
    let (status, resp) = match reload_inner(&st, peer, req).await {
        Ok(r) => (200, r),
        Err(e) => (e.status, error(&e)),
    };
    st.metrics.request("/v1/admin/reload", status);
    resp
}

async fn reload_inner(
    st: &Arc<AppState>,
    peer: SocketAddr,
    req: Request,
) -> Result<Response, RequestError> {
    if !admin_allowed(peer.ip()) {
        return Err(RequestError::new(
            403,
            "forbidden",
            "the admin routes answer loopback clients only",
        ));
    }
    let deadline = Instant::now() + st.config.timeout.max(std::time::Duration::from_secs(10));
    let body = read_body(req.into_body(), 64 * 1024, deadline).await?;
    let path: Option<PathBuf> = if body.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        match parse_json(&body)? {
            serde_json::Value::Object(o) => {
                if let Some(k) = o.keys().find(|k| k.as_str() != "path") {
                    return Err(RequestError::new(
                        422,
                        "invalid_field",
                        format!("{k}: unknown field (allowed: path)"),
                    ));
                }
                match o.get("path") {
                    None | Some(serde_json::Value::Null) => None,
                    Some(serde_json::Value::String(p)) if !p.is_empty() => Some(PathBuf::from(p)),
                    Some(_) => {
                        return Err(RequestError::new(
                            422,
                            "invalid_field",
                            "path: must be a non-empty string",
                        ))
                    }
                }
            }
            _ => {
                return Err(RequestError::new(
                    422,
                    "invalid_body",
                    "the body must be empty or {\"path\": \"INDEX_DIR\"}",
                ))
            }
        }
    };
    let done = super::reload_in_background(st, path)
        .await
        .map_err(|e| RequestError::new(500, "internal", e))?;
    match done {
        Ok(r) => {
            st.metrics.reload(true);
            if r.changed {
                eprintln!(
                    "embargo serve: index {} now serving (was {})",
                    r.current, r.previous
                );
            }
            Ok(json_value(200, &r))
        }
        Err(e) => {
            st.metrics.reload(false);
            eprintln!("embargo serve: reload refused, the old index keeps serving: {e}");
            Err(RequestError::new(
                422,
                "index_refused",
                format!("the new index was refused and the old one keeps serving: {e}"),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_clients_may_reload() {
        let ok = |s: &str| admin_allowed(s.parse().unwrap());
        assert!(ok("127.0.0.1"));
        assert!(ok("127.8.9.1"));
        assert!(ok("::1"));
        assert!(ok("::ffff:127.0.0.1"));
        assert!(!ok("10.1.2.3"));
        assert!(!ok("192.168.0.7"));
        assert!(!ok("::ffff:10.1.2.3"));
        assert!(!ok("2001:db8::1"));
        assert!(!ok("0.0.0.0"));
    }

    #[test]
    fn dates_become_unix_times() {
        assert_eq!(unix_of_date("1970-01-02"), Some(86_400));
        assert_eq!(unix_of_date("2024-02-29T23:59:59Z"), Some(1_709_251_199));
        assert_eq!(unix_of_date("v12"), None);
        assert_eq!(unix_of_date("2024-13-01"), None);
    }
}
