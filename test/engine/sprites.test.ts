import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { datasetInfos, loadDataset } from '../../src/main/engine/data/datasets';
import { generateSprites, SPRITE_FACTORS } from '../../src/main/engine/data/sprites';

test('sprites: listed and loaded like the bundled datasets, 32×32 RGB, the shape as label and every factor stored per image', async () => {
  const info = datasetInfos().find((d) => d.name === 'sprites');
  assert.ok(info, 'in the catalogue');
  assert.deepEqual(info.shape, { height: 32, width: 32, channels: 3 });
  assert.deepEqual(info.classes, ['square', 'ellipse', 'triangle']);
  assert.deepEqual(info.factors?.map((f) => [f.name, f.levels.length]), [['shape', 3], ['scale', 6], ['rotation', 12], ['x', 8], ['y', 8], ['colour', 6]]);
  const data = await loadDataset('sprites');
  assert.deepEqual([data.train.count, data.test.count], [info.train, info.test]);
  assert.equal(data.train.pixels.length, info.train * 32 * 32 * 3);
  const F = SPRITE_FACTORS.length;
  for (let i = 0; i < 50; i++) assert.equal(data.train.labels[i], data.train.factors![i * F], 'the label is the shape factor');
  // Every level of every factor occurs, in roughly equal shares (drawn uniformly).
  SPRITE_FACTORS.forEach((factor, f) => {
    const counts = new Array(factor.levels.length).fill(0);
    for (let i = 0; i < data.train.count; i++) counts[data.train.factors![i * F + f]!]++;
    const expected = data.train.count / factor.levels.length;
    for (const n of counts) assert.ok(Math.abs(n - expected) < expected * 0.15, `${factor.name}: ${counts}`);
  });
});

test('sprites: the colour factor is the colour drawn, and the sprite lies where its x and y factors say', async () => {
  const { test: set } = await loadDataset('sprites');
  const F = SPRITE_FACTORS.length;
  for (let i = 0; i < 30; i++) {
    const levels = set.factors!.subarray(i * F, (i + 1) * F);
    const image = set.pixels.subarray(i * 3072, (i + 1) * 3072);
    let [sx, sy, mass] = [0, 0, 0];
    const channelSums = [0, 0, 0];
    for (let p = 0; p < 1024; p++) {
      const ink = image[p * 3]! + image[p * 3 + 1]! + image[p * 3 + 2]!;
      [sx, sy, mass] = [sx + (p % 32) * ink, sy + Math.floor(p / 32) * ink, mass + ink];
      for (let c = 0; c < 3; c++) channelSums[c] += image[p * 3 + c]!;
    }
    const centre = (level: number) => 10 + (level * 12) / 7 - 0.5;
    assert.ok(Math.abs(sx / mass - centre(levels[3]!)) < 2 && Math.abs(sy / mass - centre(levels[4]!)) < 2.5, `image ${i}: ink centred at its x, y levels`);
    const brightest = channelSums.indexOf(Math.max(...channelSums));
    const colour = SPRITE_FACTORS[5]!.levels[levels[5]!]!;
    if (colour === 'red') assert.equal(brightest, 0);
    if (colour === 'green') assert.equal(brightest, 1);
    if (colour === 'blue') assert.equal(brightest, 2);
  }
});

test('sprites are the same on every run and machine: the SHA-256 README documents', () => {
  const { train, test: held } = generateSprites();
  const hash = createHash('sha256');
  for (const set of [train, held]) hash.update(set.pixels).update(set.factors);
  // Pinned: a change to the drawing or the draws is a new dataset, and must say so (a new seed name, README).
  assert.equal(hash.digest('hex'), '01f4827f8962f2a6ad65cfa23cef370220ad79499f95d1e6cc67b7bc3774951a');
});
