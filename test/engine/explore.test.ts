import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initBackend } from '../../src/main/engine/backend/backend';
import { loadDataset } from '../../src/main/engine/data/datasets';
import {
  codebookStats,
  codeUsers,
  decodeCodes,
  decodeGrid,
  decodePoints,
  denoise,
  encodeSet,
  inpaint,
  interpolatePoints,
  pcaPlane,
  quantize,
  reconstructImages,
  samplePrior,
} from '../../src/main/engine/explore/explore';
import { buildModel, requireRecipe, resolveSettings } from '../../src/main/engine/models/build';
import { countCodes, usageStats } from '../../src/main/engine/models/vqvae';
import { normalQuantile } from '../../src/main/engine/explore/normal-quantile';
import * as tf from '../../src/main/engine/backend/tf';
import { UserError } from '../../src/main/engine/errors';
import { base64ToBytes, bytesToBase64 } from '../../src/shared/image8';

await initBackend();
const mnist = await loadDataset('mnist');
const model = (name: string) => {
  const recipe = requireRecipe(name);
  return buildModel(recipe, resolveSettings(recipe, {}));
};
const vae = model('vae-mlp-2');
const mae = model('mae-mlp-8');
const vq = model('vqvae-conv');
const firstImage = bytesToBase64(mnist.test.pixels.subarray(0, 784));

test('encode gives one latent mean per image, with labels', async () => {
  const { dims, points, labels } = await encodeSet(vae, mnist.test, 100);
  assert.equal(dims, 2);
  assert.equal(points.length, 200);
  assert.deepEqual(labels, Array.from(mnist.test.labels.subarray(0, 100)));
});

test('decode, sample, grid and reconstruct return 28×28 byte images', async () => {
  const [image] = await decodePoints(vae, [[0.5, -1]]);
  assert.equal(base64ToBytes(image!).length, 784);
  await assert.rejects(decodePoints(vae, [[1, 2, 3]]), /has 3 values but this model's latent space has 2/);
  const samples = await samplePrior(vae, 6, 42);
  assert.equal(samples.images.length, 6);
  assert.deepEqual((await samplePrior(vae, 6, 42)).z, samples.z, 'seeded');
  const grid = await decodeGrid(vae, 15, 'quantiles');
  assert.equal(grid.images.length, 225);
  assert.ok(Math.abs(grid.xs[0]! - normalQuantile(0.05)) < 1e-12 && grid.ys[0]! > grid.ys[14]!, 'rows from the top');
  const region = await decodeGrid(vae, 3, 'region', [-1, 1, -2, 2]);
  assert.deepEqual(region.xs, [-1, 0, 1]);
  assert.deepEqual(region.ys, [2, 0, -2]);
  const rec = await reconstructImages(vae, mnist.test, [0, 5]);
  assert.equal(rec.originals[0], firstImage);
  assert.equal(rec.reconstructions.length, 2);
});

test('normal quantiles match known values', async () => {
  assert.ok(Math.abs(normalQuantile(0.5)) < 1e-12);
  assert.ok(Math.abs(normalQuantile(0.975) - 1.959963985) < 1e-8);
  assert.ok(Math.abs(normalQuantile(0.05) + 1.644853627) < 1e-8);
});

test('interpolation: linear and spherical paths start and end at the two points', async () => {
  const a = [1, 0];
  const b = [0, 2];
  for (const mode of ['linear', 'slerp'] as const) {
    const path = interpolatePoints(a, b, 5, mode);
    assert.equal(path.length, 5);
    path[0]!.forEach((v, i) => assert.ok(Math.abs(v - a[i]!) < 1e-12));
    path[4]!.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) < 1e-12));
  }
  assert.deepEqual(interpolatePoints(a, b, 3, 'linear')[1], [0.5, 1]);
});

test('PCA plane: orthonormal axes of the encodings, for latents wider than 2', async () => {
  const wide = model('vae-mlp-20');
  const { mean, axes, explained } = await pcaPlane(wide, mnist.test, 500);
  assert.equal(mean.length, 20);
  const dot = (u: number[], v: number[]) => u.reduce((s, x, i) => s + x * v[i]!, 0);
  assert.ok(Math.abs(dot(axes[0]!, axes[0]!) - 1) < 1e-3 && Math.abs(dot(axes[0]!, axes[1]!)) < 1e-2);
  assert.ok(explained[0]! >= explained[1]!);
  assert.equal((await decodeGrid(wide, 2, 'quantiles', undefined, { base: mean, axisU: axes[0]!, axisV: axes[1]! })).images.length, 4);
  await assert.rejects(decodeGrid(wide, 2, 'quantiles'), /give a plane/);
  wide.params.dispose();
});

test('inpainting leaves visible pixels exactly as given and scores only hidden ones', async () => {
  const mask = new Uint8Array(784).fill(255);
  for (let i = 300; i < 500; i++) mask[i] = 0;
  const result = inpaint(mae, firstImage, bytesToBase64(mask));
  const input = base64ToBytes(firstImage);
  const output = base64ToBytes(result.output);
  const masked = base64ToBytes(result.masked);
  for (let i = 0; i < 784; i++) {
    if (mask[i]) assert.equal(output[i], input[i], `visible pixel ${i}`);
    else assert.equal(masked[i], 0);
  }
  assert.ok(result.hiddenMse >= 0);
  assert.equal(base64ToBytes(result.errorMap).filter((v, i) => mask[i] && v !== 0).length, 0, 'no error on visible pixels');
  assert.throws(() => inpaint(vae, firstImage, bytesToBase64(mask)), /needs a masked autoencoder; vae-mlp-2 is a Variational AE/);
  assert.throws(() => inpaint(mae, bytesToBase64(new Uint8Array(100)), bytesToBase64(mask)), (e: Error) => e instanceof UserError && /784 bytes/.test(e.message));
});

test('denoising adds seeded noise and reconstructs', async () => {
  const a = await denoise(vae, firstImage, 0.5, 1);
  assert.equal(a.noisy, (await denoise(vae, firstImage, 0.5, 1)).noisy);
  assert.notEqual(a.noisy, (await denoise(vae, firstImage, 0.5, 2)).noisy);
  assert.equal((await denoise(vae, firstImage, 0, 1)).noisy, firstImage);
});

test('VQ: code maps, decoding edited maps, usage counts and perplexity', async () => {
  const { codes, image } = quantize(vq, firstImage);
  assert.equal(codes.length, 49);
  assert.ok(codes.every((c) => Number.isInteger(c) && c >= 0 && c < 64));
  assert.equal(decodeCodes(vq, codes), image, 'decoding the code map reproduces the reconstruction');
  assert.notEqual(decodeCodes(vq, codes.map(() => (codes[0]! + 1) % 64)), image);
  assert.throws(() => decodeCodes(vq, codes.map(() => 64)), /code 64 is out of range: this codebook has 64 entries/);

  const stats = await codebookStats(vq, mnist.test, 200);
  assert.equal(stats.tiles.length, 64);
  assert.equal(stats.usage.reduce((a, b) => a + b, 0), 200 * 49, 'usage counts sum to the number of code-map cells');
  const p = stats.usage.filter((c) => c > 0).map((c) => c / (200 * 49));
  assert.ok(Math.abs(stats.perplexity - Math.exp(-p.reduce((h, q) => h + q * Math.log(q), 0))) < 1e-9, 'perplexity = exp(entropy)');
  assert.equal(stats.deadCodes, stats.usage.filter((c) => c === 0).length);

  const used = stats.usage.findIndex((c) => c > 0);
  const users = await codeUsers(vq, mnist.test, used, 5, 200);
  assert.ok(users.indices.length > 0 && users.counts.every((c, i) => i === 0 || c <= users.counts[i - 1]!));
});

test('usage statistics by hand: uniform over k codes has perplexity k', async () => {
  const counts = countCodes([0, 1, 2, 3, 0, 1, 2, 3], 6);
  assert.deepEqual(counts, [2, 2, 2, 2, 0, 0]);
  const { perplexity, deadCodes } = usageStats(counts);
  assert.ok(Math.abs(perplexity - 4) < 1e-12);
  assert.equal(deadCodes, 2);
});

test('no tensor leak across many encode/decode calls', async () => {
  await decodePoints(vae, [[0, 0]]);
  const before = tf.memory().numTensors;
  for (let i = 0; i < 200; i++) {
    await decodePoints(vae, [[i / 100, -i / 100]]);
    await encodeSet(vae, mnist.test, 10);
    quantize(vq, firstImage);
  }
  assert.equal(tf.memory().numTensors, before);
});

test('colour at 32×32: inpainting takes one mask byte per pixel position and keeps visible pixels in all channels; tiles and code maps follow the size', async () => {
  const image = { height: 32, width: 32, channels: 3 };
  const recipe = requireRecipe('mae-conv');
  const mae = buildModel(recipe, resolveSettings(recipe, { latent: 8 }), image);
  const pixels = Uint8Array.from({ length: 3072 }, (_, i) => (i * 37) % 256);
  const mask = Uint8Array.from({ length: 1024 }, (_, p) => (p % 32 < 16 ? 255 : 0));
  const result = inpaint(mae, bytesToBase64(pixels), bytesToBase64(mask));
  const output = base64ToBytes(result.output);
  assert.equal(output.length, 3072);
  for (let p = 0; p < 1024; p++) {
    for (let c = 0; c < 3; c++) {
      if (mask[p]! >= 128) assert.equal(output[p * 3 + c], pixels[p * 3 + c], `visible pixel ${p}, channel ${c}`);
      else assert.equal(base64ToBytes(result.masked)[p * 3 + c], 0, 'hidden in every channel');
    }
  }
  assert.throws(() => inpaint(mae, bytesToBase64(new Uint8Array(784)), bytesToBase64(mask)), /image must be 3072 bytes \(32×32 RGB\), got 784/);
  mae.params.dispose();

  const vqRecipe = requireRecipe('vqvae-conv');
  const vq = buildModel(vqRecipe, resolveSettings(vqRecipe, { codebookSize: 8 }), image);
  const { codes, image: decoded } = quantize(vq, bytesToBase64(pixels));
  assert.equal(codes.length, 64, 'an 8×8 code map');
  assert.equal(base64ToBytes(decoded).length, 3072);
  assert.equal(base64ToBytes(decodeCodes(vq, codes)).length, 3072);
  assert.throws(() => decodeCodes(vq, codes.slice(0, 49)), /a code map of this model has 8×8 = 64 codes, got 49/);
  vq.params.dispose();
});
