import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { initBackend } from '../../src/main/engine/backend/backend';
import { loadDataset } from '../../src/main/engine/data/datasets';
import type { Autoencoder, StepContext } from '../../src/main/engine/models/autoencoder';
import { buildModel, requireRecipe, resolveSettings } from '../../src/main/engine/models/build';
import { loadModelFolder, readManifest } from '../../src/main/engine/persistence/model-folder';
import { encodeSet, principalPlane } from '../../src/main/engine/explore/explore';
import { readEpochMaps } from '../../src/main/engine/persistence/epoch-maps';
import { EPOCH_MAP_IMAGES } from '../../src/main/engine/training/epoch-map';
import { trainingCalibration } from '../../src/main/engine/training/calibrate';
import { RunControl } from '../../src/main/engine/training/run-control';
import { evaluate, train, type TrainJob } from '../../src/main/engine/training/trainer';
import * as tf from '../../src/main/engine/backend/tf';
import type { TrainSettings } from '../../src/shared/recipes';

await initBackend();
const mnist = await loadDataset('mnist');
const scratch = mkdtempSync(join(tmpdir(), 'le-trainer-'));
let runs = 0;

function job(recipeName: string, settings: Partial<TrainSettings>, extra: Partial<TrainJob> = {}): TrainJob {
  const recipe = requireRecipe(recipeName);
  const model = buildModel(recipe, resolveSettings(recipe, { limit: 1024, epochs: 2, ...settings }));
  return { model, dataset: mnist, dir: join(scratch, `run${++runs}`), name: `run${runs}`, backend: 'test', control: new RunControl(), ...extra };
}

/** Wraps a real model so that its loss turns NaN from the n-th training step on. */
function poisonAfter(model: Autoencoder, steps: number): Autoencoder {
  let calls = 0;
  const lossOn: Autoencoder['lossOn'] = (x, ctx) => {
    const result = model.lossOn(x, ctx);
    if (!ctx.training || ++calls < steps) return result;
    const nan = (t: tf.Scalar) => t.mul(NaN) as tf.Scalar;
    return { objective: nan(result.objective), loss: nan(result.loss), terms: { ...result.terms, kl: nan(result.terms.kl!) } };
  };
  return Object.assign(Object.create(model), { lossOn, pureLoss: false }); // it counts its calls: not pure
}

test('a short run lowers the test loss and saves every epoch', async () => {
  const j = job('ae-mlp-8', { epochs: 3 });
  const before = evaluate(j.model, mnist.test, 1).loss;
  const outcome = await train(j);
  assert.equal(outcome.status, 'done');
  assert.equal(outcome.history.length, 3);
  assert.ok(outcome.history[2]!.testLoss < before * 0.8, `test loss ${outcome.history[2]!.testLoss} vs ${before} before training`);
  assert.ok(outcome.history[2]!.trainLoss < outcome.history[0]!.trainLoss);
  const manifest = readManifest(j.dir);
  assert.equal(manifest.history.length, 3);
  assert.equal(manifest.status, 'done');
  assert.match(readFileSync(join(j.dir, 'history.csv'), 'utf8'), /^epoch,trainLoss,testLoss,train_reconstruction,test_reconstruction/);
  j.model.params.dispose();
});

test('save → load gives the same outputs', async () => {
  const j = job('vae-mlp-20', { epochs: 1 });
  await train(j);
  const { model: loaded } = loadModelFolder(j.dir);
  tf.tidy(() => {
    const x = tf.randomUniform([5, 784], 0, 1, 'float32', 9) as tf.Tensor2D;
    assert.deepEqual(Array.from(loaded.reconstruct(x).dataSync()), Array.from(j.model.reconstruct(x).dataSync()));
  });
  loaded.params.dispose();
  j.model.params.dispose();
});

test('the same seed trains to the same weights', async () => {
  const a = job('ae-mlp-8', { epochs: 1, limit: 512, seed: 3 });
  const b = job('ae-mlp-8', { epochs: 1, limit: 512, seed: 3 });
  const [ha, hb] = [(await train(a)).history, (await train(b)).history];
  assert.equal(ha[0]!.trainLoss, hb[0]!.trainLoss);
  assert.equal(ha[0]!.testLoss, hb[0]!.testLoss);
  a.model.params.dispose();
  b.model.params.dispose();
});

test('a NaN loss stops the run, names epoch, batch and term, and keeps the last good epoch', async () => {
  const j = job('vae-mlp-20', { epochs: 3, limit: 1024, batch: 128 });
  j.model = poisonAfter(j.model, 8 + 3); // batch 3 of epoch 2 (8 batches per epoch)
  const outcome = await train(j);
  assert.equal(outcome.status, 'diverged');
  assert.match(outcome.message, /kl term became NaN at epoch 2, batch 3/);
  const { manifest, model } = loadModelFolder(j.dir);
  assert.equal(manifest.history.length, 1);
  assert.equal(manifest.status, 'diverged');
  model.params.dispose();
});

test('a run over an earlier model that diverges in its first epoch says the earlier model is what stays, and leaves it as it was', async () => {
  const earlier = job('vae-mlp-20', { epochs: 1, limit: 256 });
  assert.equal((await train(earlier)).status, 'done');
  earlier.model.params.dispose();
  const before = readFileSync(join(earlier.dir, 'manifest.json'), 'utf8');
  const over = job('vae-mlp-20', { epochs: 2, limit: 256 }, { dir: earlier.dir });
  over.model = poisonAfter(over.model, 1);
  const outcome = await train(over);
  assert.equal(outcome.status, 'diverged');
  assert.match(outcome.message, new RegExp(`at epoch 1, batch 1; .*; no epoch completed, so ${earlier.dir} still holds the model that was there before$`));
  assert.equal(readFileSync(join(earlier.dir, 'manifest.json'), 'utf8'), before, 'the earlier model is untouched');
});

test('cancelling keeps the completed epochs; cancelling before any leaves nothing', async () => {
  const j = job('ae-mlp-8', { epochs: 5 });
  j.onEpoch = () => j.control.cancel();
  const outcome = await train(j);
  assert.equal(outcome.status, 'cancelled');
  const manifest = readManifest(j.dir);
  assert.equal(manifest.history.length, 1);
  assert.equal(manifest.status, 'cancelled');

  const early = job('ae-mlp-8', { epochs: 5 });
  early.onProgress = () => early.control.cancel();
  assert.equal((await train(early)).status, 'cancelled');
  assert.ok(!existsSync(early.dir), 'no half-made model folder');
});

test('early stopping ends the run after `patience` epochs without improvement', async () => {
  const j = job('ae-mlp-8', { epochs: 10, patience: 2 });
  const model = j.model;
  // A test loss that never improves after the first epoch.
  j.model = Object.assign(Object.create(model), {
    lossOn: (x: tf.Tensor2D, ctx: StepContext) => {
      const r = model.lossOn(x, ctx);
      if (ctx.training) return r;
      const constant = tf.scalar(1);
      return { objective: constant, loss: constant, terms: { reconstruction: constant } };
    },
  });
  const outcome = await train(j);
  assert.equal(outcome.status, 'stopped-early');
  assert.equal(outcome.history.length, 3);
});

test('no tensors leak across epochs', async () => {
  const counts: number[] = [];
  const j = job('vae-mlp-20', { epochs: 3, limit: 512 });
  j.onEpoch = () => counts.push(tf.memory().numTensors);
  await train(j);
  assert.equal(counts[1], counts[0]);
  assert.equal(counts[2], counts[0]);
  j.model.params.dispose();
});

test('a run over an existing model folder that is cancelled before its first epoch leaves that model intact', async () => {
  const first = job('ae-mlp-8', { epochs: 1, limit: 256 });
  await train(first);
  const before = readFileSync(join(first.dir, 'manifest.json'), 'utf8');
  const again = job('ae-mlp-8', { epochs: 3 }, { dir: first.dir });
  again.onProgress = () => again.control.cancel();
  assert.equal((await train(again)).status, 'cancelled');
  assert.equal(readFileSync(join(first.dir, 'manifest.json'), 'utf8'), before);
  loadModelFolder(first.dir).model.params.dispose();
  first.model.params.dispose();
  again.model.params.dispose();
});

test('a run records the latent map of the first 2,000 test images after each epoch: the 2-D latent itself, or the PCA plane of a wider one', async () => {
  for (const recipe of ['vae-mlp-2', 'ae-mlp-8']) {
    const j = job(recipe, { epochs: 2, limit: 512 });
    await train(j);
    const maps = readEpochMaps(j.dir)!;
    const n = EPOCH_MAP_IMAGES;
    assert.deepEqual(maps.epochs, [1, 2], recipe);
    assert.deepEqual(maps.labels, Array.from(mnist.test.labels.subarray(0, n)), `${recipe}: the first ${n} test images' classes`);
    assert.equal(maps.positions.length, 2 * n * 2, `${recipe}: 2 epochs × ${n} images × (x, y)`);
    assert.ok(maps.positions.every(Number.isFinite), recipe);
    const [first, last] = [maps.positions.subarray(0, n * 2), maps.positions.subarray(n * 2)];
    assert.notDeepEqual(first, last, `${recipe}: the map moves between epochs`);
    // The last map is the saved model's own map of those images.
    const { model } = loadModelFolder(j.dir);
    const { dims, points } = await encodeSet(model, mnist.test, n);
    if (recipe === 'vae-mlp-2') {
      assert.equal(maps.projection, 'latent');
      assert.deepEqual(last, Float32Array.from(points), 'a 2-D latent is recorded as it is');
    } else {
      assert.equal(maps.projection, 'pca');
      const { mean, axes } = principalPlane(Float32Array.from(points), n, dims);
      // The same plane up to each axis's sign (aligned to epoch 1's when recorded).
      for (const k of [0, 1]) {
        const along = (i: number) => points.slice(i * dims, (i + 1) * dims).reduce((sum, v, d) => sum + (v - mean[d]!) * axes[k]![d]!, 0);
        const sign = Math.sign(last[k]!) === Math.sign(along(0)) ? 1 : -1;
        for (const i of [0, 1, 999, n - 1]) assert.ok(Math.abs(last[i * 2 + k]! - sign * along(i)) < 1e-3 * (1 + Math.abs(along(i))), `${recipe}: image ${i}, axis ${k}`);
      }
    }
    model.params.dispose();
  }
});

test('a speed calibration leaves no tensor behind, for every recipe (a VQ-VAE keeps code usage between steps)', () => {
  const level = tf.memory().numTensors;
  for (const name of ['ae-mlp-8', 'vae-mlp-20', 'mae-mlp-8', 'vqvae-conv']) {
    const recipe = requireRecipe(name);
    const calibration = trainingCalibration(recipe, resolveSettings(recipe, { batch: 8 }));
    calibration.span();
    calibration.dispose();
    assert.equal(tf.memory().numTensors, level, `${name}: tensors after a calibration`);
  }
});
