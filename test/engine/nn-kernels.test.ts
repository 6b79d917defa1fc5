// The kernels the engine replaces on TensorFlow's backend (backend/tensorflow-kernels.ts: Cast,
// Mean and GatherV2 without a needless Cast or read-back) must answer as every backend's own do;
// these run on each backend `nn-check` gives (test-backends.js forces each in turn).
import * as tf from '@tensorflow/tfjs-core';
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { BACKENDS, useBackend } from './nn-check';

for (const backend of BACKENDS) {
  describe(`lean kernels on ${backend}`, () => {
    before(() => useBackend(backend));

    test('a cast to the dtype a tensor has keeps its values after the original is freed, and leaks nothing', () => {
      const before = tf.memory().numTensors;
      const x = tf.tensor1d([1.5, -2, 3]);
      const same = tf.cast(x, 'float32');
      x.dispose();
      assert.deepEqual(Array.from(same.dataSync()), [1.5, -2, 3]);
      same.dispose();
      const other = tf.tidy(() => tf.cast(tf.tensor1d([1.7, -2.2]), 'int32'));
      assert.equal(other.dtype, 'int32');
      assert.deepEqual(Array.from(other.dataSync()), [1, -2]);
      other.dispose();
      assert.equal(tf.memory().numTensors, before);
    });

    test('a mean over chosen axes, of float32 and of int32 values', () => {
      const x = tf.tensor2d([
        [1, 2, 3],
        [5, 6, 10],
      ]);
      assert.deepEqual(Array.from(tf.mean(x, 0).dataSync()), [3, 4, 6.5]);
      assert.deepEqual(tf.mean(x, 1, true).shape, [2, 1]);
      assert.equal(tf.mean(x).dataSync()[0], 27 / 6);
      assert.equal(tf.mean(tf.tensor1d([1, 2], 'int32')).dataSync()[0], 1.5);
    });

    test('a gather picks rows by index, and an index out of range is an error, not a value', () => {
      const x = tf.tensor2d([
        [1, 2],
        [3, 4],
      ]);
      assert.deepEqual(tf.gather(x, tf.tensor1d([1, 0, 1], 'int32')).arraySync(), [
        [3, 4],
        [1, 2],
        [3, 4],
      ]);
      assert.throws(() => tf.gather(x, tf.tensor1d([0, 2], 'int32')).dataSync());
    });
  });
}
