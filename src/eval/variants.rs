//! Variant generators: what customer records do to a listed name.
//!
//! Each generator takes a real listed name (as the list writes it, e.g.
//! `"PUTIN, Vladimir Vladimirovich"`) and a [`Rng`], and returns a variant
//! that differs from the input, or `None` when the variant does not apply
//! (no middle name to drop, no letter to respell). The same seed gives the
//! same variant. Which entities a generator is applied to (persons only for
//! honorifics, organisations only for legal forms) is decided by the caller.

use std::collections::HashMap;

use super::Rng;
use crate::analysis::analyze;

/// The variant classes made by this module, in report order.
pub const CLASSES: [&str; 10] = [
    "typo",
    "reorder",
    "drop_middle",
    "honorific",
    "legal_form",
    "spacing",
    "case_punct",
    "nickname",
    "translit_variant",
    "initial",
];

fn letters(word: &str) -> usize {
    word.chars().filter(|c| c.is_alphabetic()).count()
}

/// For each space-separated word of `name`: whether it is a name word —
/// its tokens are ordinary words of the analysed *whole* name, not part of
/// a legal form, title or particle ("LIABILITY" in "X LIMITED LIABILITY
/// COMPANY" is not). Generators only change name words.
pub fn name_word_mask(name: &str) -> Vec<bool> {
    use crate::analysis::Role;
    let whole = analyze(name);
    let words: Vec<&str> = whole
        .tokens
        .iter()
        .filter(|t| t.role == Role::Word)
        .map(|t| t.text.as_str())
        .collect();
    name.split(' ')
        .map(|w| {
            let a = analyze(w);
            !a.tokens.is_empty() && a.tokens.iter().all(|t| words.contains(&t.text.as_str()))
        })
        .collect()
}

/// The whitespace-separated words of a name, `"LAST, First Middle"` put in
/// natural order (`First Middle LAST`) and commas dropped.
pub fn natural_words(name: &str) -> Vec<String> {
    let parts: Vec<&str> = name.split(',').collect();
    let words = |s: &str| -> Vec<String> { s.split_whitespace().map(str::to_string).collect() };
    if parts.len() == 2 {
        let family = words(parts[0]);
        let given = words(parts[1]);
        if !family.is_empty() && !given.is_empty() && family.len() <= 3 {
            let mut out = given;
            out.extend(family);
            return out;
        }
    }
    name.split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Splits `"FAMILY, Given Names"` into its two parts (trimmed), if the name
/// has exactly that shape.
fn comma_form(name: &str) -> Option<(&str, &str)> {
    let (family, given) = name.split_once(',')?;
    if given.contains(',') || family.trim().is_empty() || given.trim().is_empty() {
        return None;
    }
    Some((family.trim(), given.trim()))
}

fn random_letter(rng: &mut Rng, upper: bool, not: char) -> char {
    const AZ: &[u8] = b"abcdefghijklmnopqrstuvwxyz";
    loop {
        let c = AZ[rng.below(AZ.len())] as char;
        let c = if upper { c.to_ascii_uppercase() } else { c };
        if !c.eq_ignore_ascii_case(&not) {
            return c;
        }
    }
}

/// The index of the rarest word of `words` (highest frozen weight of its
/// analysed tokens; the longest on ties), among words of 4+ letters (an
/// edit in a shorter word makes another name) where `mask` allows.
pub fn rarest_word(words: &[&str], mask: &[bool]) -> Option<usize> {
    let mut best: Option<(f32, usize, usize)> = None;
    for (i, w) in words.iter().enumerate() {
        let n = letters(w);
        if n < 4 || !mask.get(i).copied().unwrap_or(false) {
            continue;
        }
        let weight = analyze(w)
            .name_tokens()
            .map(|t| t.weight)
            .fold(0.0f32, f32::max);
        if weight <= 0.0 {
            continue;
        }
        let better = match best {
            None => true,
            Some((bw, bn, _)) => weight > bw || (weight == bw && n > bn),
        };
        if better {
            best = Some((weight, n, i));
        }
    }
    best.map(|(_, _, i)| i)
}

/// One edit (substitution, deletion, insertion or adjacent transposition)
/// in the rarest name word; in a quarter of the cases the edit is at its
/// first letter (where first-letter blocking schemes lose the match).
pub fn typo(name: &str, rng: &mut Rng) -> Option<String> {
    let words: Vec<&str> = name.split(' ').collect();
    let wi = rarest_word(&words, &name_word_mask(name))?;
    let chars: Vec<char> = words[wi].chars().collect();
    let pos: Vec<usize> = (0..chars.len())
        .filter(|&i| chars[i].is_alphabetic())
        .collect();
    if pos.len() < 4 {
        return None;
    }
    for _ in 0..8 {
        let at = if rng.chance(0.25) {
            0
        } else {
            1 + rng.below(pos.len() - 1)
        };
        let p = pos[at];
        let upper = chars[p].is_uppercase();
        let mut c = chars.clone();
        match rng.below(4) {
            0 => c[p] = random_letter(rng, upper, chars[p]),
            1 => {
                c.remove(p);
            }
            2 => {
                let l = random_letter(rng, upper, '\0');
                c.insert(p, l);
            }
            _ => {
                // Transpose with the next letter (the previous at the end).
                let q = if at + 1 < pos.len() {
                    pos[at + 1]
                } else {
                    pos[at - 1]
                };
                c.swap(p, q);
            }
        }
        let w: String = c.into_iter().collect();
        if w.to_lowercase() != words[wi].to_lowercase() {
            let mut out: Vec<String> = words.iter().map(|s| s.to_string()).collect();
            out[wi] = w;
            return Some(out.join(" "));
        }
    }
    None
}

/// The words in another order (natural order taken from `"LAST, First"`).
pub fn reorder(name: &str, rng: &mut Rng) -> Option<String> {
    let words = natural_words(name);
    if words.len() < 2 {
        return None;
    }
    for _ in 0..8 {
        let mut w = words.clone();
        match rng.below(3) {
            0 => w.rotate_left(1),
            1 => w.rotate_right(1),
            _ => rng.shuffle(&mut w),
        }
        if w != words {
            return Some(w.join(" "));
        }
    }
    let mut w = words;
    w.reverse();
    Some(w.join(" "))
}

/// Drops one middle name: in `"LAST, First Middle…"` a given name other
/// than the first, otherwise a word other than the first and the last.
/// Needs three name words.
pub fn drop_middle(name: &str, rng: &mut Rng) -> Option<String> {
    if let Some((family, given)) = comma_form(name) {
        let g: Vec<&str> = given.split_whitespace().collect();
        if g.len() < 2 {
            return None;
        }
        let drop = 1 + rng.below(g.len() - 1);
        let kept: Vec<&str> = g
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != drop)
            .map(|(_, w)| *w)
            .collect();
        return Some(format!("{family}, {}", kept.join(" ")));
    }
    let w: Vec<&str> = name.split_whitespace().collect();
    if w.len() < 3 {
        return None;
    }
    let drop = 1 + rng.below(w.len() - 2);
    let kept: Vec<&str> = w
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != drop)
        .map(|(_, w)| *w)
        .collect();
    Some(kept.join(" "))
}

/// Honorifics, titles and ranks, as customer records and lists write them.
pub const HONORIFICS: &[&str] = &[
    "Mr",
    "Mr.",
    "Mrs",
    "Ms.",
    "Dr",
    "Dr.",
    "Prof.",
    "Sir",
    "Sheikh",
    "Shaykh",
    "Haji",
    "Hajji",
    "Mullah",
    "Maulana",
    "Mufti",
    "Imam",
    "Sayyid",
    "Ayatollah",
    "General",
    "Gen.",
    "Brigadier General",
    "Colonel",
    "Col.",
    "Lieutenant Colonel",
    "Major",
    "Captain",
    "Admiral",
    "Eng.",
];

/// Adds an honorific or rank before the given names (after the comma of a
/// `"LAST, First"` name).
pub fn honorific(name: &str, rng: &mut Rng) -> Option<String> {
    let h = *rng.pick(HONORIFICS)?;
    name.split_whitespace().next()?;
    Some(match comma_form(name) {
        Some((family, given)) => format!("{family}, {h} {given}"),
        None => format!("{h} {name}"),
    })
}

/// Spellings of legal forms; each inner list is one form (same meaning).
pub const LEGAL_FORMS: &[&[&str]] = &[
    &["LLC", "L.L.C.", "Limited Liability Company", "OOO"],
    &["Ltd", "Ltd.", "Limited"],
    &["JSC", "Joint Stock Company", "AO"],
    &["PJSC", "Public Joint Stock Company", "PAO"],
    &["CJSC", "Closed Joint Stock Company", "ZAO"],
    &["OJSC", "Open Joint Stock Company", "OAO"],
    &["Co.", "Company"],
    &["Co., Ltd.", "Company Limited"],
    &["Inc.", "Inc", "Incorporated"],
    &["Corp.", "Corporation"],
    &["PLC", "Public Limited Company"],
    &["GmbH"],
    &["S.A.", "SA", "Sociedad Anonima"],
    &["SARL"],
    &["FZE", "Free Zone Establishment"],
    &["FZCO"],
    &["LLP"],
    &["B.V.", "BV"],
];

fn norm_word(w: &str) -> String {
    w.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Where a legal form is written in `words`: (start, end, group, spelling).
fn find_legal_form(words: &[&str]) -> Option<(usize, usize, usize, usize)> {
    let normed: Vec<String> = words.iter().map(|w| norm_word(w)).collect();
    let mut best: Option<(usize, usize, usize, usize)> = None;
    for (g, group) in LEGAL_FORMS.iter().enumerate() {
        for (s, spelling) in group.iter().enumerate() {
            let sp: Vec<String> = spelling
                .split_whitespace()
                .map(norm_word)
                .filter(|w| !w.is_empty())
                .collect();
            if sp.is_empty() || sp.len() > normed.len() {
                continue;
            }
            for start in 0..=normed.len() - sp.len() {
                if normed[start..start + sp.len()] == sp[..] {
                    let cand = (start, start + sp.len(), g, s);
                    // Prefer the longest form, then the last one.
                    let better = match best {
                        None => true,
                        Some((bs, be, _, _)) => {
                            sp.len() > be - bs || (sp.len() == be - bs && start > bs)
                        }
                    };
                    if better {
                        best = Some(cand);
                    }
                }
            }
        }
    }
    best
}

/// Adds, drops or swaps an organisation's legal form: swaps to another
/// spelling of the same form (`LLC` ↔ `Limited Liability Company`) or to a
/// different form (`LLC` → `Ltd`), drops it, or adds one where there is none.
pub fn legal_form(name: &str, rng: &mut Rng) -> Option<String> {
    let words: Vec<&str> = name.split_whitespace().collect();
    if words.is_empty() {
        return None;
    }
    let Some((start, end, g, s)) = find_legal_form(&words) else {
        let has_form = analyze(name)
            .tokens
            .iter()
            .any(|t| t.role == crate::analysis::Role::LegalForm);
        if has_form {
            return None; // a form this table does not know: leave it alone
        }
        let group = rng.pick(LEGAL_FORMS)?;
        let form = *rng.pick(group)?;
        // Russian-style forms go first, the others last.
        return Some(if matches!(form, "OOO" | "AO" | "PAO" | "ZAO" | "OAO") {
            format!("{form} {name}")
        } else {
            format!("{} {form}", name.trim_end_matches([',', ' ']))
        });
    };
    if words.len() == end - start {
        return None; // the name is only a legal form
    }
    let replacement: Option<&str> = match rng.below(3) {
        0 if LEGAL_FORMS[g].len() > 1 => {
            let mut k = rng.below(LEGAL_FORMS[g].len() - 1);
            if k >= s {
                k += 1;
            }
            Some(LEGAL_FORMS[g][k])
        }
        1 => None,
        _ => {
            let mut other = rng.below(LEGAL_FORMS.len() - 1);
            if other >= g {
                other += 1;
            }
            rng.pick(LEGAL_FORMS[other]).copied()
        }
    };
    let mut out: Vec<&str> = words[..start].to_vec();
    if let Some(r) = replacement {
        out.push(r);
    }
    out.extend_from_slice(&words[end..]);
    let joined = out.join(" ");
    let joined = joined.trim_end_matches([',', ' ']).to_string();
    (!joined.is_empty() && joined != name).then_some(joined)
}

/// Glues two words, splits a long word, or swaps hyphens and spaces.
/// Only name words are glued, split or hyphenated (not legal forms).
pub fn spacing(name: &str, rng: &mut Rng) -> Option<String> {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    let name = name.as_str();
    let words: Vec<&str> = name.split(' ').collect();
    let mask = name_word_mask(name);
    let pairs: Vec<usize> = (0..words.len().saturating_sub(1))
        .filter(|&i| mask[i] && mask[i + 1])
        .collect();
    let long: Vec<usize> = (0..words.len())
        .filter(|&i| mask[i] && letters(words[i]) >= 6)
        .collect();
    let mut ops: Vec<u8> = Vec::new();
    if !pairs.is_empty() {
        ops.push(0); // glue
        ops.push(2); // hyphenate
    }
    if !long.is_empty() {
        ops.push(1); // split
    }
    if name.contains('-') {
        ops.push(3); // hyphen to space or nothing
    }
    match *rng.pick(&ops)? {
        0 => {
            let i = *rng.pick(&pairs)?;
            let a = words[i].trim_end_matches(',');
            let glued = format!("{a}{}", words[i + 1]);
            let mut out: Vec<String> = words.iter().map(|w| w.to_string()).collect();
            out.splice(i..i + 2, [glued]);
            Some(out.join(" "))
        }
        1 => {
            let i = *rng.pick(&long)?;
            let chars: Vec<char> = words[i].chars().collect();
            // Split at 3..len-3, between two letters.
            let cuts: Vec<usize> = (3..chars.len().saturating_sub(2))
                .filter(|&k| chars[k - 1].is_alphabetic() && chars[k].is_alphabetic())
                .collect();
            let k = *rng.pick(&cuts)?;
            let a: String = chars[..k].iter().collect();
            let b: String = chars[k..].iter().collect();
            let mut out: Vec<String> = words.iter().map(|w| w.to_string()).collect();
            out[i] = format!("{a} {b}");
            Some(out.join(" "))
        }
        2 => {
            let i = *rng.pick(&pairs)?;
            let a = words[i].trim_end_matches(',');
            let joined = format!("{a}-{}", words[i + 1]);
            let mut out: Vec<String> = words.iter().map(|w| w.to_string()).collect();
            out.splice(i..i + 2, [joined]);
            Some(out.join(" "))
        }
        _ => Some(if rng.chance(0.5) {
            name.replace('-', " ")
        } else {
            name.replace('-', "")
        }),
    }
}

fn title_case(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let mut start = true;
    for c in word.chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        start = !c.is_alphabetic();
    }
    out
}

/// Changes letter case (all lower, all upper, title case) and/or
/// punctuation (strips it, or adds dots and commas).
pub fn case_punct(name: &str, rng: &mut Rng) -> Option<String> {
    for _ in 0..8 {
        let mut s = name.to_string();
        let op = rng.below(5);
        s = match op {
            0 => s.to_lowercase(),
            1 => s.to_uppercase(),
            2 => s.split(' ').map(title_case).collect::<Vec<_>>().join(" "),
            3 => s
                .chars()
                .filter(|c| !matches!(c, ',' | '.' | '\'' | '’' | '(' | ')' | '"'))
                .map(|c| if c == '-' { ' ' } else { c })
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
            _ => {
                // Punctuation added: "Smith, John" style comma after the
                // first word, or a dot after a random word.
                let mut w: Vec<String> = s.split(' ').map(str::to_string).collect();
                if w.len() >= 2 && rng.chance(0.5) && !w[0].ends_with(',') {
                    w[0].push(',');
                } else {
                    let i = rng.below(w.len());
                    w[i].push('.');
                }
                w.join(" ")
            }
        };
        if rng.chance(0.3) && op != 1 {
            s = s.to_lowercase();
        }
        if s != name && !s.trim().is_empty() {
            return Some(s);
        }
    }
    None
}

/// English given name → nicknames (`william` → `bill`, `will`, …).
#[derive(Debug, Clone, Default)]
pub struct Nicknames {
    map: HashMap<String, Vec<String>>,
}

impl Nicknames {
    /// From `(name, nickname)` pairs (lower case).
    pub fn from_pairs<I, S>(pairs: I) -> Nicknames
    where
        I: IntoIterator<Item = (S, S)>,
        S: AsRef<str>,
    {
        let mut map: HashMap<String, Vec<String>> = HashMap::new();
        for (n, k) in pairs {
            let (n, k) = (
                n.as_ref().trim().to_lowercase(),
                k.as_ref().trim().to_lowercase(),
            );
            if n.is_empty() || k.is_empty() || n == k {
                continue;
            }
            let v = map.entry(n).or_default();
            if !v.contains(&k) {
                v.push(k);
            }
        }
        Nicknames { map }
    }

    /// Parses the carltonnorthern `names.csv` (`name1,relationship,name2`).
    pub fn parse_csv(text: &str) -> Nicknames {
        Nicknames::from_pairs(text.lines().filter_map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f.len() >= 3 && f[1].trim() == "has_nickname").then(|| (f[0], f[2]))
        }))
    }

    /// Nicknames of a given name (lower case), if any.
    pub fn of(&self, name: &str) -> Option<&[String]> {
        self.map.get(name).map(Vec::as_slice)
    }

    /// Number of names with nicknames.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// Writes `word` in the case style of `model` (upper, title or lower).
fn like_case(word: &str, model: &str) -> String {
    let ls: Vec<char> = model.chars().filter(|c| c.is_alphabetic()).collect();
    if ls.len() > 1 && ls.iter().all(|c| c.is_uppercase()) {
        word.to_uppercase()
    } else if ls.first().map(|c| c.is_uppercase()).unwrap_or(false) {
        title_case(word)
    } else {
        word.to_lowercase()
    }
}

/// Replaces a given name by one of its nicknames (William → Bill).
pub fn nickname(name: &str, nicks: &Nicknames, rng: &mut Rng) -> Option<String> {
    let words: Vec<&str> = name.split(' ').collect();
    let cands: Vec<usize> = (0..words.len())
        .filter(|&i| nicks.of(&norm_word(words[i])).is_some())
        .collect();
    let i = *rng.pick(&cands)?;
    let nick = rng.pick(nicks.of(&norm_word(words[i]))?)?;
    let trail: String = words[i]
        .chars()
        .rev()
        .take_while(|c| !c.is_alphanumeric())
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let mut out: Vec<String> = words.iter().map(|w| w.to_string()).collect();
    out[i] = format!("{}{trail}", like_case(nick, words[i]));
    Some(out.join(" "))
}

/// Where a respelling rule may apply inside a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum At {
    Start,
    End,
    Inside,
    Any,
}

/// Respelling rules: how romanisation systems (BGN/PCGN, ISO, French,
/// German, Arabic conventions) spell the same sound differently.
const RESPELL: &[(&str, &str, At)] = &[
    ("ei", "ey", At::End),
    ("ey", "ei", At::End),
    ("iy", "ii", At::End),
    ("ii", "iy", At::End),
    ("iy", "y", At::End),
    ("y", "iy", At::End),
    ("ye", "e", At::Start),
    ("e", "ye", At::Start),
    ("yu", "iu", At::Any),
    ("iu", "yu", At::Any),
    ("ya", "ia", At::Any),
    ("ia", "ya", At::Inside),
    ("kh", "h", At::Any),
    ("kh", "ch", At::Inside),
    ("ks", "x", At::Any),
    ("x", "ks", At::Any),
    ("sh", "sch", At::Any),
    ("sch", "sh", At::Any),
    ("ch", "tch", At::Any),
    ("zh", "j", At::Any),
    ("j", "dj", At::Start),
    ("dj", "j", At::Any),
    ("ts", "tz", At::Any),
    ("tz", "ts", At::Any),
    ("ou", "u", At::Any),
    ("u", "ou", At::Inside),
    ("oo", "u", At::Any),
    ("ee", "i", At::Any),
    ("mu", "mo", At::Start),
    ("mo", "mu", At::Start),
    ("ph", "f", At::Any),
    ("q", "k", At::Any),
    ("dh", "z", At::Any),
    ("w", "v", At::Any),
    ("v", "w", At::Inside),
    ("abdul", "abdel", At::Start),
    ("abdel", "abdul", At::Start),
    ("el", "al", At::Start),
    ("al", "el", At::Start),
    ("ai", "ay", At::Any),
    ("ay", "ai", At::Any),
    ("ie", "i", At::Inside),
    ("mm", "m", At::Any),
    ("m", "mm", At::Inside),
    ("ss", "s", At::Any),
    ("ll", "l", At::Any),
    ("c", "k", At::Start),
    ("k", "c", At::Start),
    ("o", "u", At::Inside),
    ("u", "o", At::Inside),
    ("a", "e", At::Inside),
    ("e", "a", At::Inside),
];

/// Respells one word the way another romanisation would (Sergei/Sergey,
/// Yevgeny/Evgeny, Khaled/Haled, Mohammed/Muhammed, Aleksandr/Alexandr).
pub fn translit_variant(name: &str, rng: &mut Rng) -> Option<String> {
    let words: Vec<&str> = name.split(' ').collect();
    let mask = name_word_mask(name);
    // Every (word, rule, byte offset) where a rule applies.
    let mut sites: Vec<(usize, usize, usize)> = Vec::new();
    for (wi, w) in words.iter().enumerate() {
        if !w.is_ascii() || letters(w) < 3 || !mask[wi] {
            continue;
        }
        let lw = w.to_ascii_lowercase();
        let core_start = lw.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(0);
        let core_end = lw
            .rfind(|c: char| c.is_ascii_alphabetic())
            .map(|i| i + 1)
            .unwrap_or(lw.len());
        for (ri, (from, _, at)) in RESPELL.iter().enumerate() {
            let mut off = 0;
            while let Some(k) = lw[off..].find(from) {
                let s = off + k;
                let e = s + from.len();
                let ok = match at {
                    At::Start => s == core_start,
                    At::End => e == core_end,
                    At::Inside => s > core_start && e < core_end,
                    At::Any => true,
                };
                if ok && s >= core_start && e <= core_end {
                    sites.push((wi, ri, s));
                }
                off = s + 1;
            }
        }
    }
    let &(wi, ri, s) = rng.pick(&sites)?;
    let (from, to, _) = RESPELL[ri];
    let w = words[wi];
    let orig = &w[s..s + from.len()];
    let upper = orig.chars().all(|c| c.is_ascii_uppercase());
    let first_upper = orig.chars().next().map(|c| c.is_ascii_uppercase()) == Some(true);
    let rep = if upper
        && (from.len() > 1
            || w.chars()
                .filter(|c| c.is_alphabetic())
                .all(|c| c.is_uppercase()))
    {
        to.to_ascii_uppercase()
    } else if first_upper {
        title_case(to)
    } else {
        to.to_string()
    };
    let new_word = format!("{}{}{}", &w[..s], rep, &w[s + from.len()..]);
    if new_word.eq_ignore_ascii_case(w) {
        return None;
    }
    let mut out: Vec<String> = words.iter().map(|x| x.to_string()).collect();
    out[wi] = new_word;
    Some(out.join(" "))
}

/// Abbreviates one given name to its initial (`John Smith` → `J. Smith`);
/// never the family name of a `"LAST, First"` name or the last word.
pub fn initial(name: &str, rng: &mut Rng) -> Option<String> {
    let (prefix, given) = match comma_form(name) {
        Some((family, given)) => (Some(family), given),
        None => (None, name),
    };
    let w: Vec<&str> = given.split_whitespace().collect();
    let limit = if prefix.is_some() {
        w.len()
    } else {
        w.len().saturating_sub(1)
    };
    let cands: Vec<usize> = (0..limit).filter(|&i| letters(w[i]) >= 3).collect();
    let i = *rng.pick(&cands)?;
    let first = w[i].chars().find(|c| c.is_alphabetic())?;
    let mut out: Vec<String> = w.iter().map(|x| x.to_string()).collect();
    out[i] = format!("{}.", first.to_uppercase());
    let g = out.join(" ");
    Some(match prefix {
        Some(f) => format!("{f}, {g}"),
        None => g,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rng() -> Rng {
        Rng::new(42)
    }

    fn edit_distance(a: &str, b: &str) -> usize {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
        for (i, row) in d.iter_mut().enumerate() {
            row[0] = i;
        }
        for (j, cell) in d[0].iter_mut().enumerate() {
            *cell = j;
        }
        for i in 1..=a.len() {
            for j in 1..=b.len() {
                let c = usize::from(a[i - 1] != b[j - 1]);
                d[i][j] = (d[i - 1][j] + 1)
                    .min(d[i][j - 1] + 1)
                    .min(d[i - 1][j - 1] + c);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
                }
            }
        }
        d[a.len()][b.len()]
    }

    #[test]
    fn generators_are_deterministic_under_a_seed() {
        let name = "PUTIN, Vladimir Vladimirovich";
        type Gen = fn(&str, &mut Rng) -> Option<String>;
        let gens: [Gen; 8] = [
            typo,
            reorder,
            drop_middle,
            honorific,
            spacing,
            case_punct,
            translit_variant,
            initial,
        ];
        for g in gens {
            let a: Vec<_> = (0..5).scan(Rng::new(9), |r, _| Some(g(name, r))).collect();
            let b: Vec<_> = (0..5).scan(Rng::new(9), |r, _| Some(g(name, r))).collect();
            assert_eq!(a, b);
        }
    }

    #[test]
    fn typo_makes_one_edit_in_the_rarest_word() {
        let mut r = rng();
        for _ in 0..50 {
            let v = typo("Vladimir Vladimirovich PUTIN", &mut r).unwrap();
            assert_ne!(v.to_lowercase(), "vladimir vladimirovich putin");
            let words: Vec<&str> = v.split(' ').collect();
            assert_eq!(words.len(), 3, "{v}");
            let orig = ["vladimir", "vladimirovich", "putin"];
            let edits: Vec<usize> = words
                .iter()
                .zip(orig)
                .map(|(w, o)| edit_distance(&w.to_lowercase(), o))
                .collect();
            assert_eq!(edits.iter().sum::<usize>(), 1, "{v}");
        }
        assert_eq!(typo("Al", &mut r), None);
    }

    #[test]
    fn typo_sometimes_hits_the_first_letter() {
        let mut r = rng();
        let firsts = (0..200)
            .filter_map(|_| typo("Lavrov", &mut r))
            .filter(|v| !v.to_lowercase().starts_with('l'))
            .count();
        assert!(firsts > 10, "{firsts}");
    }

    #[test]
    fn reorder_permutes_the_natural_words() {
        let mut r = rng();
        let v = reorder("PUTIN, Vladimir Vladimirovich", &mut r).unwrap();
        let mut a: Vec<&str> = v.split(' ').collect();
        assert_ne!(a, ["Vladimir", "Vladimirovich", "PUTIN"]);
        a.sort();
        assert_eq!(a, ["PUTIN", "Vladimir", "Vladimirovich"]);
        assert_eq!(reorder("Hamas", &mut r), None);
        assert_eq!(reorder("Kim Jong", &mut r).unwrap(), "Jong Kim");
    }

    #[test]
    fn drop_middle_drops_a_middle_name_only() {
        let mut r = rng();
        assert_eq!(
            drop_middle("PUTIN, Vladimir Vladimirovich", &mut r).unwrap(),
            "PUTIN, Vladimir"
        );
        assert_eq!(
            drop_middle("Joseph Robinette Biden", &mut r).unwrap(),
            "Joseph Biden"
        );
        assert_eq!(drop_middle("PUTIN, Vladimir", &mut r), None);
        assert_eq!(drop_middle("John Smith", &mut r), None);
    }

    #[test]
    fn honorific_adds_a_title() {
        let mut r = rng();
        let v = honorific("PUTIN, Vladimir", &mut r).unwrap();
        let (family, given) = v.split_once(", ").unwrap();
        assert_eq!(family, "PUTIN");
        assert!(given.ends_with(" Vladimir"));
        let title = given.trim_end_matches(" Vladimir");
        assert!(HONORIFICS.contains(&title), "{v}");
        let w = honorific("Osama bin Laden", &mut r).unwrap();
        assert!(w.ends_with(" Osama bin Laden"), "{w}");
    }

    #[test]
    fn legal_form_adds_drops_or_swaps() {
        let mut r = rng();
        let mut seen_drop = false;
        let mut seen_swap = false;
        for _ in 0..40 {
            let v = legal_form("ROSNEFT TRADING LLC", &mut r).unwrap();
            assert!(v.starts_with("ROSNEFT TRADING"), "{v}");
            if v == "ROSNEFT TRADING" {
                seen_drop = true;
            } else {
                seen_swap = true;
                assert_ne!(v, "ROSNEFT TRADING LLC");
            }
        }
        assert!(seen_drop && seen_swap);
        let added = legal_form("Hamas", &mut r).unwrap();
        assert!(
            added.len() > "Hamas".len() && added.contains("Hamas"),
            "{added}"
        );
        assert_eq!(legal_form("LLC", &mut r), None);
        let spelled = (0..40)
            .filter_map(|_| legal_form("Romashka Limited Liability Company", &mut r))
            .any(|v| v == "Romashka LLC" || v == "Romashka L.L.C." || v == "Romashka OOO");
        assert!(spelled);
    }

    #[test]
    fn spacing_changes_only_spaces_and_hyphens() {
        let mut r = rng();
        let strip = |s: &str| s.replace([' ', '-', ','], "");
        for _ in 0..30 {
            let v = spacing("Abdul Rahman AL-ZAWAHIRI", &mut r).unwrap();
            assert_ne!(v, "Abdul Rahman AL-ZAWAHIRI");
            assert_eq!(strip(&v), strip("Abdul Rahman AL-ZAWAHIRI"), "{v}");
        }
        assert_eq!(spacing("Hamas", &mut r), None);
    }

    #[test]
    fn case_punct_keeps_the_letters() {
        let mut r = rng();
        let letters_of = |s: &str| {
            s.chars()
                .filter(|c| c.is_alphabetic())
                .flat_map(char::to_lowercase)
                .collect::<String>()
        };
        for _ in 0..30 {
            let v = case_punct("PUTIN, Vladimir Vladimirovich", &mut r).unwrap();
            assert_ne!(v, "PUTIN, Vladimir Vladimirovich");
            assert_eq!(letters_of(&v), letters_of("PUTIN, Vladimir Vladimirovich"));
        }
    }

    #[test]
    fn nickname_replaces_a_given_name() {
        let nicks = Nicknames::parse_csv(
            "name1,relationship,name2\nwilliam,has_nickname,bill\nrobert,has_nickname,bob\n",
        );
        assert_eq!(nicks.len(), 2);
        let mut r = rng();
        assert_eq!(
            nickname("SMITH, William", &nicks, &mut r).unwrap(),
            "SMITH, Bill"
        );
        assert_eq!(
            nickname("ROBERT, John", &nicks, &mut r).unwrap(),
            "BOB, John"
        );
        assert_eq!(nickname("Ali Hassan", &nicks, &mut r), None);
    }

    #[test]
    fn translit_variant_respells_one_word() {
        let mut r = rng();
        let mut seen = std::collections::HashSet::new();
        for _ in 0..100 {
            let v = translit_variant("Sergei LAVROV", &mut r).unwrap();
            assert_ne!(v, "Sergei LAVROV");
            seen.insert(v);
        }
        assert!(seen.contains("Sergey LAVROV"), "{seen:?}");
        assert_eq!(translit_variant("Ng", &mut r), None);
    }

    #[test]
    fn initial_abbreviates_a_given_name() {
        let mut r = rng();
        assert_eq!(initial("John Smith", &mut r).unwrap(), "J. Smith");
        assert_eq!(initial("SMITH, John", &mut r).unwrap(), "SMITH, J.");
        assert_eq!(initial("Hamas", &mut r), None);
    }

    #[test]
    fn generators_leave_legal_forms_alone() {
        let mut r = rng();
        let name = "NOVA ENERGIES LIMITED LIABILITY COMPANY";
        assert_eq!(name_word_mask(name), [true, true, false, false, false]);
        for _ in 0..50 {
            let vs = [
                typo(name, &mut r),
                translit_variant(name, &mut r),
                spacing(name, &mut r),
            ];
            for v in vs.into_iter().flatten() {
                assert!(v.ends_with(" LIMITED LIABILITY COMPANY"), "{v}");
            }
        }
        // A legal form the generator's table does not know is left alone.
        assert_eq!(legal_form("AVRORA CAPITAL SRO", &mut r), None);
    }

    #[test]
    fn rarest_word_prefers_rare_then_long() {
        assert_eq!(rarest_word(&["Al", "Putin"], &[true, true]), Some(1));
        assert_eq!(rarest_word(&["Al", "Putin"], &[true, false]), None);
        assert_eq!(rarest_word(&["Al", "Bob"], &[true, true]), None);
    }
}
