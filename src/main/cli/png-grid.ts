// Images as PNG files, for `figure` and `decode`: Image8 tiles (height × width × channels bytes)
// laid out as one grid, or an animation's frame (RGBA).
import { PNG } from 'pngjs';
import { base64ToBytes, shapeOfImage } from '../../shared/image8';
import type { ImageShape } from '../../shared/network';

/** `width`×`height` RGBA bytes (row-major, 4 per pixel) → an RGB PNG (alpha dropped: our frames are opaque). */
export function rgbPng(rgba: Uint8Array, width: number, height: number): Buffer {
  const png = new PNG({ width, height });
  return PNG.sync.write({ ...png, data: Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength) } as PNG, { colorType: 2 });
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
