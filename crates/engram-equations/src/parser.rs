//! Recursive-descent parser of equations (`dv/dt = ... : volt (unless refractory)`),
//! conditions (`v > v_th`) and statements (`v = v_reset; w += b`).

use std::ops::Range;

use crate::ast::{AssignOp, BinOp, EqKind, Equation, Expr, ExprKind, Statement, UnOp};
use crate::error::{EqError, Result};
use crate::lexer::{lex, Tok, Token};

struct Parser<'t> {
    toks: &'t [Token],
    pos: usize,
    /// Length of the source, for errors at its end.
    end: usize,
}

fn describe(t: Option<&Token>) -> String {
    match t.map(|t| &t.tok) {
        None => "the end".into(),
        Some(Tok::Sep) => "the end of the line".into(),
        Some(Tok::Num(v)) => format!("the number {v}"),
        Some(Tok::Ident(n)) => format!("`{n}`"),
        Some(Tok::Sym(s)) => format!("`{s}`"),
    }
}

impl<'t> Parser<'t> {
    fn peek(&self) -> Option<&'t Token> {
        self.toks.get(self.pos)
    }

    fn peek_sym(&self, s: &str) -> bool {
        matches!(self.peek(), Some(Token { tok: Tok::Sym(x), .. }) if *x == s)
    }

    fn here(&self) -> Range<usize> {
        self.peek().map_or(self.end..self.end, |t| t.span.clone())
    }

    fn error_here(&self, expected: &str) -> EqError {
        EqError::new(self.here(), format!("expected {expected}, found {}", describe(self.peek())))
    }

    fn eat_sym(&mut self, s: &str) -> bool {
        if self.peek_sym(s) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect_sym(&mut self, s: &str, expected: &str) -> Result<Range<usize>> {
        let span = self.here();
        if self.eat_sym(s) {
            Ok(span)
        } else {
            Err(self.error_here(expected))
        }
    }

    fn at_end_of_line(&self) -> bool {
        matches!(self.peek(), None | Some(Token { tok: Tok::Sep, .. }))
    }

    fn ident(&mut self, expected: &str) -> Result<(String, Range<usize>)> {
        match self.peek() {
            Some(Token { tok: Tok::Ident(n), span }) => {
                self.pos += 1;
                Ok((n.clone(), span.clone()))
            }
            _ => Err(self.error_here(expected)),
        }
    }

    fn peek_keyword(&self, k: &str) -> bool {
        matches!(self.peek(), Some(Token { tok: Tok::Ident(n), .. }) if n == k)
    }

    fn expr(&mut self) -> Result<Expr> {
        self.binary(1)
    }

    fn binary_op(&self) -> Option<BinOp> {
        Some(match &self.peek()?.tok {
            Tok::Sym("+") => BinOp::Add,
            Tok::Sym("-") => BinOp::Sub,
            Tok::Sym("*") => BinOp::Mul,
            Tok::Sym("/") => BinOp::Div,
            Tok::Sym("<") => BinOp::Lt,
            Tok::Sym("<=") => BinOp::Le,
            Tok::Sym(">") => BinOp::Gt,
            Tok::Sym(">=") => BinOp::Ge,
            Tok::Sym("==") => BinOp::Eq,
            Tok::Sym("!=") => BinOp::Ne,
            Tok::Ident(n) if n == "and" => BinOp::And,
            Tok::Ident(n) if n == "or" => BinOp::Or,
            _ => return None,
        })
    }

    /// Operators of precedence `min` and above, left-associative (precedence climbing).
    fn binary(&mut self, min: u8) -> Result<Expr> {
        let mut lhs = self.prefix(min)?;
        while let Some(op) = self.binary_op() {
            let p = op.precedence();
            if p < min {
                break;
            }
            let op_span = self.here();
            self.pos += 1;
            let rhs = self.binary(p + 1)?;
            if op.is_comparison() {
                if let Some(next) = self.binary_op().filter(|o| o.is_comparison()) {
                    return Err(EqError::new(
                        self.here(),
                        format!("comparisons do not chain: write `a {} b and b {} c`", op.symbol(), next.symbol()),
                    ));
                }
            }
            let _ = op_span;
            let span = lhs.span.start..rhs.span.end;
            lhs = Expr { kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)), span };
        }
        Ok(lhs)
    }

    /// `not` (binds looser than comparisons) and unary minus (looser than `**`).
    fn prefix(&mut self, min: u8) -> Result<Expr> {
        let start = self.here().start;
        if min <= 3 && self.peek_keyword("not") {
            self.pos += 1;
            let a = self.binary(3)?;
            let span = start..a.span.end;
            return Ok(Expr { kind: ExprKind::Unary(UnOp::Not, Box::new(a)), span });
        }
        if self.eat_sym("-") {
            let a = self.binary(7)?;
            let span = start..a.span.end;
            return Ok(Expr { kind: ExprKind::Unary(UnOp::Neg, Box::new(a)), span });
        }
        if self.eat_sym("+") {
            return self.binary(7);
        }
        let base = self.atom()?;
        if self.eat_sym("**") {
            // Right-associative, and `2 ** -1` is `2 ** (-1)` as in Python.
            let exponent = if self.peek_sym("-") { self.prefix(7)? } else { self.power_operand()? };
            let span = base.span.start..exponent.span.end;
            return Ok(Expr { kind: ExprKind::Binary(BinOp::Pow, Box::new(base), Box::new(exponent)), span });
        }
        Ok(base)
    }

    fn power_operand(&mut self) -> Result<Expr> {
        let base = self.atom()?;
        if self.eat_sym("**") {
            let exponent = if self.peek_sym("-") { self.prefix(7)? } else { self.power_operand()? };
            let span = base.span.start..exponent.span.end;
            return Ok(Expr { kind: ExprKind::Binary(BinOp::Pow, Box::new(base), Box::new(exponent)), span });
        }
        Ok(base)
    }

    fn atom(&mut self) -> Result<Expr> {
        let Some(t) = self.peek() else { return Err(self.error_here("an expression")) };
        match &t.tok {
            Tok::Num(v) => {
                self.pos += 1;
                // A unit right after a number: engram's `5 mV` for Brian2's `5*mV`.
                if let Some(Token { tok: Tok::Ident(u), span }) = self.peek() {
                    let is_call = matches!(self.toks.get(self.pos + 1), Some(Token { tok: Tok::Sym("("), .. }));
                    if !is_call && u != "and" && u != "or" {
                        self.pos += 1;
                        let kind = ExprKind::Quantity(*v, u.clone(), span.clone());
                        return Ok(Expr { kind, span: t.span.start..span.end });
                    }
                }
                Ok(Expr { kind: ExprKind::Num(*v), span: t.span.clone() })
            }
            Tok::Ident(n) if n == "and" || n == "or" || n == "not" => Err(self.error_here("an expression")),
            Tok::Ident(n) => {
                self.pos += 1;
                if self.eat_sym("(") {
                    let mut args = Vec::new();
                    if !self.eat_sym(")") {
                        loop {
                            args.push(self.expr()?);
                            if self.eat_sym(")") {
                                break;
                            }
                            self.expect_sym(",", "`,` or `)` in the arguments")?;
                        }
                    }
                    let end = self.toks[self.pos - 1].span.end;
                    return Ok(Expr { kind: ExprKind::Call(n.clone(), t.span.clone(), args), span: t.span.start..end });
                }
                Ok(Expr { kind: ExprKind::Name(n.clone()), span: t.span.clone() })
            }
            Tok::Sym("(") => {
                self.pos += 1;
                let inner = self.expr()?;
                let close = self.here();
                if !self.eat_sym(")") {
                    return Err(self.error_here("`)`"));
                }
                // The parentheses belong to the span, so an error about the group covers them.
                Ok(Expr { kind: inner.kind, span: t.span.start..close.end })
            }
            _ => Err(self.error_here("an expression")),
        }
    }

    fn skip_separators(&mut self) {
        while matches!(self.peek(), Some(Token { tok: Tok::Sep, .. })) {
            self.pos += 1;
        }
    }

    fn end_of_line(&mut self, expected: &str) -> Result<()> {
        if self.at_end_of_line() {
            Ok(())
        } else {
            Err(self.error_here(expected))
        }
    }

    fn equation(&mut self) -> Result<Equation> {
        let (name, name_span) = self.ident("a name, `dx/dt = ...`, `x = ...` or `x : unit`")?;
        let is_derivative = name.len() > 1
            && name.starts_with('d')
            && self.peek_sym("/")
            && matches!(self.toks.get(self.pos + 1), Some(Token { tok: Tok::Ident(t), .. }) if t == "dt");
        let (kind, name, name_span, expr) = if is_derivative {
            self.pos += 2;
            let span = name_span.start..self.toks[self.pos - 1].span.end;
            self.expect_sym("=", "`=` after the derivative")?;
            (EqKind::Differential, name[1..].to_string(), span, Some(self.expr()?))
        } else if self.eat_sym("=") {
            (EqKind::Subexpression, name, name_span, Some(self.expr()?))
        } else {
            (EqKind::Parameter, name, name_span, None)
        };
        let expected = if expr.is_some() { "an operator, or `:` and the unit" } else { "`:` and the unit" };
        self.expect_sym(":", expected)?;
        let unit = self.unit()?;
        let mut flags = Vec::new();
        if self.eat_sym("(") {
            loop {
                let (first, span) = self.ident("a flag such as `constant` or `unless refractory`")?;
                let (mut flag, mut span) = (first, span);
                while let Some(Token { tok: Tok::Ident(w), span: s }) = self.peek() {
                    flag = format!("{flag} {w}");
                    span.end = s.end;
                    self.pos += 1;
                }
                flags.push((flag, span));
                if self.eat_sym(")") {
                    break;
                }
                self.expect_sym(",", "`,` or `)` after the flag")?;
            }
        }
        self.end_of_line("the end of the equation")?;
        Ok(Equation { kind, name, name_span, expr, unit, flags })
    }

    /// A unit: names and numbers joined by `*`, `/` and `**` with a number exponent, no
    /// parentheses (a `(` after the unit opens the flags).
    fn unit(&mut self) -> Result<Expr> {
        let mut lhs = self.unit_power()?;
        loop {
            let op = if self.peek_sym("*") {
                BinOp::Mul
            } else if self.peek_sym("/") {
                BinOp::Div
            } else {
                return Ok(lhs);
            };
            self.pos += 1;
            let rhs = self.unit_power()?;
            let span = lhs.span.start..rhs.span.end;
            lhs = Expr { kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)), span };
        }
    }

    fn unit_power(&mut self) -> Result<Expr> {
        let base = match self.peek() {
            Some(Token { tok: Tok::Ident(n), span }) => Expr { kind: ExprKind::Name(n.clone()), span: span.clone() },
            Some(Token { tok: Tok::Num(v), span }) => Expr { kind: ExprKind::Num(*v), span: span.clone() },
            _ => return Err(self.error_here("a unit such as `volt`, `siemens/meter**2` or `1`")),
        };
        self.pos += 1;
        if !self.eat_sym("**") {
            return Ok(base);
        }
        let start = self.here().start;
        let negative = self.eat_sym("-");
        let Some(Token { tok: Tok::Num(p), span }) = self.peek() else {
            return Err(self.error_here("a number as the exponent of a unit"));
        };
        self.pos += 1;
        let mut exponent = Expr { kind: ExprKind::Num(*p), span: span.clone() };
        if negative {
            exponent = Expr { kind: ExprKind::Unary(UnOp::Neg, Box::new(exponent)), span: start..span.end };
        }
        let span = base.span.start..exponent.span.end;
        Ok(Expr { kind: ExprKind::Binary(BinOp::Pow, Box::new(base), Box::new(exponent)), span })
    }

    fn statement(&mut self) -> Result<Statement> {
        let (target, target_span) = self.ident("a statement such as `v = v_reset`")?;
        let op = match self.peek().map(|t| &t.tok) {
            Some(Tok::Sym("=")) => AssignOp::Set,
            Some(Tok::Sym("+=")) => AssignOp::Add,
            Some(Tok::Sym("-=")) => AssignOp::Sub,
            Some(Tok::Sym("*=")) => AssignOp::Mul,
            Some(Tok::Sym("/=")) => AssignOp::Div,
            _ => return Err(self.error_here("`=`, `+=`, `-=`, `*=` or `/=`")),
        };
        self.pos += 1;
        let expr = self.expr()?;
        self.end_of_line("`;` or the end of the line after the statement")?;
        Ok(Statement { target, target_span, op, expr })
    }
}

fn parser<'t>(toks: &'t [Token], text: &str) -> Parser<'t> {
    Parser { toks, pos: 0, end: text.len() }
}

/// Parses an equations string: one equation per line, `#` comments, blank lines.
pub fn parse_equations(text: &str) -> Result<Vec<Equation>> {
    let toks = lex(text)?;
    let mut p = parser(&toks, text);
    let mut out = Vec::new();
    loop {
        p.skip_separators();
        if p.peek().is_none() {
            return Ok(out);
        }
        out.push(p.equation()?);
    }
}

/// Parses statements separated by `;` or newlines (`v = v_reset; w += b`).
pub fn parse_statements(text: &str) -> Result<Vec<Statement>> {
    let toks = lex(text)?;
    let mut p = parser(&toks, text);
    let mut out = Vec::new();
    loop {
        p.skip_separators();
        if p.peek().is_none() {
            return Ok(out);
        }
        out.push(p.statement()?);
    }
}

/// Parses one expression (a threshold condition such as `v > v_th`).
pub fn parse_expression(text: &str) -> Result<Expr> {
    let toks = lex(text)?;
    let mut p = parser(&toks, text);
    p.skip_separators();
    if p.peek().is_none() {
        return Err(EqError::new(0..text.len(), "expected an expression, found nothing"));
    }
    let e = p.expr()?;
    p.skip_separators();
    if p.peek().is_some() {
        return Err(p.error_here("an operator or the end of the expression"));
    }
    Ok(e)
}
