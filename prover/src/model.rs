//! burn MLPs built from an architecture spec, trained with autodiff (Adam, binary
//! cross-entropy on the logit), saved with burn's `Module::save_file` (burnpack), and exported
//! to plain float weights for quantization and ONNX.

use std::path::Path;

use anyhow::{anyhow, Context, Result};
use burn::module::Module;
use burn::nn::{Linear, LinearConfig};
use burn::optim::{AdamConfig, GradientsParams};
use burn::tensor::activation::relu;
use burn::tensor::{Device, Tensor, TensorData};
use inferchain_verifier::ArchSpec;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

/// ReLU MLP: `Linear -> ReLU -> ... -> Linear` (no activation on the output logit).
#[derive(Module, Debug)]
pub struct Mlp {
    layers: Vec<Linear>,
}

impl Mlp {
    pub fn new(arch: &ArchSpec, device: &Device) -> Self {
        let layers = (0..arch.num_dense())
            .map(|l| {
                let (i, o) = arch.dense_shape(l);
                LinearConfig::new(i, o).init(device)
            })
            .collect();
        Mlp { layers }
    }

    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        let n = self.layers.len();
        let mut h = x;
        for (l, layer) in self.layers.iter().enumerate() {
            h = layer.forward(h);
            if l + 1 < n {
                h = relu(h);
            }
        }
        h
    }

    /// Float weights, row-major `[out][in]` (burn stores `[in, out]`).
    pub fn export(&self, arch: &ArchSpec) -> Result<FloatModel> {
        let mut layers = Vec::new();
        for (l, layer) in self.layers.iter().enumerate() {
            let (n_in, n_out) = arch.dense_shape(l);
            let w = layer.weight.val().into_data();
            let shape = w.shape().clone();
            let w: Vec<f32> = w.try_to_vec::<f32>().map_err(|e| anyhow!("{e:?}"))?;
            if shape.as_slice() != [n_in, n_out] {
                return Err(anyhow!("layer {l}: weight shape {shape:?}"));
            }
            let mut weights = vec![0f32; n_in * n_out];
            for i in 0..n_in {
                for j in 0..n_out {
                    weights[j * n_in + i] = w[i * n_out + j];
                }
            }
            let bias: Vec<f32> = match &layer.bias {
                Some(b) => b
                    .val()
                    .into_data()
                    .try_to_vec::<f32>()
                    .map_err(|e| anyhow!("{e:?}"))?,
                None => vec![0.0; n_out],
            };
            layers.push(FloatLayer { weights, bias });
        }
        Ok(FloatModel {
            arch: arch.name(),
            layers,
        })
    }
}

/// Float weights of a trained model, row-major `[out][in]`, for quantization and ONNX export.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FloatModel {
    pub arch: String,
    pub layers: Vec<FloatLayer>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FloatLayer {
    pub weights: Vec<f32>,
    pub bias: Vec<f32>,
}

impl FloatModel {
    /// Float logit (f64 arithmetic).
    pub fn logit(&self, x: &[f32]) -> f64 {
        let mut h: Vec<f64> = x.iter().map(|&v| v as f64).collect();
        let n = self.layers.len();
        for (l, layer) in self.layers.iter().enumerate() {
            let n_in = h.len();
            let n_out = layer.bias.len();
            let mut out = Vec::with_capacity(n_out);
            for j in 0..n_out {
                let mut acc = layer.bias[j] as f64;
                for i in 0..n_in {
                    acc += layer.weights[j * n_in + i] as f64 * h[i];
                }
                out.push(if l + 1 < n { acc.max(0.0) } else { acc });
            }
            h = out;
        }
        h[0]
    }
}

#[derive(Clone, Debug)]
pub struct TrainConfig {
    pub epochs: usize,
    pub batch_size: usize,
    pub learning_rate: f64,
    pub seed: u64,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            epochs: 30,
            batch_size: 64,
            learning_rate: 3e-3,
            seed: 1,
        }
    }
}

fn batch_tensors(
    x: &[Vec<f32>],
    y: &[u8],
    idx: &[usize],
    device: &Device,
) -> (Tensor<2>, Tensor<2>) {
    let d = x[0].len();
    let mut xs = Vec::with_capacity(idx.len() * d);
    let mut ys = Vec::with_capacity(idx.len());
    for &i in idx {
        xs.extend_from_slice(&x[i]);
        ys.push(y[i] as f32);
    }
    (
        Tensor::<2>::from_data(TensorData::new(xs, [idx.len(), d]), device),
        Tensor::<2>::from_data(TensorData::new(ys, [idx.len(), 1]), device),
    )
}

/// Binary cross-entropy on logits, numerically stable:
/// `max(z, 0) - z y + ln(1 + exp(-|z|))`.
fn bce_with_logits(z: Tensor<2>, y: Tensor<2>) -> Tensor<1> {
    let pos = z.clone().clamp_min(0.0);
    let zy = z.clone() * y;
    let soft = z.abs().neg().exp().add_scalar(1.0).log();
    (pos - zy + soft).mean()
}

/// Trains a model; `on_epoch(epoch, mean_loss)` is called after each epoch (progress output).
pub fn train(
    arch: &ArchSpec,
    x: &[Vec<f32>],
    y: &[u8],
    cfg: &TrainConfig,
    mut on_epoch: impl FnMut(usize, f64),
) -> Result<Mlp> {
    if x.is_empty() || x[0].len() != arch.input_len() {
        return Err(anyhow!(
            "dataset has {} features, {} takes {}",
            x.first().map_or(0, |r| r.len()),
            arch,
            arch.input_len()
        ));
    }
    let device = Device::flex().autodiff();
    // burn's parameter init draws from the device RNG: seed it for reproducible runs.
    device.seed(cfg.seed);
    let mut model = Mlp::new(arch, &device);
    let mut optim = AdamConfig::new().init();
    let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed);
    let mut order: Vec<usize> = (0..x.len()).collect();
    for epoch in 0..cfg.epochs {
        order.shuffle(&mut rng);
        let mut total = 0.0;
        let mut batches = 0;
        for chunk in order.chunks(cfg.batch_size) {
            let (xb, yb) = batch_tensors(x, y, chunk, &device);
            let loss = bce_with_logits(model.forward(xb), yb);
            let lv: f32 = loss
                .clone()
                .into_data()
                .try_to_vec::<f32>()
                .map_err(|e| anyhow!("{e:?}"))?[0];
            total += lv as f64;
            batches += 1;
            let grads = GradientsParams::from_grads(loss.backward(), &model);
            model = optim.step(cfg.learning_rate, model, grads);
        }
        on_epoch(epoch, total / batches as f64);
    }
    Ok(model)
}

/// Saves with burn's recorder (burnpack).
pub fn save(model: Mlp, path: &Path) -> Result<()> {
    model
        .save_file(path)
        .map_err(|e| anyhow!("{e:?}"))
        .with_context(|| format!("saving {}", path.display()))
}

/// Loads a model saved by [`save`].
pub fn load(arch: &ArchSpec, path: &Path) -> Result<Mlp> {
    let device = Device::flex();
    Mlp::new(arch, &device)
        .try_load_file(path)
        .map_err(|e| anyhow!("loading {}: {e:?}", path.display()))
}

/// Float logits with burn's forward pass (no autodiff), for the float accuracy.
pub fn burn_logits(model: &Mlp, x: &[Vec<f32>]) -> Result<Vec<f32>> {
    let device = Device::flex();
    let idx: Vec<usize> = (0..x.len()).collect();
    let (xb, _) = batch_tensors(x, &vec![0; x.len()], &idx, &device);
    let model = model.valid();
    model
        .forward(xb)
        .into_data()
        .try_to_vec::<f32>()
        .map_err(|e| anyhow!("{e:?}"))
}
