// Drawing a digit by hand at 28×28: a round pen with soft edges, roughly MNIST's stroke width,
// so a drawn digit looks to the models like the ones they were trained on.
import { IMAGE_SIDE } from '../../shared/contract';
import type { PixelPoint } from './pointer-grid';

/** Fully inked within this distance of the pen's path (pixels)... */
const CORE = 0.85;
/** ...fading to nothing this much further out. */
const FEATHER = 1.1;

function distanceToSegment(px: number, py: number, a: PixelPoint, b: PixelPoint): number {
  const [dx, dy] = [b.x - a.x, b.y - a.y];
  const length2 = dx * dx + dy * dy;
  const t = length2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - a.x) * dx + (py - a.y) * dy) / length2));
  return Math.hypot(px - (a.x + t * dx), py - (a.y + t * dy));
}

/** The image with a pen stroke from `a` to `b` added (ink only ever darkens towards white). */
export function inkSegment(image: Uint8Array, a: PixelPoint, b: PixelPoint): Uint8Array {
  const next = image.slice();
  const reach = CORE + FEATHER;
  const [x0, x1] = [Math.max(0, Math.floor(Math.min(a.x, b.x) - reach)), Math.min(IMAGE_SIDE - 1, Math.ceil(Math.max(a.x, b.x) + reach))];
  const [y0, y1] = [Math.max(0, Math.floor(Math.min(a.y, b.y) - reach)), Math.min(IMAGE_SIDE - 1, Math.ceil(Math.max(a.y, b.y) + reach))];
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const d = distanceToSegment(x + 0.5, y + 0.5, a, b);
      const ink = Math.round(255 * Math.max(0, Math.min(1, 1 - (d - CORE) / FEATHER)));
      const i = y * IMAGE_SIDE + x;
      if (ink > next[i]!) next[i] = ink;
    }
  }
  return next;
}
