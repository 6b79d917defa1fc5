import * as tf from '@tensorflow/tfjs-core';
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { klToStandardNormal, reparameterizedSample } from '../../src/main/engine/nn/gaussian-posterior';
import { assertNoTensorGrowth, assertSameAsFormula, BACKENDS, useBackend } from './nn-check';

/** The formulas as written in the paper; tfjs differentiates them with its own gradients. */
const sampleFormula = (mu: tf.Tensor, logVar: tf.Tensor, epsilon: tf.Tensor) => tf.add(mu, tf.mul(tf.exp(tf.mul(logVar, 0.5)), epsilon));
const klFormula = (mu: tf.Tensor, logVar: tf.Tensor) => tf.mul(tf.sum(tf.sub(tf.sub(tf.add(1, logVar), tf.square(mu)), tf.exp(logVar)), 1), -0.5);

for (const backend of BACKENDS) {
  describe(`Gaussian posterior ops on ${backend}`, () => {
    before(() => useBackend(backend));

    test('the reparameterized sample: same value and gradients (μ, log σ²) as autograd of z = μ + exp(½ log σ²)·ε', () => {
      const mu = tf.randomNormal([7, 5], 0, 1, 'float32', 1);
      const logVar = tf.randomNormal([7, 5], 0, 1, 'float32', 2);
      const epsilon = tf.randomNormal([7, 5], 0, 1, 'float32', 3);
      const ours = (m: tf.Tensor, v: tf.Tensor) => reparameterizedSample(m as tf.Tensor2D, v as tf.Tensor2D, epsilon as tf.Tensor2D);
      assertSameAsFormula(ours, (m, v) => sampleFormula(m!, v!, epsilon), [mu, logVar], ['dz/dμ', 'dz/dlog σ²'], 4);
      tf.dispose([mu, logVar, epsilon]);
    });

    test('the KL to N(0, I): same value and gradients as autograd of −½ Σ (1 + log σ² − μ² − σ²)', () => {
      const mu = tf.randomNormal([6, 4], 0, 1.5, 'float32', 5);
      const logVar = tf.randomNormal([6, 4], 0, 1, 'float32', 6);
      const ours = (m: tf.Tensor, v: tf.Tensor) => klToStandardNormal(m as tf.Tensor2D, v as tf.Tensor2D);
      assertSameAsFormula(ours, (m, v) => klFormula(m!, v!), [mu, logVar], ['dKL/dμ', 'dKL/dlog σ²'], 7, 1e-4);
      tf.dispose([mu, logVar]);
    });

    test('the KL is 0 exactly where the posterior is the prior, and positive elsewhere', () => {
      const zero = klToStandardNormal(tf.zeros([2, 3]), tf.zeros([2, 3])).dataSync();
      assert.deepEqual(Array.from(zero), [0, 0]);
      const off = klToStandardNormal(tf.tensor2d([[0.5, 0, 0]]), tf.tensor2d([[0, -1, 1]])).dataSync()[0]!;
      // ½(0.25) + ½(e^−1 + 1 − 1) + ½(e − 1 − 1)
      assert.ok(Math.abs(off - 0.5 * (0.25 + Math.exp(-1) + Math.E - 2)) < 1e-5, `got ${off}`);
    });

    test('no tensors leak across gradient steps', () => {
      const mu = tf.variable(tf.randomNormal([4, 3], 0, 1, 'float32', 8));
      const logVar = tf.variable(tf.randomNormal([4, 3], 0, 1, 'float32', 9));
      const epsilon = tf.randomNormal([4, 3], 0, 1, 'float32', 10) as tf.Tensor2D;
      const optimizer = tf.train.sgd(0.1);
      const loss = () => tf.add(tf.sum(klToStandardNormal(mu as tf.Tensor2D, logVar as tf.Tensor2D)), tf.sum(tf.square(reparameterizedSample(mu as tf.Tensor2D, logVar as tf.Tensor2D, epsilon)))) as tf.Scalar;
      assertNoTensorGrowth(() => optimizer.minimize(loss), 10);
      tf.dispose([mu, logVar, epsilon]);
      optimizer.dispose();
    });
  });
}
