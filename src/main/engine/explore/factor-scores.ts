// Whether each latent dimension follows one factor of variation: the mutual information between
// each dimension's (discretised) posterior mean and each known factor, normalised by the factor's
// entropy, and the Mutual Information Gap (MIG) of Chen et al. (2018), "Isolating Sources of
// Disentanglement in Variational Autoencoders", with the histogram estimator of Locatello et al.
// (2019, disentanglement_lib): 20 equal-width bins per dimension over its range on the data.
import type { FactorScores } from '../../../shared/contract';
import type { Dataset, ImageSet } from '../data/datasets';
import { UserError } from '../errors';
import { encodeSet, type Explorable } from './explore';

/** Bins per latent dimension, as in disentanglement_lib's `discretize_data` default. */
export const MIG_BINS = 20;

/**
 * Each value of column d of `values` ([count × dims] row-major) → its bin 0 … bins−1 among `bins`
 * equal-width bins over the column's [min, max] (the maximum in the last bin; a constant column all
 * in bin 0). Returns [count × dims] bins, row-major.
 */
export function discretise(values: ArrayLike<number>, count: number, dims: number, bins: number): Uint16Array {
  const out = new Uint16Array(count * dims);
  for (let d = 0; d < dims; d++) {
    let [lo, hi] = [Infinity, -Infinity];
    for (let i = 0; i < count; i++) {
      const v = values[i * dims + d]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const width = (hi - lo) / bins;
    for (let i = 0; i < count; i++) out[i * dims + d] = width > 0 ? Math.min(bins - 1, Math.floor((values[i * dims + d]! - lo) / width)) : 0;
  }
  return out;
}

/**
 * Mutual information I(A; B) in nats of two discrete variables from their `count` joint draws:
 * a[i·aStride + aAt] in 0 … aLevels−1, b[i·bStride + bAt] in 0 … bLevels−1 (plug-in estimate from
 * the empirical joint distribution, as sklearn's mutual_info_score).
 */
export function mutualInformation(
  count: number,
  a: { values: ArrayLike<number>; stride: number; at: number; levels: number },
  b: { values: ArrayLike<number>; stride: number; at: number; levels: number }
): number {
  const joint = new Float64Array(a.levels * b.levels);
  const pa = new Float64Array(a.levels);
  const pb = new Float64Array(b.levels);
  for (let i = 0; i < count; i++) {
    const [x, y] = [a.values[i * a.stride + a.at]!, b.values[i * b.stride + b.at]!];
    joint[x * b.levels + y]! += 1;
    pa[x]! += 1;
    pb[y]! += 1;
  }
  let mi = 0;
  for (let x = 0; x < a.levels; x++) {
    for (let y = 0; y < b.levels; y++) {
      const n = joint[x * b.levels + y]!;
      if (n > 0) mi += (n / count) * Math.log((n * count) / (pa[x]! * pb[y]!));
    }
  }
  return Math.max(0, mi);
}

/** Entropy H in nats of column `at` of `values` ([count × stride]), levels 0 … levels−1. */
export function entropy(values: ArrayLike<number>, count: number, stride: number, at: number, levels: number): number {
  const p = new Float64Array(levels);
  for (let i = 0; i < count; i++) p[values[i * stride + at]!]! += 1;
  return -p.reduce((h, n) => (n > 0 ? h + (n / count) * Math.log(n / count) : h), 0);
}

/**
 * The normalised mutual information I(z_d; v_k) / H(v_k) of every latent dimension d and factor k,
 * and MIG = mean over factors of (largest − second largest of that factor's normalised MIs).
 * @param means [count × dims] posterior means (the code of an AE), row-major
 * @param factors [count × factorLevels.length] levels, row-major (ImageSet.factors)
 * @param factorNames the factors' names, in stored order
 * @param factorLevels each factor's number of levels
 * A factor with one level (entropy 0) has no MI to normalise: its row is 0 and it is left out of
 * the mean. Throws a UserError for fewer than two images or a latent of one dimension (no gap).
 */
export function factorScores(means: ArrayLike<number>, count: number, dims: number, factors: ArrayLike<number>, factorNames: string[], factorLevels: number[], bins = MIG_BINS): FactorScores {
  if (count < 2) throw new UserError(`the factor scores need at least 2 images, got ${count}`);
  if (dims < 2) throw new UserError('the mutual information gap compares two latent dimensions: this model has one');
  const codes = discretise(means, count, dims, bins);
  const k = factorLevels.length;
  const factorEntropy = factorLevels.map((levels, f) => entropy(factors, count, k, f, levels));
  const mi = Array.from({ length: dims }, (_, d) =>
    factorLevels.map((levels, f) =>
      factorEntropy[f]! > 0 ? mutualInformation(count, { values: codes, stride: dims, at: d, levels: bins }, { values: factors, stride: k, at: f, levels }) / factorEntropy[f]! : 0
    )
  );
  const gaps = factorLevels.map((_, f) => {
    const [first, second] = mi.map((row) => row[f]!).sort((x, y) => y - x);
    return first! - second!;
  });
  const counted = gaps.filter((_, f) => factorEntropy[f]! > 0);
  return { count, bins, factors: [...factorNames], entropy: factorEntropy, mi, gaps, mig: counted.length ? counted.reduce((s, g) => s + g, 0) / counted.length : 0 };
}

/**
 * `factorScores` of a model's latent means (μ for a VAE, the code for an AE) over the first
 * `limit` images of `set`, a split of `dataset`. Throws a UserError when the dataset carries no
 * factors (only the built-in sprites do), and encodeSet's errors.
 */
export async function modelFactorScores(model: Explorable, dataset: Dataset, set: ImageSet, limit: number): Promise<FactorScores> {
  if (!dataset.factors || !set.factors) {
    throw new UserError(`${dataset.title} has no known factors of variation (only one label per image): factor scores need a dataset such as the built-in sprites`);
  }
  const { dims, points } = await encodeSet(model, set, limit);
  const count = points.length / dims;
  return factorScores(points, count, dims, set.factors, dataset.factors.map((f) => f.name), dataset.factors.map((f) => f.levels.length));
}
