//! Errors inside an equation string, located by byte span, and their translation to a
//! [`ModelError`] at the file, line and column of the offending character.

use std::fmt;
use std::ops::Range;

use engram_model::{ModelError, Source};

/// Which string of a model an error is in: the key it was read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    /// The `equations` string.
    Equations,
    /// The `threshold` condition.
    Threshold,
    /// The `reset` statements.
    Reset,
    /// The integration `method`.
    Method,
}

impl Field {
    /// The model-file key of this string.
    pub fn key(self) -> &'static str {
        match self {
            Field::Equations => "equations",
            Field::Threshold => "threshold",
            Field::Reset => "reset",
            Field::Method => "method",
        }
    }
}

/// An error in an equation, condition or statement string: where (a byte range of the
/// string) and what (a message saying what was expected and what was found).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub struct EqError {
    /// The string the error is in.
    pub field: Field,
    /// Byte range inside that string.
    pub span: Range<usize>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for EqError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at {}: {}", self.field.key(), self.span.start, self.message)
    }
}

/// Result of parsing or checking equations.
pub type Result<T> = std::result::Result<T, EqError>;

impl EqError {
    /// An error at `span` of the equations string (the field is set by [`EqError::in_field`]).
    pub fn new(span: Range<usize>, message: impl Into<String>) -> EqError {
        EqError { field: Field::Equations, span, message: message.into() }
    }

    /// The same error, said to be in string `field`.
    pub fn in_field(mut self, field: Field) -> EqError {
        self.field = field;
        self
    }

    /// 1-based line and column of the error inside its string, for errors about a string
    /// that has no place in a file (Python, tests).
    pub fn line_col(&self, text: &str) -> (usize, usize) {
        let before = &text[..self.span.start.min(text.len())];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        (line, col)
    }

    /// The error as a [`ModelError`] at the file position of the offending character, given
    /// the span of the TOML string value (quotes included) that held the equations, as
    /// engram-model's reader hands it out, and the dotted key of the value
    /// (`populations.exc.equations`). Its one-line form is
    /// `file:line:col: populations.exc.equations: message`.
    pub fn to_model_error(&self, src: &Source, value_span: Option<Range<usize>>, key: &str) -> ModelError {
        let span = value_span.map(|v| {
            let raw = &src.text[v.clone()];
            let start = v.start + raw_offset(raw, self.span.start);
            let end = v.start + raw_offset(raw, self.span.end.max(self.span.start));
            start..end.min(v.end)
        });
        src.error(span, key, self.message.clone())
    }
}

/// The byte offset inside the raw TOML text of a string value (`raw`, delimiters
/// included) of byte `content` of the string it decodes to. Follows the TOML 1.0 rules:
/// literal strings (`'...'`, `'''...'''`) map one to one; basic strings (`"..."`,
/// `"""..."""`) have escapes (`\n` is two raw bytes for one, `\u00e9` six for two,
/// a line-ending backslash swallows the following whitespace); a multi-line string drops
/// a newline right after its opening delimiter.
pub fn raw_offset(raw: &str, content: usize) -> usize {
    let bytes = raw.as_bytes();
    let (mut p, basic) = if raw.starts_with("\"\"\"") {
        (3, true)
    } else if raw.starts_with("'''") {
        (3, false)
    } else {
        (1, raw.starts_with('"'))
    };
    if raw.starts_with("\"\"\"") || raw.starts_with("'''") {
        if raw[p..].starts_with("\r\n") {
            p += 2;
        } else if raw[p..].starts_with('\n') {
            p += 1;
        }
    }
    let mut c = 0;
    while p < bytes.len() {
        let escape = basic && bytes[p] == b'\\' && p + 1 < bytes.len();
        if escape && bytes[p + 1].is_ascii_whitespace() {
            // A line-ending backslash: it and the whitespace after it decode to nothing.
            p += 1;
            while p < bytes.len() && bytes[p].is_ascii_whitespace() {
                p += 1;
            }
            continue;
        }
        if c >= content {
            break;
        }
        if escape && (bytes[p + 1] == b'u' || bytes[p + 1] == b'U') {
            let digits = if bytes[p + 1] == b'u' { 4 } else { 8 };
            let hex = raw.get(p + 2..p + 2 + digits).unwrap_or("0");
            let len = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32).map_or(1, char::len_utf8);
            p += 2 + digits;
            c += len;
        } else if escape {
            p += 2;
            c += 1;
        } else {
            p += 1;
            c += 1;
        }
    }
    p
}

/// `" (did you mean `x`?)"` for the closest of `known` to `word`, or nothing.
pub(crate) fn did_you_mean<'a>(word: &str, known: impl IntoIterator<Item = &'a str>) -> String {
    engram_model::error::closest(word, known).map_or(String::new(), |c| format!(" (did you mean `{c}`?)"))
}
