//! Script-aware transliteration of folded words to Latin.
//!
//! [`romanize_word`] takes one folded word (see [`super::text::fold`]) and
//! returns its Latin spellings: the first is the primary one, the rest are
//! the other common romanisations, so that the spellings different lists
//! use meet ("Sergei"/"Sergey", "Kim Jong Un"/"gim jeong eun"). A word may
//! become several words (a Han or Hangul run becomes one word a syllable;
//! the Arabic article becomes its own word `al`); every spelling of one
//! input word has the same number of words.
//!
//! Per script:
//! - Latin and digits: unchanged.
//! - Cyrillic, Greek, Hebrew, Georgian, Armenian, Thai, kana and others:
//!   `any_ascii` (BGN/PCGN-like: Sergey, Yuriy) and `deunicode`
//!   (ISO-like: Sergei, Iurii); both kept when they differ.
//! - Arabic and Persian: a table of our own (neither crate does well:
//!   `deunicode` gives `mHmd`). Consonants as usual in lists (ح h, خ kh,
//!   ش sh, ق q, ع dropped, but written a at the start of a word); long vowels و ي ى become u/i/a inside words so
//!   the consonant skeleton (see `analysis`) meets Latin spellings; alef,
//!   hamza carriers, ta-marbuta and alef-maqsura variants are unified;
//!   the article ال is split off as `al`.
//! - Hebrew: a table of our own in the same spirit (vav/yod inside words
//!   are vowels).
//! - Hangul: our own romaniser giving the McCune–Reischauer-style spelling
//!   the lists use (김정은 → `kim jong un`, 리평철 → `ri pyong chol`) first and
//!   Revised Romanization (`gim jeong eun`) second, one word a syllable.
//! - Han: pinyin from `deunicode`, one word a syllable (习近平 → `xi jin ping`).

use crate::normalize::script::char_script;

/// Latin spellings of one folded word; the first is the primary.
pub fn romanize_word(word: &str) -> Vec<String> {
    if word.bytes().all(|b| b.is_ascii()) {
        return vec![word.to_string()];
    }
    // Split the word into runs of one script and romanise each run.
    let mut alternatives: Vec<String> = vec![String::new()];
    let mut run = String::new();
    let mut run_script: Option<&'static str> = None;
    let flush = |run: &mut String, script: Option<&'static str>, alts: &mut Vec<String>| {
        if run.is_empty() {
            return;
        }
        let spellings = romanize_run(run, script.unwrap_or("Latin"));
        let mut next = Vec::with_capacity(alts.len() * spellings.len());
        for a in alts.iter() {
            for s in &spellings {
                let mut x = a.clone();
                if !x.is_empty() && !x.ends_with(' ') && needs_space(script) {
                    x.push(' ');
                }
                x.push_str(s);
                if !next.contains(&x) {
                    next.push(x);
                }
            }
        }
        next.truncate(4);
        *alts = next;
        run.clear();
    };
    for c in word.chars() {
        let s = char_script(c).or(run_script);
        if s != run_script && !run.is_empty() {
            flush(&mut run, run_script, &mut alternatives);
        }
        run_script = s;
        run.push(c);
    }
    flush(&mut run, run_script, &mut alternatives);
    alternatives
        .into_iter()
        .map(|a| super::text::fold(&a).into_owned())
        .filter(|a| !a.is_empty())
        .collect::<Vec<_>>()
        .into_iter()
        .fold(Vec::new(), |mut acc, a| {
            if !acc.contains(&a) {
                acc.push(a);
            }
            acc
        })
}

fn needs_space(script: Option<&'static str>) -> bool {
    matches!(script, Some("Han") | Some("Hangul"))
}

fn romanize_run(run: &str, script: &str) -> Vec<String> {
    match script {
        "Latin" => vec![any_ascii::any_ascii(run)],
        "Arabic" => vec![arabic(run)],
        "Hebrew" => vec![hebrew(run)],
        "Hangul" => hangul(run),
        "Han" => vec![han(run)],
        _ => {
            let a = any_ascii::any_ascii(run);
            let d = deunicode::deunicode(run);
            if a.eq_ignore_ascii_case(&d) {
                vec![a]
            } else {
                vec![a, d]
            }
        }
    }
}

/// Han characters: pinyin a syllable, one word each.
fn han(run: &str) -> String {
    let mut out = String::new();
    for c in run.chars() {
        let mut buf = [0u8; 4];
        let p = deunicode::deunicode(c.encode_utf8(&mut buf));
        let p = p.trim();
        if p.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(p);
    }
    out
}

/// Arabic and Persian letters to Latin (see the module docs).
fn arabic(run: &str) -> String {
    let chars: Vec<char> = run.chars().collect();
    let mut out = String::with_capacity(chars.len() * 2);
    let mut i = 0;
    // The article: ال at the start of a word of more than 3 letters.
    if chars.len() > 3 && chars[0] == 'ا' && chars[1] == 'ل' {
        out.push_str("al ");
        i = 2;
    }
    let word_start = i;
    while i < chars.len() {
        let c = chars[i];
        let first = i == word_start;
        let s: &str = match c {
            'ا' | 'أ' | 'آ' | 'ٱ' => "a",
            'إ' => "i",
            // Initial ain is written with a vowel in Latin spellings
            // (Abd, Ali, Abbas); elsewhere it is dropped.
            'ع' if first => "a",
            'ء' | 'ئ' | 'ؤ' | 'ع' => "",
            'ب' => "b",
            'ت' => "t",
            'ث' => "th",
            'ج' => "j",
            'ح' => "h",
            'خ' => "kh",
            'د' => "d",
            'ذ' => "dh",
            'ر' => "r",
            'ز' => "z",
            'س' => "s",
            'ش' => "sh",
            'ص' => "s",
            'ض' => "d",
            'ط' => "t",
            'ظ' => "z",
            'غ' => "gh",
            'ف' => "f",
            'ق' => "q",
            'ك' | 'ک' => "k",
            'ل' => "l",
            'م' => "m",
            'ن' => "n",
            'ه' => "h",
            'ة' => "a",
            'و' if first => "w",
            'و' => "u",
            'ي' | 'ی' if first => "y",
            'ي' | 'ی' => "i",
            'ى' => "a",
            'پ' => "p",
            'چ' => "ch",
            'ژ' => "zh",
            'گ' => "g",
            'ـ' => "",
            _ => {
                let mut buf = [0u8; 4];
                out.push_str(&any_ascii::any_ascii(c.encode_utf8(&mut buf)));
                i += 1;
                continue;
            }
        };
        out.push_str(s);
        i += 1;
    }
    out
}

/// Hebrew letters to Latin: like Arabic, the script writes few vowels, so
/// vav and yod inside a word become the vowels u and i (the skeleton drops
/// them) and are consonants v and y only at the start of a word.
fn hebrew(run: &str) -> String {
    let mut out = String::with_capacity(run.len() * 2);
    for (i, c) in run.chars().enumerate() {
        let first = i == 0;
        let s: &str = match c {
            'א' => "a",
            'ב' => "b",
            'ג' => "g",
            'ד' => "d",
            'ה' => "h",
            'ו' if first => "v",
            'ו' => "u",
            'ז' => "z",
            'ח' => "kh",
            'ט' => "t",
            'י' if first => "y",
            'י' => "i",
            'כ' | 'ך' | 'ק' => "k",
            'ל' => "l",
            'מ' | 'ם' => "m",
            'נ' | 'ן' => "n",
            'ס' => "s",
            'ע' if first => "a",
            'ע' => "",
            'פ' | 'ף' => "p",
            'צ' | 'ץ' => "ts",
            'ר' => "r",
            'ש' => "sh",
            'ת' => "t",
            _ => {
                let mut buf = [0u8; 4];
                out.push_str(&any_ascii::any_ascii(c.encode_utf8(&mut buf)));
                continue;
            }
        };
        out.push_str(s);
    }
    out
}

// Hangul syllable tables (Unicode order).
const L_MR: [&str; 19] = [
    "k", "kk", "n", "t", "tt", "r", "m", "p", "pp", "s", "ss", "", "j", "jj", "ch", "kh", "th",
    "ph", "h",
];
const L_RR: [&str; 19] = [
    "g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p",
    "h",
];
const V_MR: [&str; 21] = [
    "a", "ae", "ya", "yae", "o", "e", "yo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we",
    "wi", "yu", "u", "ui", "i",
];
const V_RR: [&str; 21] = [
    "a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we",
    "wi", "yu", "eu", "ui", "i",
];
const T_MR: [&str; 28] = [
    "", "k", "k", "k", "n", "n", "n", "t", "l", "l", "l", "l", "l", "l", "l", "l", "m", "p", "p",
    "t", "t", "ng", "t", "t", "k", "t", "p", "t",
];
const T_RR: [&str; 28] = [
    "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p",
    "t", "t", "ng", "t", "t", "k", "t", "p", "t",
];

/// Hangul: McCune–Reischauer-style (as lists write North Korean names)
/// first, Revised Romanization second; one word a syllable.
fn hangul(run: &str) -> Vec<String> {
    let mut mr = Vec::new();
    let mut rr = Vec::new();
    for c in run.chars() {
        let u = c as u32;
        if !(0xAC00..=0xD7A3).contains(&u) {
            // Loose jamo and compatibility letters: fall back to any_ascii.
            let mut buf = [0u8; 4];
            let a = any_ascii::any_ascii(c.encode_utf8(&mut buf));
            mr.push(a.clone());
            rr.push(a);
            continue;
        }
        let s = (u - 0xAC00) as usize;
        let (l, v, t) = (s / 588, (s % 588) / 28, s % 28);
        // MR: aspirated initials lose the h-apostrophe in list usage
        // (ㅊ "ch", ㅋ "k", ㅌ "t", ㅍ "p"); ㄹ is "r" (Ri, Ryu).
        let l_mr = match l {
            15 => "k",
            16 => "t",
            17 => "p",
            _ => L_MR[l],
        };
        let mut m = String::new();
        m.push_str(l_mr);
        m.push_str(V_MR[v]);
        m.push_str(T_MR[t]);
        let mut r = String::new();
        r.push_str(L_RR[l]);
        r.push_str(V_RR[v]);
        r.push_str(T_RR[t]);
        mr.push(m);
        rr.push(r);
    }
    let (mr, rr) = (mr.join(" "), rr.join(" "));
    if mr == rr {
        vec![mr]
    } else {
        vec![mr, rr]
    }
}

#[cfg(test)]
mod tests {
    use super::romanize_word as r;

    #[test]
    fn latin_is_unchanged() {
        assert_eq!(r("putin"), vec!["putin"]);
    }

    #[test]
    fn cyrillic_gives_both_common_spellings() {
        assert_eq!(r("путин"), vec!["putin"]);
        assert_eq!(r("сергей"), vec!["sergey", "sergei"]);
        assert_eq!(r("юрий"), vec!["yuriy", "iurii"]);
        assert!(r("аляксандр").contains(&"alyaksandr".to_string()));
    }

    #[test]
    fn arabic_splits_the_article_and_unifies_letters() {
        assert_eq!(r("محمد"), vec!["mhmd"]);
        assert_eq!(r("الرحمن"), vec!["al rhmn"]);
        assert_eq!(r("حسين"), vec!["hsin"]);
        assert_eq!(r("أحمد"), vec!["ahmd"]);
        assert_eq!(r("فاطمة"), vec!["fatma"]);
        assert_eq!(r("پوتین"), vec!["putin"]);
    }

    #[test]
    fn hangul_gives_list_style_then_revised_romanization() {
        assert_eq!(r("김정은"), vec!["kim jong un", "gim jeong eun"]);
        assert_eq!(r("리평철")[0], "ri pyong chol");
        assert_eq!(r("박")[0], "pak");
    }

    #[test]
    fn han_gives_pinyin_a_syllable() {
        assert_eq!(r("习近平"), vec!["xi jin ping"]);
    }

    #[test]
    fn other_scripts_romanize() {
        assert_eq!(r("ბიძინა")[0], "bidzina");
        assert!(r("ξενοφων").contains(&"xenofon".to_string()));
        assert_eq!(r("ооо"), vec!["ooo"]);
    }
}
