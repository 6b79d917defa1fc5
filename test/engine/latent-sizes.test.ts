// Every latent size the settings allow works in every view: the map (encodings, PCA plane, UMAP
// and its inverse), the manifold (quantile and region grids on the plane the views use), prior
// samples, reconstructions, interpolation, traversals, directions, posterior statistics, the
// likelihood and a sample's posterior, for VAEs and AEs of 1, 2, 3, 16 and 64 latent dimensions.
// Memory is bounded by chunking: encoding or summarising three times the images does not raise
// the peak of tensor memory.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initBackend } from '../../src/main/engine/backend/backend';
import * as tf from '../../src/main/engine/backend/tf';
import { loadDataset } from '../../src/main/engine/data/datasets';
import { latentDirection } from '../../src/main/engine/explore/directions';
import { decodeGrid, encodeSet, interpolate, pcaPlane, reconstructImages, samplePrior } from '../../src/main/engine/explore/explore';
import { binarizedChunk, importanceWeightedNll } from '../../src/main/engine/explore/likelihood';
import { samplePosteriors, vaePosteriorStats } from '../../src/main/engine/explore/posterior-stats';
import { traverse } from '../../src/main/engine/explore/traversal';
import { fitNeighbourMap, inverseNeighbourMap } from '../../src/main/engine/explore/neighbour-map';
import { buildModel, requireRecipe, resolveSettings } from '../../src/main/engine/models/build';

await initBackend();
const mnist = await loadDataset('mnist');
const LATENTS = [1, 2, 3, 16, 64];
const build = (recipe: string, latent: number) => buildModel(requireRecipe(recipe), resolveSettings(requireRecipe(recipe), { latent }));

/** Peak tensor bytes while `f` runs. */
async function peakBytes(f: () => Promise<unknown> | unknown): Promise<number> {
  return (await tf.profile(async () => void (await f()))).peakBytes;
}

for (const recipe of ['vae-mlp-20', 'ae-mlp-8']) {
  for (const latent of LATENTS) {
    test(`${recipe} with a ${latent}-D latent: map, manifold, samples, reconstructions, interpolation, traversal, direction${recipe.startsWith('vae') ? ', posterior and likelihood' : ''}`, async () => {
      const model = build(recipe, latent);
      const tensors = tf.memory().numTensors;

      const { dims, points, labels } = await encodeSet(model, mnist.test, 300);
      assert.equal(dims, latent);
      assert.equal(points.length, 300 * latent);
      assert.equal(labels.length, 300);
      const { mean, axes } = await pcaPlane(model, mnist.test, 300);
      assert.equal(mean.length, latent);
      assert.deepEqual(axes.map((a) => a.length), [latent, latent]);

      // The UMAP map of those encodings, and its inverse on a sample's own point.
      const latents = Array.from({ length: 60 }, (_, i) => points.slice(i * latent, (i + 1) * latent));
      const embedding = await fitNeighbourMap('umap', latents, { seed: 1 });
      assert.equal(embedding.length, 60);
      assert.deepEqual(inverseNeighbourMap(embedding[7] as [number, number], embedding, latents).z, latents[7]);

      // The manifold on the plane the views use (the space itself for 2-D, else the PCA plane).
      const plane = latent === 2 ? undefined : { base: mean, axisU: axes[0]!, axisV: axes[1]! };
      assert.equal((await decodeGrid(model, 5, 'quantiles', undefined, plane)).images.length, 25);
      assert.equal((await decodeGrid(model, 3, 'region', [-1, 1, -1, 1], plane)).images.length, 9);
      const samples = await samplePrior(model, 8, 1);
      assert.equal(samples.images.length, 8);
      assert.ok(samples.z.every((z) => z.length === latent));
      assert.equal((await reconstructImages(model, mnist.test, [0, 1, 2])).reconstructions.length, 3);
      assert.equal((await interpolate(model, latents[0]!, latents[1]!, 6, 'slerp')).images.length, 6);
      const dimsToWalk = [...new Set([0, latent - 1])];
      assert.equal((await traverse(model, latents[0]!, dimsToWalk, [-2, 2], 5)).images.length, 5 * dimsToWalk.length);
      assert.equal((await latentDirection(model, mnist.test, { class: 3 }, { index: 5 }, 300)).direction.length, latent);

      if (recipe.startsWith('vae')) {
        const stats = vaePosteriorStats(model, mnist.test, 300);
        assert.equal(stats.kl.length, latent);
        const { mu, sigma } = samplePosteriors(model, mnist.test, [4, 9]);
        assert.deepEqual([mu.length, mu[0]!.length, sigma[1]!.length], [2, latent, latent]);
        const nll = importanceWeightedNll(model, binarizedChunk(mnist.test, 0, 4, 1), 20, 1);
        assert.ok(Number.isFinite(nll.nll) && nll.nll <= nll.negElbo + 1e-6);
      }
      assert.equal(tf.memory().numTensors, tensors, 'no tensor left behind');
    });
  }
}

test('encodings and posterior statistics are computed a chunk at a time: three times the images, the same peak memory', async () => {
  const vae = build('vae-mlp-20', 64);
  const encodePeak = (n: number) => peakBytes(() => encodeSet(vae, mnist.test, n));
  const statsPeak = (n: number) => peakBytes(() => vaePosteriorStats(vae, mnist.test, n));
  const [encode1000, encode3000] = [await encodePeak(1000), await encodePeak(3000)];
  const [stats1000, stats3000] = [await statsPeak(1000), await statsPeak(3000)];
  assert.ok(encode3000 <= encode1000 * 1.05, `encoding: peak ${encode3000} bytes for 3000 images vs ${encode1000} for 1000`);
  assert.ok(stats3000 <= stats1000 * 1.05, `posterior statistics: peak ${stats3000} bytes for 3000 images vs ${stats1000} for 1000`);
  // The likelihood's rows per pass are bounded whatever K is: K = 4000 on one image peaks no higher than K = 8000.
  const x = binarizedChunk(mnist.test, 0, 1, 1);
  const [k4000, k8000] = [await peakBytes(() => importanceWeightedNll(vae, x, 4000, 1)), await peakBytes(() => importanceWeightedNll(vae, x, 8000, 1))];
  assert.ok(k8000 <= k4000 * 1.05, `likelihood: peak ${k8000} bytes at K = 8000 vs ${k4000} at K = 4000`);
});
