import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDuration, formatLoss, formatRate } from '../../src/renderer/widgets/format';

test('formatLoss: four significant digits, exponent form for tiny values, a dash for none', () => {
  assert.equal(formatLoss(154.6321), '154.6');
  assert.equal(formatLoss(0.022417), '0.02242');
  assert.equal(formatLoss(0.00041), '4.10e-4');
  assert.equal(formatLoss(0), '0');
  assert.equal(formatLoss(null), '—');
  assert.equal(formatLoss(NaN), 'NaN');
});

test('formatDuration and formatRate read coarsely and refuse nonsense', () => {
  assert.equal(formatDuration(44.6), '45 s');
  assert.equal(formatDuration(185), '3 min 05 s');
  assert.equal(formatDuration(7620), '2 h 07 min');
  assert.equal(formatDuration(Infinity), '—');
  assert.equal(formatRate(943.4), '943');
  assert.equal(formatRate(21_340), '21.3k');
  assert.equal(formatRate(0), '—');
});
