// The VQ-VAE codebook operations, computed a block of rows at a time (src/main/engine/nn/codebook.ts),
// against the plain formulas: nearest code by brute force, lookup as gather, and the codebook's
// gradient as onehot(k)ᵀ·dy. Sizes are chosen so the rows span several blocks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initBackend } from '../../src/main/engine/backend/backend';
import { codebookLookup, nearestCode } from '../../src/main/engine/nn/codebook';
import * as tf from '../../src/main/engine/backend/tf';

await initBackend();

const K = 4096;
const D = 3;
const ROWS = 2500; // 2500 × 4096 values: three blocks of 1024 rows

function fixture() {
  const codebook = tf.randomNormal([K, D], 0, 1, 'float32', 1) as tf.Tensor2D;
  const z = tf.randomNormal([ROWS, D], 0, 1, 'float32', 2) as tf.Tensor2D;
  return { codebook, z };
}

test('nearestCode is the argmin of the squared distance, across blocks', () => {
  const { codebook, z } = fixture();
  const book = codebook.arraySync();
  const rows = z.arraySync();
  const codes = nearestCode(z, codebook).arraySync();
  assert.equal(codes.length, ROWS);
  let mismatches = 0;
  rows.forEach((row, i) => {
    const distance = (k: number) => book[k]!.reduce((s, v, d) => s + (row[d]! - v) ** 2, 0);
    const best = distance(codes[i]!);
    // Ties or float rounding may pick another code at the same distance, never a farther one.
    if (book.some((_, k) => distance(k) < best - 1e-4)) mismatches++;
  });
  assert.equal(mismatches, 0);
  tf.dispose([codebook, z]);
});

test("codebookLookup gathers e_k, and the codebook's gradient is onehot(k)ᵀ·dy", () => {
  const { codebook, z } = fixture();
  const codes = nearestCode(z, codebook);
  const weights = tf.randomNormal([ROWS, D], 0, 1, 'float32', 3);
  const viaLookup = tf.grad((book: tf.Tensor) => tf.sum(codebookLookup(book as tf.Tensor2D, codes).mul(weights)))(codebook);
  const viaOneHot = tf.grad((book: tf.Tensor) => tf.sum(tf.matMul(tf.oneHot(codes, K).toFloat(), book as tf.Tensor2D).mul(weights)))(codebook);
  const difference = tf.max(tf.abs(viaLookup.sub(viaOneHot))).dataSync()[0]!;
  assert.ok(difference < 1e-4, `largest difference ${difference}`);
  assert.deepEqual(codebookLookup(codebook, codes).arraySync(), tf.gather(codebook, codes).arraySync());
  tf.dispose([codebook, z, codes, weights, viaLookup, viaOneHot]);
});
