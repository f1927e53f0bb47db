//! Physical quantities written as strings with units (`"20 ms"`, `"-65 mV"`, `"0.6 nS"`).
//!
//! A [`Dim`] holds the exponents of the SI base units metre, kilogram, second and
//! ampere; that is enough for every quantity of a neuron model (voltage is
//! kg·m²·s⁻³·A⁻¹, conductance its inverse per ampere², capacitance kg⁻¹·m⁻²·s⁴·A²).
//! Values are converted to SI on parsing, so the engine only ever sees seconds,
//! volts, amperes, siemens and farads.

use std::fmt;

/// Exponents of the SI base units (m, kg, s, A) of a quantity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Dim {
    /// Exponent of the metre.
    pub m: i8,
    /// Exponent of the kilogram.
    pub kg: i8,
    /// Exponent of the second.
    pub s: i8,
    /// Exponent of the ampere.
    pub a: i8,
}

impl Dim {
    /// A pure number.
    pub const ONE: Dim = Dim::new(0, 0, 0, 0);
    /// Time (s).
    pub const TIME: Dim = Dim::new(0, 0, 1, 0);
    /// Frequency (Hz = 1/s).
    pub const FREQUENCY: Dim = Dim::new(0, 0, -1, 0);
    /// Electric potential (V).
    pub const VOLTAGE: Dim = Dim::new(2, 1, -3, -1);
    /// Electric current (A).
    pub const CURRENT: Dim = Dim::new(0, 0, 0, 1);
    /// Electric conductance (S).
    pub const CONDUCTANCE: Dim = Dim::new(-2, -1, 3, 2);
    /// Capacitance (F).
    pub const CAPACITANCE: Dim = Dim::new(-2, -1, 4, 2);
    /// Resistance (Ω).
    pub const RESISTANCE: Dim = Dim::new(2, 1, -3, -2);
    /// Area (m²).
    pub const AREA: Dim = Dim::new(2, 0, 0, 0);
    /// Conductance per area (S/m²), as channel densities are usually given.
    pub const CONDUCTANCE_DENSITY: Dim = Dim::new(-4, -1, 3, 2);
    /// Capacitance per area (F/m²).
    pub const CAPACITANCE_DENSITY: Dim = Dim::new(-4, -1, 4, 2);

    /// A dimension from its base-unit exponents (m, kg, s, A).
    pub const fn new(m: i8, kg: i8, s: i8, a: i8) -> Dim {
        Dim { m, kg, s, a }
    }

    fn mul(self, o: Dim) -> Dim {
        Dim::new(self.m + o.m, self.kg + o.kg, self.s + o.s, self.a + o.a)
    }

    fn pow(self, p: i8) -> Dim {
        Dim::new(self.m * p, self.kg * p, self.s * p, self.a * p)
    }

    /// The name of this dimension in words ("a time", "a voltage"), for messages.
    pub fn describe(self) -> String {
        let named = [
            (Dim::ONE, "a plain number"),
            (Dim::TIME, "a time"),
            (Dim::FREQUENCY, "a frequency"),
            (Dim::VOLTAGE, "a voltage"),
            (Dim::CURRENT, "a current"),
            (Dim::CONDUCTANCE, "a conductance"),
            (Dim::CAPACITANCE, "a capacitance"),
            (Dim::RESISTANCE, "a resistance"),
            (Dim::AREA, "an area"),
            (Dim::CONDUCTANCE_DENSITY, "a conductance per area"),
            (Dim::CAPACITANCE_DENSITY, "a capacitance per area"),
        ];
        named
            .iter()
            .find(|(d, _)| *d == self)
            .map(|(_, n)| n.to_string())
            .unwrap_or_else(|| format!("a quantity of dimension {self}"))
    }

    /// An example of a value of this dimension, for messages ("20 ms").
    pub fn example(self) -> &'static str {
        match self {
            d if d == Dim::TIME => "\"20 ms\"",
            d if d == Dim::FREQUENCY => "\"10 Hz\"",
            d if d == Dim::VOLTAGE => "\"-65 mV\"",
            d if d == Dim::CURRENT => "\"500 pA\"",
            d if d == Dim::CONDUCTANCE => "\"0.6 nS\"",
            d if d == Dim::CAPACITANCE => "\"250 pF\"",
            d if d == Dim::RESISTANCE => "\"100 Mohm\"",
            d if d == Dim::AREA => "\"20000 um^2\"",
            d if d == Dim::CONDUCTANCE_DENSITY => "\"5e-5 S/cm^2\"",
            d if d == Dim::CAPACITANCE_DENSITY => "\"1 uF/cm^2\"",
            _ => "a number",
        }
    }
}

impl fmt::Display for Dim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = [("m", self.m), ("kg", self.kg), ("s", self.s), ("A", self.a)]
            .iter()
            .filter(|(_, e)| *e != 0)
            .map(|(n, e)| if *e == 1 { n.to_string() } else { format!("{n}^{e}") })
            .collect();
        if parts.is_empty() {
            write!(f, "1")
        } else {
            write!(f, "{}", parts.join("*"))
        }
    }
}

/// A value in SI units with its dimension.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Quantity {
    /// The value in SI base units (s, V, A, S, F, m²).
    pub value: f64,
    /// Its dimension.
    pub dim: Dim,
}

/// Why a quantity string could not be read.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum UnitError {
    /// The leading number is missing or malformed.
    #[error("`{0}` does not start with a number")]
    BadNumber(String),
    /// A unit symbol that engram does not know.
    #[error("unknown unit `{0}`{hint}", hint = did_you_mean(.0))]
    UnknownUnit(String),
}

fn did_you_mean(symbol: &str) -> String {
    suggest_unit(symbol, None).map_or(String::new(), |s| format!(" (did you mean `{s}`?)"))
}

/// One unit symbol with an optional SI prefix (`ms`, `nS`, `Mohm`, and Brian2's long names
/// such as `mvolt`, `namp`, `second`), as its scale to SI and its dimension. `u` and `µ`
/// both mean micro. The equation language of `engram-equations` resolves unit names here.
pub fn unit_symbol(symbol: &str) -> Option<(f64, Dim)> {
    let (prefix_scale, rest) = split_prefix(symbol);
    let unit = |name: &str| -> Option<(f64, Dim)> {
        Some(match name {
            "s" | "second" => (1.0, Dim::TIME),
            "Hz" | "hertz" => (1.0, Dim::FREQUENCY),
            "V" | "volt" => (1.0, Dim::VOLTAGE),
            "A" | "amp" | "ampere" => (1.0, Dim::CURRENT),
            "S" | "siemens" => (1.0, Dim::CONDUCTANCE),
            "F" | "farad" => (1.0, Dim::CAPACITANCE),
            "ohm" | "Ohm" | "Ω" => (1.0, Dim::RESISTANCE),
            "m" | "metre" | "meter" => (1.0, Dim::new(1, 0, 0, 0)),
            _ => return None,
        })
    };
    // An exact symbol first ("m" is metre, not milli-nothing; "ms" is milli-second).
    if let Some(u) = unit(symbol) {
        return Some(u);
    }
    if symbol == "min" {
        return Some((60.0, Dim::TIME));
    }
    let (scale, dim) = unit(rest?)?;
    // Mega and giga only where neuroscience uses them (MΩ, GΩ, MHz): elsewhere they are
    // a case slip ("20 Ms" meant as 20 ms is 230 days; "MS" for mS), so refuse them and
    // let the suggestion below name the unit that was meant.
    if prefix_scale >= 1e6 && dim != Dim::RESISTANCE && dim != Dim::FREQUENCY {
        return None;
    }
    Some((prefix_scale * scale, dim))
}

/// The unit symbol a mistyped `symbol` most likely meant: a known symbol that differs
/// only in case (`mv` → `mV`, `Ms` → `ms`, `NS` → `nS`), preferring one of dimension
/// `expected` when several do (`NS` is `nS` for a conductance, `ns` for a time).
pub fn suggest_unit(symbol: &str, expected: Option<Dim>) -> Option<String> {
    const BASES: [&str; 8] = ["s", "Hz", "V", "A", "S", "F", "ohm", "m"];
    const PREFIXES: [&str; 9] = ["", "G", "M", "k", "c", "m", "u", "n", "p"];
    let candidates = PREFIXES
        .iter()
        .flat_map(|p| BASES.iter().map(move |b| format!("{p}{b}")))
        .chain(std::iter::once("min".to_string()))
        .filter(|c| c.eq_ignore_ascii_case(symbol) && c != symbol)
        .filter_map(|c| unit_symbol(&c).map(|(_, d)| (c, d)));
    let mut best: Option<(String, Dim)> = None;
    for (c, d) in candidates {
        let better = match &best {
            None => true,
            Some((_, bd)) => Some(d) == expected && Some(*bd) != expected,
        };
        if better {
            best = Some((c, d));
        }
    }
    best.map(|(c, _)| c)
}

fn split_prefix(symbol: &str) -> (f64, Option<&str>) {
    const PREFIXES: [(&str, f64); 10] = [
        ("G", 1e9),
        ("M", 1e6),
        ("k", 1e3),
        ("c", 1e-2),
        ("m", 1e-3),
        ("u", 1e-6),
        ("µ", 1e-6),
        ("μ", 1e-6),
        ("n", 1e-9),
        ("p", 1e-12),
    ];
    for (p, s) in PREFIXES {
        if let Some(rest) = symbol.strip_prefix(p) {
            if !rest.is_empty() {
                return (s, Some(rest));
            }
        }
    }
    (1.0, None)
}

/// Reads a unit expression such as `ms`, `mS/cm^2`, `uF/cm2` or `1/ms`.
fn parse_unit(expr: &str) -> Result<(f64, Dim), UnitError> {
    let mut scale = 1.0;
    let mut dim = Dim::ONE;
    let mut sign = 1i8;
    let mut token = String::new();
    let flush = |token: &mut String, sign: i8, scale: &mut f64, dim: &mut Dim| {
        let t = token.trim();
        if t.is_empty() || t == "1" {
            token.clear();
            return Ok(());
        }
        let (sym, pow) = match t.split_once('^') {
            Some((s, p)) => (s, p.parse::<i8>().map_err(|_| UnitError::UnknownUnit(t.into()))?),
            None => match t.char_indices().find(|(_, c)| c.is_ascii_digit()) {
                Some((i, _)) if i > 0 => (&t[..i], t[i..].parse::<i8>().map_err(|_| UnitError::UnknownUnit(t.into()))?),
                _ => (t, 1),
            },
        };
        let (s, d) = unit_symbol(sym).ok_or_else(|| UnitError::UnknownUnit(sym.into()))?;
        let p = pow * sign;
        *scale *= s.powi(p as i32);
        *dim = dim.mul(d.pow(p));
        token.clear();
        Ok(())
    };
    for c in expr.chars() {
        match c {
            '/' => {
                flush(&mut token, sign, &mut scale, &mut dim)?;
                sign = -1;
            }
            '*' | '·' => {
                flush(&mut token, sign, &mut scale, &mut dim)?;
            }
            c => token.push(c),
        }
    }
    flush(&mut token, sign, &mut scale, &mut dim)?;
    Ok((scale, dim))
}

/// Parses `"20 ms"`, `"-65mV"`, `"1e-3 s"`, `"0.6 nS"`, `"5e-5 S/cm^2"` into SI.
/// A bare number (`"3"`) is dimensionless.
pub fn parse_quantity(text: &str) -> Result<Quantity, UnitError> {
    let t = text.trim();
    let split = t
        .char_indices()
        .find(|&(i, c)| {
            !(c.is_ascii_digit()
                || c == '.'
                || c == '-'
                || c == '+'
                || ((c == 'e' || c == 'E')
                    && t[i + 1..].starts_with(|n: char| n.is_ascii_digit() || n == '-' || n == '+')))
        })
        .map(|(i, _)| i)
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let value: f64 = num.parse().map_err(|_| UnitError::BadNumber(t.into()))?;
    let (scale, dim) = parse_unit(unit.trim())?;
    Ok(Quantity { value: value * scale, dim })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(t: &str) -> Quantity {
        parse_quantity(t).unwrap()
    }

    #[test]
    fn si_conversion_of_common_units() {
        assert_eq!(q("20 ms").dim, Dim::TIME);
        assert!((q("20 ms").value - 0.020).abs() < 1e-15);
        assert!((q("-65 mV").value + 0.065).abs() < 1e-15);
        assert_eq!(q("0.6 nS").dim, Dim::CONDUCTANCE);
        assert!((q("0.6nS").value - 0.6e-9).abs() < 1e-24);
        assert!((q("10 Hz").value - 10.0).abs() < 1e-12);
        assert!((q("2.5 kHz").value - 2500.0).abs() < 1e-9);
        assert!((q("250 pF").value - 250e-12).abs() < 1e-24);
        assert!((q("1e-3 s").value - 1e-3).abs() < 1e-18);
        assert_eq!(q("3").dim, Dim::ONE);
    }

    #[test]
    fn compound_units_carry_their_dimension() {
        let g = q("5e-5 S/cm^2");
        assert_eq!(g.dim, Dim::CONDUCTANCE_DENSITY);
        assert!((g.value - 0.5).abs() < 1e-12, "5e-5 S/cm² is 0.5 S/m²");
        let a = q("20000 um^2");
        assert_eq!(a.dim, Dim::AREA);
        assert!((a.value - 2e-8).abs() < 1e-20);
        assert_eq!(q("1 uF/cm2").dim, Dim::CAPACITANCE_DENSITY);
        assert_eq!(q("0.1 /ms").dim, Dim::FREQUENCY);
        assert_eq!(q("1 mV/ms").dim, Dim::new(2, 1, -4, -1));
    }

    #[test]
    fn brian2_long_unit_names_are_known() {
        assert_eq!(unit_symbol("mvolt"), Some((1e-3, Dim::VOLTAGE)));
        assert_eq!(unit_symbol("second"), Some((1.0, Dim::TIME)));
        assert_eq!(unit_symbol("namp").map(|u| u.1), Some(Dim::CURRENT));
        assert_eq!(unit_symbol("pfarad").map(|u| u.1), Some(Dim::CAPACITANCE));
        assert!((q("5 msecond").value - 5e-3).abs() < 1e-18);
    }

    #[test]
    fn bad_quantities_are_reported() {
        assert_eq!(parse_quantity("ms"), Err(UnitError::BadNumber("ms".into())));
        assert_eq!(parse_quantity("20 mss"), Err(UnitError::UnknownUnit("mss".into())));
    }

    /// Issue 25, item 9: case slips in units are refused and the meant unit is named.
    #[test]
    fn case_slips_in_units_suggest_the_meant_unit() {
        assert_eq!(parse_quantity("-50 mv").unwrap_err().to_string(), "unknown unit `mv` (did you mean `mV`?)");
        assert_eq!(parse_quantity("20 Ms").unwrap_err().to_string(), "unknown unit `Ms` (did you mean `ms`?)");
        assert_eq!(suggest_unit("NS", Some(Dim::CONDUCTANCE)).as_deref(), Some("nS"));
        assert_eq!(suggest_unit("NS", Some(Dim::TIME)).as_deref(), Some("ns"));
        assert_eq!(suggest_unit("MS", Some(Dim::CONDUCTANCE)).as_deref(), Some("mS"));
        assert_eq!(suggest_unit("xyz", None), None);
        // Mega stays for resistance and frequency, as in "100 Mohm" and "1 MHz".
        assert!((q("100 Mohm").value - 1e8).abs() < 1e-3);
        assert!((q("1 MHz").value - 1e6).abs() < 1e-6);
    }
}
