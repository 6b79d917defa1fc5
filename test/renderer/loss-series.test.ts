import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EpochRecord } from '../../src/shared/contract';
import { BatchCurves, TOTAL, epochSeries, runSeries } from '../../src/renderer/engine-client/loss-series';

const record = (epoch: number, trainLoss: number, testLoss: number, terms: Record<string, number>): EpochRecord => ({
  epoch,
  trainLoss,
  testLoss,
  terms,
  testTerms: Object.fromEntries(Object.entries(terms).map(([k, v]) => [k, v + 1])),
  samplesPerSec: 1000,
  seconds: 1,
});

test('epochSeries: a total and one series per term, train and test', () => {
  const series = epochSeries([record(1, 10, 11, { reconstruction: 8, kl: 2 }), record(2, 6, 7, { reconstruction: 5, kl: 1 })]);
  assert.deepEqual(
    series.map((s) => s.id),
    ['train:total', 'train:reconstruction', 'train:kl', 'test:total', 'test:reconstruction', 'test:kl']
  );
  assert.deepEqual(series.find((s) => s.id === 'test:total')!.points, [
    { x: 1, y: 11 },
    { x: 2, y: 7 },
  ]);
  assert.deepEqual(series.find((s) => s.id === 'test:kl')!.points.map((p) => p.y), [3, 2]);
});

test('epochSeries: a single term is the total, not drawn twice; non-finite values are left out', () => {
  const series = epochSeries([record(1, 0.05, 0.06, { mse: 0.05 }), record(2, NaN, 0.04, { mse: NaN })]);
  assert.deepEqual(series.map((s) => s.term), [TOTAL, TOTAL]);
  assert.deepEqual(series[0].points, [{ x: 1, y: 0.05 }]);
  assert.equal(series[1].points.length, 2);
});

test('BatchCurves: bias-corrected smoothing starts at the first value', () => {
  const curves = new BatchCurves(1, 0.9, 1000);
  curves.push(0.1, { loss: 4 });
  curves.push(0.2, { loss: 2 });
  const [series] = curves.series();
  assert.equal(series.term, TOTAL);
  assert.equal(series.points[0].y, 4);
  // avg = 0.9·0.4 + 0.1·2 = 0.56; corrected by 1 - 0.81 = 0.19
  assert.ok(Math.abs(series.points[1].y - 0.56 / 0.19) < 1e-12);
});

test('BatchCurves: thinned to about the budget over a long run', () => {
  const epochs = 10;
  const batches = 1000;
  const curves = new BatchCurves(epochs, 0.9, 200);
  for (let e = 0; e < epochs; e++) for (let b = 1; b <= batches; b++) curves.push(e + b / batches, { reconstruction: 1, kl: 2 });
  const series = curves.series();
  assert.deepEqual(series.map((s) => s.term), ['reconstruction', 'kl']);
  for (const s of series) assert.ok(s.points.length >= 190 && s.points.length <= 201, `${s.points.length} points`);
  assert.ok(series[0].points.every((p, i, all) => i === 0 || p.x > all[i - 1].x));
});

test('runSeries: each run its total train and test curves, named by the run', () => {
  const series = runSeries([
    { label: 'vae β=1', history: [record(1, 10, 11, { reconstruction: 8, kl: 2 }), record(2, 6, 7, { reconstruction: 5, kl: 1 })] },
    { label: 'ae', history: [record(1, 0.05, 0.06, { mse: 0.05 })] },
  ]);
  assert.deepEqual(
    series.map((s) => [s.id, s.term, s.kind]),
    [
      ['vae β=1:train', 'vae β=1', 'train'],
      ['vae β=1:test', 'vae β=1', 'test'],
      ['ae:train', 'ae', 'train'],
      ['ae:test', 'ae', 'test'],
    ]
  );
  assert.deepEqual(series[1]!.points, [
    { x: 1, y: 11 },
    { x: 2, y: 7 },
  ]);
  assert.deepEqual(runSeries([]), []);
});
