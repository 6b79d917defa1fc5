import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hexToRgb, inkSegment } from '../../src/renderer/widgets/digit-brush';
import { MNIST_SHAPE } from '../../src/shared/network';
import { imageMse } from '../../src/renderer/widgets/image-metrics';

test('a pen stroke inks its path fully and fades out within a few pixels, like an MNIST stroke', () => {
  const blank = new Uint8Array(784);
  const image = inkSegment(blank, MNIST_SHAPE, { x: 14, y: 4.5 }, { x: 14, y: 23.5 });
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
  const once = inkSegment(new Uint8Array(784), MNIST_SHAPE, { x: 5, y: 5 }, { x: 20, y: 5 });
  const twice = inkSegment(once, MNIST_SHAPE, { x: 12, y: 3 }, { x: 12, y: 8 });
  assert.ok(twice.every((v, i) => v >= once[i]!));
});

test('on a 64×64 RGB image the pen is as wide for the image as on 28×28 and inks the chosen colour', () => {
  const shape = { height: 64, width: 64, channels: 3 };
  const orange = hexToRgb('#ff8000');
  assert.deepEqual(orange, [255, 128, 0]);
  const image = inkSegment(new Uint8Array(64 * 64 * 3), shape, { x: 32, y: 10 }, { x: 32, y: 54 }, orange);
  const pixel = (x: number, y: number) => Array.from(image.subarray((y * 64 + x) * 3, (y * 64 + x) * 3 + 3));
  assert.deepEqual(pixel(32, 32), [255, 128, 0], 'the path in the pen’s colour');
  assert.deepEqual(pixel(31, 32), [255, 128, 0], 'a core as wide for 64 pixels as 0.85 is for 28 (1.9 pixels)');
  const edge = pixel(29, 32);
  assert.ok(edge[0]! > 0 && edge[0]! < 255 && edge[2] === 0, `a soft edge of the same hue (${edge})`);
  assert.deepEqual(pixel(26, 32), [0, 0, 0], 'nothing beyond the pen’s reach (4.4 pixels)');
  // The same stroke on 28×28 inks a band a 64/28 narrower.
  const inked = (img: Uint8Array, side: number, channels: number) => Array.from({ length: side }, (_, x) => img[(Math.floor(side / 2) * side + x) * channels]!).filter((v) => v > 0).length;
  const small = inkSegment(new Uint8Array(784), MNIST_SHAPE, { x: 14, y: 4 }, { x: 14, y: 24 });
  const ratio = inked(image, 64, 3) / inked(small, 28, 1);
  assert.ok(ratio > 1.8 && ratio < 2.8, `inked width grows with the image (${ratio})`);
});

test('a non-square gray image is inked inside its own bounds, in white', () => {
  const shape = { height: 16, width: 24, channels: 1 };
  const image = inkSegment(new Uint8Array(16 * 24), shape, { x: -5, y: 8.5 }, { x: 30, y: 8.5 });
  assert.equal(image.length, 16 * 24);
  assert.equal(image[8 * 24 + 0], 255);
  assert.equal(image[8 * 24 + 23], 255, 'the last column of the row, not the next row');
  assert.equal(image[0], 0);
});

test('imageMse scales pixels to [0, 1]', () => {
  const white = new Uint8Array(784).fill(255);
  assert.equal(imageMse(white, new Uint8Array(784)), 1);
  assert.equal(imageMse(white, white), 0);
  const half = new Uint8Array(784);
  half.fill(255, 0, 392);
  assert.equal(imageMse(half, new Uint8Array(784)), 0.5);
});
