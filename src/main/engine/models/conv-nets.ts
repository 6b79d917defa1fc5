// Convolutional encoders and decoders: 28×28 → 14×14 → 7×7 with stride-2 convolutions, and back
// with stride-2 transposed convolutions. Used by the convolutional VAE and the VQ-VAE.
import type * as tf from '../backend/tf';
import { conv2d, conv2dTranspose } from '../nn/conv';
import type { Activation } from '../nn/dense';
import { linearBiasInit, linearWeightInit } from '../nn/init';
import { dense } from '../nn/dense';
import { denseParams } from './mlp';
import type { ParamStore } from './params';

interface ConvLayer {
  w: tf.Variable;
  b: tf.Variable;
  stride: number;
  activation: Activation;
  transposed: boolean;
  /** Output height/width and channels, per sample. */
  out: [number, number, number];
}

function convLayer(store: ParamStore, name: string, kernel: number, inC: number, out: [number, number, number], stride: number, activation: Activation, transposed = false): ConvLayer {
  const outC = out[2];
  // Transposed convs store [kh, kw, out, in], as tf.conv2dTranspose expects.
  const shape = transposed ? [kernel, kernel, outC, inC] : [kernel, kernel, inC, outC];
  const w = store.create(`${name}/kernel`, shape, linearWeightInit);
  const b = store.create(`${name}/bias`, [outC], linearBiasInit(kernel * kernel * (transposed ? outC : inC)));
  store.describe(name, out, [w, b]);
  return { w, b, stride, activation, transposed, out };
}

function applyConv(layer: ConvLayer, x: tf.Tensor4D): tf.Tensor4D {
  const w = layer.w as tf.Tensor4D;
  const b = layer.b as tf.Tensor1D;
  return layer.transposed
    ? conv2dTranspose(x, w, b, [x.shape[0], ...layer.out], layer.stride, layer.activation)
    : conv2d(x, w, b, layer.stride, layer.activation);
}

function stack(layers: ConvLayer[]): (x: tf.Tensor4D) => tf.Tensor4D {
  return (x) => layers.reduce((h, layer) => applyConv(layer, h), x);
}

const asImage = (x: tf.Tensor2D) => x.reshape([x.shape[0], 28, 28, 1]) as tf.Tensor4D;
const flatten = (x: tf.Tensor4D) => x.reshape([x.shape[0], -1]) as tf.Tensor2D;

/** conv 3×3/2 (32) → conv 3×3/2 (64) → dense `hidden`, ReLU throughout (the Keras VAE example). */
export function convEncoder(store: ParamStore, name: string, hidden: number): (x: tf.Tensor2D) => tf.Tensor2D {
  const convs = stack([
    convLayer(store, `${name}/conv1`, 3, 1, [14, 14, 32], 2, 'relu'),
    convLayer(store, `${name}/conv2`, 3, 32, [7, 7, 64], 2, 'relu'),
  ]);
  const head = denseParams(store, `${name}/dense`, 7 * 7 * 64, hidden, 'relu');
  return (x) => dense(flatten(convs(asImage(x))), head.w as tf.Tensor2D, head.b as tf.Tensor1D, 'relu');
}

/** dense → 7×7×64 → convT 3×3/2 (64) → convT 3×3/2 (32) → conv 3×3 (1), logits out. */
export function convDecoder(store: ParamStore, name: string, latent: number): (z: tf.Tensor2D) => tf.Tensor2D {
  const head = denseParams(store, `${name}/dense`, latent, 7 * 7 * 64, 'relu');
  const convs = stack([
    convLayer(store, `${name}/deconv1`, 3, 64, [14, 14, 64], 2, 'relu', true),
    convLayer(store, `${name}/deconv2`, 3, 64, [28, 28, 32], 2, 'relu', true),
    convLayer(store, `${name}/conv_out`, 3, 32, [28, 28, 1], 1, 'linear'),
  ]);
  return (z) => flatten(convs(dense(z, head.w as tf.Tensor2D, head.b as tf.Tensor1D, 'relu').reshape([z.shape[0], 7, 7, 64]) as tf.Tensor4D));
}

/** VQ-VAE encoder: conv 4×4/2 (32) → conv 4×4/2 (64) → conv 1×1 (codeDim): a 7×7 map of code vectors. */
export function vqEncoder(store: ParamStore, name: string, codeDim: number): (x: tf.Tensor2D) => tf.Tensor4D {
  const convs = stack([
    convLayer(store, `${name}/conv1`, 4, 1, [14, 14, 32], 2, 'relu'),
    convLayer(store, `${name}/conv2`, 4, 32, [7, 7, 64], 2, 'relu'),
    convLayer(store, `${name}/to_code`, 1, 64, [7, 7, codeDim], 1, 'linear'),
  ]);
  return (x) => convs(asImage(x));
}

/** VQ-VAE decoder: conv 3×3 (64) → convT 4×4/2 (32) → convT 4×4/2 (1), sigmoid: images in [0, 1]. */
export function vqDecoder(store: ParamStore, name: string, codeDim: number): (zq: tf.Tensor4D) => tf.Tensor2D {
  const convs = stack([
    convLayer(store, `${name}/conv_in`, 3, codeDim, [7, 7, 64], 1, 'relu'),
    convLayer(store, `${name}/deconv1`, 4, 64, [14, 14, 32], 2, 'relu', true),
    convLayer(store, `${name}/deconv2`, 4, 32, [28, 28, 1], 2, 'sigmoid', true),
  ]);
  return (zq) => flatten(convs(zq));
}
