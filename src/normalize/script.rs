//! Script detection by Unicode block: which writing system a name is in.
//!
//! Used to tag names whose list does not state the script, and later to
//! choose a transliterator. Only the scripts that appear in sanctions lists
//! and customer data are named; anything else is `"Other"`.

/// The script of one character, or `None` for characters that belong to no
/// particular script (digits, punctuation, spaces, combining marks).
pub fn char_script(c: char) -> Option<&'static str> {
    let u = c as u32;
    let s = match u {
        0x41..=0x5A | 0x61..=0x7A | 0xC0..=0x24F | 0x1E00..=0x1EFF => "Latin",
        0x370..=0x3FF | 0x1F00..=0x1FFF => "Greek",
        0x400..=0x52F | 0x1C80..=0x1C8F | 0x2DE0..=0x2DFF | 0xA640..=0xA69F => "Cyrillic",
        0x530..=0x58F => "Armenian",
        0x591..=0x5F4 | 0xFB1D..=0xFB4F => "Hebrew",
        0x600..=0x6FF | 0x750..=0x77F | 0x8A0..=0x8FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => {
            "Arabic"
        }
        0xE00..=0xE7F => "Thai",
        0x10A0..=0x10FF | 0x1C90..=0x1CBF => "Georgian",
        0x1100..=0x11FF | 0x3130..=0x318F | 0xAC00..=0xD7AF => "Hangul",
        0x3040..=0x309F => "Hiragana",
        0x30A0..=0x30FF | 0x31F0..=0x31FF => "Katakana",
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F => "Han",
        _ if c.is_alphabetic() => "Other",
        _ => return None,
    };
    Some(s)
}

/// The dominant script of a text: the non-Latin script with the most
/// letters if there is one (a name is "Cyrillic" even with a Latin
/// initial), else `"Latin"`; `None` for text without letters.
pub fn detect(text: &str) -> Option<&'static str> {
    let mut counts: [(&'static str, usize); 14] = [
        ("Latin", 0),
        ("Greek", 0),
        ("Cyrillic", 0),
        ("Armenian", 0),
        ("Hebrew", 0),
        ("Arabic", 0),
        ("Thai", 0),
        ("Georgian", 0),
        ("Hangul", 0),
        ("Hiragana", 0),
        ("Katakana", 0),
        ("Han", 0),
        ("Other", 0),
        ("", 0),
    ];
    for c in text.chars() {
        if let Some(s) = char_script(c) {
            if let Some(slot) = counts.iter_mut().find(|(n, _)| *n == s) {
                slot.1 += 1;
            }
        }
    }
    let best_non_latin = counts[1..13]
        .iter()
        .filter(|(_, n)| *n > 0)
        .max_by_key(|(_, n)| *n)
        .map(|(s, _)| *s);
    match best_non_latin {
        Some(s) => Some(s),
        None if counts[0].1 > 0 => Some("Latin"),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::detect;

    #[test]
    fn detects_scripts_of_listed_names() {
        assert_eq!(detect("PUTIN, Vladimir"), Some("Latin"));
        assert_eq!(detect("Путин Владимир"), Some("Cyrillic"));
        assert_eq!(detect("محمد"), Some("Arabic"));
        assert_eq!(detect("김정은"), Some("Hangul"));
        assert_eq!(detect("金正恩"), Some("Han"));
        assert_eq!(detect("Ri 리"), Some("Hangul"));
        assert_eq!(detect("123 -"), None);
    }
}
