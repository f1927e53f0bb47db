//! What a neuron model declares about itself so that model files can be checked
//! against it: its parameters with units and defaults, its state variables, its
//! receptors (input ports) and the dimension its synaptic weights must have.
//!
//! The simulator owns the models; it hands the parser a [`Registry`] of their specs,
//! so this crate validates a model without knowing any neuron model's equations.

use std::collections::BTreeMap;

use crate::dist::Dist;
use crate::units::Dim;

/// The default of a parameter.
#[derive(Clone, Copy, Debug)]
pub enum Default {
    /// This value (SI units) when the key is absent.
    Value(f64),
    /// The key must be given.
    Required,
    /// The model works out a value itself when the key is absent (from a preset, say).
    Derived,
}

/// The type of a parameter.
#[derive(Clone, Copy, Debug)]
pub enum ParamKind {
    /// A quantity with a unit.
    Quantity(Dim, Default),
    /// A plain number.
    Number(Default),
    /// One name out of a fixed list; the first is the default.
    Choice(&'static [&'static str]),
    /// A list of quantities with a unit (spike times, say).
    QuantityList(Dim),
    /// A list of non-negative integers (neuron indices, say).
    IndexList,
    /// The name of a population of the model (a plasticity rule's neuromodulator
    /// source, say); read by the caller that knows the populations, stored as its index.
    Population,
}

/// One parameter of a neuron model.
#[derive(Clone, Copy, Debug)]
pub struct ParamSpec {
    /// The key in the model file (`tau_m`).
    pub name: &'static str,
    /// Its type, unit and default.
    pub kind: ParamKind,
    /// One line on what it means.
    pub doc: &'static str,
}

/// One state variable of a neuron model, which can be initialised and recorded.
#[derive(Clone, Copy, Debug)]
pub struct StateSpec {
    /// Its name (`v`).
    pub name: &'static str,
    /// Its dimension.
    pub dim: Dim,
    /// One line on what it means.
    pub doc: &'static str,
}

/// Everything the parser needs to know about a neuron model.
#[derive(Debug)]
pub struct KindSpec {
    /// The name used in `model = "..."`.
    pub name: &'static str,
    /// One line on what it is, with its reference.
    pub doc: &'static str,
    /// Its parameters.
    pub params: &'static [ParamSpec],
    /// Its state variables.
    pub state: &'static [StateSpec],
    /// Names of its input ports; a projection's `receptor` picks one.
    pub receptors: &'static [&'static str],
    /// Dimensions a synaptic weight onto this model may have, given its parameters.
    pub weight_dims: fn(&Params) -> &'static [Dim],
    /// Whether it takes injected currents (`i_e`, `step_current`, `poisson_input`).
    pub accepts_input: bool,
    /// Checks relations between parameters; on failure names the key and says why.
    pub check: fn(&Params) -> Result<(), (&'static str, String)>,
    /// The parameters that may take one value per neuron (a file or a distribution);
    /// the others take one value for the whole population.
    pub per_neuron: &'static [&'static str],
    /// Why a weight of this dimension is refused with these parameters, when
    /// `weight_dims` refuses it only because of them (a current weight onto a `lif`
    /// whose `tau_m` varies per neuron, say); the parser appends it to the error.
    pub weight_refusal: fn(&Params, Dim) -> Option<&'static str>,
}

/// A `weight_refusal` for models whose accepted weight dimensions need no reason.
pub fn no_refusal(_: &Params, _: Dim) -> Option<&'static str> {
    None
}

/// A `check` for models whose parameters need no cross-checks.
pub fn no_check(_: &Params) -> Result<(), (&'static str, String)> {
    Ok(())
}

/// Resolved parameter values of one population.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Params {
    values: BTreeMap<String, ParamValue>,
}

/// A resolved parameter value, in SI units.
#[derive(Clone, Debug, PartialEq)]
pub enum ParamValue {
    /// A quantity or number.
    Scalar(f64),
    /// A choice.
    Choice(String),
    /// A list of quantities.
    List(Vec<f64>),
    /// A list of indices.
    Indices(Vec<u64>),
    /// A population, by its index in the model.
    Population(usize),
    /// One value per neuron, SI units.
    PerNeuron(Vec<f64>),
    /// One value per neuron, to be drawn by the simulator (it owns the random streams).
    Drawn(Dist),
}

impl Params {
    /// Sets a value.
    pub fn insert(&mut self, name: &str, value: ParamValue) {
        self.values.insert(name.to_string(), value);
    }

    /// A scalar, if set. For a value per neuron, the population's mean: what the
    /// checks between parameters see.
    pub fn get(&self, name: &str) -> Option<f64> {
        match self.values.get(name) {
            Some(ParamValue::Scalar(v)) => Some(*v),
            Some(ParamValue::PerNeuron(v)) => Some(v.iter().sum::<f64>() / v.len().max(1) as f64),
            Some(ParamValue::Drawn(d)) => Some(d.mean()),
            _ => None,
        }
    }

    /// The values of a parameter set per neuron (after the simulator has drawn them).
    pub fn per_neuron(&self, name: &str) -> Option<&[f64]> {
        match self.values.get(name) {
            Some(ParamValue::PerNeuron(v)) => Some(v),
            _ => None,
        }
    }

    /// The smallest and largest value of a parameter over the neurons: a scalar's value
    /// twice, the extremes of values per neuron, or for a value still to be drawn the
    /// range a draw reaches in practice ([`Dist::practical_min`], [`Dist::practical_max`]).
    pub fn range(&self, name: &str) -> Option<(f64, f64)> {
        match self.values.get(name) {
            Some(ParamValue::Scalar(v)) => Some((*v, *v)),
            Some(ParamValue::PerNeuron(v)) => {
                Some(v.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| (lo.min(x), hi.max(x))))
            }
            Some(ParamValue::Drawn(d)) => Some((d.practical_min(), d.practical_max())),
            _ => None,
        }
    }

    /// Whether a parameter has a value per neuron (given or still to be drawn).
    pub fn varies(&self, name: &str) -> bool {
        matches!(self.values.get(name), Some(ParamValue::PerNeuron(_) | ParamValue::Drawn(_)))
    }

    /// Replaces every value still to be drawn by `draw(name, distribution)`'s values,
    /// one per neuron.
    pub fn draw_per_neuron(&mut self, mut draw: impl FnMut(&str, &Dist) -> Vec<f64>) {
        for (name, value) in &mut self.values {
            if let ParamValue::Drawn(d) = value {
                *value = ParamValue::PerNeuron(draw(name, d));
            }
        }
    }

    /// The parameters of neurons `range` of the population: values per neuron cut to it.
    pub fn for_neurons(&self, range: std::ops::Range<usize>) -> Params {
        let mut out = self.clone();
        for value in out.values.values_mut() {
            if let ParamValue::PerNeuron(v) = value {
                *v = v[range.clone()].to_vec();
            }
        }
        out
    }

    /// A scalar that has a default and so is always set.
    ///
    /// # Panics
    /// If the spec gave no default; that is a bug in the model's spec.
    pub fn f(&self, name: &str) -> f64 {
        self.get(name)
            .unwrap_or_else(|| panic!("parameter `{name}` has no value: the model's spec must give it a default"))
    }

    /// A choice (its default is the first allowed name).
    pub fn choice(&self, name: &str) -> &str {
        match self.values.get(name) {
            Some(ParamValue::Choice(c)) => c,
            _ => "",
        }
    }

    /// A list of quantities (empty when unset).
    pub fn list(&self, name: &str) -> &[f64] {
        match self.values.get(name) {
            Some(ParamValue::List(v)) => v,
            _ => &[],
        }
    }

    /// A list of indices (empty when unset).
    pub fn indices(&self, name: &str) -> &[u64] {
        match self.values.get(name) {
            Some(ParamValue::Indices(v)) => v,
            _ => &[],
        }
    }

    /// A population's index, if set.
    pub fn population(&self, name: &str) -> Option<usize> {
        match self.values.get(name) {
            Some(ParamValue::Population(i)) => Some(*i),
            _ => None,
        }
    }
}

/// A parameter of a plasticity rule that is a weight: it takes the dimension of the
/// projection's weights (a voltage, current or conductance).
#[derive(Clone, Copy, Debug)]
pub struct WeightParamSpec {
    /// The key in the model file (`w_max`).
    pub name: &'static str,
    /// Whether it must be given; when not, it defaults to 0.
    pub required: bool,
    /// One line on what it means.
    pub doc: &'static str,
}

/// Everything the parser needs to know about a synaptic plasticity rule.
#[derive(Debug)]
pub struct PlasticitySpec {
    /// The name used in `plasticity = { rule = "..." }`.
    pub name: &'static str,
    /// One line on what it is, with its reference.
    pub doc: &'static str,
    /// Its parameters with fixed dimensions.
    pub params: &'static [ParamSpec],
    /// Its parameters in the unit of the projection's weights.
    pub weight_params: &'static [WeightParamSpec],
    /// Checks relations between parameters; on failure names the key and says why.
    pub check: fn(&Params) -> Result<(), (&'static str, String)>,
}

/// The neuron models and plasticity rules a parser accepts.
pub trait Registry {
    /// The spec of the model called `name`.
    fn kind(&self, name: &str) -> Option<&'static KindSpec>;
    /// All model names, for suggestions.
    fn names(&self) -> Vec<&'static str>;
    /// The spec of the plasticity rule called `name`.
    fn plasticity(&self, _name: &str) -> Option<&'static PlasticitySpec> {
        None
    }
    /// All plasticity rule names, for suggestions.
    fn plasticity_names(&self) -> Vec<&'static str> {
        Vec::new()
    }
    /// The rules that change only what a spike transmits, not the stored weight
    /// (short-term plasticity): the ones a projection's `short_term` table may name,
    /// beside a long-term `plasticity` rule.
    fn short_term_names(&self) -> Vec<&'static str> {
        Vec::new()
    }
}

impl Registry for [&'static KindSpec] {
    fn kind(&self, name: &str) -> Option<&'static KindSpec> {
        self.iter().copied().find(|k| k.name == name)
    }
    fn names(&self) -> Vec<&'static str> {
        self.iter().map(|k| k.name).collect()
    }
}
