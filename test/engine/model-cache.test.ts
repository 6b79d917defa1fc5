import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { initBackend } from '../../src/main/engine/backend/backend';
import { decodePoints } from '../../src/main/engine/explore/explore';
import { ModelLibrary } from '../../src/main/host/model-library';
import { ModelCache } from '../../src/main/host/model-cache';
import * as tf from '../../src/main/engine/backend/tf';

await initBackend();

const library = new ModelLibrary(mkdtempSync(join(tmpdir(), 'le-cache-')), resolve('resources/models'));
const VAE = 'bundled/mnist-vae-2d';
const OTHERS = ['bundled/mnist-ae-2d', 'bundled/mnist-dae', 'bundled/mnist-mae', 'bundled/fashion-vae-2d'];
const tick = () => new Promise((done) => setTimeout(done, 5));

test('a model forgotten while a request uses it keeps its weights until the request ends', async () => {
  const cache = new ModelCache(library);
  const baseline = tf.memory().numTensors;
  await cache.use(VAE, async ({ model }) => {
    cache.forget(VAE);
    await tick();
    assert.equal((await decodePoints(model, [[0, 0]])).length, 1);
  });
  assert.equal(tf.memory().numTensors, baseline, 'freed once the request ended');
});

test('a model evicted by newer ones while in use stays valid; each is freed exactly once', async () => {
  const cache = new ModelCache(library);
  const baseline = tf.memory().numTensors;
  await cache.use(VAE, async ({ model }) => {
    for (const id of OTHERS) await cache.use(id, () => {});
    await tick();
    assert.equal((await decodePoints(model, [[0.5, -0.5]])).length, 1);
    cache.forget(VAE); // already evicted: nothing more to free
  });
  cache.clear();
  assert.equal(tf.memory().numTensors, baseline);
});

test('a model nobody is using is freed when forgotten, and reloaded when asked for again', async () => {
  const cache = new ModelCache(library);
  const baseline = tf.memory().numTensors;
  await cache.use(VAE, () => {});
  assert.ok(tf.memory().numTensors > baseline);
  cache.forget(VAE);
  assert.equal(tf.memory().numTensors, baseline);
  const images = await cache.use(VAE, ({ latent }) => decodePoints(latent, [[0, 0]]));
  assert.equal(images.length, 1);
  cache.clear();
  assert.equal(tf.memory().numTensors, baseline);
});
