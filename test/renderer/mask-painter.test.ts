import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  HIDDEN,
  VISIBLE,
  brushPixels,
  fullMask,
  hiddenCount,
  invertMask,
  paintSegment,
  randomBlockMask,
  randomPixelMask,
} from '../../src/renderer/features/inpainting/mask-painter';
import { gridCell, gridPoint } from '../../src/renderer/widgets/pointer-grid';

/** A seeded generator, so random masks are reproducible here. */
function lcg(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

test('a size-1 brush covers exactly the pixel under the pointer', () => {
  assert.deepEqual(brushPixels({ x: 3.9, y: 0.1 }, 1), [3]);
  assert.deepEqual(brushPixels({ x: 27.5, y: 27.5 }, 1), [27 * 28 + 27]);
});

test('a round brush covers the pixels whose centres lie within its radius, clipped at the edges', () => {
  const covered = brushPixels({ x: 10, y: 10 }, 4).sort((a, b) => a - b);
  // Radius 2 around a pixel corner: the 4×4 block around it, less its four corners.
  const expected = [];
  for (let y = 8; y < 12; y++) for (let x = 8; x < 12; x++) if ((x + 0.5 - 10) ** 2 + (y + 0.5 - 10) ** 2 <= 4) expected.push(y * 28 + x);
  assert.deepEqual(covered, expected);
  assert.equal(covered.length, 12);
  assert.ok(brushPixels({ x: 0.2, y: 0.2 }, 6).every((i) => i >= 0 && i < 784 && i % 28 < 4 && Math.floor(i / 28) < 4));
});

test('paintSegment leaves no gaps on fast moves and returns the same array when nothing changes', () => {
  const mask = paintSegment(fullMask(), { x: 1.5, y: 5.5 }, { x: 26.5, y: 5.5 }, 1, HIDDEN);
  for (let x = 1; x <= 26; x++) assert.equal(mask[5 * 28 + x], HIDDEN, `pixel ${x} on the row`);
  assert.equal(hiddenCount(mask), 26);
  assert.equal(paintSegment(mask, { x: 3.5, y: 5.5 }, { x: 9.5, y: 5.5 }, 1, HIDDEN), mask, 'already hidden: same array');
  const revealed = paintSegment(mask, { x: 3.5, y: 5.5 }, { x: 3.5, y: 5.5 }, 1, VISIBLE);
  assert.equal(hiddenCount(revealed), 25);
  assert.equal(hiddenCount(mask), 26, 'the input mask is never changed');
});

test('invert swaps hidden and visible', () => {
  const mask = paintSegment(fullMask(), { x: 4, y: 4 }, { x: 20, y: 20 }, 3, HIDDEN);
  const inverted = invertMask(mask);
  assert.equal(hiddenCount(inverted), 784 - hiddenCount(mask));
  assert.deepEqual(invertMask(inverted), mask);
});

test('random masks hide exactly the asked share, pixels or whole 4×4 blocks', () => {
  assert.equal(hiddenCount(randomPixelMask(0.8, lcg(1))), Math.round(0.8 * 784));
  assert.notDeepEqual(randomPixelMask(0.5, lcg(1)), randomPixelMask(0.5, lcg(2)));
  const blocks = randomBlockMask(0.5, lcg(3));
  assert.equal(hiddenCount(blocks), Math.round(0.5 * 49) * 16);
  for (let by = 0; by < 7; by++) {
    for (let bx = 0; bx < 7; bx++) {
      const values = new Set<number>();
      for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) values.add(blocks[(by * 4 + y) * 28 + bx * 4 + x]!);
      assert.equal(values.size, 1, `block ${bx},${by} is all hidden or all visible`);
    }
  }
});

test('pointer positions map to grid units and cells', () => {
  const element = { getBoundingClientRect: () => ({ left: 100, top: 50, width: 280, height: 280 }) };
  const point = gridPoint({ clientX: 240, clientY: 60 }, element, 28);
  assert.deepEqual(point, { x: 14, y: 1 });
  assert.equal(gridCell(gridPoint({ clientX: 379, clientY: 329 }, element, 7), 7), 48);
  assert.equal(gridCell({ x: -0.1, y: 3 }, 7), null);
  assert.equal(gridCell({ x: 7, y: 3 }, 7), null);
});

test('masks follow the model image size: a 32×32 grid has 1,024 positions and an 8×8 grid of 4×4 blocks', () => {
  const grid = { height: 32, width: 32 };
  assert.equal(fullMask(grid).length, 1024);
  assert.deepEqual(brushPixels({ x: 31.5, y: 31.5 }, 1, grid), [31 * 32 + 31], 'the last pixel of the larger grid');
  let draws = 0;
  const random = () => ((draws++ * 0.37) % 1);
  const blocks = randomBlockMask(0.5, random, grid);
  assert.equal(hiddenCount(blocks), 32 * 16, 'half of the 64 blocks, 16 pixels each');
  for (let p = 0; p < 1024; p++) {
    const corner = Math.floor(p / 32 / 4) * 4 * 32 + Math.floor((p % 32) / 4) * 4;
    assert.equal(blocks[p], blocks[corner], 'whole 4×4 blocks');
  }
  assert.equal(hiddenCount(randomPixelMask(0.25, random, grid)), 256);
});
