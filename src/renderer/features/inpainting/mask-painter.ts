// Masks for MAE inpainting as one byte per pixel position of the model's images (28×28 = 784 for
// MNIST; a colour image's pixel is hidden in all its channels), the contract's convention: ≥ 128
// visible, below hidden. Pure functions, so the painter component and the tests share one geometry.
import { MNIST_SHAPE } from '../../../shared/network';
import type { PixelPoint } from '../../widgets/pointer-grid';

/** The grid a mask covers: the model's image height and width (its channels do not matter). */
export interface MaskGrid {
  height: number;
  width: number;
}

export const VISIBLE = 255;
export const HIDDEN = 0;
/** Block masks hide whole 4×4 blocks, as the bundled MAE saw them in training. */
export const BLOCK_SIDE = 4;

export type Random = () => number;

export function fullMask(grid: MaskGrid = MNIST_SHAPE): Uint8Array {
  return new Uint8Array(grid.height * grid.width).fill(VISIBLE);
}

export function isHidden(mask: Uint8Array, index: number): boolean {
  return mask[index]! < 128;
}

export function hiddenCount(mask: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) if (isHidden(mask, i)) n++;
  return n;
}

/**
 * The pixels a round brush of `size` pixels across covers at `at`: those whose centre lies within
 * size/2, and always the pixel under the pointer, so a size-1 brush paints exactly one pixel.
 */
export function brushPixels(at: PixelPoint, size: number, { height, width }: MaskGrid = MNIST_SHAPE): number[] {
  const radius = size / 2;
  const pixels = new Set<number>();
  const under = [Math.floor(at.x), Math.floor(at.y)] as const;
  if (under[0] >= 0 && under[0] < width && under[1] >= 0 && under[1] < height) pixels.add(under[1] * width + under[0]);
  const [x0, x1] = [Math.max(0, Math.floor(at.x - radius)), Math.min(width - 1, Math.ceil(at.x + radius))];
  const [y0, y1] = [Math.max(0, Math.floor(at.y - radius)), Math.min(height - 1, Math.ceil(at.y + radius))];
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      if ((x + 0.5 - at.x) ** 2 + (y + 0.5 - at.y) ** 2 <= radius * radius) pixels.add(y * width + x);
    }
  }
  return [...pixels];
}

/**
 * The mask with a brush dragged from `from` to `to` (stamped every quarter pixel, so fast pointer
 * moves leave no gaps), or the same array when nothing changed.
 */
export function paintSegment(mask: Uint8Array, from: PixelPoint, to: PixelPoint, size: number, value: number, grid: MaskGrid = MNIST_SHAPE): Uint8Array {
  const steps = Math.max(1, Math.ceil(Math.hypot(to.x - from.x, to.y - from.y) * 4));
  let next: Uint8Array | null = null;
  for (let s = 0; s <= steps; s++) {
    const t = s / steps;
    for (const i of brushPixels({ x: from.x + (to.x - from.x) * t, y: from.y + (to.y - from.y) * t }, size, grid)) {
      if (mask[i] === value || next?.[i] === value) continue;
      next ??= mask.slice();
      next[i] = value;
    }
  }
  return next ?? mask;
}

export function invertMask(mask: Uint8Array): Uint8Array {
  return mask.map((v) => (v < 128 ? VISIBLE : HIDDEN));
}

/** `count` distinct indices below `n`, by a partial Fisher–Yates shuffle. */
function pick(n: number, count: number, random: Random): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (n - i));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order.slice(0, count);
}

/** Exactly round(ratio · pixels) pixels hidden (of 784 on MNIST), chosen at random. */
export function randomPixelMask(ratio: number, random: Random = Math.random, grid: MaskGrid = MNIST_SHAPE): Uint8Array {
  const mask = fullMask(grid);
  for (const i of pick(mask.length, Math.round(ratio * mask.length), random)) mask[i] = HIDDEN;
  return mask;
}

/** Exactly round(ratio · blocks) of the 4×4 blocks hidden (of 49 on MNIST; edge blocks clipped), chosen at random. */
export function randomBlockMask(ratio: number, random: Random = Math.random, grid: MaskGrid = MNIST_SHAPE): Uint8Array {
  const [across, down] = [Math.ceil(grid.width / BLOCK_SIDE), Math.ceil(grid.height / BLOCK_SIDE)];
  const mask = fullMask(grid);
  for (const block of pick(across * down, Math.round(ratio * across * down), random)) {
    const [bx, by] = [(block % across) * BLOCK_SIDE, Math.floor(block / across) * BLOCK_SIDE];
    for (let y = by; y < Math.min(grid.height, by + BLOCK_SIDE); y++) {
      for (let x = bx; x < Math.min(grid.width, bx + BLOCK_SIDE); x++) mask[y * grid.width + x] = HIDDEN;
    }
  }
  return mask;
}
