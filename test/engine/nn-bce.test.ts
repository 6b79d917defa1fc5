import * as tf from '@tensorflow/tfjs-core';
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { bceWithLogitsPerSample } from '../../src/main/engine/nn/bce';
import { assertNoTensorGrowth, assertSameAsFormula, BACKENDS, useBackend } from './nn-check';

/** The textbook form, −[x log σ(ℓ) + (1 − x) log(1 − σ(ℓ))], for moderate logits where it is exact enough. */
function textbook(logits: tf.Tensor, x: tf.Tensor): tf.Tensor {
  const p = tf.sigmoid(logits);
  return tf.neg(tf.sum(tf.add(tf.mul(x, tf.log(p)), tf.mul(tf.sub(1, x), tf.log(tf.sub(1, p)))), 1));
}

for (const backend of BACKENDS) {
  describe(`bceWithLogitsPerSample on ${backend}`, () => {
    before(() => useBackend(backend));

    test('value and gradients match autograd of the textbook formula', () => {
      const logits = tf.randomNormal([6, 20], 0, 3, 'float32', 1);
      const x = tf.randomUniform([6, 20], 0, 1, 'float32', 2);
      const ours = (l: tf.Tensor, t: tf.Tensor) => bceWithLogitsPerSample(l as tf.Tensor2D, t as tf.Tensor2D);
      assertSameAsFormula(ours, (l, t) => textbook(l!, t!), [logits, x], ['d/dlogits', 'd/dx'], 3);
    });

    test('stays finite and exact for logits far beyond where σ saturates', () => {
      // BCE(σ(ℓ), x) = softplus(ℓ) − xℓ; for |ℓ| = 200 that is 200·(1 − x) or 200·x, up to e^−200.
      const logits = tf.tensor2d([[200, -200, 200, -200]]);
      const x = tf.tensor2d([[1, 0, 0, 1]]);
      const value = bceWithLogitsPerSample(logits, x).dataSync()[0]!;
      assert.ok(Math.abs(value - 400) < 1e-3, `got ${value}`);
      const grad = tf.grad((l: tf.Tensor) => bceWithLogitsPerSample(l as tf.Tensor2D, x))(logits).dataSync();
      assert.deepEqual(Array.from(grad), [0, 0, 1, -1]);
    });

    test('no tensors leak across gradient steps', () => {
      const logits = tf.variable(tf.randomNormal([4, 10], 0, 1, 'float32', 4));
      const x = tf.randomUniform([4, 10], 0, 1, 'float32', 5);
      const optimizer = tf.train.sgd(0.1);
      assertNoTensorGrowth(() => optimizer.minimize(() => tf.sum(bceWithLogitsPerSample(logits as tf.Tensor2D, x as tf.Tensor2D))), 10);
      tf.dispose([logits, x]);
      optimizer.dispose();
    });
  });
}
