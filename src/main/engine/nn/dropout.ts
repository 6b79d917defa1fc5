// Inverted dropout with its mask drawn from an explicit seed, so a training run replays exactly;
// the draws are made apart from their use, so a graph of the step can be fed them.
import * as tf from '../backend/tf';

/** U[0, 1) draws of `shape` (float32) from `seed`: what `dropout` makes its mask from. */
export function dropoutUniforms(shape: number[], seed: number): tf.Tensor {
  return tf.randomUniform(shape, 0, 1, 'float32', seed);
}

/**
 * Zeroes each element of x where its draw u ≥ 1 − `rate` and scales the rest by 1/(1 − rate), so the
 * expected activation is unchanged and inference needs no rescaling: callers apply it only while
 * training. `uniforms`: U[0, 1) draws of x's shape (`dropoutUniforms`). The same arithmetic as
 * tf.dropout: x · ⌊u + keep⌋ / keep (Srivastava et al. 2014, inverted).
 */
export function dropout<T extends tf.Tensor>(x: T, rate: number, uniforms: tf.Tensor): T {
  if (rate === 0) return x;
  const keep = 1 - rate;
  return tf.tidy(() => tf.mul(x, tf.div(tf.floor(tf.add(uniforms, keep)), keep))) as T;
}
