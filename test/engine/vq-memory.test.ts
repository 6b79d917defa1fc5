// Every request a VQ-VAE answers works at every codebook size and code dimension the ranges allow,
// with the backend memory it takes bounded: the nearest-code search and the codebook lookup work a
// block of rows at a time, images go through the network in chunks, the codebook's tiles are
// decoded in chunks, and PCA never forms the [d, d] covariance. At --codebook-size 4096 opening
// the codebook used to ask the backend for ~3.3 GB at once ("memory access out of bounds"), and
// PCA of a VQ-VAE's 784-wide codes built a 784⁴-value tensor.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initBackend } from '../../src/main/engine/backend/backend';
import { loadDataset } from '../../src/main/engine/data/datasets';
import { UserError } from '../../src/main/engine/errors';
import * as explore from '../../src/main/engine/explore/explore';
import { buildModel, requireRecipe, resolveSettings } from '../../src/main/engine/models/build';
import * as tf from '../../src/main/engine/backend/tf';
import { bytesToBase64 } from '../../src/shared/image8';
import { SETTING_SPECS } from '../../src/shared/recipes';

await initBackend();
const mnist = await loadDataset('mnist');

/** What one request may hold in backend tensors at its peak. */
const PEAK_BUDGET = 256 * 2 ** 20;
const image = bytesToBase64(Uint8Array.from({ length: 784 }, (_, i) => (i * 7) % 256));
const { codebookSize, codeDim } = SETTING_SPECS;

async function peakOf(what: string, f: () => unknown): Promise<number> {
  const before = tf.memory().numTensors;
  const { peakBytes, result } = await tf.profile(async () => {
    await f();
    return tf.scalar(0);
  });
  tf.dispose(result);
  assert.equal(tf.memory().numTensors, before, `${what}: no tensor left behind`);
  assert.ok(peakBytes < PEAK_BUDGET, `${what}: ${(peakBytes / 2 ** 20).toFixed(0)} MiB at its peak`);
  return Math.max(0, peakBytes); // -Infinity: no kernel ran (code maps already computed)
}

// The corners of the ranges; `images` is how many test images the set-wide requests read (a full
// chunk of 1000 where the code search is cheap enough for a test, 32 at the widest codes).
const CORNERS = [
  { codebookSize: codebookSize.min, codeDim: codeDim.min, images: 1000 },
  { codebookSize: codebookSize.max, codeDim: 16, images: 1000 },
  { codebookSize: codebookSize.max, codeDim: codeDim.max, images: 32 },
];

for (const corner of CORNERS) {
  test(`VQ-VAE with ${corner.codebookSize} codes of dimension ${corner.codeDim}: every request answers within ${PEAK_BUDGET / 2 ** 20} MiB`, async (t) => {
    const recipe = requireRecipe('vqvae-conv');
    const model = buildModel(recipe, resolveSettings(recipe, { codebookSize: corner.codebookSize, codeDim: corner.codeDim }));
    const peaks: Record<string, number> = {};
    const { codes } = explore.quantize(model, image);
    peaks.quantize = await peakOf('quantize', () => explore.quantize(model, image));
    peaks.decodeCodes = await peakOf('decodeCodes', () => explore.decodeCodes(model, codes.map(() => corner.codebookSize - 1)));
    peaks.reconstruct = await peakOf('reconstruct', () => explore.reconstructImages(model, mnist.test, Array.from({ length: 256 }, (_, i) => i)));
    peaks.denoise = await peakOf('denoise', () => explore.denoise(model, image, 0.5, 1));
    peaks.codebook = await peakOf('codebook', async () => assert.equal((await explore.codebookStats(model, mnist.test, corner.images)).tiles.length, corner.codebookSize));
    peaks.codeUsers = await peakOf('codeUsers', () => explore.codeUsers(model, mnist.test, codes[0]!, 64, corner.images));
    peaks.encode = await peakOf('encode', () => explore.encodeSet(model, mnist.test, corner.images));
    peaks.pca = await peakOf('pca', async () => assert.equal((await explore.pcaPlane(model, mnist.test, corner.images)).axes[0]!.length, model.latentDim));
    model.params.dispose();
    t.diagnostic(`peaks (MiB): ${Object.entries(peaks).map(([k, v]) => `${k} ${(v / 2 ** 20).toFixed(0)}`).join(', ')}`);
  });
}

test('an answer that would hold more latent values than one reply may is refused before any work, with the largest count that fits', async () => {
  const recipe = requireRecipe('vqvae-conv');
  const model = buildModel(recipe, resolveSettings(recipe, { codeDim: codeDim.max }));
  const fits = Math.floor(explore.MAX_REPLY_VALUES / model.latentDim);
  const before = tf.memory().numTensors;
  const tooLarge = (e: unknown) => e instanceof UserError && e.code === 'too-large' && e.message.endsWith(`ask for at most ${fits}`);
  await assert.rejects(() => explore.encodeSet(model, mnist.test, 10_000), tooLarge);
  await assert.rejects(() => explore.samplePrior(model, 1024, 1), tooLarge);
  assert.equal(tf.memory().numTensors, before);
  model.params.dispose();
});
