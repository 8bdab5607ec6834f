//! Keys under which spellings of one name meet.
//!
//! - [`skeleton`]: the consonant skeleton. Romanisation systems disagree
//!   mostly on vowels and on a few consonant digraphs, and Arabic script
//!   writes no short vowels at all; the skeleton drops vowels (and the
//!   semivowels y/w inside words), unifies the digraphs and letters that
//!   systems swap (ph/f, c/k/q, x/ks, kh/h, dj/j, w/v, z/s, ts/tz/c, …) and
//!   collapses doubled letters. Mohammed, Muhammad, Mohamad and محمد all give
//!   `mhmd`; Sergei/Sergey `srg`; Aleksandr/Alexander `lksndr`;
//!   Yevgeny/Evgeniy `vgn`; Hussein/Husayn/حسين `hsn`.
//! - [`phonetic`]: the Double Metaphone primary code (English-oriented,
//!   good for Latin typos that keep the sound: Stephens/Stevens).

use std::sync::LazyLock;

use rphonetic::DoubleMetaphone;

/// The consonant skeleton of a folded Latin word (see the module docs).
/// Empty for a word without consonants.
pub fn skeleton(word: &str) -> String {
    skeleton_of(&[word])
}

/// The [`skeleton`] of the concatenation of `parts`, without building it
/// (the scorer asks for the skeleton of two glued tokens on every pair).
pub fn skeleton_of(parts: &[&str]) -> String {
    with_letters(parts, |b| {
        let mut out = String::with_capacity(b.len());
        walk_skeleton(b, |step| {
            // Only ASCII letters and digits are pushed: valid UTF-8.
            if let Step::Keep(k) = step {
                if out.as_bytes().last() != Some(&k) {
                    out.push(char::from(k));
                }
            }
        });
        out
    })
}

/// Calls `f` with the ASCII letters and digits of `parts` concatenated
/// (on the stack for every real name token).
fn with_letters<T>(parts: &[&str], f: impl FnOnce(&[u8]) -> T) -> T {
    let mut stack = [0u8; 64];
    let total: usize = parts.iter().map(|p| p.len()).sum();
    let letters = parts
        .iter()
        .flat_map(|p| p.bytes())
        .filter(|c| c.is_ascii_alphanumeric());
    if total <= stack.len() {
        let mut n = 0;
        for c in letters {
            stack[n] = c;
            n += 1;
        }
        f(&stack[..n])
    } else {
        f(&letters.collect::<Vec<u8>>())
    }
}

/// One step of the skeleton's walk over a word's letters and digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// A consonant class; the skeleton writes it unless it repeats the
    /// class written last.
    Keep(u8),
    /// A letter the skeleton drops: a vowel, or y/w inside a word.
    Drop(u8),
}

/// Walks `b` (ASCII letters and digits) as the skeleton classes it (see
/// the module docs): every rule of [`skeleton`] lives here.
pub(crate) fn walk_skeleton(b: &[u8], mut f: impl FnMut(Step)) {
    // Whether a consonant class was given yet.
    let mut kept = false;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied().unwrap_or(0);
        let (class, used): (Option<u8>, usize) = match (c, next) {
            (b'p', b'h') => (Some(b'f'), 2),
            (b'k', b'h') | (b'c', b'h') if i + 2 < b.len() || !kept => {
                // kh, ch: the Russian/Arabic kh and the Germanic ch -> h class;
                // Chinese/English initial ch (Chol, Chen) keeps its own class.
                if c == b'c' {
                    (Some(b'C'), 2)
                } else {
                    (Some(b'h'), 2)
                }
            }
            (b'c', b'h') => (Some(b'C'), 2),
            (b'k', b'h') => (Some(b'h'), 2),
            (b's', b'h') => (Some(b'S'), 2),
            (b'z', b'h') => (Some(b'Z'), 2),
            (b'g', b'h') => (Some(b'g'), 2),
            (b't', b'h') => (Some(b't'), 2),
            (b'd', b'h') => (Some(b'd'), 2),
            (b'd', b'j') => (Some(b'j'), 2),
            // Russian дж (dzh) is the j of other spellings: Dzhikhad/Jihad.
            (b'd', b'z') if b.get(i + 2) == Some(&b'h') => (Some(b'j'), 3),
            (b't', b's') => (Some(b'c'), 2),
            // tz is one sound at a word's edge (Tzvi, Schultz); inside a
            // word it is two consonants as often (Morteza, romanised
            // vowel-less from مرتضی as `mrtzi`).
            (b't', b'z') if i == 0 || i + 2 == b.len() => (Some(b'c'), 2),
            (b'c', b'k') => (Some(b'k'), 2),
            (b'a' | b'e' | b'i' | b'o' | b'u', _) => (None, 1),
            (b'y' | b'w', _) if kept || i == 0 => {
                // y/w are semivowels: dropped inside words; initial w is v.
                if c == b'w'
                    && i == 0
                    && next != 0
                    && !matches!(next, b'a' | b'e' | b'i' | b'o' | b'u' | b'y')
                {
                    (Some(b'v'), 1)
                } else {
                    (None, 1)
                }
            }
            (b'w', _) => (Some(b'v'), 1),
            (b'c', _) | (b'q', _) => (Some(b'k'), 1),
            (b'x', _) => {
                // ks
                f(Step::Keep(b'k'));
                kept = true;
                (Some(b's'), 1)
            }
            (b'z', _) => (Some(b's'), 1),
            _ => (Some(c), 1),
        };
        match class {
            Some(k) => {
                f(Step::Keep(k));
                kept = true;
            }
            None => f(Step::Drop(c)),
        }
        i += used;
    }
}

/// The vowels written between the consonants of a folded Latin word, slot
/// by slot along its [`skeleton`]: slot 0 holds the letters before the
/// first skeleton consonant, slot k those after the k-th (a, e, i, o, u and
/// the semivowels y, w the skeleton drops). Calls `f(slot, letter)` for
/// each such letter, in order; returns the number of skeleton consonants.
pub fn for_each_vowel_slot(word: &str, mut f: impl FnMut(usize, u8)) -> usize {
    let mut last: u8 = 0;
    let mut n = 0;
    with_letters(&[word], |b| {
        walk_skeleton(b, |step| match step {
            Step::Keep(k) => {
                if last != k {
                    last = k;
                    n += 1;
                }
            }
            Step::Drop(c) => f(n, c),
        })
    });
    n
}

/// Whether a Latin spelling with the same skeleton as a vowel-less
/// romanisation writes a vowel wherever the romanisation does (its long
/// vowels, Arabic ا ي و; slot by slot along the skeleton, the onset
/// aside), and one that can stand for it: سعدي `sdi` is Saadi, not SAUD;
/// سليماني `slimani` is Slimani, not SALMAN; سيفي `sifi` is not Sophie.
/// A Latin spelling may write more vowels (the short ones), and other
/// ones within reason: lists write ا as a or e, ي as i, e, y — or a at a
/// Persian word's end (مرتضی `mrtdi`, Morteza) — and و as u, o or w (a
/// only before l: Hall הול; not Mahmoud for מוחמד `mukhmd`); a final a
/// may be i (ى). A final i or y after a consonant is a long vowel the
/// vowel-less spelling must write too.
pub fn long_vowels_written(vowelless: &str, latin: &str) -> bool {
    const SLOTS: usize = 32;
    let bit = |c: u8| -> u8 {
        match c {
            b'a' => 1,
            b'e' => 2,
            b'i' => 4,
            b'o' => 8,
            b'u' => 16,
            b'y' => 32,
            b'w' => 64,
            _ => 0,
        }
    };
    // What a Latin slot may write for a vowel-less spelling's letter.
    let stands_for = |c: u8| -> u8 {
        match c {
            b'a' => 1 | 2 | 8 | 16,
            b'i' | b'y' => 4 | 2 | 32 | 1,
            b'u' | b'w' | b'o' => 16 | 8 | 64,
            b'e' => 1 | 2 | 4 | 32,
            _ => 0x7f,
        }
    };
    let mut want = [0u8; SLOTS];
    let n = for_each_vowel_slot(vowelless, |k, c| {
        if k > 0 && k < SLOTS {
            want[k] |= stands_for(c);
        }
    });
    // A final a may be alef maqsura ى, which Persian and Afghan spellings
    // write for a final ye (حقانى Haqqani, ولى Wali).
    if n < SLOTS && want[n] & 1 != 0 {
        want[n] |= 4 | 2 | 32;
    }
    // A Latin name that ends in i or y after its last consonant has a long
    // vowel there (the nisba -i, Levi), which a vowel-less spelling writes
    // too (سعدي `sdi`, לוי `lui`): כהן `khn` is not KHANANI.
    let l = latin.as_bytes();
    let final_i = l.len() >= 2
        && matches!(l[l.len() - 1], b'i' | b'y')
        && !matches!(
            l[l.len() - 2],
            b'a' | b'e' | b'i' | b'o' | b'u' | b'y' | b'w'
        );
    if final_i && n > 0 && n < SLOTS && want[n] == 0 {
        return false;
    }
    if want.iter().all(|&m| m == 0) {
        return true;
    }
    let mut have = [0u8; SLOTS];
    for_each_vowel_slot(latin, |k, c| {
        if k < SLOTS {
            have[k] |= bit(c);
        }
    });
    // An a before l is the English "all", which Hebrew and Arabic write
    // with their u letter (הול Hall, בול Ball).
    for (k, &c) in skeleton(latin).as_bytes().iter().enumerate().take(SLOTS) {
        if c == b'l' && have[k] & 1 != 0 {
            have[k] |= 16;
        }
    }
    want.iter().zip(&have).all(|(&w, &h)| w == 0 || w & h != 0)
}

/// Whether two vowel-less romanisations write their long vowels in the
/// same skeleton slots (the onset aside), one of them perhaps one more
/// (داود/داوود): both write every long vowel, so a slot one fills and
/// the other leaves empty twice is another word (مسعودي `msudi` /
/// عموزاد `amuzad`).
pub fn same_long_vowels(a: &str, b: &str) -> bool {
    let slots = |w: &str| {
        let mut m: u64 = 0;
        for_each_vowel_slot(w, |k, _| {
            if k > 0 && k < 64 {
                m |= 1 << k;
            }
        });
        m
    };
    let (x, y) = (slots(a), slots(b));
    (x ^ y).count_ones() <= 1
}

/// Whether a folded Latin word writes a vowel after its last skeleton
/// consonant (Victoria, Beazley: `Some(true)`; Viktor: `Some(false)`);
/// `None` when that ending is or ends in an e, which may be silent
/// (Groupe, Islamique, Moore).
pub fn ends_in_vowel(word: &str) -> Option<bool> {
    let mut last_slot = 0;
    let mut last = 0u8;
    let mut n_vowels_at_end = 0;
    let n = for_each_vowel_slot(word, |k, c| {
        if k != last_slot {
            last_slot = k;
            n_vowels_at_end = 0;
        }
        n_vowels_at_end += 1;
        last = c;
    });
    if n_vowels_at_end == 0 || last_slot != n {
        Some(false)
    } else if last == b'e' {
        None
    } else {
        Some(true)
    }
}

static DM: LazyLock<DoubleMetaphone> = LazyLock::new(|| DoubleMetaphone::new(Some(6)));

/// Slots of the per-thread [`phonetic`] memo (a power of two).
const PHONETIC_MEMO: usize = 16384;

/// Words up to this length are memoised (real name tokens; longer ones are
/// rare and computed each time).
const PHONETIC_MEMO_WORD: usize = 24;

thread_local! {
    /// Direct-mapped memo of recent words and their codes: Double Metaphone
    /// costs ~2,500 instructions a word and was ~6% of a batch run's
    /// instructions, while customer names repeat their tokens heavily.
    static MEMO: std::cell::RefCell<Vec<(String, String)>> =
        std::cell::RefCell::new(vec![(String::new(), String::new()); PHONETIC_MEMO]);
}

/// The Double Metaphone primary code of a folded Latin word.
pub fn phonetic(word: &str) -> String {
    if word.is_empty() || !word.is_ascii() {
        return String::new();
    }
    if word.len() > PHONETIC_MEMO_WORD {
        return DM.double_metaphone(word).primary();
    }
    // FNV-1a over the bytes picks the slot.
    let h = word.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    let slot = (h as usize) & (PHONETIC_MEMO - 1);
    MEMO.with(|m| {
        let mut m = m.borrow_mut();
        let (w, code) = &mut m[slot];
        if w != word {
            *code = DM.double_metaphone(word).primary();
            w.clear();
            w.push_str(word);
        }
        code.clone()
    })
}

#[cfg(test)]
mod tests {
    use super::skeleton as s;

    #[test]
    fn a_latin_spelling_writes_the_long_vowels_of_a_vowel_less_one() {
        use super::long_vowels_written as w;
        // سعدي `sdi` is Saadi, not SAUD.
        assert!(w("sdi", "saadi"));
        assert!(!w("sdi", "saud"));
        // Hebrew ו is u, o or w: מוחמד `mukhmd` is Mohammed's spelling,
        // and its u is not Mahmoud's a.
        assert!(w("mukhmd", "muhammad"));
        assert!(!w("mukhmd", "mahmoud"));
        // Before l it is the English "all": הול `hul` is Hall.
        assert!(w("hul", "hall"));
        // A final i is written: כהן `khn` is not KHANANI, לוי `lui` is Levi.
        assert!(!w("khn", "khanani"));
        assert!(w("lui", "levi"));
    }

    #[test]
    fn the_phonetic_memo_gives_the_computed_code() {
        // More words than slots, so slots are reused; each twice.
        let words: Vec<String> = (0..5000)
            .map(|i| format!("{}{}", ["smith", "schmidt", "tsoi", "khalid"][i % 4], i))
            .collect();
        for _ in 0..2 {
            for w in &words {
                assert_eq!(
                    super::phonetic(w),
                    super::DM.double_metaphone(w).primary(),
                    "{w}"
                );
            }
        }
    }

    #[test]
    fn romanisations_of_one_name_share_a_skeleton() {
        let groups: &[&[&str]] = &[
            &[
                "mohammed", "muhammad", "mohamad", "mohamed", "mhmd", "muhamad",
            ],
            &["sergei", "sergey"],
            &["aleksandr", "alexander", "aleksander"],
            &["yevgeny", "evgeniy", "evgenii", "yevgeniy"],
            &["hussein", "husayn", "hsin", "husain", "hussain"],
            &["lukashenko", "lukashenka"],
            &["djordje", "jordje"],
            &["dzhikhad", "jihad"],
            &["tsoi", "tsoy"],
            &["khalid", "khaled"],
            &["osama", "usama"],
            &["abdulrahman", "abdelrahman", "abdoulrahman"],
            // tz inside a word is two consonants: مرتضی read `mrtzi`.
            &["morteza", "mrtzi", "murtaza"],
            &["tzvi", "tsvi"],
        ];
        for g in groups {
            let k = s(g[0]);
            for w in g.iter() {
                assert_eq!(s(w), k, "{w} vs {}", g[0]);
            }
        }
    }

    #[test]
    fn vowel_slots_follow_the_skeleton() {
        let mut v = Vec::new();
        let n = super::for_each_vowel_slot("mahmoud", |k, c| v.push((k, c as char)));
        assert_eq!(n, 4);
        assert_eq!(v, [(1, 'a'), (3, 'o'), (3, 'u')]);
        // The same classes as the skeleton: `mhmd`.
        assert_eq!(n, super::skeleton("mahmoud").len());
    }

    #[test]
    fn long_vowels_of_a_vowelless_spelling_must_be_written() {
        use super::long_vowels_written as a;
        assert!(a("sdi", "saadi"));
        assert!(!a("sdi", "saud"));
        assert!(a("mhmud", "mahmoud"));
        assert!(!a("mhmudi", "muhammad"));
        assert!(a("hsin", "hussein"));
        assert!(a("hsin", "husayn"));
        assert!(!a("slimani", "salman"));
        assert!(a("musa", "moussa"));
        assert!(a("hsn", "hasan"));
        assert!(a("mrtdi", "morteza"));
        assert!(!a("sifi", "sophie"));
        assert!(a("iusf", "yousef"));
        assert!(a("daud", "daoud"));
        assert!(a("hqana", "haqqani"));
    }

    #[test]
    fn endings() {
        use super::ends_in_vowel as e;
        assert_eq!(e("victoria"), Some(true));
        assert_eq!(e("viktor"), Some(false));
        assert_eq!(e("beazley"), Some(true));
        assert_eq!(e("groupe"), None);
        assert_eq!(e("islamique"), None);
        assert_eq!(e("group"), Some(false));
    }

    #[test]
    fn different_names_keep_different_skeletons() {
        assert_ne!(s("putin"), s("patel"));
        assert_ne!(s("kim"), s("lee"));
        assert_ne!(s("chol"), s("sol"));
    }
}
