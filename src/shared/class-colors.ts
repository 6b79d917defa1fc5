// One colour per class, the same in every latent map, legend and export (the app's canvases and
// SVGs, and the GIF palette of the map across epochs). The first ten are Tableau 10, which stays
// distinguishable on the dark theme and for most colour-vision deficiencies; past ten (EMNIST's 47
// classes, an image folder's hundred) hues are taken around the sinebow, each new class half-way
// into the widest gap left (golden-ratio steps), in three lightness bands so that neighbouring hues
// still differ. Written out without d3 (src/shared imports none), with d3-color's own formulas:
// test/renderer/class-colors.test.ts checks every colour against d3's.

/** Tableau 10 (d3's schemeTableau10). */
export const TABLEAU_10 = ['#4e79a7', '#f28e2c', '#e15759', '#76b7b2', '#59a14f', '#edc949', '#af7aa1', '#ff9da7', '#9c755f', '#bab0ab'] as const;

const GOLDEN = (Math.sqrt(5) - 1) / 2;
/** Classes per lightness band past the first ten, and each band's change (d3's brighter/darker k). */
const BAND = 12;
const BAND_SHIFTS = [0, -0.7, 0.6];

/** d3.interpolateSinebow(t) as [r, g, b] in 0–255, rounded as d3 writes it (an "rgb(…)" string). */
function sinebow(t: number): [number, number, number] {
  const a = (0.5 - t) * Math.PI;
  return [0, 1, 2].map((k) => Math.round(255 * Math.sin(a + (k * Math.PI) / 3) ** 2)) as [number, number, number];
}

/** RGB (0–255) → HSL (h in degrees, s and l in 0–1), as d3.hsl does. */
function toHsl([r, g, b]: [number, number, number]): [number, number, number] {
  [r, g, b] = [r / 255, g / 255, b / 255];
  const [min, max] = [Math.min(r, g, b), Math.max(r, g, b)];
  const l = (max + min) / 2;
  let [h, s] = [NaN, max - min];
  if (s) {
    if (r === max) h = (g - b) / s + (g < b ? 6 : 0);
    else if (g === max) h = (b - r) / s + 2;
    else h = (r - g) / s + 4;
    s /= l < 0.5 ? max + min : 2 - max - min;
    h *= 60;
  } else s = l > 0 && l < 1 ? 0 : h;
  return [h, s, l];
}

/** HSL → "#rrggbb", as d3's hsl.formatHex does (channels rounded and clamped). */
function hslHex([h, s, l]: [number, number, number]): string {
  h = (h % 360) + (h < 0 ? 360 : 0);
  s = Number.isNaN(h) || Number.isNaN(s) ? 0 : s;
  const m2 = l + (l < 0.5 ? l : 1 - l) * s;
  const m1 = 2 * l - m2;
  const channel = (x: number) => (x < 60 ? m1 + ((m2 - m1) * x) / 60 : x < 180 ? m2 : x < 240 ? m1 + ((m2 - m1) * (240 - x)) / 60 : m1) * 255;
  const rgb = [channel(h >= 240 ? h - 240 : h + 120), channel(h), channel(h < 120 ? h + 240 : h - 120)];
  return `#${rgb.map((v) => Math.max(0, Math.min(255, Math.round(v) || 0)).toString(16).padStart(2, '0')).join('')}`;
}

/** The colour ("#rrggbb") of class `index` (0, 1, …); any non-negative integer has one. */
export function classColor(index: number): string {
  if (index < TABLEAU_10.length) return TABLEAU_10[Math.max(0, index)]!;
  const k = index - TABLEAU_10.length;
  const [h, s, l] = toHsl(sinebow((k * GOLDEN) % 1));
  const shift = BAND_SHIFTS[Math.floor(k / BAND) % BAND_SHIFTS.length]!;
  // d3: brighter(k) multiplies the lightness by (1/0.7)^k, darker(k) by 0.7^k.
  return hslHex([h, s, l * (shift < 0 ? 0.7 ** -shift : (1 / 0.7) ** shift)]);
}
