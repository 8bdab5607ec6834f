//! Text normalisation shared by the list readers, the index builder and the
//! query side. (For now: script detection; the full analysis chain —
//! NFKC, case folding, transliteration, name parts — lands with the
//! analysis issue.)

pub mod script;
pub mod text;
pub mod translit;
