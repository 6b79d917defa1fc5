// Tensor counts return to their level after every kind of training run and every request, in the
// engine the app and web mode run: a run of every recipe to its end, a cancelled run, and every
// request each family answers, repeated. A tensor left behind per run or per request would add up
// over a session (a VQ-VAE run used to keep its last batch's encoder outputs: 12.8 MB at batch 1024).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, test } from 'node:test';
import * as tf from '../../src/main/engine/backend/tf';
import { bytesToBase64 } from '../../src/shared/image8';
import { RECIPES } from '../../src/shared/recipes';
import { nextEvent, smallDataset, useInProcessEngine } from './fixtures';

const engine = useInProcessEngine('tensors');
let data: string;

before(() => {
  data = smallDataset(join(engine.home, 'data'), 128, 32);
});

const tensors = () => tf.memory().numTensors;

async function trainRun(name: string, recipe: string, settings: Record<string, number>, whileRunning?: (runId: string) => void) {
  const end = nextEvent(engine.client, 'train.end', 300_000);
  const { runId } = await engine.client.call('train.start', { name, recipe, dataset: data, settings });
  whileRunning?.(runId);
  return end;
}

test('every recipe trained to its end, and a cancelled VQ-VAE run, leave the tensor count where it was', async (t) => {
  const level = tensors();
  for (const recipe of RECIPES) {
    const end = await trainRun(recipe.name, recipe.name, { epochs: 1, batch: 32 });
    assert.equal(end.status, 'done', `${recipe.name}: ${end.message}`);
    assert.equal(tensors(), level, `${recipe.name}: a finished run keeps no tensors`);
  }
  const end = await trainRun('vq cancelled', 'vqvae-conv', { epochs: 3, batch: 16 }, (runId) => {
    const stop = engine.client.on('train.progress', () => {
      stop();
      void engine.client.call('train.cancel', { runId });
    });
  });
  assert.equal(end.status, 'cancelled');
  assert.equal(tensors(), level, 'a cancelled run keeps no tensors');
  t.diagnostic(`runs: ${RECIPES.length} recipes to the end + 1 cancelled VQ-VAE run, tensor count ${level} before and after`);
});

test('every request, repeated, leaves the tensor count at the level of its first round', async (t) => {
  const image = bytesToBase64(Uint8Array.from({ length: 784 }, (_, i) => (i * 7) % 256));
  const mask = bytesToBase64(Uint8Array.from({ length: 784 }, (_, i) => (i % 3 ? 255 : 0)));
  const requests = async (id: string, family: string) => {
    const { summary } = await engine.client.call('models.describe', { id });
    const { mean, axes } = await engine.client.call('model.pca', { id });
    const plane = { base: mean, axisU: axes[0]!, axisV: axes[1]! };
    await engine.client.call('models.history', { id });
    await engine.client.call('model.encode', { id, split: 'test', limit: 32 });
    // Latent points are at most 512 wide (a VQ-VAE's 7×7×16 map is not one).
    if (mean.length <= 512) {
      await engine.client.call('model.decode', { id, z: [mean] });
      await engine.client.call('model.grid', { id, n: 3, mode: 'region', region: [-1, 1, -1, 1], plane });
      await engine.client.call('model.sample', { id, count: 4, seed: 1 });
      await engine.client.call('model.interpolate', { id, from: mean, to: mean.map((v) => v + 1), steps: 4, mode: 'slerp' });
    }
    await engine.client.call('model.reconstruct', { id, split: 'test', indices: [0, 1, 2] });
    await engine.client.call('model.denoise', { id, image, sigma: 0.3, seed: 1 });
    await engine.client.call('data.images', { dataset: data, split: 'test', indices: [0, 1] });
    if (family === 'mae') await engine.client.call('model.inpaint', { id, image, mask });
    if (family === 'vqvae') {
      const { codes } = await engine.client.call('model.quantize', { id, image });
      await engine.client.call('model.decodeCodes', { id, codes });
      await engine.client.call('model.codebook', { id, limit: 32 });
      await engine.client.call('model.codeUsers', { id, code: codes[0]!, count: 4 });
    }
    return summary;
  };
  const families = new Map(RECIPES.map((r) => [r.family, r.name]));
  for (const [family, recipe] of families) assert.equal((await trainRun(`requests ${family}`, recipe, { epochs: 1, batch: 32 })).status, 'done');
  const round = async () => {
    for (const family of families.keys()) await requests(`user/requests ${family}`, family);
    return tensors();
  };
  const first = await round(); // loads and caches each model once
  assert.equal(await round(), first, 'a second round of every request allocates nothing that stays');
  assert.equal(await round(), first, 'nor a third');
  t.diagnostic(`requests: ${families.size} families × every request they answer, 3 rounds, tensor count ${first} after each`);
});
