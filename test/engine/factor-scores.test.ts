import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initBackend } from '../../src/main/engine/backend/backend';
import { loadDataset, takeFirst } from '../../src/main/engine/data/datasets';
import { UserError } from '../../src/main/engine/errors';
import { encodeSet } from '../../src/main/engine/explore/explore';
import { discretise, entropy, factorScores, modelFactorScores, mutualInformation } from '../../src/main/engine/explore/factor-scores';
import { buildModel, requireRecipe, resolveSettings } from '../../src/main/engine/models/build';

await initBackend('cpu');

const close = (actual: number, expected: number, tol = 1e-9) => assert.ok(Math.abs(actual - expected) < tol, `${actual} vs ${expected}`);

test('discretise: equal-width bins over each dimension’s range, the maximum in the last bin, a constant dimension in bin 0', () => {
  // Two dimensions, four points: d0 spans [0, 4] (bins of width 2 at 2 bins), d1 is constant.
  const bins = discretise([0, 7, 1.9, 7, 2, 7, 4, 7], 4, 2, 2);
  assert.deepEqual(Array.from(bins), [0, 0, 0, 0, 1, 0, 1, 0]);
});

test('mutual information and entropy match hand-computed values (nats)', () => {
  const a = [0, 0, 1, 1];
  close(entropy(a, 4, 1, 0, 2), Math.log(2));
  close(mutualInformation(4, { values: a, stride: 1, at: 0, levels: 2 }, { values: a, stride: 1, at: 0, levels: 2 }), Math.log(2));
  close(mutualInformation(4, { values: a, stride: 1, at: 0, levels: 2 }, { values: [0, 1, 0, 1], stride: 1, at: 0, levels: 2 }), 0);
});

test('normalised MI per dimension and factor, and MIG, match hand-computed values on a tiny case', () => {
  // Four images, factors A = 0 0 1 1 and B = 0 1 0 1 (row-major [image × factor]).
  const factors = [0, 0, 0, 1, 1, 0, 1, 1];
  // z0 follows A exactly; z1 is in bin 0 for image 0 only, so it tells a little of both.
  const means = [0, 0, 0, 1, 1, 1, 1, 0.9];
  const scores = factorScores(means, 4, 2, factors, ['A', 'B'], [2, 2], 2);
  // I(z1; A)/H(A) = ¼·log₂(¼ / (¼·½)) + ¼·log₂(¼ / (¾·½)) + ½·log₂(½ / (¾·½)) = 1.5 − ¾·log₂ 3; the same for B.
  const partial = 1.5 - 0.75 * Math.log2(3);
  assert.deepEqual(scores.factors, ['A', 'B']);
  close(scores.mi[0]![0]!, 1);
  close(scores.mi[0]![1]!, 0);
  close(scores.mi[1]![0]!, partial);
  close(scores.mi[1]![1]!, partial);
  close(scores.gaps[0]!, 1 - partial);
  close(scores.gaps[1]!, partial);
  close(scores.mig, 0.5);
  close(scores.entropy[0]!, Math.log(2));
  assert.equal(scores.count, 4);
  assert.equal(scores.bins, 2);
});

test('a factor with one level has no row of its own and is left out of the MIG', () => {
  const factors = [0, 0, 0, 0, 1, 0, 1, 0]; // factor B is constant
  const scores = factorScores([0, 5, 0, 5, 1, 5, 1, 5], 4, 2, factors, ['A', 'B'], [2, 1], 2);
  assert.deepEqual(scores.mi.map((row) => row[1]), [0, 0]);
  close(scores.mig, scores.gaps[0]!);
  close(scores.mig, 1);
});

test('a latent of one dimension or a dataset without factors is refused in one line', async () => {
  assert.throws(() => factorScores([0, 1], 2, 1, [0, 1], ['A'], [2]), (e: unknown) => e instanceof UserError && /one/.test((e as Error).message));
  const mnistLike = { name: 'x', title: 'Digits', classes: ['0'], train: { count: 0, pixels: new Uint8Array(), labels: new Uint8Array() }, test: { count: 0, pixels: new Uint8Array(), labels: new Uint8Array() }, shape: { height: 28, width: 28, channels: 1 }, source: '' };
  const model = buildModel(requireRecipe('vae-mlp-8'), resolveSettings(requireRecipe('vae-mlp-8'), {}), mnistLike.shape);
  await assert.rejects(modelFactorScores(model, mnistLike, mnistLike.test, 10), (e: unknown) => e instanceof UserError && /no known factors/.test((e as Error).message));
  model.params.dispose();
});

test("a sprites model's scores cover every latent dimension and factor, each in [0, 1]; its encodings carry the factor levels", async () => {
  const sprites = await loadDataset('sprites');
  const recipe = requireRecipe('vae-conv');
  const model = buildModel(recipe, resolveSettings(recipe, { latent: 4 }), sprites.shape);
  const scores = await modelFactorScores(model, sprites, takeFirst(sprites.test, 300), 300);
  assert.equal(scores.count, 300);
  assert.deepEqual(scores.factors, ['shape', 'scale', 'rotation', 'x', 'y', 'colour']);
  assert.equal(scores.mi.length, 4);
  for (const row of scores.mi) {
    assert.equal(row.length, 6);
    for (const v of row) assert.ok(v >= 0 && v <= 1 + 1e-9, String(v));
  }
  assert.ok(scores.mig >= 0 && scores.mig <= 1);
  // What model.encode sends the map: each point's level of every factor, row by row.
  const encoded = await encodeSet(model, sprites.test, 50);
  assert.deepEqual(encoded.factors, Array.from(sprites.test.factors!.subarray(0, 50 * 6)));
  assert.deepEqual(encoded.labels, encoded.factors!.filter((_, i) => i % 6 === 0), 'the label is the shape');
  model.params.dispose();
});
