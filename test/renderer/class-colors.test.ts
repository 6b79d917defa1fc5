import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hsl, interpolateSinebow, schemeTableau10 } from 'd3';
import { classColor } from '../../src/shared/class-colors';

test('the first ten classes keep Tableau 10; past ten every class of 256 has a colour of its own', () => {
  assert.deepEqual(Array.from({ length: 10 }, (_, c) => classColor(c)), [...schemeTableau10]);
  const colors = Array.from({ length: 256 }, (_, c) => classColor(c));
  assert.equal(new Set(colors).size, 256, 'no two classes share a colour');
  for (const color of colors) assert.match(color, /^#[0-9a-f]{6}$/);
  assert.equal(classColor(46), classColor(46), 'the same class gets the same colour every time');
});

test("past ten, the colours are d3's: sinebow hues in golden-ratio steps, three lightness bands", () => {
  const golden = (Math.sqrt(5) - 1) / 2;
  for (let c = 10; c < 256; c++) {
    const k = c - 10;
    const color = hsl(interpolateSinebow((k * golden) % 1));
    const shift = [0, -0.7, 0.6][Math.floor(k / 12) % 3]!;
    assert.equal(classColor(c), (shift < 0 ? color.darker(-shift) : color.brighter(shift)).formatHex(), `class ${c}`);
  }
});
