// Figures computed from Image8 pixels in the window itself (no engine round trip needed).
import { base64ToBytes } from '../../shared/image8';

/** Mean squared difference of two images, pixels scaled to [0, 1] as the models see them. */
export function imageMse(a: string | Uint8Array, b: string | Uint8Array): number {
  const [x, y] = [typeof a === 'string' ? base64ToBytes(a) : a, typeof b === 'string' ? base64ToBytes(b) : b];
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += ((x[i]! - (y[i] ?? 0)) / 255) ** 2;
  return x.length ? sum / x.length : 0;
}
