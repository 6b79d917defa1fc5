import assert from 'node:assert/strict';
import { test } from 'node:test';
import { epochOrder, gatherBatch, gatherLabels } from '../../src/main/engine/data/batches';
import type { ImageSet } from '../../src/main/engine/data/datasets';
import { makeRng, seedFrom, shuffledIndices } from '../../src/main/engine/random';

/** Five images; image i has every pixel = 50 * i, label = 10 + i. */
const set: ImageSet = {
  count: 5,
  pixels: Uint8Array.from({ length: 5 * 784 }, (_, k) => 50 * Math.floor(k / 784)),
  labels: Uint8Array.from([10, 11, 12, 13, 14]),
};

function isPermutation(order: Int32Array): boolean {
  return Array.from(order).sort((a, b) => a - b).every((v, i) => v === i);
}

test('makeRng replays the same sequence for the same seed', () => {
  const a = makeRng(42);
  const b = makeRng(42);
  const c = makeRng(43);
  const draws = [a(), a(), a()];
  assert.deepEqual(draws, [b(), b(), b()]);
  assert.notDeepEqual(draws, [c(), c(), c()]);
  assert.ok(draws.every((x) => x >= 0 && x < 1));
});

test('shuffledIndices is a seeded permutation that actually shuffles', () => {
  const order = shuffledIndices(1000, makeRng(1));
  assert.ok(isPermutation(order));
  assert.deepEqual(order, shuffledIndices(1000, makeRng(1)));
  const fixedPoints = order.filter((v, i) => v === i).length;
  assert.ok(fixedPoints < 10, `${fixedPoints} indices stayed in place`);
  assert.equal(shuffledIndices(0, makeRng(1)).length, 0);
});

test('seedFrom gives reproducible non-negative 31-bit integers', () => {
  const s = seedFrom(makeRng('x'));
  assert.ok(Number.isInteger(s) && s >= 0 && s < 2 ** 31);
  assert.equal(s, seedFrom(makeRng('x')));
});

test('epochOrder is a permutation fixed by (seed, epoch) and differs between epochs', () => {
  const order = epochOrder(60000, 7, 3);
  assert.equal(order.length, 60000);
  assert.ok(isPermutation(order));
  assert.deepEqual(order, epochOrder(60000, 7, 3));
  assert.notDeepEqual(order, epochOrder(60000, 7, 4));
  assert.notDeepEqual(order, epochOrder(60000, 8, 3));
});

test('gatherBatch writes pixels / 255 in batch order', () => {
  const order = Int32Array.from([4, 2, 0, 1, 3]);
  const batch = gatherBatch(set, order, 1, 2);
  assert.equal(batch.length, 2 * 784);
  assert.ok(batch.subarray(0, 784).every((v) => v === Math.fround(100 / 255)));
  assert.ok(batch.subarray(784).every((v) => v === 0));
  assert.ok(gatherBatch(set, order, 0, 1).every((v) => v === Math.fround(200 / 255)));
  assert.deepEqual(Array.from(gatherLabels(set, order, 1, 2)), [12, 10]);
});

test('gatherBatch reuses the given buffer, and the last batch is short', () => {
  const order = Int32Array.from([0, 1, 2, 3, 4]);
  const out = new Float32Array(2 * 784);
  const first = gatherBatch(set, order, 0, 2, out);
  assert.equal(first, out);
  const last = gatherBatch(set, order, 4, 2, out);
  assert.equal(last.buffer, out.buffer);
  assert.equal(last.length, 784);
  assert.ok(last.every((v) => v === Math.fround(200 / 255)));
  const labels = new Int32Array(2);
  assert.deepEqual(Array.from(gatherLabels(set, order, 4, 2, labels)), [14]);
  assert.throws(() => gatherBatch(set, order, 5, 2, out), RangeError);
  assert.throws(() => gatherBatch(set, order, 0, 4, out), RangeError);
});
