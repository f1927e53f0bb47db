//! Checkpoints in the safetensors format (Hugging Face): one `f32` tensor per
//! parameter, named `LAYER.PARAM` (`hidden.w_in`, `hidden.beta`), and one `u8` tensor
//! `LAYER.PARAM.mask` (1: the entry exists) per sparse-masked weight matrix, readable
//! from Python with `safetensors.numpy.load_file`.

use std::collections::HashMap;
use std::path::Path;

use safetensors::tensor::{Dtype, SafeTensors, TensorView};

use crate::network::Network;

/// Writes every parameter of `net` to `path`; `metadata` goes into the header.
pub fn save(net: &Network<f32>, path: &Path, metadata: HashMap<String, String>) -> Result<(), String> {
    let mut bytes: Vec<(String, Dtype, Vec<usize>, Vec<u8>)> = Vec::new();
    for layer in &net.layers {
        for p in layer.params() {
            let data: Vec<u8> = p.value.iter().flat_map(|x| x.to_le_bytes()).collect();
            let name = format!("{}.{}", layer.spec.name, p.name);
            if let Some(mask) = &p.mask {
                let bits = mask.iter().map(|&m| m as u8).collect();
                bytes.push((format!("{name}.mask"), Dtype::U8, p.shape.clone(), bits));
            }
            bytes.push((name, Dtype::F32, p.shape.clone(), data));
        }
    }
    let views: Vec<(String, TensorView<'_>)> = bytes
        .iter()
        .map(|(name, dtype, shape, data)| {
            let view = TensorView::new(*dtype, shape.clone(), data).map_err(|e| format!("{name}: {e}"))?;
            Ok((name.clone(), view))
        })
        .collect::<Result<_, String>>()?;
    let out = safetensors::serialize(views, &Some(metadata)).map_err(|e| e.to_string())?;
    std::fs::write(path, out).map_err(|e| format!("cannot write `{}`: {e}", path.display()))
}

/// Reads the parameters of `net` from `path`; every tensor must exist with the
/// parameter's shape. A sparse-masked parameter takes the checkpoint's mask, which
/// must exist.
pub fn load(net: &mut Network<f32>, path: &Path) -> Result<(), String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    let st =
        SafeTensors::deserialize(&bytes).map_err(|e| format!("`{}` is not a safetensors file: {e}", path.display()))?;
    for layer in &mut net.layers {
        let lname = layer.spec.name.clone();
        for p in layer.params_mut() {
            let name = format!("{lname}.{}", p.name);
            let t = st.tensor(&name).map_err(|_| format!("`{}` has no tensor `{name}`", path.display()))?;
            if t.dtype() != Dtype::F32 || t.shape() != p.shape.as_slice() {
                return Err(format!(
                    "`{}`: tensor `{name}` is {:?} {:?}, expected F32 {:?}",
                    path.display(),
                    t.dtype(),
                    t.shape(),
                    p.shape
                ));
            }
            for (x, chunk) in p.value.iter_mut().zip(t.data().chunks_exact(4)) {
                *x = f32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
            }
            if let Some(mask) = &mut p.mask {
                let m = st
                    .tensor(&format!("{name}.mask"))
                    .ok()
                    .filter(|m| m.dtype() == Dtype::U8 && m.shape() == t.shape());
                let Some(m) = m else {
                    return Err(format!("`{}` has no U8 tensor `{name}.mask` for the sparse layer", path.display()));
                };
                mask.iter_mut().zip(m.data()).for_each(|(keep, &b)| *keep = b != 0);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;
    use crate::cell::{CellSpec, Reset};
    use crate::layer::{Layer, LayerSpec, Projection};
    use crate::loss::Loss;
    use crate::surrogate::Surrogate;

    fn net(seed: u64, hidden: usize) -> Network<f32> {
        let mut rng = rand_pcg::Pcg64::seed_from_u64(seed);
        let cell = CellSpec {
            spiking: true,
            reset: Reset::Zero,
            detach_reset: false,
            surrogate: Surrogate::by_name("arctan", 2.0).unwrap(),
            adaptation: None,
            smooth: false,
        };
        let spec = |name: &str, n_in, n_out, projection| LayerSpec {
            name: name.into(),
            n_in,
            n_out,
            projection,
            recurrent: true,
            cell,
            per_neuron_tau: true,
            train_tau: true,
            connectivity: 1.0,
            recurrent_connectivity: 1.0,
        };
        Network {
            layers: vec![
                Layer::new(spec("hidden", 3, hidden, Projection::Delays { taps: 4 }), 0.8, 0.9, 1.0, &mut rng),
                Layer::new(spec("out", hidden, 2, Projection::Dense), 0.8, 0.9, 1.0, &mut rng),
            ],
            loss: Loss::SpikeCount,
            steps: 5,
            dt: 1e-3,
            rate_reg: None,
        }
    }

    #[test]
    fn parameters_survive_a_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.safetensors");
        let a = net(1, 4);
        save(&a, &path, HashMap::new()).unwrap();
        let mut b = net(2, 4);
        assert_ne!(a.params()[0].value, b.params()[0].value);
        load(&mut b, &path).unwrap();
        for (p, q) in a.params().iter().zip(b.params()) {
            assert_eq!(p.value, q.value, "{}", p.name);
        }
    }

    #[test]
    fn masks_survive_a_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.safetensors");
        let sparse = |seed| {
            let mut n = net(seed, 6);
            let mut rng = rand_pcg::Pcg64::seed_from_u64(seed);
            let spec = LayerSpec { connectivity: 0.5, recurrent_connectivity: 0.3, ..n.layers[1].spec.clone() };
            n.layers[1] = Layer::new(spec, 0.8, 0.9, 1.0, &mut rng);
            n
        };
        let a = sparse(1);
        save(&a, &path, HashMap::new()).unwrap();
        let mut b = sparse(2);
        assert_ne!(a.layers[1].w_in.mask, b.layers[1].w_in.mask);
        load(&mut b, &path).unwrap();
        for (p, q) in a.layers[1].params().iter().zip(b.layers[1].params()) {
            assert_eq!((&p.value, &p.mask), (&q.value, &q.mask), "{}", p.name);
        }
        let err = load(&mut sparse(1), &{
            let dense = dir.path().join("dense.safetensors");
            save(&net(1, 6), &dense, HashMap::new()).unwrap();
            dense
        })
        .unwrap_err();
        assert_eq!(
            err,
            format!(
                "`{}` has no U8 tensor `out.w_in.mask` for the sparse layer",
                dir.path().join("dense.safetensors").display()
            )
        );
    }

    #[test]
    fn a_shape_mismatch_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.safetensors");
        save(&net(1, 4), &path, HashMap::new()).unwrap();
        let err = load(&mut net(1, 5), &path).unwrap_err();
        assert_eq!(err, format!("`{}`: tensor `hidden.w_in` is F32 [3, 4], expected F32 [3, 5]", path.display()));
    }
}
