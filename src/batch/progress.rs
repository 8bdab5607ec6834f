//! A progress line for long screenings: records done, names per minute,
//! share of the input read and time left. Drawn on stderr only when stderr
//! is a terminal (never into a log file), at most four times a second.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// The progress line's state.
pub struct Progress {
    enabled: bool,
    total_bytes: Option<u64>,
    start: Instant,
    last: Option<Instant>,
}

impl Progress {
    /// A progress line for an input of `total_bytes` (unknown for stdin),
    /// drawn only when stderr is a terminal.
    pub fn new(total_bytes: Option<u64>) -> Progress {
        Progress {
            enabled: std::io::stderr().is_terminal(),
            total_bytes,
            start: Instant::now(),
            last: None,
        }
    }

    /// Redraws (if due) after `records` records, `bytes` of input read.
    pub fn update(&mut self, records: u64, bytes: u64) {
        if !self.enabled {
            return;
        }
        let now = Instant::now();
        if self
            .last
            .is_some_and(|l| now.duration_since(l) < Duration::from_millis(250))
        {
            return;
        }
        self.last = Some(now);
        let line = render(
            records,
            bytes,
            self.total_bytes,
            now.duration_since(self.start),
        );
        let mut e = std::io::stderr().lock();
        let _ = write!(e, "\r\x1b[K{line}");
        let _ = e.flush();
    }

    /// Clears the line.
    pub fn finish(&mut self) {
        if self.enabled && self.last.is_some() {
            let _ = write!(std::io::stderr().lock(), "\r\x1b[K");
        }
    }
}

/// The progress text (without terminal controls).
pub fn render(records: u64, bytes: u64, total: Option<u64>, elapsed: Duration) -> String {
    let secs = elapsed.as_secs_f64().max(1e-3);
    let rate = records as f64 / secs * 60.0;
    let mut s = format!("screening: {records} records, {} names/min", human(rate));
    if let Some(t) = total.filter(|&t| t > 0) {
        let frac = (bytes as f64 / t as f64).min(1.0);
        s.push_str(&format!(", {:.0}%", frac * 100.0));
        if frac > 0.0 {
            let left = secs * (1.0 - frac) / frac;
            s.push_str(&format!(", ETA {}", clock(left)));
        }
    }
    s
}

/// `12.3M`, `45.6k`, `789`.
pub fn human(x: f64) -> String {
    if x >= 1e6 {
        format!("{:.2}M", x / 1e6)
    } else if x >= 1e3 {
        format!("{:.1}k", x / 1e3)
    } else {
        format!("{x:.0}")
    }
}

fn clock(secs: f64) -> String {
    let s = secs.round() as u64;
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_shows_rate_share_and_time_left() {
        let s = render(50_000, 25, Some(100), Duration::from_secs(10));
        assert_eq!(
            s,
            "screening: 50000 records, 300.0k names/min, 25%, ETA 0:30"
        );
        assert_eq!(
            render(7, 0, None, Duration::from_secs(60)),
            "screening: 7 records, 7 names/min"
        );
    }
}
