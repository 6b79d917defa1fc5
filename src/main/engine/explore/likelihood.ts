// The importance-weighted estimate of a VAE's negative log-likelihood (Burda, Grosse & Salakhutdinov
// 2016): log p(x) ≈ log (1/K) Σ_k p(x|z_k) p(z_k) / q(z_k|x), z_k ~ q(z|x). It is a lower bound on
// log p(x) that equals the ELBO at K = 1 and tightens as K grows, so −it is an upper bound on the NLL.
import * as tf from '../backend/tf';
import { binarize } from '../data/binarize';
import { imageBytesOf, type ImageSet } from '../data/datasets';
import { imagePixels } from '../models/network';
import { UserError } from '../errors';
import type { Autoencoder } from '../models/autoencoder';
import { VariationalAutoencoder } from '../models/vae';
import { requireFamily } from './explore';

/** Rows (image × importance sample) per forward pass: [ROWS, 784] floats is ~13 MB, whatever K is. */
const ROWS = 4096;
const LOG_2PI = Math.log(2 * Math.PI);

/**
 * The first `limit` images of `set`, stochastically binarized: each pixel is 1 with probability
 * its intensity, from a generator fixed by `seed` (the binarized MNIST of Burda et al.). Returns
 * count × 784 values in {0, 1}.
 */
export function binarizeSet(set: ImageSet, limit: number, seed: number): Float32Array {
  const count = Math.min(limit, set.count);
  return binarize(Float32Array.from(set.pixels.subarray(0, count * imageBytesOf(set)), (b) => b / 255), seed);
}

/** Each image set's binarized pixels for the last seed asked: a panel asks for chunk after chunk of one set. */
const binarizedSets = new WeakMap<ImageSet, { seed: number; x: Float32Array }>();

/**
 * Images [offset, offset + limit) of `set` as `binarizeSet(set, set.count, seed)` has them (so a
 * chunk's pixels are the whole binarized set's, however it is chunked): (≤ limit) × pixels values
 * in {0, 1}, pixels = height·width·channels of the set's images. The whole set is binarized once per set and seed (10,000 MNIST test images: 31 MB).
 * Throws a UserError when `offset` lies past the set's end.
 */
export function binarizedChunk(set: ImageSet, offset: number, limit: number, seed: number): Float32Array {
  if (offset >= set.count) throw new UserError(`image ${offset} is past the end of the ${set.count} test images: ask from a smaller offset`);
  let cached = binarizedSets.get(set);
  if (cached?.seed !== seed) binarizedSets.set(set, (cached = { seed, x: binarizeSet(set, set.count, seed) }));
  const pixels = imageBytesOf(set);
  return cached.x.subarray(offset * pixels, Math.min(set.count, offset + limit) * pixels);
}

export interface LikelihoodEstimate {
  /** Images averaged over. */
  count: number;
  /** Importance samples per image (K). */
  samples: number;
  /** −log (1/K) Σ_k w_k, the importance-weighted NLL estimate, mean over images, nats. */
  nll: number;
  /** −(1/K) Σ_k log w_k, the Monte Carlo −ELBO from the same samples, mean over images, nats; ≥ nll (Jensen). */
  negElbo: number;
}

/** log (1/n) Σ exp(v_i) over `n` values of `v` from `start` with stride `stride`, without overflow. */
function logMeanExp(v: Float64Array, start: number, n: number, stride: number): number {
  let max = -Infinity;
  for (let k = 0; k < n; k++) max = Math.max(max, v[start + k * stride]!);
  let sum = 0;
  for (let k = 0; k < n; k++) sum += Math.exp(v[start + k * stride]! - max);
  return max + Math.log(sum / n);
}

/**
 * The importance-weighted NLL estimate of a Bernoulli-decoder VAE on `x` (count × 784 binary
 * values, e.g. from `binarizeSet`), K = `samples` importance samples per image, with log weights
 * log w = log p(x|z) + log N(z; 0, I) − log N(z; μ, σ²). Seeded: the same seed, data and K give the
 * same figure. Memory is bounded by ROWS rows whatever K and the latent size are. Throws a UserError
 * for models other than a VAE, and for a VAE whose decoder is not Bernoulli (its squared-error
 * reconstruction is no normalised likelihood, so no NLL in nats exists for it).
 */
export function importanceWeightedNll(model: Autoencoder, x: Float32Array, samples: number, seed: number): LikelihoodEstimate {
  const vae = requireFamily(model, VariationalAutoencoder, 'a VAE', 'the likelihood estimate');
  if (!vae.bernoulli) throw new UserError(`the likelihood estimate needs a Bernoulli (BCE) decoder; ${vae.recipe.name} reconstructs with squared error`);
  const pixels = imagePixels(vae.recipe.image);
  const count = x.length / pixels;
  const latent = vae.latentDim;
  const perPass = Math.min(samples, ROWS);
  const imagesPerChunk = Math.max(1, Math.floor(ROWS / samples));
  let nll = 0;
  let negElbo = 0;
  let pass = 0;
  for (let start = 0; start < count; start += imagesPerChunk) {
    const b = Math.min(imagesPerChunk, count - start);
    const xb = tf.tensor2d(x.subarray(start * pixels, (start + b) * pixels), [b, pixels]);
    const [mu, logVar] = tf.tidy(() => {
      const q = vae.posterior(xb);
      return [q.mu, q.logVar];
    });
    // log w for every (sample k, image i), at k·b + i: the rows tf.tile lays out.
    const logW = new Float64Array(samples * b);
    for (let k0 = 0; k0 < samples; k0 += perPass) {
      const s = Math.min(perPass, samples - k0);
      const values = tf.tidy(() => {
        const eps = tf.randomNormal([s * b, latent], 0, 1, 'float32', seed + pass) as tf.Tensor2D;
        const logVarK = tf.tile(logVar, [s, 1]);
        const z = tf.tile(mu, [s, 1]).add(logVarK.mul(0.5).exp().mul(eps)) as tf.Tensor2D;
        const logPrior = tf.sum(z.square().add(LOG_2PI), 1).mul(-0.5);
        const logPosterior = tf.sum(eps.square().add(LOG_2PI).add(logVarK), 1).mul(-0.5);
        return vae.logLikelihood(z, tf.tile(xb, [s, 1])).add(logPrior).sub(logPosterior).dataSync();
      });
      pass++;
      logW.set(values, k0 * b);
    }
    tf.dispose([xb, mu, logVar]);
    for (let i = 0; i < b; i++) {
      nll -= logMeanExp(logW, i, samples, b);
      for (let k = 0; k < samples; k++) negElbo -= logW[k * b + i]! / samples;
    }
  }
  return { count, samples, nll: nll / count, negElbo: negElbo / count };
}
