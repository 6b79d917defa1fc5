// Image8 tiles (28×28 grayscale bytes, base64) as one PNG, for `figure` and `decode`.
import { PNG } from 'pngjs';
import { IMAGE_SIDE as SIDE } from '../../shared/contract';
import { base64ToBytes } from '../../shared/image8';

/** Image8 tiles laid out row-major in `columns` columns → one grayscale PNG. */
export function tileGrid(images: string[], columns: number): Buffer {
  const rows = Math.ceil(images.length / columns);
  const png = new PNG({ width: columns * SIDE, height: rows * SIDE, colorType: 0, inputColorType: 0, inputHasAlpha: false });
  const pixels = Buffer.alloc(png.width * png.height);
  images.forEach((image, k) => {
    const bytes = base64ToBytes(image);
    const [top, left] = [Math.floor(k / columns) * SIDE, (k % columns) * SIDE];
    for (let y = 0; y < SIDE; y++) pixels.set(bytes.subarray(y * SIDE, (y + 1) * SIDE), (top + y) * png.width + left);
  });
  return PNG.sync.write({ ...png, data: pixels } as PNG, { colorType: 0, inputColorType: 0, inputHasAlpha: false });
}

