import * as tf from '@tensorflow/tfjs-core';
import { before, describe, test } from 'node:test';
import { meanSquaredError } from '../../src/main/engine/nn/mse';
import { assertClose, assertNoTensorGrowth, BACKENDS, useBackend, weightedGrads } from './nn-check';

for (const backend of BACKENDS) {
  describe(`meanSquaredError on ${backend}`, () => {
    before(() => useBackend(backend));

    test('value and gradients match autograd of mean((a − b)²)', () => {
      const a = tf.randomNormal([5, 7], 0, 1, 'float32', 1);
      const b = tf.randomUniform([5, 7], 0, 1, 'float32', 2);
      const plain = (a: tf.Tensor, b: tf.Tensor) => tf.mean(tf.squaredDifference(a, b));
      assertClose(meanSquaredError(a, b), plain(a, b), 1e-6, 'value');
      // Scaled by 3 so that the incoming gradient is not 1.
      const ours = weightedGrads((a, b) => tf.mul(meanSquaredError(a, b), 3), [a, b], 3);
      const want = weightedGrads((a, b) => tf.mul(plain(a, b), 3), [a, b], 3);
      assertClose(ours[0]!, want[0]!, 1e-5, 'da');
      assertClose(ours[1]!, want[1]!, 1e-5, 'db');
    });

    test('no tensors leak across gradient steps', () => {
      const a = tf.variable(tf.randomNormal([4, 6], 0, 1, 'float32', 4));
      const b = tf.randomUniform([4, 6], 0, 1, 'float32', 5);
      const optimizer = tf.train.sgd(0.1);
      assertNoTensorGrowth(() => optimizer.minimize(() => meanSquaredError(a, b)), 10);
      tf.dispose([a, b]);
      optimizer.dispose();
    });
  });
}
