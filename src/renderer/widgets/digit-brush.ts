// Drawing an image by hand at the model's shape: a round pen with soft edges, as wide for the image
// as MNIST's stroke is for 28×28 (so a drawn digit looks to the models like the ones they were
// trained on, and a 64×64 image gets a pen as bold for its size), in white on a gray image or in
// the chosen colour on an RGB one.
import type { ImageShape } from '../../shared/network';
import type { PixelPoint } from './pointer-grid';

/** Fully inked within this distance of the pen's path, in pixels of a 28-pixel image... */
const CORE = 0.85;
/** ...fading to nothing this much further out. */
const FEATHER = 1.1;
/** The side the pen's widths are given for (MNIST's); other images scale them by their shorter side. */
const BASE_SIDE = 28;

/** An RGB colour, 0–255 each. */
export type Rgb = [number, number, number];

/** The pen of a gray image: white, the ink of MNIST's digits. */
export const WHITE: Rgb = [255, 255, 255];

function distanceToSegment(px: number, py: number, a: PixelPoint, b: PixelPoint): number {
  const [dx, dy] = [b.x - a.x, b.y - a.y];
  const length2 = dx * dx + dy * dy;
  const t = length2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - a.x) * dx + (py - a.y) * dy) / length2));
  return Math.hypot(px - (a.x + t * dx), py - (a.y + t * dy));
}

/** "#rrggbb" (an <input type="color">'s value) → [r, g, b]. */
export function hexToRgb(hex: string): Rgb {
  const value = Number.parseInt(hex.replace(/^#/, ''), 16);
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
}

/**
 * The image (height·width·channels bytes, channels last) with a pen stroke from `a` to `b` (in
 * pixels, fractional) added: each pixel moves towards `colour` by the pen's coverage there (1 on
 * the path, fading out at its edge), so drawing over a stroke never takes its ink away. A gray image
 * takes the colour's first channel (white by default). The pen is CORE + FEATHER pixels wide per
 * 28 pixels of the image's shorter side. The input is not changed.
 */
export function inkSegment(image: Uint8Array, shape: ImageShape, a: PixelPoint, b: PixelPoint, colour: Rgb = WHITE): Uint8Array {
  const { height, width, channels } = shape;
  const next = image.slice();
  const scale = Math.min(height, width) / BASE_SIDE;
  const [core, feather] = [CORE * scale, FEATHER * scale];
  const reach = core + feather;
  const [x0, x1] = [Math.max(0, Math.floor(Math.min(a.x, b.x) - reach)), Math.min(width - 1, Math.ceil(Math.max(a.x, b.x) + reach))];
  const [y0, y1] = [Math.max(0, Math.floor(Math.min(a.y, b.y) - reach)), Math.min(height - 1, Math.ceil(Math.max(a.y, b.y) + reach))];
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const coverage = Math.max(0, Math.min(1, 1 - (distanceToSegment(x + 0.5, y + 0.5, a, b) - core) / feather));
      if (coverage === 0) continue;
      for (let c = 0; c < channels; c++) {
        const i = (y * width + x) * channels + c;
        const old = next[i]!;
        next[i] = Math.round(old + (colour[c]! - old) * coverage);
      }
    }
  }
  return next;
}
