import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Adam, type AdamSettings } from '../../src/main/engine/nn/adam';
import { assertNoTensorGrowth, BACKENDS, useBackend } from './nn-check';

// A backend the optimizer does not recognise, so it takes its tensor-op path.
tf.registerBackend('cpu-unrecognised', () => new MathBackendCPU());
tf.copyRegisteredKernels('cpu', 'cpu-unrecognised');

/** torch.optim.Adam's arithmetic in float64, step by step; `before(t, x)` may change the parameters before step t. */
function referenceAdam(p: number[], grads: number[][], s: AdamSettings, before?: (t: number, x: number[]) => void): number[] {
  const m = p.map(() => 0);
  const v = p.map(() => 0);
  const x = [...p];
  grads.forEach((g, t) => {
    before?.(t, x);
    const c1 = 1 - s.beta1 ** (t + 1);
    const c2 = 1 - s.beta2 ** (t + 1);
    for (let i = 0; i < x.length; i++) {
      const gi = g[i]! + s.weightDecay * x[i]!;
      m[i] = s.beta1 * m[i]! + (1 - s.beta1) * gi;
      v[i] = s.beta2 * v[i]! + (1 - s.beta2) * gi * gi;
      x[i] = x[i]! - (s.lr / c1) * m[i]! / (Math.sqrt(v[i]!) / Math.sqrt(c2) + s.epsilon);
    }
  });
  return x;
}

const SETTINGS: AdamSettings = { lr: 0.01, beta1: 0.9, beta2: 0.99, epsilon: 1e-8, weightDecay: 0.05 };

function seeded(n: number, seed: number): number[] {
  return Array.from(tf.randomNormal([n], 0, 1, 'float32', seed).dataSync());
}

for (const backend of [...BACKENDS, 'cpu-unrecognised']) {
  describe(`Adam on ${backend}`, () => {
    before(() => useBackend(backend));

    // 35 and 3 elements: not multiples of four, so the wasm SIMD loop's tail is covered too.
    for (const shape of [[7, 5], [3]]) {
      test(`${shape.join('×')}: five steps match torch.optim.Adam with weight decay`, () => {
        const n = shape.reduce((a, b) => a * b);
        const start = seeded(n, 1);
        const grads = [2, 3, 4, 5, 6].map((seed) => seeded(n, seed));
        const variable = tf.variable(tf.tensor(start, shape));
        const adam = new Adam(SETTINGS);
        for (const g of grads) {
          const gt = tf.tensor(g, shape);
          adam.applyGradients({ [variable.name]: gt });
          gt.dispose();
        }
        const got = Array.from(variable.dataSync());
        const want = referenceAdam(start, grads, SETTINGS);
        got.forEach((x, i) => assert.ok(Math.abs(x - want[i]!) < 1e-5, `element ${i}: ${x} vs ${want[i]}`));
        adam.dispose();
        variable.dispose();
      });
    }

    test('a parameter assigned between steps (a VQ-VAE code restart) is updated from its new value', () => {
      const start = [seeded(6, 21), seeded(4, 22)];
      const grads = [0, 1].map((step) => [seeded(6, 30 + step), seeded(4, 40 + step)]);
      const a = tf.variable(tf.tensor(start[0]!, [2, 3]));
      const b = tf.variable(tf.tensor(start[1]!));
      const adam = new Adam(SETTINGS);
      const step = (g: number[][]) => {
        const ga = tf.tensor(g[0]!, [2, 3]);
        const gb = tf.tensor(g[1]!);
        adam.applyGradients({ [a.name]: ga, [b.name]: gb });
        tf.dispose([ga, gb]);
      };
      step(grads[0]!);
      const restarted = seeded(4, 50);
      b.assign(tf.tensor(restarted));
      step(grads[1]!);
      const wantB = referenceAdam(start[1]!, grads.map((g) => g[1]!), SETTINGS, (t, x) => t === 1 && x.splice(0, x.length, ...restarted));
      const wantA = referenceAdam(start[0]!, grads.map((g) => g[0]!), SETTINGS);
      Array.from(a.dataSync()).forEach((x, i) => assert.ok(Math.abs(x - wantA[i]!) < 1e-5, `a ${i}: ${x} vs ${wantA[i]}`));
      Array.from(b.dataSync()).forEach((x, i) => assert.ok(Math.abs(x - wantB[i]!) < 1e-5, `b ${i}: ${x} vs ${wantB[i]}`));
      adam.dispose();
      tf.dispose([a, b]);
    });

    test('without weight decay it agrees with tf.train.adam', () => {
      const ours = tf.variable(tf.tensor(seeded(50, 7)));
      const theirs = tf.variable(ours.clone());
      const adam = new Adam({ ...SETTINGS, weightDecay: 0 });
      const reference = tf.train.adam(SETTINGS.lr, SETTINGS.beta1, SETTINGS.beta2, SETTINGS.epsilon);
      for (let step = 0; step < 4; step++) {
        const g = tf.tensor(seeded(50, 10 + step));
        adam.applyGradients({ [ours.name]: g });
        reference.applyGradients({ [theirs.name]: g } as unknown as Parameters<typeof reference.applyGradients>[0]);
        g.dispose();
      }
      const a = ours.dataSync();
      theirs.dataSync().forEach((x, i) => assert.ok(Math.abs(x - a[i]!) < 1e-5, `element ${i}`));
      tf.dispose([ours, theirs]);
      adam.dispose();
      reference.dispose();
    });

    test('minimize lowers a loss and holds no extra tensors between steps', () => {
      const w = tf.variable(tf.tensor([3, -2, 5]));
      const adam = new Adam({ ...SETTINGS, lr: 0.1 });
      const loss = () => tf.sum(tf.square(w)) as tf.Scalar;
      const first = loss().dataSync()[0]!;
      assertNoTensorGrowth(() => adam.minimize(loss), 30);
      assert.ok(loss().dataSync()[0]! < first / 4);
      adam.dispose();
      w.dispose();
    });
  });
}
