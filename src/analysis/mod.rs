//! Name analysis: one name string → tagged tokens with their keys and
//! frozen weights. The *same* code runs when an index is built and when a
//! query is screened; [`ANALYSIS_VERSION`] names the rules and dictionaries
//! and is recorded with every index so a query repeats the build's analysis.
//!
//! The chain, per name:
//! 1. [`crate::normalize::text::fold`]: NFKC, case folding, marks off,
//!    canonical punctuation;
//! 2. [`crate::normalize::translit::romanize_word`] writes every
//!    word in Latin letters, with the other common romanisations kept as
//!    alternative spellings of the same token; Arabic-script compounds
//!    that Latin spellings write as one word are joined first ("abd" +
//!    article → `abdul`, X + الله → `Xallah`/`Xullah`, X + الدين →
//!    `Xaldin`/`Xuddin`/`Xeddin`);
//! 3. name parts ([`parts`]): legal forms canonicalised (`limited liability
//!    company`, `ooo` → `llc`), titles, particles and initials tagged —
//!    never deleted;
//! 4. keys ([`keys`]): the consonant skeleton (where romanisations meet:
//!    Mohammed/Muhammad/محمد → `mhmd`) and the Double Metaphone code;
//! 5. weights ([`weights`]): how informative each token is, from name
//!    frequencies frozen in `data/analysis/token_weights.tsv` — never from
//!    the entities an index happens to hold.

pub mod keys;
pub mod parts;
pub mod weights;

use serde::Serialize;

use crate::normalize::{
    text::fold,
    translit::{
        has_arabic_article, romanize_word, sun_letter, writes_no_short_vowels, writes_syllables,
    },
};

/// Version of the analysis rules, dictionaries and weight table. Any change
/// that alters a token, key or weight bumps it; indexes record it.
pub const ANALYSIS_VERSION: &str = "analysis-10";

/// What part of a name a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// An ordinary name word.
    Word,
    /// A single letter (`j` of "J. Smith").
    Initial,
    /// An honorific, title or rank (`sheikh`, `dr`, `general`).
    Title,
    /// A particle (`al`, `bin`, `van`, `de`).
    Particle,
    /// An organisation legal form, canonicalised (`llc`, `jsc`, `gmbh`).
    LegalForm,
}

impl Role {
    /// True for roles that identify a party (words and initials).
    pub fn is_name(self) -> bool {
        matches!(self, Role::Word | Role::Initial)
    }
}

/// One token of an analysed name.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Token {
    /// Primary Latin spelling (for legal forms: the canonical form).
    pub text: String,
    /// Other spellings of the same token (other romanisations).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub alts: Vec<String>,
    pub role: Role,
    /// Consonant skeleton of `text` (see [`keys::skeleton`]).
    pub skeleton: String,
    /// Double Metaphone primary code of `text`.
    pub phonetic: String,
    /// Frozen informativeness in (0, 1]: rare surname ≈ 1, `mohammed` low.
    pub weight: f32,
    /// The token was transliterated from a non-Latin script.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub transliterated: bool,
    /// The token was transliterated from a script that writes no short
    /// vowels (Arabic, Persian, Hebrew): a vowel-less romanisation (`mhmd`)
    /// that meets Latin spellings on its consonants.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub abjad: bool,
    /// The token is one syllable of a script that writes a syllable a
    /// character (Han, Hangul): names draw on few syllables, so two
    /// different ones are different names, not spellings of one.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub syllabic: bool,
    /// The first of exactly two family words written before a comma in a
    /// Latin-script name (FLORES in "FLORES GOMEZ, Felipe"): a Spanish
    /// double surname, led by the one a person keeps when using one.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub lead_surname: bool,
}

impl Token {
    /// Every spelling: `text` then `alts`.
    pub fn spellings(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.text.as_str()).chain(self.alts.iter().map(String::as_str))
    }
}

/// An analysed name.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analysis {
    /// The folded form (before transliteration), for display.
    pub folded: String,
    pub tokens: Vec<Token>,
}

impl Analysis {
    /// Tokens that identify a party (words and initials).
    pub fn name_tokens(&self) -> impl Iterator<Item = &Token> {
        self.tokens.iter().filter(|t| t.role.is_name())
    }
}

/// Analyses one name (see the module docs). Never panics; an empty or
/// punctuation-only name gives no tokens.
pub fn analyze(name: &str) -> Analysis {
    analyze_with(name, true)
}

/// [`analyze`] leaving every token's `phonetic` empty until
/// [`Analysis::fill_phonetics`]: the matcher needs the codes of a query's
/// tokens only to expand a token not in its cache and to score names, and
/// most queries do neither (Double Metaphone was ~4% of a batch run).
pub fn analyze_deferred(name: &str) -> Analysis {
    analyze_with(name, false)
}

impl Analysis {
    /// Computes the phonetic codes [`analyze_deferred`] left out (a no-op
    /// after [`analyze`]).
    pub fn fill_phonetics(&mut self) {
        for t in &mut self.tokens {
            if t.phonetic.is_empty() {
                t.phonetic = keys::phonetic(&t.text);
            }
        }
    }
}

fn analyze_with(name: &str, phonetic: bool) -> Analysis {
    let folded = fold(name);
    // Romanise word by word; a word may become several (Han, Hangul, the
    // Arabic article), each with its alternative spellings.
    // Per token: its script flags.
    let mut raw: Vec<(String, Vec<String>, Flags)> = Vec::new();
    let mut words: Vec<&str> = Vec::new();
    let all: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
    for (n, &w) in all.iter().enumerate() {
        // "abd" glued to an article word (عبدالرحمن, عبدالخالق) is the two
        // words عبد الرحمن written without the space. Not where the rest is
        // short: lists write those glued too (عبدالحی Abdulhai, عبدالحق
        // Abdulhaq); عبدالله keeps its own rule (one word `abdallah`).
        // Nor is a name glued before "abd" when an article word follows
        // (محمدعبد البصیر: the final د of محمد does not join, so the missing
        // space does not show).
        let next_article = all.get(n + 1).is_some_and(|x| has_arabic_article(x));
        match (w.strip_prefix("عبد"), w.strip_suffix("عبد")) {
            (Some(rest), _) if has_arabic_article(rest) && rest.chars().count() >= 5 => {
                words.push("عبد");
                words.push(rest);
            }
            (_, Some(head)) if next_article && head.chars().count() >= 2 && ends_unjoined(head) => {
                words.push(head);
                words.push("عبد");
            }
            _ => words.push(w),
        }
    }
    let mut k = 0;
    while k < words.len() {
        let word = words[k];
        k += 1;
        // Arabic "abd" ("servant of") + an article word is one name part
        // that Latin spellings write as one or two words with the article
        // glued on: عبد الرحمن → `abdul` `rhmn` (Abdul Rahman, Abdulrahman,
        // Abdel/Abdal/Abdol/Abdur Rahman; "Abd al-Rahman" glues back at
        // scoring), عبد الله → `abdullah`.
        if word == "عبد" && k < words.len() {
            let next = words[k];
            if next == "الله" {
                raw.push(("abdullah".into(), vec!["abdallah".into()], ABJAD));
                k += 1;
                continue;
            }
            if has_arabic_article(next) {
                let mut alts: Vec<String> = ["abdal", "abdel", "abdol"].map(String::from).into();
                if let Some(s) = next.chars().nth(2).and_then(sun_letter) {
                    alts.push(format!("abdu{s}"));
                }
                raw.push(("abdul".into(), alts, ABJAD));
                let rest: String = next.chars().skip(2).collect();
                push_word(&mut raw, &rest);
                k += 1;
                continue;
            }
        }
        // A name ending in the name of God or in "al-Din" is one name part
        // that lists mostly write as one word (Habibullah, Nooruddin,
        // Shahabuddin): حبيب الله → `hbiballah`, شهاب الدين →
        // `shhabaldin` (alternatives with ullah, uddin, eddin).
        if k < words.len() && !word.is_ascii() {
            let suffixes: &[&str] = match words[k] {
                "الله" => &["allah", "ullah"],
                "الدين" | "الدین" => &["aldin", "uddin", "eddin"],
                _ => &[],
            };
            let stems = romanize_word(word);
            if !suffixes.is_empty()
                && !stems.is_empty()
                && stems.iter().all(|s| !s.is_empty() && !s.contains(' '))
            {
                let mut all: Vec<String> = Vec::new();
                for suffix in suffixes {
                    for stem in &stems {
                        let x = format!("{stem}{suffix}");
                        if !all.contains(&x) {
                            all.push(x);
                        }
                    }
                }
                let text = all.remove(0);
                raw.push((text, all, Flags::of(word)));
                k += 1;
                continue;
            }
        }
        push_word(&mut raw, word);
    }
    let tagged = parts::tag(raw);
    let tokens = tagged
        .into_iter()
        .map(|(text, alts, role, flags)| {
            let skeleton = keys::skeleton(&text);
            let phonetic = if phonetic {
                keys::phonetic(&text)
            } else {
                String::new()
            };
            let weight = weights::token_weight(&text, role);
            Token {
                text,
                alts,
                role,
                skeleton,
                phonetic,
                weight,
                transliterated: flags.transliterated,
                abjad: flags.abjad,
                syllabic: flags.syllabic,
                lead_surname: false,
            }
        })
        .collect();
    let mut tokens: Vec<Token> = tokens;
    mark_lead_surname(name, &mut tokens);
    Analysis {
        folded: folded.into_owned(),
        tokens,
    }
}

/// Whether an Arabic-script word ends in a letter that does not join the
/// next (ا د ذ ر ز و, and their Persian kin ژ): a space after it does not
/// show, so lists drop it.
fn ends_unjoined(word: &str) -> bool {
    word.chars().last().is_some_and(|c| {
        matches!(
            c,
            'ا' | 'أ' | 'إ' | 'آ' | 'د' | 'ذ' | 'ر' | 'ز' | 'ژ' | 'و' | 'ؤ' | 'ة'
        )
    })
}

/// Marks the lead surname (see [`Token::lead_surname`]): the name is
/// written "FAMILY1 FAMILY2, Given…", both family words are Latin-script
/// name words that became one token each, and a name word follows.
fn mark_lead_surname(name: &str, tokens: &mut [Token]) {
    let Some((family, given)) = name.split_once(',') else {
        return;
    };
    if given.contains(',') {
        return;
    }
    let family = fold(family);
    let words: Vec<&str> = family.split(' ').filter(|w| !w.is_empty()).collect();
    let [w1, w2] = words[..] else {
        return;
    };
    let word = |t: &Token, w: &str| t.role == Role::Word && !t.transliterated && t.text == w;
    let ok = tokens.len() >= 3
        && word(&tokens[0], w1)
        && word(&tokens[1], w2)
        && tokens[2..].iter().any(|t| t.role == Role::Word);
    if ok {
        tokens[0].lead_surname = true;
    }
}

/// What a token's source word was written in (see [`Token`]).
#[derive(Debug, Clone, Copy, Default)]
struct Flags {
    transliterated: bool,
    abjad: bool,
    syllabic: bool,
}

/// The flags of a word romanised from Arabic script.
const ABJAD: Flags = Flags {
    transliterated: true,
    abjad: true,
    syllabic: false,
};

impl Flags {
    fn of(word: &str) -> Flags {
        Flags {
            transliterated: !word.is_ascii(),
            abjad: writes_no_short_vowels(word),
            syllabic: writes_syllables(word),
        }
    }
}

/// Romanises one folded word into `raw` tokens (a word may give several),
/// each with its alternative spellings.
fn push_word(raw: &mut Vec<(String, Vec<String>, Flags)>, word: &str) {
    if word.is_ascii() && !word.contains(' ') {
        // What romanisation gives an ASCII word: itself, alone, neither
        // transliterated nor vowel-less (the common case, without its
        // allocations).
        raw.push((word.to_string(), Vec::new(), Flags::default()));
        return;
    }
    let spellings = romanize_word(word);
    let flags = Flags::of(word);
    let Some(primary) = spellings.first() else {
        return;
    };
    let primary_words: Vec<&str> = primary.split(' ').collect();
    for (i, pw) in primary_words.iter().enumerate() {
        let mut alts = Vec::new();
        for other in spellings.iter().skip(1) {
            let ow: Vec<&str> = other.split(' ').collect();
            if ow.len() == primary_words.len() && ow[i] != *pw && !alts.iter().any(|a| a == ow[i]) {
                alts.push(ow[i].to_string());
            }
        }
        raw.push((pw.to_string(), alts, flags));
    }
    // A Hangul word gives a token a syllable: add the informal spellings
    // of its syllables (이 Lee, 박 Park, 최 Choi).
    if flags.syllabic && word.chars().count() == primary_words.len() {
        let first = raw.len() - primary_words.len();
        for (c, tok) in word.chars().zip(&mut raw[first..]) {
            for s in crate::normalize::translit::hangul_informal(c) {
                if tok.0 != *s && !tok.1.iter().any(|a| a == s) {
                    tok.1.push((*s).to_string());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(a: &Analysis) -> Vec<&str> {
        a.tokens.iter().map(|t| t.text.as_str()).collect()
    }

    fn leads(name: &str) -> Vec<String> {
        analyze(name)
            .tokens
            .into_iter()
            .filter(|t| t.lead_surname)
            .map(|t| t.text)
            .collect()
    }

    #[test]
    fn a_word_that_romanises_to_nothing_before_allah_is_no_compound() {
        // Found by fuzzing: the compound rule took the first of no stems.
        for name in ["\u{FFFD} الله", "\u{FFFD}\u{FFFD} الدين", "\u{0640} الله"] {
            let _ = analyze(name);
        }
    }

    #[test]
    fn a_name_glued_before_abd_and_an_article_word_is_split() {
        // The final د of محمد does not join: the missing space is unseen.
        let a = analyze("نظر محمدعبد البصیر");
        assert_eq!(texts(&a), ["nzr", "mhmd", "abdul", "bsir"]);
        // Without an article word after it, or after a joining letter,
        // the word stays whole.
        assert_eq!(analyze("محمدعبد").tokens.len(), 1);
        assert!(!texts(&analyze("سلیمعبد البصیر")).contains(&"abdul"));
    }

    #[test]
    fn the_first_of_two_family_words_before_a_comma_leads() {
        assert_eq!(leads("FLORES GOMEZ, Felipe"), ["flores"]);
        assert_eq!(leads("RODRÍGUEZ OREJUELA, Gilberto José"), ["rodriguez"]);
        // One family word, no comma, a particle, or no given name: none.
        assert!(leads("GOMEZ, Felipe").is_empty());
        assert!(leads("Felipe Flores Gomez").is_empty());
        assert!(leads("DE LA CRUZ, Juan").is_empty());
        assert!(leads("FLORES GOMEZ,").is_empty());
        assert!(leads("АБРАМОВ ИВАНОВ, Пётр").is_empty());
    }

    #[test]
    fn deferred_phonetics_filled_equal_the_full_analysis() {
        for name in [
            "Stephen Stevens",
            "Сергей Лавров",
            "OOO Romashka LLC",
            "J. Smith",
            "عبد الرحمن",
            "",
        ] {
            let mut d = analyze_deferred(name);
            assert!(d.tokens.iter().all(|t| t.phonetic.is_empty()), "{name}");
            d.fill_phonetics();
            assert_eq!(d, analyze(name), "{name}");
        }
    }

    #[test]
    fn cyrillic_name_is_romanized_with_alternatives() {
        let a = analyze("Сергей Лавров");
        assert_eq!(texts(&a), ["sergey", "lavrov"]);
        assert_eq!(a.tokens[0].alts, ["sergei"]);
        assert!(a.tokens[0].transliterated);
    }

    #[test]
    fn legal_forms_titles_particles_and_initials_are_tagged_not_deleted() {
        let a = analyze("Sheikh Abu Bakr al-Baghdadi");
        let roles: Vec<Role> = a.tokens.iter().map(|t| t.role).collect();
        assert_eq!(
            roles,
            [
                Role::Title,
                Role::Particle,
                Role::Word,
                Role::Particle,
                Role::Word
            ]
        );
        let b = analyze("Romashka Limited Liability Company");
        assert_eq!(texts(&b), ["romashka", "llc"]);
        assert_eq!(b.tokens[1].role, Role::LegalForm);
        let c = analyze("J. Smith");
        assert_eq!(c.tokens[0].role, Role::Initial);
    }

    #[test]
    fn a_title_word_that_is_the_whole_name_stays_a_word() {
        let a = analyze("Sultan");
        assert_eq!(a.tokens[0].role, Role::Word);
        let b = analyze("Kim Jong Un");
        assert!(b.tokens.iter().all(|t| t.role == Role::Word));
    }

    #[test]
    fn arabic_compounds_are_joined_as_lists_write_them() {
        let a = analyze("عبد الرحمن");
        assert_eq!(texts(&a), ["abdul", "rhmn"]);
        assert!(a.tokens[0].alts.contains(&"abdur".to_string()));
        assert_eq!(texts(&analyze("عبد الله")), ["abdullah"]);
        // The same written without the space.
        assert_eq!(texts(&analyze("عبدالرحمن")), ["abdul", "rhmn"]);
        assert_eq!(texts(&analyze("عبدالله")), ["abdallah"]);
        let b = analyze("حبيب الله");
        assert_eq!(texts(&b), ["hbiballah"]);
        assert_eq!(b.tokens[0].alts, ["hbibullah"]);
        let c = analyze("شهاب الدين");
        assert_eq!(texts(&c), ["shhabaldin"]);
        assert!(c.tokens[0].alts.contains(&"shhabuddin".to_string()));
    }

    #[test]
    fn empty_and_punctuation_only_names_have_no_tokens() {
        assert!(analyze("").tokens.is_empty());
        assert!(analyze(" -- ,, ").tokens.is_empty());
    }
}
