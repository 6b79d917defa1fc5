import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initBackend } from '../../src/main/engine/backend/backend';
import * as tf from '../../src/main/engine/backend/tf';
import { loadDataset } from '../../src/main/engine/data/datasets';
import { UserError } from '../../src/main/engine/errors';
import { binarizedChunk, binarizeSet, importanceWeightedNll } from '../../src/main/engine/explore/likelihood';
import { buildModel, requireRecipe, resolveSettings } from '../../src/main/engine/models/build';
import { loadModelFolder } from '../../src/main/engine/persistence/model-folder';

await initBackend('cpu');
const mnist = await loadDataset('mnist');
const build = (name: string) => {
  const recipe = requireRecipe(name);
  return buildModel(recipe, resolveSettings(recipe, {}));
};
// The bundled 2-D VAE: a trained posterior, so importance weighting has something to correct.
const { model: vae } = loadModelFolder('resources/models/mnist-vae-2d');
const x = binarizeSet(mnist.test, 40, 7);

test('binarization is seeded, binary, and keeps each pixel with probability its intensity', () => {
  assert.deepEqual(binarizeSet(mnist.test, 40, 7), x);
  assert.ok(x.every((v) => v === 0 || v === 1));
  const intensity = mnist.test.pixels.subarray(0, x.length).reduce((s, b) => s + b / 255, 0);
  const ones = x.reduce((s, v) => s + v, 0);
  assert.ok(Math.abs(ones - intensity) < 4 * Math.sqrt(intensity), `${ones} ones for ${intensity} expected`);
});

test('a chunk of the binarized set is those rows of the whole set binarized at once; an offset past the end is refused', () => {
  const whole = binarizeSet(mnist.test, mnist.test.count, 7);
  assert.deepEqual(binarizedChunk(mnist.test, 0, 40, 7), x);
  assert.deepEqual(binarizedChunk(mnist.test, 9990, 50, 7), whole.subarray(9990 * 784), 'the last chunk stops at the set end');
  assert.deepEqual(binarizedChunk(mnist.test, 123, 5, 8), binarizeSet(mnist.test, mnist.test.count, 8).subarray(123 * 784, 128 * 784), 'another seed');
  assert.throws(() => binarizedChunk(mnist.test, 10_000, 1, 7), (e) => e instanceof UserError && /past the end of the 10000 test images/.test(e.message));
});

test('the importance-weighted NLL is at most −ELBO on the same data and tightens as K grows (fixed seed)', () => {
  // −ELBO as the model's own training loss computes it (analytic KL, one reparameterised sample), over the same binarized images.
  const negElbo = tf.tidy(() => {
    const xs = tf.tensor2d(x, [40, 784]);
    let total = 0;
    for (let seed = 0; seed < 20; seed++) total += vae.lossOn(xs, { training: false, nextSeed: () => seed, draw: (make) => make(seed) }).loss.dataSync()[0]!;
    return total / 20;
  });
  const estimates = [1, 10, 100, 1000].map((k) => importanceWeightedNll(vae, x, k, 3));
  const k1 = estimates[0]!;
  assert.ok(Math.abs(k1.nll - k1.negElbo) < 1e-6, 'K = 1 is the ELBO');
  assert.ok(Math.abs(k1.negElbo - negElbo) < 0.02 * negElbo, `the log weights give the loss's −ELBO: ${k1.negElbo} vs ${negElbo}`);
  for (const e of estimates) assert.ok(e.nll <= e.negElbo, `K = ${e.samples}: NLL ${e.nll} ≤ −ELBO ${e.negElbo} of its own samples`);
  // K = 1 is itself a one-sample estimate of −ELBO; from K = 10 on the bound sits clearly below it.
  for (const e of estimates.slice(1)) assert.ok(e.nll < negElbo, `K = ${e.samples}: NLL ${e.nll} < −ELBO ${negElbo}`);
  for (let i = 1; i < estimates.length; i++) assert.ok(estimates[i]!.nll <= estimates[i - 1]!.nll, `K = ${estimates[i]!.samples}: ${estimates[i]!.nll} ≤ ${estimates[i - 1]!.nll}`);
  assert.deepEqual(importanceWeightedNll(vae, x, 10, 3), estimates[1], 'seeded');
});

test('more samples than one pass holds are split across passes', () => {
  const one = binarizeSet(mnist.test, 1, 7);
  const e = importanceWeightedNll(vae, one, 5000, 3);
  assert.equal(e.samples, 5000);
  assert.ok(Number.isFinite(e.nll) && e.nll <= e.negElbo);
});

test('the estimate needs a VAE with a Bernoulli decoder', () => {
  assert.throws(() => importanceWeightedNll(build('ae-mlp-2'), x, 10, 1), (e) => e instanceof UserError && /needs a VAE/.test(e.message));
  assert.throws(() => importanceWeightedNll(build('vae-mlp-8'), x, 10, 1), (e) => e instanceof UserError && /Bernoulli/.test(e.message));
});
