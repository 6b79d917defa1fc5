// Inverted dropout with an explicit seed, so a training run replays exactly.
import * as tf from '../backend/tf';

/**
 * Zeroes each element with probability `rate` and scales the rest by 1/(1 − rate), so the
 * expected activation is unchanged and inference needs no rescaling: callers apply it only while
 * training. The mask is drawn from `seed`.
 */
export function dropout<T extends tf.Tensor>(x: T, rate: number, seed: number): T {
  if (rate === 0) return x;
  return tf.dropout(x, rate, undefined, seed) as T;
}
