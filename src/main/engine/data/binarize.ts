// Stochastic binarization: each pixel becomes 1 with probability its intensity. Drawn afresh per
// batch while training ("dynamically binarized MNIST") and once, seeded, for a binarized test set.
import { fillUniform } from '../random';

/**
 * Replaces every value of `x` (intensities in [0, 1]) by a Bernoulli(x) draw in {0, 1}, in place,
 * from a generator fixed by the integer `seed`; returns `x`.
 */
export function binarize(x: Float32Array, seed: number): Float32Array {
  const u = fillUniform(new Float32Array(x.length), seed);
  for (let i = 0; i < x.length; i++) x[i] = u[i]! < x[i]! ? 1 : 0;
  return x;
}
