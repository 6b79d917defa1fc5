import * as tf from '@tensorflow/tfjs-core';
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { dense, type Activation } from '../../src/main/engine/nn/dense';
import { transpose2d } from '../../src/main/engine/nn/transpose';
import { assertClose, assertNoTensorGrowth, BACKENDS, useBackend, weightedGrads } from './nn-check';

const ACTIVATIONS: Activation[] = ['linear', 'relu', 'sigmoid'];

/** The plain formula; tfjs differentiates it with its own (transposed-product) gradients. */
function reference(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, activation: Activation): tf.Tensor2D {
  const z = tf.add(tf.matMul(x, w), b) as tf.Tensor2D;
  return activation === 'relu' ? tf.relu(z) : activation === 'sigmoid' ? tf.sigmoid(z) : z;
}

for (const backend of BACKENDS) {
  describe(`dense on ${backend}`, () => {
    before(() => useBackend(backend));

    // Shapes that take both transpose paths: 16×12 (3-D path), 9×7 (prime width: 2-D path); and on
    // wasm the products' orientations: 8×12→40 flips the forward and dW, 8×40→12 the input gradient.
    for (const [batch, inSize, outSize] of [[16, 12, 8], [9, 7, 5], [8, 12, 40], [8, 40, 12]]) {
      for (const activation of ACTIVATIONS) {
        test(`${activation} ${batch}×${inSize}→${outSize}: same value and gradients as autograd of the formula`, () => {
          const x = tf.randomNormal([batch, inSize], 0, 1, 'float32', 1) as tf.Tensor2D;
          const w = tf.randomNormal([inSize, outSize], 0, 0.5, 'float32', 2) as tf.Tensor2D;
          const b = tf.randomNormal([outSize], 0, 0.5, 'float32', 3) as tf.Tensor1D;
          const ours = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => dense(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D, activation);
          const plain = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => reference(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D, activation);
          assertClose(ours(x, w, b), plain(x, w, b), 1e-5, 'value');
          const got = weightedGrads(ours, [x, w, b], 4);
          const want = weightedGrads(plain, [x, w, b], 4);
          for (const [i, name] of ['dx', 'dW', 'db'].entries()) assertClose(got[i]!, want[i]!, 1e-4, name);
          tf.dispose([x, w, b, ...got, ...want]);
        });
      }
    }

    test('a stack of layers trains by variableGrads without leaking tensors', () => {
      const x = tf.randomUniform([32, 20], 0, 1, 'float32', 5) as tf.Tensor2D;
      const w1 = tf.variable(tf.randomNormal([20, 16], 0, 0.3, 'float32', 6));
      const b1 = tf.variable(tf.zeros([16]));
      const w2 = tf.variable(tf.randomNormal([16, 20], 0, 0.3, 'float32', 7));
      const b2 = tf.variable(tf.zeros([20]));
      const loss = () => tf.mean(tf.squaredDifference(dense(dense(x, w1 as tf.Tensor2D, b1 as tf.Tensor1D, 'relu'), w2 as tf.Tensor2D, b2 as tf.Tensor1D, 'sigmoid'), x)) as tf.Scalar;
      const optimizer = tf.train.sgd(0.5);
      const first = tf.tidy(() => loss().dataSync()[0]!);
      assertNoTensorGrowth(() => {
        const { value, grads } = tf.variableGrads(loss);
        optimizer.applyGradients(grads);
        tf.dispose([value, ...Object.values(grads)]);
      }, 20);
      const last = tf.tidy(() => loss().dataSync()[0]!);
      assert.ok(last < first, `loss did not fall: ${first} → ${last}`);
      tf.dispose([x, w1, b1, w2, b2]);
      optimizer.dispose();
    });

    test('the gradient with respect to a constant input is never computed', async () => {
      const x = tf.randomUniform([8, 6], 0, 1, 'float32', 8) as tf.Tensor2D;
      const xVar = tf.variable(x);
      const w = tf.variable(tf.randomNormal([6, 4], 0, 1, 'float32', 9));
      const b = tf.variable(tf.zeros([4]));
      const products = async (input: tf.Tensor2D) => {
        const profile = await tf.profile(() => {
          const { value, grads } = tf.variableGrads(() => tf.sum(dense(input, w as tf.Tensor2D, b as tf.Tensor1D, 'relu')) as tf.Scalar);
          tf.dispose([value, ...Object.values(grads)]);
        });
        return profile.kernels.filter((k) => /MatMul|Dense2D/.test(k.name)).length;
      };
      // dx is the one product a trainable input adds (counted as a difference: a backend's fused
      // product may run a plain one inside it, as tfjs-node's does; on TensorFlow's backend the
      // forward product and dW run inside the Dense2D kernels).
      const constant = await products(x);
      assert.ok(constant >= 2, 'forward and dW');
      assert.equal((await products(xVar as tf.Tensor2D)) - constant, 1);
      tf.dispose([x, xVar, w, b]);
    });
  });
}

describe('transpose2d', () => {
  before(() => useBackend('wasm'));
  for (const shape of [[128, 784], [784, 128], [6, 7], [7, 6], [1, 5], [5, 1], [16, 12]] as [number, number][]) {
    test(`[${shape}] equals tf.transpose`, () => {
      const x = tf.randomNormal(shape, 0, 1, 'float32', 10) as tf.Tensor2D;
      assert.deepEqual(transpose2d(x).arraySync(), tf.transpose(x).arraySync());
    });
  }
});
