import assert from 'node:assert/strict';
import { test } from 'node:test';
import { schemeTableau10 } from 'd3';
import { classColor } from '../../src/renderer/features/latent-space/class-colors';

test('the first ten classes keep Tableau 10; past ten every class of 256 has a colour of its own', () => {
  assert.deepEqual(Array.from({ length: 10 }, (_, c) => classColor(c)), [...schemeTableau10]);
  const colors = Array.from({ length: 256 }, (_, c) => classColor(c));
  assert.equal(new Set(colors).size, 256, 'no two classes share a colour');
  for (const color of colors) assert.match(color, /^#[0-9a-f]{6}$/);
  assert.equal(classColor(46), classColor(46), 'the same class gets the same colour every time');
});
