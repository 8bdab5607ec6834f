//! Free-text date parsing shared by the list readers.
//!
//! Lists write dates of birth in many ways: `01 Jan 1960`, `Jan 1960`,
//! `1960`, `circa 1960`, `1960 to 1962`, `Between 1955 and 1958`,
//! `1960-01-02`, `02/01/1960`. [`parse_dob`] keeps the raw text and parses
//! what it can; a text it cannot parse yields `date: None` (callers count a
//! warning) — it is never dropped.

use crate::model::{DateOfBirth, PartialDate};

/// Which order a slashed numeric date is in (`02/01/1960`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlashOrder {
    /// Day/month/year (UK, EU, Australia, UN).
    Dmy,
    /// Month/day/year (US lists).
    Mdy,
}

fn month_from_name(s: &str) -> Option<u8> {
    let l = s.trim_end_matches('.').to_ascii_lowercase();
    let m = match l.get(..3)? {
        "jan" => 1,
        "feb" => 2,
        "mar" => 3,
        "apr" => 4,
        "may" => 5,
        "jun" => 6,
        "jul" => 7,
        "aug" => 8,
        "sep" => 9,
        "oct" => 10,
        "nov" => 11,
        "dec" => 12,
        _ => return None,
    };
    Some(m)
}

fn num<T: std::str::FromStr>(s: &str) -> Option<T> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Parses one date (no range, no "circa"): `1960`, `1960-01`, `1960-01-02`,
/// `1960-01-02T00:00:00`, `01 Jan 1960`, `Jan 1960`, `January 01, 1960`,
/// `02/01/1960`, `02.01.1960`, `1/1960`. `None` when it is not a plausible date.
pub fn parse_date(text: &str, order: SlashOrder) -> Option<PartialDate> {
    let t = text.trim().trim_end_matches(['.', ',', ';']).trim();
    if t.is_empty() {
        return None;
    }
    // ISO forms, possibly with a time part.
    let iso = t.split(['T', ' ']).next().unwrap_or(t);
    let parts: Vec<&str> = iso.split('-').collect();
    if parts[0].len() == 4 && parts.len() <= 3 {
        if let Some(y) = num::<i32>(parts[0]) {
            let m = match parts.get(1) {
                Some(p) => Some(num::<u8>(p)?),
                None => None,
            };
            let d = match parts.get(2) {
                Some(p) => Some(num::<u8>(p)?),
                None => None,
            };
            if parts.len() > 1 || t.len() == 4 {
                return PartialDate::checked(y, m, d);
            }
        }
    }
    // Slashed or dotted numerics.
    for sep in ['/', '.'] {
        let p: Vec<&str> = t.split(sep).collect();
        if p.len() == 3 {
            let (a, b, y) = (num::<u8>(p[0])?, num::<u8>(p[1])?, num::<i32>(p[2])?);
            if p[2].len() != 4 {
                return None;
            }
            let (d, m) = match order {
                SlashOrder::Dmy => (a, b),
                SlashOrder::Mdy => (b, a),
            };
            return PartialDate::checked(y, Some(m), Some(d));
        }
        if p.len() == 2 && p[1].len() == 4 {
            return PartialDate::checked(num(p[1])?, Some(num(p[0])?), None);
        }
    }
    // Words: "01 Jan 1960", "Jan 1960", "January 1, 1960", "1 January 1960".
    let words: Vec<&str> = t
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    match words.as_slice() {
        [y] if y.len() == 4 => PartialDate::checked(num(y)?, None, None),
        [m, y] => PartialDate::checked(num(y)?, Some(month_from_name(m)?), None),
        [a, b, y] => {
            if let Some(m) = month_from_name(b) {
                PartialDate::checked(num(y)?, Some(m), Some(num(a)?))
            } else {
                PartialDate::checked(num(y)?, Some(month_from_name(a)?), Some(num(b)?))
            }
        }
        _ => None,
    }
}

const APPROX_PREFIXES: &[&str] = &[
    "circa",
    "approximately",
    "approx.",
    "approx",
    "about",
    "ca.",
    "c.",
    "around",
];

/// Parses a date-of-birth text: a date, an approximate date, or a range.
/// Always returns the raw text; `date` is `None` when nothing parsed.
pub fn parse_dob(raw: &str, order: SlashOrder) -> DateOfBirth {
    let raw_t = crate::model::collapse_ws(raw);
    let mut t = raw_t.as_str();
    let mut approx = false;
    let lower = t.to_ascii_lowercase();
    for p in APPROX_PREFIXES {
        if lower.starts_with(p) {
            approx = true;
            t = t[p.len()..].trim_start();
            break;
        }
    }
    let lower = t.to_ascii_lowercase();
    let mut dob = DateOfBirth {
        raw: raw_t.clone(),
        date: None,
        to: None,
        approx,
    };
    // Ranges: "1960 to 1962", "between 1960 and 1962", "1960 - 1962".
    let body = lower.strip_prefix("between ").unwrap_or(&lower);
    let offset = lower.len() - body.len();
    for sep in [" to ", " and ", " - ", "-"] {
        if let Some(i) = body.find(sep) {
            let (a, b) = (&t[offset..offset + i], &t[offset + i + sep.len()..]);
            if let (Some(from), Some(to)) = (parse_date(a, order), parse_date(b, order)) {
                if from <= to {
                    dob.date = Some(from);
                    dob.to = Some(to);
                    return dob;
                }
            }
        }
    }
    dob.date = parse_date(t, order);
    dob
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: Option<u8>, dd: Option<u8>) -> Option<PartialDate> {
        Some(PartialDate {
            year: y,
            month: m,
            day: dd,
        })
    }

    #[test]
    fn common_single_dates() {
        use SlashOrder::*;
        assert_eq!(parse_date("01 Jan 1960", Dmy), d(1960, Some(1), Some(1)));
        assert_eq!(parse_date("Jan 1960", Dmy), d(1960, Some(1), None));
        assert_eq!(parse_date("1960", Dmy), d(1960, None, None));
        assert_eq!(parse_date("1960-01-02", Dmy), d(1960, Some(1), Some(2)));
        assert_eq!(
            parse_date("1960-01-02T00:00:00", Dmy),
            d(1960, Some(1), Some(2))
        );
        assert_eq!(parse_date("02/01/1960", Dmy), d(1960, Some(1), Some(2)));
        assert_eq!(parse_date("02/01/1960", Mdy), d(1960, Some(2), Some(1)));
        assert_eq!(
            parse_date("January 5, 1960", Dmy),
            d(1960, Some(1), Some(5))
        );
        assert_eq!(parse_date("3017-08-22", Mdy), None);
        assert_eq!(parse_date("unknown", Dmy), None);
    }

    #[test]
    fn approximate_and_ranges() {
        let x = parse_dob("circa 1962", SlashOrder::Dmy);
        assert!(x.approx);
        assert_eq!(x.date, d(1962, None, None));
        let r = parse_dob("1960 to 1962", SlashOrder::Dmy);
        assert_eq!((r.date, r.to), (d(1960, None, None), d(1962, None, None)));
        let b = parse_dob("Between 1955 and 1958", SlashOrder::Dmy);
        assert_eq!((b.date, b.to), (d(1955, None, None), d(1958, None, None)));
        let bad = parse_dob("sometime in the 60s", SlashOrder::Dmy);
        assert_eq!(bad.date, None);
        assert_eq!(bad.raw, "sometime in the 60s");
    }
}
