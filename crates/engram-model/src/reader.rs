//! A typed walk over a parsed TOML document that remembers where every value is.
//!
//! Each table is read through a [`TableReader`], which knows the dotted path of the
//! table, hands out values with their spans, and at the end reports any key that was
//! never asked for as unknown, suggesting the closest known key.

use std::collections::BTreeSet;
use std::ops::Range;

use toml_edit::{Item, TableLike, Value};

use crate::dist::Dist;
use crate::error::{closest, ModelError, Source};
use crate::units::{parse_quantity, Dim, UnitError};

/// Result of reading a model.
pub type Result<T> = std::result::Result<T, ModelError>;

/// A value of a table together with its dotted path and span.
#[derive(Clone)]
pub struct Entry<'a> {
    /// The item.
    pub item: &'a Item,
    /// Where the value is in the source.
    pub span: Option<Range<usize>>,
    /// Which source it comes from.
    pub src: &'a Source,
}

/// Reads the keys of one table, tracking which were asked for.
pub struct TableReader<'a> {
    /// Dotted path of the table (`populations.exc`).
    pub path: String,
    table: &'a dyn TableLike,
    span: Option<Range<usize>>,
    /// The source, for errors.
    pub src: &'a Source,
    asked: BTreeSet<&'static str>,
}

fn type_name(item: &Item) -> &'static str {
    match item {
        Item::None => "nothing",
        Item::Value(Value::String(_)) => "a string",
        Item::Value(Value::Integer(_)) => "an integer",
        Item::Value(Value::Float(_)) => "a float",
        Item::Value(Value::Boolean(_)) => "a boolean",
        Item::Value(Value::Datetime(_)) => "a date",
        Item::Value(Value::Array(_)) => "an array",
        Item::Value(Value::InlineTable(_)) | Item::Table(_) => "a table",
        Item::ArrayOfTables(_) => "an array of tables",
    }
}

fn item_span(item: &Item) -> Option<Range<usize>> {
    match item {
        Item::Value(v) => v.span(),
        Item::Table(t) => t.span(),
        Item::ArrayOfTables(a) => a.span(),
        Item::None => None,
    }
}

impl<'a> Entry<'a> {
    /// An error at this value.
    pub fn error(&self, key: &str, message: impl Into<String>) -> ModelError {
        self.src.error(self.span.clone(), key, message)
    }

    /// The value as a string, or an error saying what was expected.
    pub fn as_str(&self, key: &str, expected: &str) -> Result<&'a str> {
        self.item
            .as_str()
            .ok_or_else(|| self.error(key, format!("expected {expected}, found {}", type_name(self.item))))
    }

    /// A quantity of dimension `dim`, in SI.
    pub fn quantity(&self, key: &str, dim: Dim) -> Result<f64> {
        let expected = || format!("expected {} such as {}", dim.describe(), dim.example());
        let text = match self.item {
            Item::Value(Value::String(s)) => s.value().clone(),
            Item::Value(Value::Integer(i)) if dim == Dim::ONE => return Ok(*i.value() as f64),
            Item::Value(Value::Float(f)) if dim == Dim::ONE => return Ok(*f.value()),
            Item::Value(Value::Integer(i)) => {
                return Err(
                    self.error(key, format!("{}, found the bare number {} without a unit", expected(), i.value()))
                )
            }
            Item::Value(Value::Float(f)) => {
                return Err(
                    self.error(key, format!("{}, found the bare number {} without a unit", expected(), f.value()))
                )
            }
            other => return Err(self.error(key, format!("{}, found {}", expected(), type_name(other)))),
        };
        let q = parse_quantity(&text).map_err(|e| match e {
            UnitError::BadNumber(_) => {
                self.error(key, format!("{}, found \"{text}\" which is not a number with a unit", expected()))
            }
            UnitError::UnknownUnit(u) => {
                let hint = crate::units::suggest_unit(&u, Some(dim))
                    .map_or(String::new(), |s| format!(" (did you mean `{s}`?)"));
                self.error(key, format!("{}, found unknown unit `{u}` in \"{text}\"{hint}", expected()))
            }
        })?;
        if q.dim != dim {
            return Err(self.error(key, format!("{}, found \"{text}\" ({})", expected(), q.dim.describe())));
        }
        if !q.value.is_finite() {
            return Err(self.error(key, format!("{}, found \"{text}\" which is not finite", expected())));
        }
        Ok(q.value)
    }

    /// A quantity whose dimension is one of `dims`; returns the value and its dimension.
    pub fn quantity_of(&self, key: &str, dims: &[Dim]) -> Result<(f64, Dim)> {
        let mut first_err = None;
        for &d in dims {
            match self.quantity(key, d) {
                Ok(v) => return Ok((v, d)),
                Err(e) => {
                    first_err.get_or_insert(e);
                }
            }
        }
        let names: Vec<String> = dims.iter().map(|d| format!("{} such as {}", d.describe(), d.example())).collect();
        let found = match self.item.as_str().map(parse_quantity) {
            Some(Ok(q)) => format!("\"{}\" ({})", self.item.as_str().unwrap_or_default(), q.dim.describe()),
            _ => return Err(first_err.expect("dims is not empty")),
        };
        Err(self.error(key, format!("expected {}, found {found}", names.join(" or "))))
    }

    /// A non-negative integer.
    pub fn count(&self, key: &str, what: &str) -> Result<u64> {
        match self.item.as_integer() {
            Some(i) if i >= 0 => Ok(i as u64),
            Some(i) => Err(self.error(key, format!("expected {what} (an integer ≥ 0), found {i}"))),
            None => Err(self.error(key, format!("expected {what} (an integer ≥ 0), found {}", type_name(self.item)))),
        }
    }

    /// A number (integer or float).
    pub fn number(&self, key: &str) -> Result<f64> {
        match self.item {
            Item::Value(Value::Integer(i)) => Ok(*i.value() as f64),
            Item::Value(Value::Float(f)) => Ok(*f.value()),
            other => Err(self.error(key, format!("expected a number, found {}", type_name(other)))),
        }
    }

    /// A boolean.
    pub fn boolean(&self, key: &str) -> Result<bool> {
        self.item
            .as_bool()
            .ok_or_else(|| self.error(key, format!("expected true or false, found {}", type_name(self.item))))
    }

    /// The elements of an array, each with its span.
    pub fn array(&self, key: &str, expected: &str) -> Result<Vec<(Item, Option<Range<usize>>)>> {
        match self.item {
            Item::Value(Value::Array(a)) => Ok(a.iter().map(|v| (Item::Value(v.clone()), v.span())).collect()),
            other => Err(self.error(key, format!("expected {expected}, found {}", type_name(other)))),
        }
    }

    /// The value as a nested table reader.
    pub fn table(&self, key: &str, expected: &str) -> Result<TableReader<'a>> {
        let t: &dyn TableLike = match self.item {
            Item::Table(t) => t,
            Item::Value(Value::InlineTable(t)) => t,
            other => return Err(self.error(key, format!("expected {expected}, found {}", type_name(other)))),
        };
        Ok(TableReader {
            path: key.to_string(),
            table: t,
            span: self.span.clone(),
            src: self.src,
            asked: BTreeSet::new(),
        })
    }

    /// A distribution of quantities of dimension `dim`: a constant (`"1 ms"`) or a
    /// table `{ dist = "uniform", low = ..., high = ... }` (see [`Dist`]).
    pub fn dist(&self, key: &str, dims: &[Dim]) -> Result<(Dist, Dim)> {
        if self.item.is_str() || self.item.is_integer() || self.item.is_float() {
            let (v, d) = self.quantity_of(key, dims)?;
            return Ok((Dist::Const(v), d));
        }
        let mut t = self
            .table(key, "a quantity or a distribution table such as { dist = \"uniform\", low = ..., high = ... }")?;
        let dist = Dist::read(&mut t, dims)?;
        t.finish()?;
        Ok(dist)
    }
}

impl<'a> TableReader<'a> {
    /// A reader over the root table of a document.
    pub fn root(table: &'a dyn TableLike, src: &'a Source) -> TableReader<'a> {
        TableReader { path: String::new(), table, span: Some(0..0), src, asked: BTreeSet::new() }
    }

    /// The text this reader reads, for errors about the file as a whole.
    pub fn source(&self) -> &'a Source {
        self.src
    }

    /// The dotted path of `key` inside this table.
    pub fn key_path(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// The value of `key`, if present; marks `key` as known.
    pub fn get(&mut self, key: &'static str) -> Option<Entry<'a>> {
        self.asked.insert(key);
        let item = self.table.get(key)?;
        Some(Entry { item, span: item_span(item), src: self.src })
    }

    /// The value of `key`, or an error saying it is missing (see [`TableReader::missing`]).
    pub fn require(&mut self, key: &'static str, what: &str) -> Result<Entry<'a>> {
        self.get(key).ok_or_else(|| self.missing(&[key], format!("missing key `{key}` ({what})")))
    }

    /// The error for a table that lacks one of `keys`: `message`, unless a key of this
    /// table that nobody asked for is a likely misspelling of one of them. Then that key
    /// is reported as unknown, with the closest of `keys` as the suggestion, as
    /// [`TableReader::finish`] would: a typo is the likelier mistake, and "missing key
    /// `receptor`" beside a `reciptor` hides it.
    pub fn missing(&self, keys: &[&str], message: impl Into<String>) -> ModelError {
        for (k, _) in self.table.iter() {
            if self.asked.contains(k) {
                continue;
            }
            if let Some(c) = closest(k, keys.iter().copied()) {
                let span = self.table.key(k).and_then(|key| key.span());
                return self.src.error(span, &self.key_path(k), format!("unknown key `{k}` (did you mean `{c}`?)"));
            }
        }
        self.error(message)
    }

    /// For the root of a file that lacks the table its command needs: which of engram's
    /// other file kinds it is, by the table that kind requires, and the command that
    /// runs it, as a sentence to append to the error (`engram run` on a reservoir
    /// configuration would otherwise just report a missing `[simulation]`).
    pub fn other_kind(&self) -> Option<String> {
        const KINDS: [(&str, &str, &str); 3] = [
            ("simulation", "a model file", "engram run"),
            ("task", "a reservoir configuration", "engram reservoir"),
            ("training", "a training configuration", "engram train"),
        ];
        KINDS.iter().find(|(table, _, _)| self.table.contains_key(table)).map(|(table, kind, command)| {
            format!(
                "; this file looks like {kind} (it has a [{table}] table): run it with `{command} {}`",
                self.src.name
            )
        })
    }

    /// An error about the table as a whole.
    pub fn error(&self, message: impl Into<String>) -> ModelError {
        self.src.error(self.span.clone(), &self.path, message)
    }

    /// All keys with their values, in file order (for tables of named entries).
    pub fn entries(&self) -> Vec<(String, Entry<'a>, Option<Range<usize>>)> {
        self.table
            .iter()
            .map(|(k, item)| {
                let key_span = self.table.key(k).and_then(|key| key.span());
                (k.to_string(), Entry { item, span: item_span(item), src: self.src }, key_span)
            })
            .collect()
    }

    /// Marks `key` as known without reading it.
    pub fn allow(&mut self, key: &'static str) {
        self.asked.insert(key);
    }

    /// Reports the first key that was never asked for, suggesting the closest known key.
    pub fn finish(self) -> Result<()> {
        for (k, _) in self.table.iter() {
            if !self.asked.contains(k) {
                let span = self.table.key(k).and_then(|key| key.span());
                let known: Vec<&str> = self.asked.iter().copied().collect();
                let path = self.key_path(k);
                let err = match closest(k, known.iter().copied()) {
                    Some(c) => self.src.error(span, &path, format!("unknown key `{k}` (did you mean `{c}`?)")),
                    None => self
                        .src
                        .error(span, &path, format!("unknown key `{k}`"))
                        .with_help(format!("known keys here: {}", known.join(", "))),
                };
                return Err(err);
            }
        }
        Ok(())
    }
}
