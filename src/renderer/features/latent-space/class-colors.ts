// One colour per class, the same in every latent map, legend and export. The first ten are
// Tableau 10, which stays distinguishable on the dark theme and for most colour-vision
// deficiencies; past ten (EMNIST's 47 classes, an image folder's hundred) hues are interpolated
// around d3's sinebow, each new class half-way into the widest gap left (golden-ratio steps), in
// three lightness bands so that neighbouring hues still differ.
import { hsl, interpolateSinebow, schemeTableau10 } from 'd3';

const GOLDEN = (Math.sqrt(5) - 1) / 2;
/** Classes per lightness band past the first ten, and each band's change (d3's brighter/darker k). */
const BAND = 12;
const BAND_SHIFTS = [0, -0.7, 0.6];

/** The colour (a CSS colour string) of class `index` (0, 1, …); any non-negative integer has one. */
export function classColor(index: number): string {
  if (index < schemeTableau10.length) return schemeTableau10[Math.max(0, index)]!;
  const k = index - schemeTableau10.length;
  const color = hsl(interpolateSinebow((k * GOLDEN) % 1));
  const shift = BAND_SHIFTS[Math.floor(k / BAND) % BAND_SHIFTS.length]!;
  return (shift < 0 ? color.darker(-shift) : color.brighter(shift)).formatHex();
}
