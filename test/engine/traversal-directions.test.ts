import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initBackend } from '../../src/main/engine/backend/backend';
import { loadDataset } from '../../src/main/engine/data/datasets';
import { UserError } from '../../src/main/engine/errors';
import { applyDirection, latentDirection } from '../../src/main/engine/explore/directions';
import { decodePoints, encodeSet } from '../../src/main/engine/explore/explore';
import { traverse } from '../../src/main/engine/explore/traversal';
import { buildModel, requireRecipe, resolveSettings } from '../../src/main/engine/models/build';

await initBackend('cpu');
const mnist = await loadDataset('mnist');
const recipe = requireRecipe('vae-mlp-8');
const model = buildModel(recipe, resolveSettings(recipe, {}));
const z = [0.5, -1, 0, 2, 0.25, 0, -0.5, 1];

test('a traversal grid has one row per chosen dimension, moving only that dimension around the sample', async () => {
  const grid = await traverse(model, z, [3, 0], [-2, 2], 5);
  assert.deepEqual(grid.offsets, [-2, -1, 0, 1, 2]);
  assert.deepEqual(grid.values, [
    [0, 1, 2, 3, 4],
    [-1.5, -0.5, 0.5, 1.5, 2.5],
  ]);
  assert.equal(grid.images.length, 10);
  // Row 0, column 4 is z with dimension 3 at 4; the middle column of every row is z itself.
  assert.equal(grid.images[4], (await decodePoints(model, [z.map((v, i) => (i === 3 ? 4 : v))]))[0]);
  const [atSample] = await decodePoints(model, [z]);
  assert.equal(grid.images[2], atSample);
  assert.equal(grid.images[7], atSample);
  assert.notEqual(grid.images[0], grid.images[4], 'the row changes the image');
  await assert.rejects(() => traverse(model, z, [8], [-1, 1], 3), (e) => e instanceof UserError && /dimension 8 is out of range/.test(e.message));
});

test('a class direction is the difference of the class means of the codes; a sample direction that of two codes', async () => {
  const limit = 300;
  const { dims, points, labels } = await encodeSet(model, mnist.test, limit);
  const mean = (c: number) => {
    const rows = labels.flatMap((l, i) => (l === c ? [points.slice(i * dims, (i + 1) * dims)] : []));
    return Array.from({ length: dims }, (_, d) => rows.reduce((s, r) => s + r[d]!, 0) / rows.length);
  };
  const threeToEight = await latentDirection(model, mnist.test, { class: 3 }, { class: 8 }, limit);
  threeToEight.direction.forEach((v, d) => assert.ok(Math.abs(v - (mean(8)[d]! - mean(3)[d]!)) < 1e-5));
  const pair = await latentDirection(model, mnist.test, { index: 0 }, { index: 1 }, limit);
  pair.direction.forEach((v, d) => assert.ok(Math.abs(v - (points[dims + d]! - points[d]!)) < 1e-5));
  await assert.rejects(() => latentDirection(model, mnist.test, { index: 0 }, { index: 10_000 }, limit), UserError);
});

test('a direction applied with strength s decodes z + s·direction: 0 is the sample, 1 reaches the other end', async () => {
  const { from, to, direction } = await latentDirection(model, mnist.test, { index: 0 }, { index: 1 }, 10);
  const applied = await applyDirection(model, from, direction, [0, 0.5, 1]);
  assert.equal(applied.images[0], (await decodePoints(model, [from]))[0]);
  applied.z[2]!.forEach((v, i) => assert.ok(Math.abs(v - to[i]!) < 1e-5));
  assert.notEqual(applied.images[0], applied.images[2]);
  await assert.rejects(() => applyDirection(model, from, [1, 2], [1]), (e) => e instanceof UserError && /has 2 values/.test(e.message));
});
