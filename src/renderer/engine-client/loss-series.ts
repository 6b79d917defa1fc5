// Turns training records into the curves the loss chart draws: one series per loss term and split.
// Kept apart from the chart so the shaping (naming, smoothing, thinning) is plain data work.
import type { EpochRecord } from '../../shared/contract';

export interface LossPoint {
  x: number;
  y: number;
}

export type SeriesKind = 'train' | 'test' | 'batch';

export interface LossSeries {
  id: string;
  /** 'total' for the summed loss, else the engine's term name. */
  term: string;
  kind: SeriesKind;
  points: LossPoint[];
}

/** The summed loss, drawn first; a single term is the total itself, so it is not repeated. */
export const TOTAL = 'total';

export function termNames(terms: Record<string, number>): string[] {
  const names = Object.keys(terms);
  return names.length > 1 ? [TOTAL, ...names] : [TOTAL];
}

function pick(record: EpochRecord, term: string, kind: 'train' | 'test'): number | undefined {
  if (term === TOTAL) return kind === 'train' ? record.trainLoss : record.testLoss;
  return (kind === 'train' ? record.terms : record.testTerms)[term];
}

/** Per-epoch curves, x = epoch number (the end of that epoch). Non-finite values are left out. */
export function epochSeries(history: readonly EpochRecord[]): LossSeries[] {
  if (history.length === 0) return [];
  const terms = termNames(history[history.length - 1].terms);
  const series: LossSeries[] = [];
  for (const kind of ['train', 'test'] as const) {
    for (const term of terms) {
      const points = history
        .map((r) => ({ x: r.epoch, y: pick(r, term, kind) }))
        .filter((p): p is LossPoint => p.y !== undefined && Number.isFinite(p.y));
      if (points.length > 0) series.push({ id: `${kind}:${term}`, term, kind, points });
    }
  }
  return series;
}

/**
 * Several runs on one chart: each run's total train and test loss per epoch, the run's `label`
 * standing where a term's name would (so the chart gives each run a colour and a legend entry).
 * Labels must be unique.
 */
export function runSeries(runs: readonly { label: string; history: readonly EpochRecord[] }[]): LossSeries[] {
  return runs.flatMap(({ label, history }) =>
    epochSeries(history)
      .filter((s) => s.term === TOTAL)
      .map((s) => ({ ...s, id: `${label}:${s.kind}`, term: label }))
  );
}

/**
 * Exponentially smoothed per-batch terms (bias-corrected, as TensorBoard does), thinned to about
 * `budget` points per term over the whole run so a long run never makes the chart heavy.
 */
export class BatchCurves {
  private readonly smoothed = new Map<string, { avg: number; steps: number; points: LossPoint[] }>();
  private lastX = -Infinity;

  constructor(
    private readonly epochs: number,
    private readonly smoothing = 0.9,
    private readonly budget = 800
  ) {}

  /** `x` is the run position in epochs: (epoch - 1) + batch / batches. */
  push(x: number, terms: Record<string, number>): void {
    const keep = x - this.lastX >= this.epochs / this.budget;
    for (const [term, value] of Object.entries(terms)) {
      if (!Number.isFinite(value)) continue;
      const entry = this.smoothed.get(term) ?? { avg: 0, steps: 0, points: [] };
      entry.avg = this.smoothing * entry.avg + (1 - this.smoothing) * value;
      entry.steps += 1;
      if (keep) entry.points.push({ x, y: entry.avg / (1 - this.smoothing ** entry.steps) });
      this.smoothed.set(term, entry);
    }
    if (keep) this.lastX = x;
  }

  series(): LossSeries[] {
    const names = [...this.smoothed.keys()];
    return names.map((term) => ({
      id: `batch:${term}`,
      // A lone term is the total loss itself: colour it as the total.
      term: names.length > 1 ? term : TOTAL,
      kind: 'batch' as const,
      points: this.smoothed.get(term)!.points,
    }));
  }
}
