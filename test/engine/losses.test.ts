import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '../../src/main/engine/backend/tf';
import { initBackend } from '../../src/main/engine/backend/backend';
import {
  bceSumPerSample,
  codebookLoss,
  commitmentLoss,
  klDivergencePerSample,
  maskedMse,
  straightThrough,
} from '../../src/main/engine/models/losses';

await initBackend();

const close = (a: number, b: number, tol = 1e-5) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} ≉ ${b}`);

test('KL term matches −½ Σ (1 + log σ² − μ² − σ²) computed by hand', () => {
  const mu = [[0.5, -1], [0, 0]];
  const logVar = [[0.2, -0.3], [0, 0]];
  const kl = klDivergencePerSample(tf.tensor2d(mu), tf.tensor2d(logVar)).arraySync();
  const byHand = mu.map((m, i) => -0.5 * m.reduce((s, mj, j) => s + 1 + logVar[i]![j]! - mj * mj - Math.exp(logVar[i]![j]!), 0));
  close(kl[0]!, byHand[0]!);
  assert.ok(kl[1] === 0, 'q = N(0, I) has zero KL to the prior');
});

test('BCE from logits equals −Σ [x log p + (1−x) log(1−p)] summed over pixels', () => {
  const logits = [[2, -1, 0.5]];
  const x = [[1, 0, 0.3]];
  const p = logits[0]!.map((l) => 1 / (1 + Math.exp(-l)));
  const byHand = -x[0]!.reduce((s, xi, i) => s + xi * Math.log(p[i]!) + (1 - xi) * Math.log(1 - p[i]!), 0);
  close(bceSumPerSample(tf.tensor2d(logits), tf.tensor2d(x)).arraySync()[0]!, byHand);
});

test('masked MSE counts only hidden pixels, averaged over all pixels', () => {
  const xHat = tf.tensor2d([[1, 1, 1, 1]]);
  const x = tf.tensor2d([[0, 0, 0, 0]]);
  const visible = tf.tensor2d([[1, 1, 0, 1]]);
  // One hidden pixel with squared error 1, over 4 pixels.
  close(maskedMse(xHat, x, visible).arraySync(), 0.25);
  // Errors on visible pixels change nothing.
  close(maskedMse(tf.tensor2d([[9, 9, 1, 9]]), x, visible).arraySync(), 0.25);
});

test('straight-through: forward gives e, the gradient reaches z_e unchanged', () => {
  const zE = tf.tensor2d([[0.1, 0.2], [0.3, 0.4]]);
  const e = tf.tensor2d([[1, 2], [3, 4]]);
  assert.deepEqual(straightThrough(zE, e).arraySync(), e.arraySync());
  const weights = tf.tensor2d([[1, -2], [0.5, 3]]);
  const grad = tf.grad((z: tf.Tensor) => tf.sum(straightThrough(z, e).mul(weights)))(zE);
  assert.deepEqual(grad.arraySync(), weights.arraySync(), 'dL/dz_e = dL/dz_q');
});

test('codebook term moves only the codebook, commitment only the encoder', () => {
  const zE = tf.tensor2d([[1, 0]]);
  const e = tf.tensor2d([[0, 0]]);
  const [gz, ge] = tf.grads((z: tf.Tensor, c: tf.Tensor) => codebookLoss(z, c))([zE, e]);
  assert.deepEqual(gz!.arraySync(), [[0, 0]]);
  assert.deepEqual(ge!.arraySync(), [[-1, 0]]); // d/de mean((z − e)²) = −2(z − e)/2
  const [cz, ce] = tf.grads((z: tf.Tensor, c: tf.Tensor) => commitmentLoss(z, c))([zE, e]);
  assert.deepEqual(cz!.arraySync(), [[1, 0]]);
  assert.deepEqual(ce!.arraySync(), [[0, 0]]);
});
