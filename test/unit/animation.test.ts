// Moving figures: nearest-neighbour scaling, GIF frame delays, a probe path as frames at a rate,
// and the GIF read back with omggif (an independent decoder) pixel for pixel.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeGif, frameDelayMs, imageFrames, pathFrames, scaleGray } from '../../src/shared/animation';
import { decodeGif } from '../gif-frames';

const gray4 = { height: 4, width: 4, channels: 1 };

test('scaleGray repeats each pixel into a block', () => {
  assert.deepEqual([...scaleGray(Uint8Array.of(1, 2, 3, 4), 2, 4)], [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
  const same = Uint8Array.of(9);
  assert.equal(scaleGray(same, 1, 1), same);
});

test('frame delays are whole hundredths of a second, at least 20 ms', () => {
  assert.deepEqual([1, 8, 10, 24, 50].map(frameDelayMs), [1000, 130, 100, 40, 20]);
});

test('a probe path becomes frames at its recorded speed, ending on its last point', () => {
  const path = [
    { t: 0, z: [0] },
    { t: 90, z: [1] },
    { t: 260, z: [2] },
    { t: 275, z: [3] },
  ];
  // At 10 fps: frames at 0, 100 and 200 ms show the point in force then; the last point follows.
  assert.deepEqual(pathFrames(path, 10), [[0], [1], [1], [3]]);
  assert.deepEqual(pathFrames([{ t: 0, z: [5] }], 10), [[5]]);
});

test('encodeGif writes an exact looping 256-gray GIF of the frames at the size and rate asked', async () => {
  const frames = Array.from({ length: 20 }, (_, k) => Uint8Array.from({ length: 16 }, (_, p) => (k * 13 + p * 17) % 256));
  const seen: number[] = [];
  const bytes = await encodeGif(imageFrames(frames, gray4, 28), 10, (done) => seen.push(done));
  const gif = decodeGif(bytes);
  assert.deepEqual([gif.width, gif.height, gif.frames.length, gif.loop], [28, 28, 20, 0]);
  assert.deepEqual(new Set(gif.delays), new Set([10]));
  gif.frames.forEach((frame, k) => assert.deepEqual(frame, scaleGray(frames[k]!, 4, 28), `frame ${k}`));
  assert.deepEqual(seen, [16, 20], 'progress as frames are encoded');
  await assert.rejects(encodeGif(imageFrames(frames, gray4, 28), 0), /frame rate must be from 1 to 50 frames per second, got 0/);
  await assert.rejects(encodeGif(imageFrames(frames, gray4, 1025), 5), /frame size must be a whole number of pixels from 28 to 1024, got 1025/);
  await assert.rejects(encodeGif(imageFrames([], gray4, 28), 5), /at least one frame/);
});

test('colour and non-square images: letterboxed into the square frame, exact with few colours, quantised to 256 with many', async () => {
  // A 2×4 RGB image (wider than tall): red left half, blue right half.
  const wide = { height: 2, width: 4, channels: 3 };
  const red = [255, 0, 0];
  const blue = [0, 0, 255];
  const image = Uint8Array.from([...red, ...red, ...blue, ...blue, ...red, ...red, ...blue, ...blue]);
  const { frames, palette, size } = imageFrames([image], wide, 32);
  assert.equal(size, 32);
  const colour = (x: number, y: number) => palette[frames[0]![y * 32 + x]!];
  assert.deepEqual(colour(0, 4), [0, 0, 0], 'black above the letterboxed image (rows 8–23)');
  assert.deepEqual(colour(2, 12), red);
  assert.deepEqual(colour(30, 20), blue);
  assert.equal(palette.length, 3, 'black, red and blue: the frames’ own colours');

  // 64 frames of 16×16 RGB noise: thousands of colours, quantised to one palette of at most 256.
  const noisy = { height: 16, width: 16, channels: 3 };
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) >> 16) & 255;
  const many = Array.from({ length: 64 }, () => Uint8Array.from({ length: 16 * 16 * 3 }, random));
  const quantised = imageFrames(many, noisy, 32);
  assert.ok(quantised.palette.length <= 256 && quantised.palette.length > 16, `palette of ${quantised.palette.length}`);
  const gif = decodeGif(await encodeGif(quantised, 10));
  assert.deepEqual([gif.width, gif.height, gif.frames.length], [32, 32, 64]);
});
