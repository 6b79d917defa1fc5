// The per-epoch history as CSV (one row per epoch, one column per loss term), for spreadsheets
// and for users who log metrics as the vae-mlp-2 recipe does.
import { csvFormat } from 'd3-dsv';
import type { EpochRecord } from '../../../shared/contract';

export function historyCsv(history: EpochRecord[]): string {
  const termNames = [...new Set(history.flatMap((e) => Object.keys(e.terms)))];
  const rows: Record<string, number | undefined>[] = history.map((e) => ({
    epoch: e.epoch,
    trainLoss: e.trainLoss,
    testLoss: e.testLoss,
    ...Object.fromEntries(termNames.flatMap((t) => [[`train_${t}`, e.terms[t]], [`test_${t}`, e.testTerms[t]]])),
    samplesPerSec: Math.round(e.samplesPerSec),
    seconds: e.seconds,
  }));
  const columns = ['epoch', 'trainLoss', 'testLoss', ...termNames.flatMap((t) => [`train_${t}`, `test_${t}`]), 'samplesPerSec', 'seconds'];
  return csvFormat(rows, columns) + '\n';
}
