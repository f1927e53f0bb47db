//! The `lif` model against closed-form solutions.

mod common;

use approx::assert_relative_eq;
use common::{model, run, spike_steps};

fn single_lif(i_e_pa: f64, dt_ms: f64, duration_ms: f64) -> String {
    format!(
        r#"
        [simulation]
        dt = "{dt_ms} ms"
        duration = "{duration_ms} ms"
        [populations.n]
        n = 1
        model = "lif"
        tau_m = "10 ms"
        c_m = "250 pF"
        v_rest = "-70 mV"
        v_reset = "-70 mV"
        v_th = "-55 mV"
        t_ref = "2 ms"
        i_e = "{i_e_pa} pA"
        "#
    )
}

/// ISI of a LIF under constant current: t_ref + tau_m ln(RI / (RI - (V_th - V_reset)))
/// (v_rest = v_reset here). dt = 1 µs keeps the grid error below 1e-4 relative.
#[test]
fn isi_under_constant_current_matches_closed_form() {
    let (tau_m, r, t_ref, gap) = (10e-3, 10e-3 / 250e-12, 2e-3, 15e-3);
    for i_pa in [400.0, 600.0, 1000.0] {
        let m = model(&single_lif(i_pa, 0.001, 200.0));
        let net = run(&m, 1);
        let steps = spike_steps(&net, &m, 0, 0);
        assert!(steps.len() >= 4, "{i_pa} pA: too few spikes ({})", steps.len());
        let ri = r * i_pa * 1e-12;
        let expected = t_ref + tau_m * (ri / (ri - gap)).ln();
        for w in steps.windows(2) {
            let isi = (w[1] - w[0]) as f64 * m.dt;
            assert_relative_eq!(isi, expected, max_relative = 1e-3);
        }
    }
}

#[test]
fn no_spike_below_rheobase() {
    // Rheobase: R I = V_th - v_rest, I = 15 mV / 40 MΩ = 375 pA.
    let m = model(&single_lif(374.0, 0.1, 1000.0));
    let net = run(&m, 1);
    assert_eq!(net.recordings().total_spikes(0), 0);
    let m = model(&single_lif(376.0, 0.1, 1000.0));
    assert!(run(&m, 1).recordings().total_spikes(0) > 0);
}

/// One input spike through a delay onto a neuron that cannot fire, with the
/// membrane potential and synaptic current recorded every step.
fn psp_model(synapse: &str) -> String {
    format!(
        r#"
        [simulation]
        dt = "0.1 ms"
        duration = "60 ms"
        [populations.src]
        n = 1
        model = "spike_generator"
        times = ["10 ms"]
        [populations.n]
        n = 1
        model = "lif"
        synapse = "{synapse}"
        tau_m = "10 ms"
        c_m = "250 pF"
        v_rest = "0 mV"
        v_reset = "-10 mV"
        v_th = "1000 mV"
        tau_syn_exc = "3 ms"
        [projections.in]
        source = "src"
        target = "n"
        rule = "one_to_one"
        weight = "100 pA"
        delay = "1 ms"
        [[record.state]]
        population = "n"
        vars = ["v", "i_exc"]
        ids = [0]
        "#
    )
}

/// The input reaches the synaptic current at `(spike step + delay steps + 1) dt`:
/// with Brian2's time stamps, the current jumps at the end of the arrival step.
fn psp_onset(m: &engram_model::Model) -> f64 {
    (100 + 10 + 1) as f64 * m.dt
}

#[test]
fn exponential_psc_and_psp_match_closed_form() {
    let m = model(&psp_model("exp"));
    let net = run(&m, 1);
    let tr = &net.recordings().state[0];
    let (w, tau_m, tau_s, r) = (100e-12, 10e-3, 3e-3, 10e-3 / 250e-12);
    let t0 = psp_onset(&m);
    let peak_v = w * r * 0.3; // an upper bound on the PSP, for the tolerance
    for (k, &t) in tr.times.iter().enumerate() {
        let s = t - t0;
        let (i, v) = if s < -1e-12 {
            (0.0, 0.0)
        } else {
            (w * (-s / tau_s).exp(), w * r * tau_s / (tau_s - tau_m) * ((-s / tau_s).exp() - (-s / tau_m).exp()))
        };
        assert!((tr.values[1][k] - i).abs() < 1e-5 * w, "I at {t}: {} vs {i}", tr.values[1][k]);
        assert!((tr.values[0][k] - v).abs() < 1e-4 * peak_v, "V at {t}: {} vs {v}", tr.values[0][k]);
    }
}

#[test]
fn alpha_psc_and_psp_match_closed_form() {
    let m = model(&psp_model("alpha"));
    let net = run(&m, 1);
    let tr = &net.recordings().state[0];
    let (w, tau_m, tau_s, r) = (100e-12, 10e-3, 3e-3, 10e-3 / 250e-12);
    let e = std::f64::consts::E;
    let a = 1.0 / tau_s - 1.0 / tau_m;
    let t0 = psp_onset(&m);
    let mut peak = (0.0, 0.0);
    for (k, &t) in tr.times.iter().enumerate() {
        let s = t - t0;
        let (i, v) = if s < -1e-12 {
            (0.0, 0.0)
        } else {
            let i = w * (s / tau_s) * (1.0 - s / tau_s).exp();
            let v = w * r * e / (tau_m * tau_s) * (-s / tau_m).exp() * (1.0 - (-a * s).exp() * (1.0 + a * s)) / (a * a);
            (i, v)
        };
        if tr.values[1][k] > peak.1 {
            peak = (s, tr.values[1][k]);
        }
        assert!((tr.values[1][k] - i).abs() < 1e-5 * w, "I at {t}: {} vs {i}", tr.values[1][k]);
        assert!((tr.values[0][k] - v).abs() < 1e-4 * w * r, "V at {t}: {} vs {v}", tr.values[0][k]);
    }
    // The alpha current peaks at the weight, tau_syn after its onset.
    assert_relative_eq!(peak.0, tau_s, max_relative = 1e-6);
    assert_relative_eq!(peak.1, w, max_relative = 1e-5);
}

/// A spike emitted at step t reaches its target at step t + d: a delta synapse strong
/// enough to make the target fire shows the arrival as the target's spike step.
#[test]
fn spikes_cross_heterogeneous_delays_in_exactly_their_steps() {
    let m = model(
        r#"
        [simulation]
        dt = "0.1 ms"
        duration = "40 ms"
        seed = 7
        [populations.src]
        n = 200
        model = "spike_generator"
        times = ["5 ms", "5 ms"]
        ids = [0, 1]
        [populations.dst]
        n = 200
        model = "lif"
        synapse = "delta"
        v_rest = "-70 mV"
        [projections.p]
        source = "src"
        target = "dst"
        rule = "all_to_all"
        weight = "20 mV"
        delay = { dist = "uniform", low = "0.1 ms", high = "20 ms" }
        "#,
    );
    // Only sources 0 and 1 fire, each once, at step 50.
    let net = run(&m, 2);
    let csr = net.synapses(0);
    let engram_sim::connect::Delays::PerSynapse(delays) = &csr.delays else { panic!("delays vary") };
    assert!(delays.contains(&1) && delays.iter().any(|&d| d >= 190));
    for tgt in 0..200u32 {
        // The first spike of target `tgt` comes from whichever of sources 0 and 1 has
        // the shorter delay to it.
        let d = (0..2usize)
            .map(|s| {
                let row = csr.row_ptr[s]..csr.row_ptr[s + 1];
                let k = row.start + csr.targets[row].binary_search(&tgt).expect("all-to-all");
                delays[k] as u64
            })
            .min()
            .unwrap();
        let first = spike_steps(&net, &m, 1, tgt)[0];
        assert_eq!(first, 50 + d, "target {tgt}");
    }
}
