// Per-dimension statistics of a VAE's posterior over a dataset split: which latent dimensions carry
// information (KL per dimension, active units) and how wide the posterior is in each.
import * as tf from '../backend/tf';
import type { PosteriorStats } from '../../../shared/contract';
import type { ImageSet } from '../data/datasets';
import type { Autoencoder } from '../models/autoencoder';
import { VariationalAutoencoder, type Posterior } from '../models/vae';
import { requireFamily, setImages } from './explore';

/** Burda et al. (2016): a unit is active when Cov_x(E_q[z_d | x]) exceeds this. */
const ACTIVE_UNIT_THRESHOLD = 0.01;

/** Images per chunk: a chunk's tensors are [chunk, 784] and [chunk, latent], so memory is bounded for any latent size. */
const STATS_CHUNK = 1000;

/**
 * KL per latent dimension, active units and posterior σ per dimension of q(z|x) = N(μ, σ²) over the
 * first `limit` images of `set` (images [784] in [0, 1]). Runs `chunk` images at a time and merges
 * the chunks' means and variances exactly (Chan et al.'s pairwise update), so memory is
 * O(chunk · latent) and the result does not depend on the chunk size. Throws nothing of its own;
 * `posterior` errors pass through.
 */
export function posteriorStats(posterior: (x: tf.Tensor2D) => Posterior, set: ImageSet, limit: number, chunk = STATS_CHUNK): PosteriorStats {
  const count = Math.min(limit, set.count);
  let dims = 0;
  let kl = new Float64Array(0);
  let sigma = new Float64Array(0);
  let mean = new Float64Array(0);
  let m2 = new Float64Array(0); // Σ (μ − mean)² so far, per dimension
  for (let start = 0, seen = 0; start < count; start += chunk) {
    const indices = Array.from({ length: Math.min(chunk, count - start) }, (_, i) => start + i);
    const [muT, logVarT] = tf.tidy(() => {
      const q = posterior(setImages(set, indices).x);
      return [q.mu, q.logVar];
    });
    const mu = muT.dataSync();
    const logVar = logVarT.dataSync();
    tf.dispose([muT, logVarT]);
    if (dims === 0) {
      dims = muT.shape[1]!;
      [kl, sigma, mean, m2] = [0, 1, 2, 3].map(() => new Float64Array(dims));
    }
    const n = indices.length;
    for (let d = 0; d < dims; d++) {
      let chunkMean = 0;
      for (let i = 0; i < n; i++) chunkMean += mu[i * dims + d]!;
      chunkMean /= n;
      let chunkM2 = 0;
      for (let i = 0; i < n; i++) {
        const m = mu[i * dims + d]!;
        const lv = logVar[i * dims + d]!;
        chunkM2 += (m - chunkMean) ** 2;
        kl[d]! += -0.5 * (1 + lv - m * m - Math.exp(lv));
        sigma[d]! += Math.exp(0.5 * lv);
      }
      const delta = chunkMean - mean[d]!;
      const total = seen + n;
      mean[d]! += (delta * n) / total;
      m2[d]! += chunkM2 + (delta * delta * seen * n) / total;
    }
    seen += n;
  }
  const meanVariance = Array.from(m2, (v) => v / count);
  return {
    count,
    kl: Array.from(kl, (v) => v / count),
    meanVariance,
    sigma: Array.from(sigma, (v) => v / count),
    activeUnits: meanVariance.flatMap((v, d) => (v > ACTIVE_UNIT_THRESHOLD ? [d] : [])),
    threshold: ACTIVE_UNIT_THRESHOLD,
  };
}

/** `posteriorStats` of a VAE; a UserError for any other family (they have no posterior). */
export function vaePosteriorStats(model: Autoencoder, set: ImageSet, limit: number): PosteriorStats {
  const vae = requireFamily(model, VariationalAutoencoder, 'a VAE', 'per-dimension posterior statistics');
  return posteriorStats(vae.posterior, set, limit);
}

/**
 * A VAE's posterior q(z|x) = N(μ, diag σ²) of each of the images `indices` of `set`: μ and σ,
 * [indices.length][latent] each, in latent units (what the map draws as a sample's μ ± σ ellipse).
 * A UserError for any other family, and for an index outside the set (from `setImages`).
 */
export function samplePosteriors(model: Autoencoder, set: ImageSet, indices: number[]): { mu: number[][]; sigma: number[][] } {
  const vae = requireFamily(model, VariationalAutoencoder, 'a VAE', 'the posterior of a sample');
  return tf.tidy(() => {
    const { mu, logVar } = vae.posterior(setImages(set, indices).x);
    return { mu: mu.arraySync() as number[][], sigma: logVar.mul(0.5).exp().arraySync() as number[][] };
  });
}
