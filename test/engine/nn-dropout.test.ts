import * as tf from '@tensorflow/tfjs-core';
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { dropout as dropoutWith, dropoutUniforms } from '../../src/main/engine/nn/dropout';

/** Dropout with its draws made from `seed`, as a training step makes them. */
const dropout = <T extends tf.Tensor>(x: T, rate: number, seed: number) => dropoutWith(x, rate, dropoutUniforms(x.shape, seed));
import { BACKENDS, useBackend } from './nn-check';

for (const backend of BACKENDS) {
  describe(`dropout on ${backend}`, () => {
    before(() => useBackend(backend));

    test('drops about `rate` of the elements and scales the rest by 1/(1 − rate)', () => {
      const x = tf.fill([100, 100], 2);
      const y = dropout(x, 0.25, 1).dataSync();
      const kept = y.filter((v) => v !== 0);
      assert.ok(Math.abs(1 - kept.length / y.length - 0.25) < 0.02, `dropped ${1 - kept.length / y.length}`);
      assert.ok(kept.every((v) => Math.abs(v - 2 / 0.75) < 1e-5));
    });

    test('is reproducible by seed', () => {
      const x = tf.ones([50, 50]);
      assert.deepEqual(dropout(x, 0.5, 3).dataSync(), dropout(x, 0.5, 3).dataSync());
      assert.notDeepEqual(dropout(x, 0.5, 3).dataSync(), dropout(x, 0.5, 4).dataSync());
    });

    test('rate 0 is the identity', () => {
      const x = tf.randomNormal([10, 10]);
      assert.equal(dropout(x, 0, 1), x);
    });

    test('the gradient passes through kept elements only, scaled like them', () => {
      const x = tf.ones([40, 40]);
      const mask = dropout(x, 0.5, 5).dataSync();
      const g = tf.grad((x: tf.Tensor) => tf.sum(dropout(x, 0.5, 5)))(x).dataSync();
      assert.deepEqual(g, mask);
    });
  });
}
