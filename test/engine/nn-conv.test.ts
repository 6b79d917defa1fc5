import * as tf from '@tensorflow/tfjs-core';
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { Activation } from '../../src/main/engine/nn/activation';
import { conv2d, conv2dTranspose } from '../../src/main/engine/nn/conv';
import { assertClose, assertNoTensorGrowth, BACKENDS, useBackend, weightedGrads } from './nn-check';

type Shape4 = [number, number, number, number];

interface Case {
  name: string;
  x: Shape4;
  w: Shape4;
  stride: number;
  /** Set for transposed convolutions. */
  out?: Shape4;
}

// The layouts the recipes use (4×4/2, 3×3/2 and 3×3/1, 'same'), on odd and even sizes.
const CASES: Case[] = [
  { name: 'conv 4×4/2, 8→4', x: [2, 8, 8, 3], w: [4, 4, 3, 5], stride: 2 },
  { name: 'conv 3×3/2, 7→4', x: [2, 7, 7, 2], w: [3, 3, 2, 4], stride: 2 },
  { name: 'conv 3×3/1, 5→5', x: [2, 5, 5, 3], w: [3, 3, 3, 2], stride: 1 },
  { name: 'conv 1×1/1', x: [3, 4, 4, 6], w: [1, 1, 6, 2], stride: 1 },
  { name: 'convT 4×4/2, 4→8', x: [2, 4, 4, 5], w: [4, 4, 3, 5], stride: 2, out: [2, 8, 8, 3] },
  { name: 'convT 3×3/2, 4→7', x: [2, 4, 4, 3], w: [3, 3, 2, 3], stride: 2, out: [2, 7, 7, 2] },
  { name: 'convT 3×3/2, 4→8', x: [2, 4, 4, 3], w: [3, 3, 2, 3], stride: 2, out: [2, 8, 8, 2] },
  { name: 'convT 3×3/1, 5→5', x: [2, 5, 5, 2], w: [3, 3, 4, 2], stride: 1, out: [2, 5, 5, 4] },
];

function ours(c: Case, activation: Activation) {
  return (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) =>
    c.out
      ? conv2dTranspose(x as tf.Tensor4D, w as tf.Tensor4D, b as tf.Tensor1D, c.out, c.stride, activation)
      : conv2d(x as tf.Tensor4D, w as tf.Tensor4D, b as tf.Tensor1D, c.stride, activation);
}

/** The plain formula, differentiated by tfjs (on the cpu backend, which has every conv gradient). */
function plain(c: Case, activation: Activation) {
  return (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => {
    const conv = c.out ? tf.conv2dTranspose(x as tf.Tensor4D, w as tf.Tensor4D, c.out, c.stride, 'same') : tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.stride, 'same');
    const z = tf.add(conv, b);
    return activation === 'relu' ? tf.relu(z) : activation === 'sigmoid' ? tf.sigmoid(z) : z;
  };
}

/** Value and gradients as plain arrays, so they can cross backends. */
function run(f: (...xs: tf.Tensor[]) => tf.Tensor, c: Case, seed: number): Float32Array[] {
  const bias = (c.out ?? [0, 0, 0, c.w[3]])[3];
  const inputs = [tf.randomNormal(c.x, 0, 1, 'float32', seed), tf.randomNormal(c.w, 0, 0.5, 'float32', seed + 1), tf.randomNormal([bias], 0, 0.5, 'float32', seed + 2)];
  const value = f(...inputs);
  const result = [value, ...weightedGrads(f, inputs, seed + 3)].map((t) => t.dataSync() as Float32Array);
  tf.dispose([value, ...inputs]);
  return result;
}

for (const backend of BACKENDS) {
  describe(`conv on ${backend}`, () => {
    before(() => useBackend(backend));

    for (const c of CASES) {
      for (const activation of ['linear', 'relu', 'sigmoid'] as Activation[]) {
        test(`${c.name} ${activation}: same value and gradients as autograd of the formula`, async () => {
          await useBackend('cpu');
          const want = run(plain(c, activation), c, 11);
          await useBackend(backend);
          const got = run(ours(c, activation), c, 11);
          ['value', 'dx', 'dW', 'db'].forEach((name, i) => assertClose(tf.tensor(got[i]!), tf.tensor(want[i]!), 1e-4, name));
        });
      }
    }

    test('the gradient with respect to a constant input is never computed', async () => {
      const x = tf.randomNormal([2, 8, 8, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
      const xVar = tf.variable(x);
      const w = tf.variable(tf.randomNormal([4, 4, 1, 3], 0, 1, 'float32', 2));
      const b = tf.variable(tf.zeros([3]));
      const convolutions = async (input: tf.Tensor4D) => {
        const profile = await tf.profile(() => {
          const { value, grads } = tf.variableGrads(() => tf.sum(conv2d(input, w as tf.Tensor4D, b as tf.Tensor1D, 2, 'relu')) as tf.Scalar);
          tf.dispose([value, ...Object.values(grads)]);
        });
        return profile.kernels.filter((k) => /^Conv2D(BackpropInput|BackpropFilter)?$/.test(k.name)).length;
      };
      // The filter gradient always; the input gradient is the one convolution a trainable input
      // adds (a difference: TensorFlow's fused forward runs a plain Conv2D inside it).
      const constant = await convolutions(x);
      assert.ok(constant >= 1, 'the filter gradient');
      assert.equal((await convolutions(xVar as tf.Tensor4D)) - constant, 1);
      tf.dispose([x, xVar, w, b]);
    });

    test('an encoder–decoder pair trains without leaking tensors', () => {
      const x = tf.randomUniform([4, 8, 8, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
      const w1 = tf.variable(tf.randomNormal([4, 4, 1, 4], 0, 0.3, 'float32', 4));
      const b1 = tf.variable(tf.zeros([4]));
      const w2 = tf.variable(tf.randomNormal([4, 4, 1, 4], 0, 0.3, 'float32', 5));
      const b2 = tf.variable(tf.zeros([1]));
      const loss = () => {
        const h = conv2d(x, w1 as tf.Tensor4D, b1 as tf.Tensor1D, 2, 'relu');
        return tf.mean(tf.squaredDifference(conv2dTranspose(h, w2 as tf.Tensor4D, b2 as tf.Tensor1D, [4, 8, 8, 1], 2, 'sigmoid'), x)) as tf.Scalar;
      };
      const optimizer = tf.train.adam(0.01);
      const first = tf.tidy(() => loss().dataSync()[0]!);
      assertNoTensorGrowth(() => optimizer.minimize(loss), 20);
      const last = tf.tidy(() => loss().dataSync()[0]!);
      assert.ok(last < first, `loss did not fall: ${first} → ${last}`);
      tf.dispose([x, w1, b1, w2, b2]);
      optimizer.dispose();
    });
  });
}
