//! Unicode normalisation of name text: the first step of every analysis.
//!
//! [`fold`] turns any text into lower-case, mark-free, canonically
//! punctuated words separated by single spaces:
//!
//! - Unicode NFKC (full-width letters, ligatures, compatibility forms),
//! - full case folding (`ß` → `ss`, `İ` → `i`),
//! - removal of combining marks (`é` → `e`, Arabic harakat, Hebrew points)
//!   — but not where the mark makes a letter of its own (Cyrillic `й`, the
//!   Arabic alef with hamza below `إ`, an i),
//! - apostrophes of every kind are dropped inside words (`O'Brien` → `obrien`),
//!   hyphens, dashes, slashes, commas and other punctuation become spaces,
//! - dotted initialisms are glued (`S.A.` → `sa`, `U.S.A` → `usa`), other
//!   dots separate (`J.Smith` → `j smith`),
//! - `&` becomes the word `and`,
//! - Urdu's he and te marbuta (ہ ھ ۃ) become the Arabic letters (ه ة).
//!
//! It does not transliterate: non-Latin letters stay as they are (see
//! [`super::translit`]). It does not allocate when the text is already
//! folded (plain lower-case ASCII words separated by single spaces).

use std::borrow::Cow;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// True when `s` is already in folded form: ASCII lower-case letters and
/// digits in words separated by single spaces, no leading/trailing space.
pub fn is_folded(s: &str) -> bool {
    let b = s.as_bytes();
    if b.first() == Some(&b' ') || b.last() == Some(&b' ') {
        return false;
    }
    let mut prev_space = false;
    for &c in b {
        match c {
            b'a'..=b'z' | b'0'..=b'9' => prev_space = false,
            b' ' if !prev_space => prev_space = true,
            _ => return false,
        }
    }
    true
}

fn is_apostrophe(c: char) -> bool {
    matches!(
        c,
        '\'' | '\u{2018}'
            | '\u{2019}'
            | '\u{201B}'
            | '\u{02BC}'
            | '\u{02BB}'
            | '\u{02BD}'
            | '\u{02B9}'
            | '\u{02BE}'
            | '\u{02BF}'
            | '`'
            | '\u{00B4}'
            | '\u{2032}'
            | '\u{055A}'
            | '\u{05F3}'
    )
}

/// Urdu's forms of he and te marbuta as the Arabic letters they write
/// (اللہ is الله, Sanaullah's compound; بھ is b + h): one spelling of a
/// name whichever keyboard typed it.
fn urdu_letter(c: char) -> char {
    match c {
        '\u{06C1}' | '\u{06BE}' => '\u{0647}',
        '\u{06C3}' => '\u{0629}',
        _ => c,
    }
}

/// Folds `s` (see the module docs). Borrowed when nothing changes.
pub fn fold(s: &str) -> Cow<'_, str> {
    if is_folded(s) {
        return Cow::Borrowed(s);
    }
    if s.is_ascii() {
        // ASCII needs neither Unicode normalisation nor mark stripping:
        // lower-case and punctuate (the common case for customer data).
        return Cow::Owned(punctuate(&s.to_ascii_lowercase()));
    }
    // NFKC, then case folding, then strip combining marks (via NFD).
    // Invisible joiners and soft hyphens are not separators: drop them
    // (Persian writes خامنه‌ای with a zero-width non-joiner inside a word).
    let nfkc: String = s
        .nfkc()
        .filter(|c| {
            !matches!(
                c,
                '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{00AD}' | '\u{2060}' | '\u{FEFF}'
            )
        })
        .collect();
    let folded = caseless::default_case_fold_str(&nfkc);
    let mut unmarked = String::with_capacity(folded.len());
    let mut strip = true;
    let mut prev = ' ';
    for c in folded.nfd() {
        // (After decomposition: ۂ is ہ and a hamza.)
        let c = urdu_letter(c);
        if is_combining_mark(c) {
            // The hamza below an alef is a letter's vowel, i (إبراهيم
            // Ibrahim, الإمام al-Imam): kept, to recompose as إ.
            let alef_i = c == '\u{0655}' && prev == '\u{0627}';
            if strip && !alef_i {
                continue;
            }
            // One hamza per alef: a second would stand alone.
            prev = ' ';
        } else {
            prev = c;
            // Marks on a non-letter (a symbol that punctuation removes) go
            // too, so no mark is ever left standing alone.
            strip = strips_marks(c) || !c.is_alphanumeric();
        }
        unmarked.push(c);
    }
    // Recompose what must stay composed (Hangul syllables, etc.).
    let recomposed: String = unmarked.nfc().collect();
    Cow::Owned(punctuate(&recomposed))
}

/// Whether combining marks after this base character are dropped: yes for
/// Latin, Greek, Arabic, Hebrew and Armenian letters (accents, harakat and
/// points carry no identity in list spellings), no for Cyrillic (й, ї, ў
/// are letters of their own), Thai, Indic and other scripts whose marks
/// are vowels.
fn strips_marks(base: char) -> bool {
    match crate::normalize::script::char_script(base) {
        None => true,
        Some(s) => matches!(s, "Latin" | "Greek" | "Arabic" | "Hebrew" | "Armenian"),
    }
}

/// Canonical punctuation and spacing on case-folded, mark-free text.
fn punctuate(s: &str) -> String {
    if s.is_ascii() {
        return punctuate_ascii(s);
    }
    punctuate_chars(s)
}

/// [`punctuate`] of ASCII text on bytes (most customer names): the same
/// words, without decoding characters or testing Unicode classes.
fn punctuate_ascii(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut word = String::new();
    for raw_word in s.split(|c: char| matches!(c, ' ' | '\t'..='\r') || is_separator(c)) {
        if raw_word.is_empty() {
            continue;
        }
        if raw_word.contains('.') && is_dotted_initialism(raw_word.trim_end_matches('.')) {
            push_word(&mut out, &raw_word.replace('.', ""));
            continue;
        }
        word.clear();
        for &c in raw_word.as_bytes() {
            match c {
                c if c.is_ascii_alphanumeric() => word.push(char::from(c)),
                b'&' => {
                    push_word(&mut out, &word);
                    word.clear();
                    push_word(&mut out, "and");
                }
                // dropped: O'Brien -> obrien
                b'\'' | b'`' => {}
                // '.' ends a piece like any other mark.
                _ => {
                    push_word(&mut out, &word);
                    word.clear();
                }
            }
        }
        push_word(&mut out, &word);
    }
    out
}

/// [`punctuate`] of any text.
fn punctuate_chars(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    // One buffer for every word piece (this runs for every query).
    let mut word = String::new();
    for raw_word in s.split(|c: char| c.is_whitespace() || is_separator(c)) {
        if raw_word.is_empty() {
            continue;
        }
        if raw_word.contains('.') && is_dotted_initialism(raw_word.trim_end_matches('.')) {
            push_word(&mut out, &raw_word.replace('.', ""));
            continue;
        }
        for piece in raw_word.split('.') {
            word.clear();
            for c in piece.chars() {
                if c.is_alphanumeric() || (is_combining_mark(c) && !word.is_empty()) {
                    // Marks kept on their letter (Cyrillic й, Thai and Indic
                    // vowel signs) are part of the word.
                    word.push(c);
                } else if c == '&' {
                    push_word(&mut out, &word);
                    word.clear();
                    push_word(&mut out, "and");
                } else if is_apostrophe(c) {
                    // dropped: O'Brien -> obrien, Mu'ammar -> muammar; but a
                    // Hebrew geresh after ג ז צ ת ח ד marks another sound
                    // (ג'ון John): kept, as ׳, for the romaniser.
                    if word.ends_with(['ג', 'ז', 'צ', 'ץ', 'ת', 'ח', 'ד']) {
                        word.push('\u{5F3}');
                    }
                } else {
                    push_word(&mut out, &word);
                    word.clear();
                }
            }
            push_word(&mut out, &word);
        }
    }
    out
}

fn is_separator(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}'
            ..='\u{2015}'
                | '\u{2212}'
                | '/'
                | '\\'
                | ','
                | ';'
                | ':'
                | '('
                | ')'
                | '['
                | ']'
                | '{'
                | '}'
                | '"'
                | '\u{201C}'
                | '\u{201D}'
                | '\u{00AB}'
                | '\u{00BB}'
                | '_'
                | '|'
                | '+'
                | '*'
                | '!'
                | '?'
                | '#'
                | '\u{060C}'
    )
}

/// `s.a.`, `u.s.a`, `j.` — single letters each followed by a dot.
fn is_dotted_initialism(w: &str) -> bool {
    let mut letters = 0;
    let mut expect_letter = true;
    for c in w.chars() {
        if expect_letter {
            if !c.is_alphabetic() {
                return false;
            }
            letters += 1;
            expect_letter = false;
        } else {
            if c != '.' {
                return false;
            }
            expect_letter = true;
        }
    }
    letters >= 1
}

fn push_word(out: &mut String, w: &str) {
    if w.is_empty() {
        return;
    }
    if !out.is_empty() {
        out.push(' ');
    }
    out.push_str(w);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_alef_keeps_its_hamza_below_and_loses_the_rest() {
        // إ is an i; أ and the short vowels go.
        assert_eq!(fold("إِبْرَاهِيم"), "إبراهيم");
        assert_eq!(fold("أَحْمَد"), "احمد");
        // A repeated mark does not stay behind on its own.
        assert_eq!(fold("ا\u{0655}\u{0655}\u{0655}ب"), "إب");
    }

    #[test]
    fn urdu_he_is_the_arabic_letter() {
        assert_eq!(fold("ثناء اللہ غفاری"), fold("ثناء الله غفاری"));
        assert_eq!(fold("بھٹو"), "به\u{0679}و");
        assert_eq!(fold("صلوۃ"), "صلوة");
        // Also where a decomposition leaves it (ۂ: ہ and a hamza above).
        assert_eq!(fold("\u{06C2}"), "\u{0647}");
        assert_eq!(fold(&fold("z \u{06C2}utncz")), fold("z \u{06C2}utncz"));
    }

    #[test]
    fn the_ascii_punctuation_path_equals_the_general_one() {
        // Every ASCII character, in short random strings (xorshift).
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..20_000 {
            let len = (x % 12) as usize;
            let mut s = String::new();
            for _ in 0..len {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                // Letters often, so words form between the marks.
                let c = if x % 3 == 0 {
                    b'a' + (x >> 8) as u8 % 3
                } else {
                    (x >> 16) as u8 % 128
                };
                s.push(char::from(c));
            }
            assert_eq!(punctuate_ascii(&s), punctuate_chars(&s), "{s:?}");
        }
        for s in [
            "s.a. de c.v.",
            "o'brien & sons",
            "u.s.a",
            "a.b.c.d",
            "..x..",
            "j. smith-jones",
        ] {
            assert_eq!(punctuate_ascii(s), punctuate_chars(s), "{s:?}");
        }
    }

    #[test]
    fn folded_text_is_borrowed() {
        assert!(matches!(fold("vladimir putin"), Cow::Borrowed(_)));
    }

    #[test]
    fn examples() {
        let cases = [
            (
                "PUTIN, Vladimir Vladimirovich",
                "putin vladimir vladimirovich",
            ),
            ("O'Brien", "obrien"),
            ("O\u{2019}BRIEN", "obrien"),
            ("Jean-Pierre", "jean pierre"),
            ("Müller", "muller"),
            ("STRAẞE", "strasse"),
            ("İstanbul", "istanbul"),
            ("Banco S.A.", "banco sa"),
            ("SKAIRU, S.A. DE C.V..", "skairu sa de cv"),
            ("J. Smith", "j smith"),
            ("J.Smith", "j smith"),
            ("Smith & Sons", "smith and sons"),
            ("Smith&Sons", "smith and sons"),
            ("  A   B  ", "a b"),
            ("ＡＢＣ", "abc"),
            ("Nguyễn Văn Thiệu", "nguyen van thieu"),
            ("AL-QA'IDA", "al qaida"),
            ("\"ABU ALI\" (a.k.a.)", "abu ali aka"),
            ("Путин", "путин"),
            ("김정은", "김정은"),
        ];
        for (input, want) in cases {
            assert_eq!(fold(input), want, "{input}");
        }
    }

    #[test]
    fn folding_is_idempotent() {
        for s in [
            "Ærø & Co., S.A. de C.V.",
            "ﬁnance",
            "Çağrı",
            "‘Abd al-Raḥmān",
        ] {
            let once = fold(s).into_owned();
            assert_eq!(fold(&once), once, "{s}");
        }
    }
}
