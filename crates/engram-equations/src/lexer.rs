//! Tokens of the equation language, each with its byte span.

use std::ops::Range;

use crate::error::{EqError, Result};

/// A token kind.
#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    /// A number literal (`5`, `0.5`, `1e-3`).
    Num(f64),
    /// A name (`v`, `tau_m`, `exp`, `and`).
    Ident(String),
    /// An operator or punctuation: `+ - * / ** ( ) , : < <= > >= == != = += -= *= /=`.
    Sym(&'static str),
    /// The end of a line or a `;`: separates equations and statements. Newlines inside
    /// parentheses are not separators, so an expression may span lines there.
    Sep,
}

/// A token and where it is.
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    /// What it is.
    pub tok: Tok,
    /// Its byte range in the string.
    pub span: Range<usize>,
}

const SYMBOLS: [&str; 21] =
    ["**", "<=", ">=", "==", "!=", "+=", "-=", "*=", "/=", "+", "-", "*", "/", "(", ")", ",", ":", "<", ">", "=", ";"];

/// Splits `text` into tokens. `#` starts a comment that runs to the end of the line.
pub fn lex(text: &str) -> Result<Vec<Token>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut depth = 0usize;
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'#' {
            while i < bytes.len() && bytes[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        if c == b'\n' {
            if depth == 0 {
                out.push(Token { tok: Tok::Sep, span: i..i + 1 });
            }
            i += 1;
            continue;
        }
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if c.is_ascii_digit() || (c == b'.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)) {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
                i += 1;
            }
            // An exponent only when digits follow (`1e-3`), so that `5ms` stays 5 and `ms`.
            if i < bytes.len() && (bytes[i] == b'e' || bytes[i] == b'E') {
                let mut j = i + 1;
                if j < bytes.len() && (bytes[j] == b'+' || bytes[j] == b'-') {
                    j += 1;
                }
                if j < bytes.len() && bytes[j].is_ascii_digit() {
                    i = j;
                    while i < bytes.len() && bytes[i].is_ascii_digit() {
                        i += 1;
                    }
                }
            }
            let s = &text[start..i];
            let v: f64 = s.parse().map_err(|_| EqError::new(start..i, format!("`{s}` is not a number")))?;
            out.push(Token { tok: Tok::Num(v), span: start..i });
            continue;
        }
        let ch = text[i..].chars().next().expect("i is on a char boundary");
        if ch.is_alphabetic() || ch == '_' {
            let start = i;
            while let Some(ch) = text[i..].chars().next() {
                if ch.is_alphanumeric() || ch == '_' {
                    i += ch.len_utf8();
                } else {
                    break;
                }
            }
            out.push(Token { tok: Tok::Ident(text[start..i].to_string()), span: start..i });
            continue;
        }
        let Some(sym) = SYMBOLS.iter().find(|s| text[i..].starts_with(**s)) else {
            return Err(EqError::new(i..i + ch.len_utf8(), format!("unexpected character `{ch}`")));
        };
        match *sym {
            "(" => depth += 1,
            ")" => depth = depth.saturating_sub(1),
            _ => {}
        }
        let tok = if *sym == ";" { Tok::Sep } else { Tok::Sym(sym) };
        out.push(Token { tok, span: i..i + sym.len() });
        i += sym.len();
    }
    Ok(out)
}
