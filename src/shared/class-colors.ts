// One colour per class, the same in every latent map, legend and export (the app's canvases and
// SVGs, and the GIF palette of the map across epochs): Tableau 10 (d3's schemeTableau10), which
// stays distinguishable on the dark theme and for most colour-vision deficiencies. Written out
// here because src/shared imports no d3.
export const CLASS_COLORS = ['#4e79a7', '#f28e2c', '#e15759', '#76b7b2', '#59a14f', '#edc949', '#af7aa1', '#ff9da7', '#9c755f', '#bab0ab'] as const;

/** The colour (#rrggbb) of class `index`; classes past ten reuse the colours in turn. */
export function classColor(index: number): string {
  const n = CLASS_COLORS.length;
  return CLASS_COLORS[((index % n) + n) % n]!;
}
