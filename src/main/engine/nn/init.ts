// Seeded parameter initialisers with PyTorch's defaults, so the recipes start where the tutorials do.
import * as tf from '../backend/tf';

/** Makes the initial value of a parameter of `shape`; the same seed gives the same values. */
export type Init = (shape: number[], seed: number) => tf.Tensor;

function uniform(shape: number[], bound: number, seed: number): tf.Tensor {
  return tf.randomUniform(shape, -bound, bound, 'float32', seed);
}

/**
 * nn.Linear's and nn.Conv2d's default weight init, kaiming_uniform(a = √5), which works out to
 * U(−1/√fan_in, 1/√fan_in). fan_in is the product of every dimension but the last, which is right
 * for the layouts used here: dense [in, out], conv [kh, kw, in, out], and transposed conv
 * [kh, kw, out, in] (PyTorch's ConvTranspose2d takes its fan-in from the output channels too).
 */
export const linearWeightInit: Init = (shape, seed) => {
  const fanIn = shape.slice(0, -1).reduce((n, d) => n * d, 1);
  return uniform(shape, 1 / Math.sqrt(fanIn), seed);
};

/** nn.Linear's and nn.Conv2d's default bias init, U(−1/√fan_in, 1/√fan_in) with the layer's fan-in. */
export function linearBiasInit(fanIn: number): Init {
  return (shape, seed) => uniform(shape, 1 / Math.sqrt(fanIn), seed);
}

/** N(0, std²), e.g. ae-mlp-64's N(0, 0.05). */
export function normalInit(std: number): Init {
  return (shape, seed) => tf.randomNormal(shape, 0, std, 'float32', seed);
}
