import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initBackend } from '../../src/main/engine/backend/backend';
import { binarize } from '../../src/main/engine/data/binarize';
import { epochOrder } from '../../src/main/engine/data/batches';
import { loadDataset, takeFirst } from '../../src/main/engine/data/datasets';
import { buildModel, requireRecipe, resolveSettings } from '../../src/main/engine/models/build';
import { evaluate, stepContext, trainOnBatch } from '../../src/main/engine/training/trainer';
import { trainingStepFor } from '../../src/main/engine/training/training-step';

await initBackend('cpu');
const mnist = await loadDataset('mnist');

test('binarize draws each pixel as Bernoulli(intensity), seeded', () => {
  const p = new Float32Array(20_000).fill(0.3);
  const once = binarize(p.slice(), 5);
  assert.deepEqual(binarize(p.slice(), 5), once);
  assert.notDeepEqual(binarize(p.slice(), 6), once);
  const ones = once.reduce((s, v) => s + v, 0);
  assert.ok(once.every((v) => v === 0 || v === 1));
  assert.ok(Math.abs(ones / p.length - 0.3) < 0.01, `${ones / p.length}`);
  assert.deepEqual(binarize(Float32Array.of(0, 1, 0, 1), 9), Float32Array.of(0, 1, 0, 1), '0 and 1 stay');
});

test('the dynamically binarized recipe trains and evaluates on binary images, drawn afresh per batch', () => {
  const recipe = requireRecipe('vae-mlp-50-binarized');
  const model = buildModel(recipe, resolveSettings(recipe, { batch: 8 }));
  const seen: Float32Array[] = [];
  const lossOn = model.lossOn.bind(model);
  model.lossOn = (x, ctx) => {
    seen.push(x.dataSync() as Float32Array);
    return lossOn(x, ctx);
  };
  const set = takeFirst(mnist.train, 8);
  const order = epochOrder(8, 1, 1);
  const training = trainingStepFor(model, 8);
  const ctx = stepContext(true, 'binarize-test');
  for (let step = 0; step < 2; step++) trainOnBatch(model, training, { set, order, buffer: new Float32Array(8 * 784) }, 0, 8, ctx);
  evaluate(model, takeFirst(mnist.test, 8), 1);
  assert.equal(seen.length, 3);
  for (const x of seen) assert.ok(x.every((v) => v === 0 || v === 1), 'binary');
  assert.notDeepEqual(seen[0], seen[1], 'the same images, binarized afresh');
  training.dispose();
  model.params.dispose();
});
