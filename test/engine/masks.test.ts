import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initBackend } from '../../src/main/engine/backend/backend';
import { sampleMask } from '../../src/main/engine/models/masks';
import { fillUniform } from '../../src/main/engine/random';
import { MNIST_SHAPE } from '../../src/shared/network';

await initBackend();

const BATCH = 128;

function rows(kind: 'pixel' | 'block' | 'mixed', ratio: number, seed: number): Float32Array[] {
  const mask = sampleMask(kind, BATCH, ratio, seed, MNIST_SHAPE);
  assert.deepEqual(mask.shape, [BATCH, 784]);
  const values = mask.dataSync() as Float32Array;
  mask.dispose();
  return Array.from({ length: BATCH }, (_, i) => values.subarray(i * 784, (i + 1) * 784));
}

const hiddenShare = (row: Float32Array) => row.filter((v) => v === 0).length / row.length;

/** True when every 4×4 block of the 28×28 row is all visible or all hidden. */
function blockShaped(row: Float32Array): boolean {
  for (let p = 0; p < 784; p++) {
    const corner = (Math.floor(p / 28 / 4) * 4) * 28 + Math.floor((p % 28) / 4) * 4;
    if (row[p] !== row[corner]) return false;
  }
  return true;
}

test('fillUniform: floats in [0, 1), evenly spread, fixed by the seed', () => {
  const a = fillUniform(new Float32Array(100_000), 7);
  assert.ok(a.every((v) => v >= 0 && v < 1));
  const mean = a.reduce((s, v) => s + v, 0) / a.length;
  assert.ok(Math.abs(mean - 0.5) < 0.01, `mean ${mean}`);
  const tenths = new Array(10).fill(0);
  for (const v of a) tenths[Math.floor(v * 10)]++;
  for (const n of tenths) assert.ok(Math.abs(n - 10_000) < 500, `decile count ${n}`);
  assert.deepEqual(fillUniform(new Float32Array(50), 7), a.subarray(0, 50));
  assert.notDeepEqual(fillUniform(new Float32Array(50), 8), a.subarray(0, 50));
});

test('pixel masks hide each pixel with probability ratio, independently', () => {
  const masks = rows('pixel', 0.8, 1);
  const share = masks.reduce((s, r) => s + hiddenShare(r), 0) / BATCH;
  assert.ok(Math.abs(share - 0.8) < 0.01, `hidden share ${share}`);
  assert.ok(masks.every((r) => r.every((v) => v === 0 || v === 1)));
  assert.ok(masks.filter(blockShaped).length === 0, 'pixel masks are not block-shaped');
  assert.ok(Math.abs(rows('pixel', 0.3, 2).reduce((s, r) => s + hiddenShare(r), 0) / BATCH - 0.3) < 0.01);
});

test('block masks hide whole 4×4 squares with probability ratio', () => {
  const masks = rows('block', 0.75, 3);
  assert.ok(masks.every(blockShaped));
  const share = masks.reduce((s, r) => s + hiddenShare(r), 0) / BATCH;
  assert.ok(Math.abs(share - 0.75) < 0.03, `hidden share ${share}`);
});

test('mixed masks are block masks for about half the samples, pixel masks for the rest', () => {
  const blocks = rows('mixed', 0.8, 4).filter(blockShaped).length;
  assert.ok(blocks > BATCH * 0.3 && blocks < BATCH * 0.7, `${blocks} of ${BATCH} block-shaped`);
});

test('the same seed gives the same mask, another seed another', () => {
  assert.deepEqual(rows('mixed', 0.8, 5), rows('mixed', 0.8, 5));
  assert.notDeepEqual(rows('mixed', 0.8, 5), rows('mixed', 0.8, 6));
});

test('on 32×32 RGB images a hidden pixel is hidden in all three channels, and blocks are 4×4 over an 8×8 grid', () => {
  const image = { height: 32, width: 32, channels: 3 };
  for (const kind of ['pixel', 'block'] as const) {
    const mask = sampleMask(kind, 4, 0.5, 3, image);
    assert.deepEqual(mask.shape, [4, 32 * 32 * 3]);
    const values = mask.dataSync() as Float32Array;
    mask.dispose();
    for (let i = 0; i < 4; i++) {
      for (let p = 0; p < 1024; p++) {
        const at = (i * 1024 + p) * 3;
        assert.ok(values[at] === values[at + 1] && values[at] === values[at + 2], `${kind}: channels of pixel ${p} agree`);
        if (kind === 'block') {
          const corner = Math.floor(p / 32 / 4) * 4 * 32 + Math.floor((p % 32) / 4) * 4;
          assert.equal(values[at], values[(i * 1024 + corner) * 3]);
        }
      }
      const hidden = values.subarray(i * 3072, (i + 1) * 3072).filter((v) => v === 0).length / 3072;
      assert.ok(hidden > 0.2 && hidden < 0.8, `${kind}: about half hidden (${hidden})`);
    }
  }
});
