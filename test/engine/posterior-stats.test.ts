import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initBackend } from '../../src/main/engine/backend/backend';
import * as tf from '../../src/main/engine/backend/tf';
import type { ImageSet } from '../../src/main/engine/data/datasets';
import { UserError } from '../../src/main/engine/errors';
import { posteriorStats, samplePosteriors, vaePosteriorStats } from '../../src/main/engine/explore/posterior-stats';
import { buildModel, requireRecipe, resolveSettings } from '../../src/main/engine/models/build';

await initBackend('cpu');

/** Images whose every pixel is the given byte. */
function flatImages(bytes: number[]): ImageSet {
  const pixels = new Uint8Array(bytes.length * 784);
  bytes.forEach((b, i) => pixels.fill(b, i * 784, (i + 1) * 784));
  return { count: bytes.length, pixels, labels: new Uint8Array(bytes.length) };
}

// A tiny model with a posterior known by hand: μ = (m, 0.05·m) for m the image's mean intensity,
// σ = (1, 0.5) for every image.
const tinyPosterior = (x: tf.Tensor2D) => {
  const m = tf.mean(x, 1, true) as tf.Tensor2D;
  return {
    mu: tf.concat([m, m.mul(0.05)], 1) as tf.Tensor2D,
    logVar: tf.concat([tf.zerosLike(m), tf.fill(m.shape, Math.log(0.25))], 1) as tf.Tensor2D,
  };
};

const close = (actual: number[], expected: number[], tol = 1e-6) =>
  actual.forEach((a, i) => assert.ok(Math.abs(a - expected[i]!) < tol, `${a} vs ${expected[i]} at ${i}`));

test('per-dimension KL, posterior-mean variance, σ and active units match hand-computed values', () => {
  // μ₀ over the images = 0, 1, 0.2 and μ₁ = 0, 0.05, 0.01.
  const set = flatImages([0, 255, 51]);
  for (const chunk of [1, 2, 1000]) {
    const stats = posteriorStats(tinyPosterior, set, 3, chunk);
    assert.equal(stats.count, 3);
    // Var(μ₀) = (0.4² + 0.6² + 0.2²)/3; Var(μ₁) = (0.02² + 0.03² + 0.01²)/3.
    close(stats.meanVariance, [0.56 / 3, 0.0014 / 3]);
    // KL_d = −½(1 + log σ² − μ² − σ²): ½μ₀² for σ = 1, and −½(0.75 − ln 4) + ½μ₁² for σ = 0.5.
    close(stats.kl, [(0.5 * 1.04) / 3, -0.5 * (0.75 - Math.log(4)) + (0.5 * 0.0026) / 3]);
    close(stats.sigma, [1, 0.5]);
    assert.deepEqual(stats.activeUnits, [0], 'Var(μ₀) > 0.01 > Var(μ₁)');
  }
  assert.equal(posteriorStats(tinyPosterior, set, 2).count, 2, 'limit takes a prefix');
});

test('a VAE of any latent size gives one value per dimension, the same whatever the chunk; other families are refused', () => {
  const build = (name: string, latent?: number) => {
    const recipe = requireRecipe(name);
    return buildModel(recipe, resolveSettings(recipe, latent ? { latent } : {}));
  };
  const vae = build('vae-mlp-20', 64) as import('../../src/main/engine/models/vae').VariationalAutoencoder;
  const set = flatImages(Array.from({ length: 30 }, (_, i) => i * 8));
  const whole = posteriorStats(vae.posterior, set, 30, 1000);
  assert.equal(whole.kl.length, 64);
  assert.equal(whole.sigma.length, 64);
  const chunked = posteriorStats(vae.posterior, set, 30, 7);
  close(chunked.meanVariance, whole.meanVariance, 1e-6);
  close(chunked.kl, whole.kl, 1e-5);
  assert.deepEqual(vaePosteriorStats(vae, set, 30).activeUnits, whole.activeUnits);
  assert.throws(() => vaePosteriorStats(build('ae-mlp-8'), set, 30), (e) => e instanceof UserError && /needs a VAE/.test(e.message));
});

test("a sample's posterior is the model's μ and σ = exp(log σ² / 2) for that image; other families and indices out of range are refused", () => {
  const recipe = requireRecipe('vae-mlp-2');
  const vae = buildModel(recipe, resolveSettings(recipe, {})) as import('../../src/main/engine/models/vae').VariationalAutoencoder;
  const set = flatImages([0, 100, 200]);
  const { mu, sigma } = samplePosteriors(vae, set, [2, 0]);
  const expected = tf.tidy(() => {
    const q = vae.posterior(tf.tensor2d(Float32Array.from({ length: 2 * 784 }, (_, i) => (i < 784 ? 200 : 0) / 255), [2, 784]));
    return { mu: q.mu.arraySync() as number[][], sigma: q.logVar.arraySync().map((row) => (row as number[]).map((v) => Math.exp(v / 2))) };
  });
  close(mu.flat(), expected.mu.flat());
  close(sigma.flat(), expected.sigma.flat());
  assert.equal(mu[0]!.length, 2);
  assert.throws(() => samplePosteriors(vae, set, [3]), (e) => e instanceof UserError && /out of range/.test(e.message));
  const ae = buildModel(requireRecipe('ae-mlp-2'), resolveSettings(requireRecipe('ae-mlp-2'), {}));
  assert.throws(() => samplePosteriors(ae, set, [0]), (e) => e instanceof UserError && /needs a VAE/.test(e.message));
});
