// The latent map across training epochs as frames: one frame per recorded epoch, the points
// coloured by class, on axes fixed across all frames (so that what moves is the map, not the
// scale), with the epoch written in each frame. Drawn straight into palette indices (a white
// ground, ink, a gray frame line, the class colours), so the GIF and PNG frames are exact: no
// colour quantisation. Runs in the browser and in Node alike (the app's export, `figure --kind
// map-epochs`); the text is a 3×5 pixel font, as no canvas is at hand in Node.
import type { IndexedFrames } from './animation';
import { classColor } from './class-colors';
import type { EpochMaps } from './contract';

const WHITE = 0;
const INK = 1;
const FRAME_LINE = 2;
const FIRST_CLASS = 3;

function rgb(hex: string): number[] {
  return [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16));
}

/** Class colours a GIF palette (256 entries) has room for beside white, ink and the frame line; classes past them reuse colours in turn. */
const CLASS_SLOTS = 256 - FIRST_CLASS;

/** The frames' palette: white, ink, the plot's frame line, then the colours of `classes` classes (at most CLASS_SLOTS). */
function palette(classes: number): number[][] {
  return [[255, 255, 255], [34, 34, 34], [170, 170, 170], ...Array.from({ length: Math.min(CLASS_SLOTS, Math.max(1, classes)) }, (_, c) => rgb(classColor(c)))];
}

/** 3×5 glyphs for the caption ("EPOCH 12/30"): rows top to bottom, one bit per column. */
const GLYPHS: Record<string, string[]> = {
  '0': ['111', '101', '101', '101', '111'],
  '1': ['010', '110', '010', '010', '111'],
  '2': ['111', '001', '111', '100', '111'],
  '3': ['111', '001', '111', '001', '111'],
  '4': ['101', '101', '111', '001', '001'],
  '5': ['111', '100', '111', '001', '111'],
  '6': ['111', '100', '111', '101', '111'],
  '7': ['111', '001', '001', '001', '001'],
  '8': ['111', '101', '111', '101', '111'],
  '9': ['111', '101', '111', '001', '111'],
  E: ['111', '100', '111', '100', '111'],
  P: ['111', '101', '111', '100', '100'],
  O: ['010', '101', '101', '101', '010'],
  C: ['011', '100', '100', '100', '011'],
  H: ['101', '101', '111', '101', '101'],
  '/': ['001', '001', '010', '100', '100'],
  ' ': ['000', '000', '000', '000', '000'],
};

/** Writes `text` (characters of GLYPHS) into `pixels` (`size` wide) at (left, top), each font pixel `scale`×`scale`. */
function drawText(pixels: Uint8Array, size: number, text: string, left: number, top: number, scale: number): void {
  [...text].forEach((char, k) => {
    const glyph = GLYPHS[char]!;
    for (let gy = 0; gy < 5; gy++) {
      for (let gx = 0; gx < 3; gx++) {
        if (glyph[gy]![gx] !== '1') continue;
        const x0 = left + (k * 4 + gx) * scale;
        const y0 = top + gy * scale;
        for (let y = y0; y < Math.min(size, y0 + scale); y++) pixels.fill(INK, y * size + x0, y * size + Math.min(size, x0 + scale));
      }
    }
  });
}

/** The value at quantile `q` (0–1) of `sorted` (ascending), nearest rank. */
function quantile(sorted: Float32Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))]!;
}

/**
 * The region every frame shows, [xMin, xMax, yMin, yMax] in map units: the 0.5–99.5 % range of
 * all epochs' points on each axis (a few far outliers would otherwise shrink the map to a dot),
 * widened by 5 %, and made square so that both axes keep one scale.
 */
export function epochMapBounds(maps: EpochMaps): [number, number, number, number] {
  const n = maps.positions.length / 2;
  const xs = new Float32Array(n);
  const ys = new Float32Array(n);
  for (let i = 0; i < n; i++) [xs[i], ys[i]] = [maps.positions[2 * i]!, maps.positions[2 * i + 1]!];
  xs.sort();
  ys.sort();
  const [x0, x1, y0, y1] = [quantile(xs, 0.005), quantile(xs, 0.995), quantile(ys, 0.005), quantile(ys, 0.995)];
  const half = (Math.max(x1 - x0, y1 - y0, 1e-6) * 1.05) / 2;
  const [cx, cy] = [(x0 + x1) / 2, (y0 + y1) / 2];
  return [cx - half, cx + half, cy - half, cy + half];
}

/**
 * Recorded maps (see EpochMaps) → one `size`×`size` frame per epoch, in epoch order: the caption
 * "EPOCH e/last" at the top, below it the map in a square plot on the fixed bounds of
 * `epochMapBounds`, each point a dot of its class's colour (points outside the bounds left out).
 * Throws an Error (one line) when there are no epochs.
 */
export function epochMapFrames(maps: EpochMaps, size: number): IndexedFrames {
  if (maps.epochs.length === 0) throw new Error('no per-epoch maps were recorded');
  const count = maps.labels.length;
  const scale = Math.max(1, Math.floor(size / 112));
  const margin = Math.max(2, Math.round(size * 0.03));
  // The plot: the largest square below the caption, centred across.
  const top = margin * 2 + 5 * scale;
  const side = Math.max(1, size - top - margin);
  const left = Math.floor((size - side) / 2);
  const [x0, x1, y0, y1] = epochMapBounds(maps);
  const dot = Math.max(0, Math.round(size / 300));
  const last = maps.epochs[maps.epochs.length - 1]!;
  const frames = maps.epochs.map((epoch, e) => {
    const pixels = new Uint8Array(size * size).fill(WHITE);
    drawText(pixels, size, `EPOCH ${epoch}/${last}`, margin, margin, scale);
    for (let x = left; x < left + side; x++) pixels[(top - 1) * size + x] = pixels[(top + side) * size + x] = FRAME_LINE;
    for (let y = top - 1; y <= top + side; y++) pixels[y * size + left - 1] = pixels[y * size + left + side] = FRAME_LINE;
    for (let i = 0; i < count; i++) {
      const u = maps.positions[(e * count + i) * 2]!;
      const v = maps.positions[(e * count + i) * 2 + 1]!;
      if (!(u >= x0 && u <= x1 && v >= y0 && v <= y1)) continue;
      const px = left + Math.min(side - 1, Math.floor(((u - x0) / (x1 - x0)) * side));
      const py = top + Math.min(side - 1, Math.floor(((y1 - v) / (y1 - y0)) * side)); // y up, as on the latent view
      const colour = FIRST_CLASS + (maps.labels[i]! % CLASS_SLOTS);
      for (let y = Math.max(top, py - dot); y <= Math.min(top + side - 1, py + dot); y++) {
        for (let x = Math.max(left, px - dot); x <= Math.min(left + side - 1, px + dot); x++) pixels[y * size + x] = colour;
      }
    }
    return pixels;
  });
  return { size, frames, palette: palette(Math.max(0, ...Array.from(maps.labels)) + 1) };
}
