import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inkSegment } from '../../src/renderer/widgets/digit-brush';
import { imageMse } from '../../src/renderer/widgets/image-metrics';

test('a pen stroke inks its path fully and fades out within a few pixels, like an MNIST stroke', () => {
  const blank = new Uint8Array(784);
  const image = inkSegment(blank, { x: 14, y: 4.5 }, { x: 14, y: 23.5 });
  const row = Array.from(image.subarray(14 * 28, 15 * 28));
  assert.equal(row[13], 255);
  assert.equal(row[14], 255);
  assert.ok(row[12]! > 0 && row[12]! < 255, `a soft edge (${row[12]})`);
  assert.equal(row[10], 0);
  assert.equal(row[18], 0);
  assert.equal(image[2 * 28 + 14], 0, 'nothing beyond the stroke’s end');
  assert.equal(blank.every((v) => v === 0), true, 'the input is not changed');
});

test('ink only adds: drawing over a stroke never dims it', () => {
  const once = inkSegment(new Uint8Array(784), { x: 5, y: 5 }, { x: 20, y: 5 });
  const twice = inkSegment(once, { x: 12, y: 3 }, { x: 12, y: 8 });
  assert.ok(twice.every((v, i) => v >= once[i]!));
});

test('imageMse scales pixels to [0, 1]', () => {
  const white = new Uint8Array(784).fill(255);
  assert.equal(imageMse(white, new Uint8Array(784)), 1);
  assert.equal(imageMse(white, white), 0);
  const half = new Uint8Array(784);
  half.fill(255, 0, 392);
  assert.equal(imageMse(half, new Uint8Array(784)), 0.5);
});
