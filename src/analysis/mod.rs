//! Name analysis: one name string → tagged tokens with their keys and
//! frozen weights. The *same* code runs when an index is built and when a
//! query is screened; [`ANALYSIS_VERSION`] names the rules and dictionaries
//! and is recorded with every index so a query repeats the build's analysis.
//!
//! The chain, per name:
//! 1. [`fold`](crate::normalize::text::fold): NFKC, case folding, marks off,
//!    canonical punctuation;
//! 2. [`romanize_word`](crate::normalize::translit::romanize_word): every
//!    word in Latin letters, with the other common romanisations kept as
//!    alternative spellings of the same token;
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

use crate::normalize::{text::fold, translit::romanize_word};

/// Version of the analysis rules, dictionaries and weight table. Any change
/// that alters a token, key or weight bumps it; indexes record it.
pub const ANALYSIS_VERSION: &str = "analysis-3";

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
    let folded = fold(name);
    // Romanise word by word; a word may become several (Han, Hangul, the
    // Arabic article), each with its alternative spellings.
    let mut raw: Vec<(String, Vec<String>, bool)> = Vec::new();
    for word in folded.split(' ').filter(|w| !w.is_empty()) {
        let spellings = romanize_word(word);
        let transliterated = !word.is_ascii();
        let Some(primary) = spellings.first() else {
            continue;
        };
        let primary_words: Vec<&str> = primary.split(' ').collect();
        for (i, pw) in primary_words.iter().enumerate() {
            let mut alts = Vec::new();
            for other in spellings.iter().skip(1) {
                let ow: Vec<&str> = other.split(' ').collect();
                if ow.len() == primary_words.len()
                    && ow[i] != *pw
                    && !alts.iter().any(|a| a == ow[i])
                {
                    alts.push(ow[i].to_string());
                }
            }
            raw.push((pw.to_string(), alts, transliterated));
        }
    }
    let tagged = parts::tag(raw);
    let tokens = tagged
        .into_iter()
        .map(|(text, alts, role, transliterated)| {
            let skeleton = keys::skeleton(&text);
            let phonetic = keys::phonetic(&text);
            let weight = weights::token_weight(&text, role);
            Token {
                text,
                alts,
                role,
                skeleton,
                phonetic,
                weight,
                transliterated,
            }
        })
        .collect();
    Analysis {
        folded: folded.into_owned(),
        tokens,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(a: &Analysis) -> Vec<&str> {
        a.tokens.iter().map(|t| t.text.as_str()).collect()
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
    fn empty_and_punctuation_only_names_have_no_tokens() {
        assert!(analyze("").tokens.is_empty());
        assert!(analyze(" -- ,, ").tokens.is_empty());
    }
}
