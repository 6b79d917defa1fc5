// Number and time formats shared by the views, so every loss, rate and duration reads the same way.

/** Four significant digits; tiny or huge values switch to exponent form so they never read as 0. */
export function formatLoss(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) return value.toExponential(2);
  return String(Number(value.toPrecision(4)));
}

export function formatRate(samplesPerSec: number): string {
  if (!Number.isFinite(samplesPerSec) || samplesPerSec <= 0) return '—';
  if (samplesPerSec >= 10_000) return `${(samplesPerSec / 1000).toFixed(1)}k`;
  return Math.round(samplesPerSec).toLocaleString('en-US');
}

/** "45 s", "3 min 05 s", "2 h 07 min": coarse enough to stay still while a run ticks. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

export function formatDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** How the papers write a loss term's name: `kl` → "KL", `maskedMse` → "masked MSE"; others as they are. */
const TERM_TITLES: Record<string, string> = { kl: 'KL', maskedMse: 'masked MSE' };

export function formatTerm(term: string): string {
  return TERM_TITLES[term] ?? term;
}
