//! `engram check`: validate a model and print its size.

use engram_sim::estimate;

use crate::{Failure, ModelArgs};

/// Validates the model and prints neurons, synapses and a memory estimate. Synapses
/// that weight monitors list are looked up in their projections' drawn pairs (only
/// those projections are drawn), so a missing one is reported here, at the pair.
pub fn check(args: &ModelArgs) -> Result<(), Failure> {
    let model = args.load(false)?;
    engram_sim::plasticity::monitor::check_listed_synapses(&model).map_err(|e| Failure::from(*e))?;
    let est = estimate(&model);
    println!("{}: ok", args.model.display());
    println!("  model        {}", model.name);
    println!("  populations  {}", model.populations.len());
    for p in &model.populations {
        println!("    {:<12} {:>10} × {}", p.name, p.size, p.kind.name);
    }
    println!("  projections  {}", model.projections.len());
    println!("  neurons      {}", est.neurons);
    println!("  synapses     {} (expected)", est.synapses);
    println!("  memory       {} (estimate)", crate::output::human_bytes(est.bytes));
    println!(
        "  time         {} s at dt = {} ms ({} steps)",
        // Rounded to the nanosecond: 3 steps of 0.1 ms are 0.00030000000000000003 s in f64.
        (model.duration * 1e9).round() / 1e9,
        (model.dt * 1e3 * 1e6).round() / 1e6,
        model.steps()
    );
    Ok(())
}
