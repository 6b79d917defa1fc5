import * as tf from '@tensorflow/tfjs-core';
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { linearBiasInit, linearWeightInit, normalInit } from '../../src/main/engine/nn/init';
import { useBackend } from './nn-check';

before(() => useBackend('wasm'));

function stats(t: tf.Tensor): { min: number; max: number; mean: number; std: number } {
  const v = t.dataSync();
  let sum = 0;
  let sq = 0;
  for (const x of v) {
    sum += x;
    sq += x * x;
  }
  const mean = sum / v.length;
  return { min: Math.min(...v), max: Math.max(...v), mean, std: Math.sqrt(sq / v.length - mean * mean) };
}

test('linear weights are U(−1/√fan_in, 1/√fan_in) with fan_in the input width', () => {
  const w = linearWeightInit([784, 128], 1);
  const s = stats(w);
  const bound = 1 / Math.sqrt(784);
  assert.ok(s.min >= -bound && s.max <= bound, 'outside the bound');
  assert.ok(s.min < -0.95 * bound && s.max > 0.95 * bound, 'does not fill the bound');
  assert.ok(Math.abs(s.std - bound / Math.sqrt(3)) < 0.02 * bound, `std ${s.std} is not that of a uniform`);
});

test('conv weights take fan_in = kh·kw·in_channels', () => {
  const s = stats(linearWeightInit([4, 4, 32, 64], 2));
  const bound = 1 / Math.sqrt(4 * 4 * 32);
  assert.ok(s.max <= bound && s.max > 0.95 * bound);
});

test('bias init uses the fan-in it is given', () => {
  const s = stats(linearBiasInit(400)([2000], 3));
  assert.ok(s.max <= 0.05 && s.max > 0.045 && s.min >= -0.05);
});

test('normal init has the asked standard deviation', () => {
  const s = stats(normalInit(0.05)([256, 64], 4));
  assert.ok(Math.abs(s.mean) < 0.002 && Math.abs(s.std - 0.05) < 0.002, `mean ${s.mean} std ${s.std}`);
});

test('the same seed gives the same values, another seed others', () => {
  for (const init of [linearWeightInit, linearBiasInit(10), normalInit(1)]) {
    const a = init([20, 10], 7).dataSync();
    assert.deepEqual(init([20, 10], 7).dataSync(), a);
    assert.notDeepEqual(init([20, 10], 8).dataSync(), a);
  }
});
