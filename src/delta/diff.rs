//! What changed between two versions of the lists: entities added,
//! removed, and changed (with the fields that differ).
//!
//! An entity is *changed* when its canonical record differs — any parsed
//! field, remarks included. Between two indexes the stored content hashes
//! are compared first (cheap, no decoding), and only entities whose hashes
//! differ have their records decoded to name the fields. The same
//! field comparison ([`changed_fields`]) serves [`diff_entities`], which
//! works on parsed lists without an index.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::error::Result;
use crate::index::Index;
use crate::model::Entity;

/// A field of the canonical record, as `diff` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Names,
    Kind,
    Dobs,
    Countries,
    Addresses,
    Ids,
    Programs,
    /// Remarks and the free-form attributes (title, gender, vessel data…).
    Remarks,
    Links,
}

impl Field {
    /// The word used in every output.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Names => "names",
            Field::Kind => "kind",
            Field::Dobs => "dobs",
            Field::Countries => "countries",
            Field::Addresses => "addresses",
            Field::Ids => "ids",
            Field::Programs => "programs",
            Field::Remarks => "remarks",
            Field::Links => "links",
        }
    }
}

/// The fields in which two records of the same entity differ (empty when
/// the records are equal). Order within a field counts: the canonical
/// record is what the list says, in the list's order.
pub fn changed_fields(old: &Entity, new: &Entity) -> Vec<Field> {
    let mut out = Vec::new();
    if old.names != new.names {
        out.push(Field::Names);
    }
    if old.kind != new.kind {
        out.push(Field::Kind);
    }
    if old.dobs != new.dobs {
        out.push(Field::Dobs);
    }
    if old.countries != new.countries {
        out.push(Field::Countries);
    }
    if old.addresses != new.addresses {
        out.push(Field::Addresses);
    }
    if old.ids != new.ids {
        out.push(Field::Ids);
    }
    if old.programs != new.programs {
        out.push(Field::Programs);
    }
    if old.remarks != new.remarks || old.attributes != new.attributes {
        out.push(Field::Remarks);
    }
    if old.links != new.links {
        out.push(Field::Links);
    }
    out
}

/// One changed entity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Changed {
    pub entity_id: String,
    pub fields: Vec<Field>,
}

/// Added, removed and changed entity ids, each sorted by id (numbers
/// within ids in numeric order: `ofac-sdn:99` before `ofac-sdn:100`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct EntityDiff {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub changed: Vec<Changed>,
}

impl EntityDiff {
    /// True when nothing was added, removed or changed.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }

    fn sort(&mut self) {
        self.added.sort_by(|a, b| natural_cmp(a, b));
        self.removed.sort_by(|a, b| natural_cmp(a, b));
        self.changed
            .sort_by(|a, b| natural_cmp(&a.entity_id, &b.entity_id));
    }
}

/// The diff of two parsed versions of the lists (entities matched by id).
pub fn diff_entities(old: &[Entity], new: &[Entity]) -> EntityDiff {
    let old_by_id: HashMap<&str, &Entity> = old.iter().map(|e| (e.id.as_str(), e)).collect();
    let new_ids: HashMap<&str, ()> = new.iter().map(|e| (e.id.as_str(), ())).collect();
    let mut d = EntityDiff::default();
    for e in new {
        match old_by_id.get(e.id.as_str()) {
            None => d.added.push(e.id.clone()),
            Some(o) => {
                let fields = changed_fields(o, e);
                if !fields.is_empty() {
                    d.changed.push(Changed {
                        entity_id: e.id.clone(),
                        fields,
                    });
                }
            }
        }
    }
    for e in old {
        if !new_ids.contains_key(e.id.as_str()) {
            d.removed.push(e.id.clone());
        }
    }
    d.sort();
    d
}

/// The diff of two indexes, as `embargo diff --json` prints it.
#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    /// Manifest hash of the old index.
    pub old: String,
    /// Manifest hash of the new index.
    pub new: String,
    #[serde(flatten)]
    pub entities: EntityDiff,
    /// Primary names of the entities reported (for human output).
    #[serde(skip)]
    pub primary_names: BTreeMap<String, String>,
}

/// Where an entity sits in an index: its position and content hash.
fn positions(idx: &Index) -> Result<HashMap<String, (u32, Vec<u8>)>> {
    let mut m = HashMap::with_capacity(idx.entity_count() as usize);
    for i in 0..idx.entity_count() {
        let e = idx.entity(i)?;
        m.insert(e.id.to_string(), (i, e.content_hash.to_vec()));
    }
    Ok(m)
}

/// The diff of two indexes: content hashes first, then the records of the
/// entities whose hashes differ.
pub fn diff_indexes(old: &Index, new: &Index) -> Result<Diff> {
    let old_pos = positions(old)?;
    let mut d = EntityDiff::default();
    let mut primary_names = BTreeMap::new();
    let mut seen_in_new = HashMap::with_capacity(new.entity_count() as usize);
    for i in 0..new.entity_count() {
        let ne = new.entity(i)?;
        seen_in_new.insert(ne.id.to_string(), ());
        match old_pos.get(ne.id) {
            None => {
                d.added.push(ne.id.to_string());
                let rec = new.entity_record(&ne)?;
                primary_names.insert(ne.id.to_string(), rec.primary_name().to_string());
            }
            Some((_, h)) if h.as_slice() == ne.content_hash => {}
            Some((oi, _)) => {
                let oe = old.entity(*oi)?;
                let (orec, nrec) = (old.entity_record(&oe)?, new.entity_record(&ne)?);
                let fields = changed_fields(&orec, &nrec);
                // Equal records under different hashes (an engine that
                // hashed differently) are not a change of the list.
                if !fields.is_empty() {
                    primary_names.insert(ne.id.to_string(), nrec.primary_name().to_string());
                    d.changed.push(Changed {
                        entity_id: ne.id.to_string(),
                        fields,
                    });
                }
            }
        }
    }
    for (id, (oi, _)) in &old_pos {
        if !seen_in_new.contains_key(id) {
            d.removed.push(id.clone());
            let oe = old.entity(*oi)?;
            let rec = old.entity_record(&oe)?;
            primary_names.insert(id.clone(), rec.primary_name().to_string());
        }
    }
    d.sort();
    Ok(Diff {
        old: old.manifest_sha256().to_string(),
        new: new.manifest_sha256().to_string(),
        entities: d,
        primary_names,
    })
}

/// The human summary of a diff: counts, then the first `show` entities of
/// each kind of change with their primary names.
pub fn render_human(d: &Diff, show: usize) -> String {
    use std::fmt::Write;
    let e = &d.entities;
    let mut s = String::new();
    let _ = writeln!(s, "old {}", d.old);
    let _ = writeln!(s, "new {}", d.new);
    let _ = writeln!(
        s,
        "{} added, {} removed, {} changed",
        e.added.len(),
        e.removed.len(),
        e.changed.len()
    );
    let name = |id: &str| d.primary_names.get(id).map(String::as_str).unwrap_or("");
    let more = |s: &mut String, n: usize| {
        if n > show {
            let _ = writeln!(s, "  … and {} more (--json lists all)", n - show);
        }
    };
    for (label, ids) in [("added", &e.added), ("removed", &e.removed)] {
        if !ids.is_empty() {
            let _ = writeln!(s, "{label}:");
            for id in ids.iter().take(show) {
                let _ = writeln!(s, "  {id:<24} {}", name(id));
            }
            more(&mut s, ids.len());
        }
    }
    if !e.changed.is_empty() {
        let _ = writeln!(s, "changed:");
        for c in e.changed.iter().take(show) {
            let f: Vec<&str> = c.fields.iter().map(|f| f.as_str()).collect();
            let _ = writeln!(
                s,
                "  {:<24} {}  [{}]",
                c.entity_id,
                name(&c.entity_id),
                f.join(", ")
            );
        }
        more(&mut s, e.changed.len());
    }
    s
}

/// Orders strings with runs of digits compared as numbers.
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let (mut x, mut y) = (a.as_bytes(), b.as_bytes());
    loop {
        match (x.first(), y.first()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let nx = x.iter().take_while(|c| c.is_ascii_digit()).count();
                let ny = y.iter().take_while(|c| c.is_ascii_digit()).count();
                let (dx, dy) = (&x[..nx], &y[..ny]);
                let tx = dx.iter().skip_while(|c| **c == b'0').count();
                let ty = dy.iter().skip_while(|c| **c == b'0').count();
                let o = tx.cmp(&ty).then_with(|| dx[nx - tx..].cmp(&dy[ny - ty..]));
                if o != Ordering::Equal {
                    return o;
                }
                x = &x[nx..];
                y = &y[ny..];
            }
            (Some(c), Some(d)) => {
                if c != d {
                    return c.cmp(d);
                }
                x = &x[1..];
                y = &y[1..];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Kind, Name, NameStrength};

    fn person(own: &str, name: &str) -> Entity {
        let mut e = Entity::new("ofac-sdn", own, Kind::Person);
        e.add_name(Name::new(name, NameStrength::Primary));
        e
    }

    #[test]
    fn added_removed_and_changed_are_told_apart() {
        let old = vec![person("1", "A"), person("2", "B"), person("3", "C")];
        let mut c = person("3", "C");
        c.programs.push("SDGT".into());
        let new = vec![person("1", "A"), c, person("4", "D")];
        let d = diff_entities(&old, &new);
        assert_eq!(d.added, ["ofac-sdn:4"]);
        assert_eq!(d.removed, ["ofac-sdn:2"]);
        assert_eq!(
            d.changed,
            [Changed {
                entity_id: "ofac-sdn:3".into(),
                fields: vec![Field::Programs]
            }]
        );
    }

    #[test]
    fn every_field_is_named() {
        let a = person("1", "A");
        let mut b = a.clone();
        b.add_name(Name::new("AA", NameStrength::Aka));
        b.kind = Kind::Organization;
        b.remarks.push("r".into());
        b.add_attribute("title", "Minister");
        b.add_link("un-sc:QDi.1".into());
        assert_eq!(
            changed_fields(&a, &b),
            [Field::Names, Field::Kind, Field::Remarks, Field::Links]
        );
        assert!(changed_fields(&a, &a.clone()).is_empty());
    }

    #[test]
    fn an_attribute_change_counts_as_remarks() {
        let a = person("1", "A");
        let mut b = a.clone();
        b.add_attribute("gender", "Male");
        assert_eq!(changed_fields(&a, &b), [Field::Remarks]);
    }

    #[test]
    fn ids_sort_with_numbers_in_numeric_order() {
        let mut v = vec!["ofac-sdn:100", "ofac-sdn:99", "ofac-sdn:7", "un-sc:QDi.1"];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            v,
            ["ofac-sdn:7", "ofac-sdn:99", "ofac-sdn:100", "un-sc:QDi.1"]
        );
    }
}
