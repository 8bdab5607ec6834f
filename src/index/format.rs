//! The on-disk index format, version [`FORMAT_VERSION`].
//!
//! An index is a folder, immutable once published:
//!
//! | file | what |
//! |---|---|
//! | `manifest.json` | written last: format, engine and analysis versions, the source lists (id, version, counts, sha256 of every input file), and the sha256 and size of every other file |
//! | `terms.fst` | FST: term text → term id. Terms are every spelling of every token of every listed name after [analysis](crate::analysis); ids are the terms' sorted order |
//! | `keys.fst` | FST: typed key → packed (offset, len) of a u32 list in the `KEYLISTS` section. Key types (first byte): `s` consonant skeleton → term ids; `p` Double Metaphone code → term ids; `g` two adjacent tokens glued (or three, the middle one a particle: `muhyialdin`) → name ids; `G` the consonant skeleton (5 letters or more) of those glued tokens → name ids; `t` a two-letter skeleton of a term that some name carries transliterated → term ids; `v` a 3-letter term with one vowel (a e i o u y) replaced by `_` → term ids; `i` a normalised identifier value (passport, IMO, BIC, crypto address, …) → entity indexes |
//! | `tables.bin` | fixed-width little-endian tables (below) |
//! | `records.bin` | each entity's canonical record (JSON, the [`Entity`](crate::model::Entity) as read), for display and field-by-field diffs, each followed by its hit facts (JSON: the primary name, dates of birth, countries and links a hit reads) |
//!
//! `tables.bin` starts with a 16-byte header — magic `EMBGTBL1`, format
//! version (u32), section count (u32) — then the section table, one 24-byte
//! entry per section: kind (u32), reserved (u32), offset (u64), length
//! (u64), offsets from the start of the file. Sections:
//!
//! | kind | section | layout |
//! |---|---|---|
//! | 1 | `STRINGS` | UTF-8 bytes, referenced by (offset u32, len u32) pairs |
//! | 2 | `TERMS` | per term id, 32 bytes: text (off u32, len u32), skeleton (off u32, len u32), phonetic (off u32, len u32), postings (off u32 in `POSTINGS`, count u32) |
//! | 3 | `POSTINGS` | u32 name ids, sorted, per term |
//! | 4 | `NAMES` | per name id, 20 bytes: entity index u32, first token u32 (in `TOKENS`), token count u16, strength u8 (0 primary, 1 aka, 2 weak aka, 3 fka, 4 nka), reserved u8, text (off u32, len u32) |
//! | 5 | `TOKENS` | per token, 16 bytes: term id u32, weight f32, role u8, script u8 (low 7 bits: 0 Latin, 1 transliterated, 2 transliterated from a script writing no short vowels: Arabic, Persian, Hebrew; 3 a syllable of a script writing a syllable a character: Han, Hangul; bit 7: the lead surname of a Spanish double surname, `Token::lead_surname`), alt count u16, first alt u32 (in `ALTS`) |
//! | 6 | `ALTS` | u32 term ids of alternative spellings |
//! | 7 | `ENTITIES` | per entity, 64 bytes: id (off u32, len u32), list index u16, kind u8 (0 person, 1 organization, 2 vessel, 3 aircraft, 4 unknown), reserved u8, first name u32, name count u32 (names of an entity are consecutive), record (off u32 in `records.bin`, len u32), content hash (sha256 of the record, 32 bytes), hit facts length u32 (the [`HitFacts`](crate::model::HitFacts) JSON stored right after the record) |
//! | 8 | `KEYLISTS` | u32 lists referenced from `keys.fst` |
//! | 9 | `LISTS` | per source list, 16 bytes: list id (off u32, len u32), version (off u32, len u32; len 0 = none) |
//! | 10 | `DELETIONS` | the deletion-neighbourhood hash table: every deletion variant of every term (up to two characters removed, [`deletions`](super::build::deletions)) → term ids; a power of two of u64 slots ([`delhash`](super::delhash) has the layout and the hash) |
//! | 11 | `DELETION_LISTS` | the term lists of `DELETIONS` keys of more than one term: a count u32, then the ids |
//!
//! All integers are little-endian. Every reference is bounds-checked when
//! read, and the section table is validated when the index is opened
//! (cheap: no data is scanned), so a corrupt file gives an error, never a
//! panic. Full sha256 checks (`embargo inspect --verify`) compare every
//! file with the manifest.
//!
//! A change to any of this bumps [`FORMAT_VERSION`]; an index of another
//! version is refused with a message to rebuild it.

/// Version of this format. Bump on any change to the files above.
pub const FORMAT_VERSION: u32 = 6;
/// Magic bytes at the start of `tables.bin`.
pub const MAGIC: &[u8; 8] = b"EMBGTBL1";
/// Header size of `tables.bin`.
pub const HEADER_SIZE: usize = 16;
/// Size of one section-table entry.
pub const SECTION_ENTRY_SIZE: usize = 24;

/// File names inside an index folder.
pub const MANIFEST_FILE: &str = "manifest.json";
pub const TERMS_FILE: &str = "terms.fst";
pub const KEYS_FILE: &str = "keys.fst";
pub const TABLES_FILE: &str = "tables.bin";
pub const RECORDS_FILE: &str = "records.bin";
/// Every data file named in the manifest, in a fixed order.
pub const DATA_FILES: [&str; 4] = [TERMS_FILE, KEYS_FILE, TABLES_FILE, RECORDS_FILE];

/// Section kinds.
pub mod section {
    pub const STRINGS: u32 = 1;
    pub const TERMS: u32 = 2;
    pub const POSTINGS: u32 = 3;
    pub const NAMES: u32 = 4;
    pub const TOKENS: u32 = 5;
    pub const ALTS: u32 = 6;
    pub const ENTITIES: u32 = 7;
    pub const KEYLISTS: u32 = 8;
    pub const LISTS: u32 = 9;
    pub const DELETIONS: u32 = 10;
    pub const DELETION_LISTS: u32 = 11;
    /// Every section a valid file has.
    pub const ALL: [u32; 11] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
}

/// Record sizes.
pub const TERM_SIZE: usize = 32;
/// Name record: entity u32, first token u32, token count u16, strength u8,
/// reserved u8, text (off u32, len u32) — 20 bytes.
pub const NAME_SIZE: usize = 20;
pub const TOKEN_SIZE: usize = 16;
pub const ENTITY_SIZE: usize = 64;
pub const LIST_SIZE: usize = 16;

/// Key-type bytes of `keys.fst`.
pub mod key {
    /// A deletion neighbour (the key family of the customer index's FST;
    /// the list index keeps its deletions in the `DELETIONS` table).
    pub const DELETION: u8 = b'd';
    pub const SKELETON: u8 = b's';
    pub const PHONETIC: u8 = b'p';
    pub const GLUED: u8 = b'g';
    /// Skeleton (≥ 5 letters) of two adjacent tokens glued → name ids: the
    /// glued spellings that meet on a skeleton only ("Abdul Rahman" /
    /// "Abdulrahmaan"), which the matcher must retrieve too.
    pub const GLUED_SKELETON: u8 = b'G';
    /// Two-letter skeleton of a term some name carries transliterated →
    /// term ids (two consonants meet only where a side was transliterated:
    /// an untransliterated query token finds those terms here).
    pub const SHORT_SKELETON: u8 = b't';
    /// The one-consonant key ([`crate::score::one_consonant_key`]: the
    /// consonant and the vowel slots filled) of a term of 3 to 7 letters →
    /// term ids: where a vowel-less query spelling of one consonant finds
    /// the terms it may meet (عدي / UDAY).
    pub const ONE_CONSONANT: u8 = b'o';
    /// A 3-letter term with one vowel replaced by `_` → term ids: where
    /// 3-letter names differing in a vowel meet (Fey/Fei, Son/Sun).
    pub const VOWEL_SWAP: u8 = b'v';
    /// Skeleton (≥ 2 letters) of what follows the article of a Latin term
    /// written with it glued on (Elsseid → `sd`, see
    /// [`crate::score::article_stripped`]) → term ids: where a vowel-less
    /// query spelling finds it.
    pub const ARTICLE_SKELETON: u8 = b'a';
    /// A normalised identifier value (see [`normalize_id`](super::normalize_id)) → entity indexes.
    pub const IDENTIFIER: u8 = b'i';
}

/// The vowel-swap keys of a 3-letter spelling (see [`key::VOWEL_SWAP`]),
/// without the key-type byte; none for other lengths.
pub fn vowel_swap_keys(s: &str) -> Vec<[u8; 3]> {
    let b = s.as_bytes();
    if b.len() != 3 {
        return Vec::new();
    }
    (0..3)
        .filter(|&i| matches!(b[i], b'a' | b'e' | b'i' | b'o' | b'u' | b'y'))
        .map(|i| {
            let mut k = [b[0], b[1], b[2]];
            k[i] = b'_';
            k
        })
        .collect()
}

/// Normalises an identifier value for exact lookup: ASCII letters and
/// digits only, upper-cased (`"A-12 345"` → `"A12345"`; `"IMO 9187629"` →
/// `"IMO9187629"`, so IMO numbers are also indexed without their prefix).
pub fn normalize_id(value: &str) -> String {
    value
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Packs a KEYLISTS (offset, len) into an FST value.
pub fn pack(off: u32, len: u32) -> u64 {
    ((off as u64) << 32) | len as u64
}

/// Unpacks an FST value into a KEYLISTS (offset, len).
pub fn unpack(v: u64) -> (u32, u32) {
    ((v >> 32) as u32, v as u32)
}

/// Bounds-checked little-endian reads from a byte slice.
pub(crate) mod le {
    pub fn u16_at(b: &[u8], at: usize) -> Option<u16> {
        Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
    }
    pub fn u32_at(b: &[u8], at: usize) -> Option<u32> {
        Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
    }
    pub fn u64_at(b: &[u8], at: usize) -> Option<u64> {
        Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
    }
    pub fn f32_at(b: &[u8], at: usize) -> Option<f32> {
        Some(f32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
    }
}
