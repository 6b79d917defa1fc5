// Moving figures: nearest-neighbour scaling, GIF frame delays, a probe path as frames at a rate,
// and the GIF read back with omggif (an independent decoder) pixel for pixel.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeGif, frameDelayMs, grayFrames, pathFrames, scaleGray } from '../../src/shared/animation';
import { decodeGif } from '../gif-frames';

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
  const bytes = await encodeGif(grayFrames(frames, 4, 28), 10, (done) => seen.push(done));
  const gif = decodeGif(bytes);
  assert.deepEqual([gif.width, gif.height, gif.frames.length, gif.loop], [28, 28, 20, 0]);
  assert.deepEqual(new Set(gif.delays), new Set([10]));
  gif.frames.forEach((frame, k) => assert.deepEqual(frame, scaleGray(frames[k]!, 4, 28), `frame ${k}`));
  assert.deepEqual(seen, [16, 20], 'progress as frames are encoded');
  await assert.rejects(encodeGif(grayFrames(frames, 4, 28), 0), /frame rate must be from 1 to 50 frames per second, got 0/);
  await assert.rejects(encodeGif(grayFrames(frames, 4, 1025), 5), /frame size must be a whole number of pixels from 28 to 1024, got 1025/);
  await assert.rejects(encodeGif(grayFrames([], 4, 28), 5), /at least one frame/);
});
