// How the browser benchmarks report their figures: quantiles of sorted samples, rounded values.

/** The q-quantile (0 ≤ q ≤ 1) of ascending `sorted` values, NaN when there are none. */
export const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

/** `x` to `digits` decimals, as a number for JSON. */
export const round = (x: number, digits = 1) => Number(x.toFixed(digits));
