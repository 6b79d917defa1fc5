import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { initBackend } from '../../src/main/engine/backend';
import { epochOrder, gatherBatch } from '../../src/main/engine/data/batches';
import { loadDataset } from '../../src/main/engine/data/datasets';
import type { Autoencoder } from '../../src/main/engine/models/autoencoder';
import { buildModel, requireRecipe, resolveSettings } from '../../src/main/engine/models/build';
import * as tf from '../../src/main/engine/tf';
import { DataParallelTrainer, shareContext } from '../../src/main/engine/training/data-parallel';
import { RunControl } from '../../src/main/engine/training/run-control';
import { adamFor, stepContext, train, trainOnBatch } from '../../src/main/engine/training/trainer';

await initBackend();
const mnist = await loadDataset('mnist');
const BATCH = 128;
const STEPS = 3;
const source = () => ({ set: mnist.train, order: epochOrder(mnist.train.count, 1, 1), buffer: new Float32Array(BATCH * 784) });
const fixedSeed = (seed: number) => ({ training: true, nextSeed: () => seed });

/** With weight decay: Adam alone is blind to the gradient's scale, the L2 term added to it is not. */
function model(recipeName: string): Autoencoder {
  const recipe = requireRecipe(recipeName);
  return buildModel(recipe, resolveSettings(recipe, { batch: BATCH, weightDecay: 0.05 }));
}

/** Largest absolute difference between two models' parameters, in ParamStore order. */
function maxDifference(a: Autoencoder, b: Autoencoder): number {
  let worst = 0;
  a.params.variables.forEach((v, k) => {
    const x = v.dataSync();
    const y = b.params.variables[k]!.dataSync();
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i]! - y[i]!));
  });
  return worst;
}

/** Steps of the parallel trainer on batches 0, 1, … of `source`, then its weights copied into `m`. */
async function parallelSteps(m: Autoencoder, seed: number): Promise<void> {
  const trainer = await DataParallelTrainer.start(m, 2);
  try {
    const s = source();
    for (let i = 0; i < STEPS; i++) await trainer.trainOnBatch(s, i * BATCH, BATCH, fixedSeed(seed));
    await trainer.copyWeightsTo(m);
  } finally {
    await trainer.dispose();
  }
}

test('ae-mlp-8: two workers take the same steps as one thread on the same batches', async () => {
  const [single, parallel] = [model('ae-mlp-8'), model('ae-mlp-8')];
  assert.equal(maxDifference(single, parallel), 0);
  const optimizer = adamFor(single.settings);
  const s = source();
  for (let i = 0; i < STEPS; i++) trainOnBatch(single, optimizer, s, i * BATCH, BATCH, stepContext(true, 'unused'));
  await parallelSteps(parallel, 7);
  const fresh = model('ae-mlp-8');
  assert.ok(maxDifference(single, fresh) > 1e-3, 'the steps moved the weights');
  assert.ok(maxDifference(single, parallel) < 1e-5, `replicas drifted from the one-thread step by ${maxDifference(single, parallel)}`);
  for (const m of [single, parallel, fresh]) m.params.dispose();
  optimizer.dispose();
});

test('vae-mlp-20: the halves\' summed objectives give the one-thread step with the same samples', async () => {
  const [single, parallel] = [model('vae-mlp-20'), model('vae-mlp-20')];
  const optimizer = adamFor(single.settings);
  const s = source();
  const seed = 11;
  for (let i = 0; i < STEPS; i++) {
    const pixels = gatherBatch(s.set, s.order, i * BATCH, BATCH);
    tf.tidy(() => {
      // One thread, one objective over the whole batch; each half draws its latent samples as its worker does.
      const halves = [0, 1].map((h) => tf.tensor2d(pixels.subarray(h * 64 * 784, (h + 1) * 64 * 784), [64, 784]));
      const { grads } = tf.variableGrads(() => halves.map((x, h) => single.lossOn(x, shareContext(seed, h)).objective).reduce((a, b) => a.add(b)) as tf.Scalar, single.params.variables);
      optimizer.applyGradients(grads);
    });
  }
  await parallelSteps(parallel, seed);
  assert.ok(maxDifference(single, parallel) < 1e-5, `replicas drifted from the one-thread step by ${maxDifference(single, parallel)}`);
  for (const m of [single, parallel]) m.params.dispose();
  optimizer.dispose();
});

test('training with two workers lowers the loss and saves the replicas\' weights', async () => {
  const recipe = requireRecipe('vae-mlp-20');
  const m = buildModel(recipe, resolveSettings(recipe, { limit: 1024, epochs: 2 }));
  const dir = join(mkdtempSync(join(tmpdir(), 'le-dp-')), 'run');
  const outcome = await train({ model: m, dataset: mnist, dir, name: 'run', backend: 'test', control: new RunControl(), workers: 2 });
  assert.equal(outcome.status, 'done');
  const [first, second] = outcome.history;
  assert.ok(second!.testLoss < first!.testLoss, `test loss ${first!.testLoss} → ${second!.testLoss}`);
  assert.ok(second!.trainLoss < first!.trainLoss, `train loss ${first!.trainLoss} → ${second!.trainLoss}`);
  m.params.dispose();
});
