//! Model errors that point at the file, line and column of the offending value.

use std::ops::Range;
use std::sync::Arc;

use miette::{NamedSource, SourceSpan};

/// The text a model was read from, kept so errors can quote it.
#[derive(Clone, Debug)]
pub struct Source {
    /// The name shown in messages: the file path as the user gave it.
    pub name: String,
    /// The whole text (after `--set` overrides were applied).
    pub text: Arc<String>,
    /// Where the `--set` overrides are in `text` (from the key to the end of the value),
    /// each with the override as the user wrote it.
    overrides: Arc<Vec<(Range<usize>, String)>>,
}

impl Source {
    /// A source from a display name and its text.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Source {
        Source { name: name.into(), text: Arc::new(text.into()), overrides: Arc::default() }
    }

    /// This source, with the places in its text that `--set` overrides wrote: an error
    /// there names the override instead of quoting a line the user's file does not have.
    pub fn with_overrides(mut self, overrides: Vec<(Range<usize>, String)>) -> Source {
        self.overrides = Arc::new(overrides);
        self
    }

    /// 1-based line and column of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let before = &self.text[..offset.min(self.text.len())];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        (line, col)
    }

    /// An error at `span` about the value at dotted path `key`.
    pub fn error(&self, span: Option<Range<usize>>, key: &str, message: impl Into<String>) -> ModelError {
        if let Some(s) = &span {
            if let Some((_, o)) = self.overrides.iter().find(|(r, _)| r.start <= s.start && s.end <= r.end) {
                return Source::new(format!("--set {o}"), String::new()).error(None, key, message);
            }
        }
        let (line, column) = span.as_ref().map_or((0, 0), |s| self.line_col(s.start));
        ModelError {
            file: self.name.clone(),
            line,
            column,
            key: key.to_string(),
            message: message.into(),
            help: None,
            src: NamedSource::new(self.name.clone(), self.text.to_string()),
            span: span.map(|s| SourceSpan::from(s.start..s.end.max(s.start))),
        }
    }
}

/// Where a value is in its source, kept in the [`Model`](crate::Model) for checks that
/// can only be made once the network is built (a traced synapse must exist in the drawn
/// connectivity), so that their errors still point at the value.
#[derive(Clone, Debug)]
pub struct Place {
    src: Source,
    span: Option<Range<usize>>,
    key: String,
}

impl Place {
    /// The place of the value at `span` of `src`, whose dotted path is `key`.
    pub fn new(src: &Source, span: Option<Range<usize>>, key: impl Into<String>) -> Place {
        Place { src: src.clone(), span, key: key.into() }
    }

    /// An error at this place.
    pub fn error(&self, message: impl Into<String>) -> ModelError {
        self.src.error(self.span.clone(), &self.key, message)
    }
}

/// An error in a model file: where it is, which key, and what was expected.
///
/// `Display` gives one line, `file:line:column: key: message`; the
/// [`miette::Diagnostic`] implementation adds the quoted source and a hint.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{}", self.headline())]
pub struct ModelError {
    /// The file as the user named it.
    pub file: String,
    /// 1-based line, 0 when the error has no place in the file.
    pub line: usize,
    /// 1-based column, 0 when the error has no place in the file.
    pub column: usize,
    /// Dotted path of the offending key (`populations.exc.tau_m`), or empty.
    pub key: String,
    /// What is wrong and what was expected.
    pub message: String,
    /// A suggestion, such as the closest known name.
    #[help]
    pub help: Option<String>,
    #[source_code]
    src: NamedSource<String>,
    #[label("here")]
    span: Option<SourceSpan>,
}

impl ModelError {
    /// An error about a file as a whole (it cannot be read, say).
    pub fn whole_file(file: &str, message: impl Into<String>) -> ModelError {
        Source::new(file, String::new()).error(None, "", message)
    }

    /// Adds a hint shown under the message.
    pub fn with_help(mut self, help: impl Into<String>) -> ModelError {
        self.help = Some(help.into());
        self
    }

    fn headline(&self) -> String {
        let mut s = self.file.clone();
        if self.line > 0 {
            s += &format!(":{}:{}", self.line, self.column);
        }
        if !self.key.is_empty() {
            s += &format!(": {}", self.key);
        }
        s + ": " + &self.message
    }
}

/// The closest of `known` to `word`, if it is close enough to be a likely typo.
pub fn closest<'a>(word: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    known
        .into_iter()
        .map(|k| (strsim::jaro_winkler(word, k), k))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based() {
        let s = Source::new("m.toml", "a = 1\nbb = \"x\"\n");
        assert_eq!(s.line_col(0), (1, 1));
        assert_eq!(s.line_col(11), (2, 6));
        let e = s.error(Some(11..14), "bb", "expected a time");
        assert_eq!(e.to_string(), "m.toml:2:6: bb: expected a time");
    }

    #[test]
    fn closest_name_suggests_typos_only() {
        let known = ["lif", "izhikevich", "adex", "hh"];
        assert_eq!(closest("izhikevitch", known), Some("izhikevich"));
        assert_eq!(closest("qqqqqq", known), None);
    }
}
