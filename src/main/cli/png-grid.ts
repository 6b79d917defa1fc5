// Images as PNG files, for `figure` and `decode`: Image8 tiles laid out as one grid, or one
// image's bytes (an animation's frame: grayscale, or RGBA for a drawn figure in colour).
import { PNG } from 'pngjs';
import { IMAGE_SIDE as SIDE } from '../../shared/contract';
import { base64ToBytes } from '../../shared/image8';

/** `width`×`height` grayscale bytes (row-major, 0 = black) → PNG file bytes. */
export function grayPng(pixels: Uint8Array, width: number, height: number): Buffer {
  const png = new PNG({ width, height, colorType: 0, inputColorType: 0, inputHasAlpha: false });
  return PNG.sync.write({ ...png, data: Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength) } as PNG, { colorType: 0, inputColorType: 0, inputHasAlpha: false });
}

/** `width`×`height` RGBA bytes (row-major, 4 per pixel) → an RGB PNG (alpha dropped: our frames are opaque). */
export function rgbPng(rgba: Uint8Array, width: number, height: number): Buffer {
  const png = new PNG({ width, height });
  return PNG.sync.write({ ...png, data: Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength) } as PNG, { colorType: 2 });
}

/** Image8 tiles laid out row-major in `columns` columns → one grayscale PNG. */
export function tileGrid(images: string[], columns: number): Buffer {
  const rows = Math.ceil(images.length / columns);
  const width = columns * SIDE;
  const pixels = new Uint8Array(width * rows * SIDE);
  images.forEach((image, k) => {
    const bytes = base64ToBytes(image);
    const [top, left] = [Math.floor(k / columns) * SIDE, (k % columns) * SIDE];
    for (let y = 0; y < SIDE; y++) pixels.set(bytes.subarray(y * SIDE, (y + 1) * SIDE), (top + y) * width + left);
  });
  return grayPng(pixels, width, rows * SIDE);
}
