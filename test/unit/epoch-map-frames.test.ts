import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeGif } from '../../src/shared/animation';
import { TABLEAU_10 } from '../../src/shared/class-colors';
import { epochMapBounds, epochMapFrames } from '../../src/shared/epoch-map-frames';
import { decodeGif } from '../gif-frames';

/** Two epochs of four points of classes 0–3: the second map twice the first, moved right by 1. */
const maps = {
  epochs: [1, 2],
  labels: [0, 1, 2, 3],
  projection: 'latent' as const,
  positions: Float32Array.from([0, 0, 1, 0, 0, 1, 1, 1, /* epoch 2 */ 1, 0, 3, 0, 1, 2, 3, 2]),
};

test('the map across epochs keeps one square region for every frame', () => {
  const [x0, x1, y0, y1] = epochMapBounds(maps);
  assert.ok(x0 <= 0 && x1 >= 3 && y0 <= 0 && y1 >= 2, 'every epoch’s points lie inside');
  assert.ok(Math.abs(x1 - x0 - (y1 - y0)) < 1e-9, 'one scale on both axes');
});

test('one frame per epoch, points in their class colours on a white ground, exact through the GIF', async () => {
  const drawn = epochMapFrames(maps, 112);
  assert.equal(drawn.frames.length, 2);
  assert.equal(drawn.size, 112);
  drawn.frames.forEach((frame) => assert.equal(frame.length, 112 * 112));
  const hex = (c: number[]) => `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
  for (const frame of drawn.frames) {
    const shown = new Set(Array.from(frame, (i) => hex(drawn.palette[i]!)));
    for (const colour of TABLEAU_10.slice(0, 4)) assert.ok(shown.has(colour), `class colour ${colour} drawn`);
    assert.ok(shown.has('#ffffff'), 'white ground');
  }
  assert.notDeepEqual(drawn.frames[0], drawn.frames[1], 'the points moved');
  const gif = decodeGif(await encodeGif(drawn, 4));
  assert.equal(gif.frames.length, 2);
  gif.rgba.forEach((rgba, k) =>
    drawn.frames[k]!.forEach((index, p) => {
      const [r, g, b] = drawn.palette[index]!;
      if (rgba[p * 4] !== r || rgba[p * 4 + 1] !== g || rgba[p * 4 + 2] !== b) assert.fail(`frame ${k}, pixel ${p}: GIF differs from the drawn colour`);
    })
  );
  assert.throws(() => epochMapFrames({ ...maps, epochs: [], positions: new Float32Array(0) }, 112), /no per-epoch maps were recorded/);
  await assert.rejects(encodeGif({ ...drawn, palette: Array.from({ length: 257 }, () => [0, 0, 0]) }, 4), /a GIF palette holds at most 256 colours, got 257/);
});
