// Image8 tiles (base64 of height × width × channels bytes) as one PNG, for `figure` and `decode`,
// and one gray image's bytes as a PNG (an animation's frame).
import { PNG } from 'pngjs';
import { base64ToBytes, shapeOfImage } from '../../shared/image8';
import type { ImageShape } from '../../shared/network';

/** `width`×`height` grayscale bytes (row-major, 0 = black) → PNG file bytes. */
export function grayPng(pixels: Uint8Array, width: number, height: number): Buffer {
  const png = new PNG({ width, height, colorType: 0, inputColorType: 0, inputHasAlpha: false });
  return PNG.sync.write({ ...png, data: Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength) } as PNG, { colorType: 0, inputColorType: 0, inputHasAlpha: false });
}

/**
 * Image8 tiles of one shape laid out row-major in `columns` columns → one PNG, gray (colour type 0)
 * for gray tiles and RGB (colour type 2) for colour ones. `shape` defaults to the square shape the
 * first tile's length implies (784 bytes: 28×28 gray); throws when it implies none.
 */
export function tileGrid(images: string[], columns: number, shape?: ImageShape): Buffer {
  const tiles = images.map(base64ToBytes);
  const { height, width, channels } = shapeOfImage(tiles[0]?.length ?? 0, shape);
  const rows = Math.ceil(images.length / columns);
  const colorType = channels === 3 ? 2 : 0;
  const png = new PNG({ width: columns * width, height: rows * height, colorType, inputColorType: colorType, inputHasAlpha: false });
  const pixels = Buffer.alloc(png.width * png.height * channels);
  const row = width * channels;
  tiles.forEach((bytes, k) => {
    const [top, left] = [Math.floor(k / columns) * height, (k % columns) * width];
    for (let y = 0; y < height; y++) pixels.set(bytes.subarray(y * row, (y + 1) * row), ((top + y) * png.width + left) * channels);
  });
  return PNG.sync.write({ ...png, data: pixels } as PNG, { colorType, inputColorType: colorType, inputHasAlpha: false });
}
