// Image8 (base64 of height × width × channels bytes) onto canvases: one image per canvas at its
// own size, scaled up by CSS with crisp pixels (for images that change live), PNG data URLs for
// <img> grids (a canvas per tile would make each a compositor layer, slowing every frame of a
// drag), and tiles drawn into a larger canvas (manifold overlays, exports). Gray images are drawn
// white on black as the datasets store them, RGB ones in their colours.
import { IMAGE_SIDE } from '../../shared/contract';
import type { ImageShape } from '../../shared/network';
import { base64ToBytes, shapeOfImage, squareShapeOf } from '../../shared/image8';
import { library } from '../engine-client/library.svelte';

/**
 * The shape of an Image8 of `length` bytes: a square image's from its length alone; otherwise
 * (a folder resized to 32×48) that of a library model whose images have that many bytes. Throws
 * when neither tells.
 */
export function imageShapeOf(length: number): ImageShape {
  const square = squareShapeOf(length);
  if (square) return square;
  return shapeOfImage(length, library.models.find(({ image }) => image.height * image.width * image.channels === length)?.image);
}

/**
 * RGBA pixels of an Image8 of `shape`; without one, the shape imageShapeOf finds (784 bytes: 28×28
 * gray, 3072: 32×32 RGB). Throws for a length of no known shape.
 */
export function imageData(image: string | Uint8Array, shape?: ImageShape): ImageData {
  const bytes = typeof image === 'string' ? base64ToBytes(image) : image;
  const { height, width, channels } = shape ?? imageShapeOf(bytes.length);
  const data = new ImageData(width, height);
  for (let i = 0; i < width * height; i++) {
    const at = i * channels;
    data.data[i * 4] = bytes[at] ?? 0;
    data.data[i * 4 + 1] = bytes[at + (channels === 3 ? 1 : 0)] ?? 0;
    data.data[i * 4 + 2] = bytes[at + (channels === 3 ? 2 : 0)] ?? 0;
    data.data[i * 4 + 3] = 255;
  }
  return data;
}

/** Paints an image into a canvas at its native size and counts the paints in `data-frame`. */
export function paintImage(canvas: HTMLCanvasElement, image: string | Uint8Array, shape?: ImageShape): void {
  const data = imageData(image, shape);
  if (canvas.width !== data.width) canvas.width = data.width;
  if (canvas.height !== data.height) canvas.height = data.height;
  canvas.getContext('2d')!.putImageData(data, 0, 0);
  canvas.dataset.frame = String(Number(canvas.dataset.frame ?? 0) + 1);
}

/** Svelte action: `<canvas use:image8={base64}>` repaints whenever the image changes. */
export function image8(canvas: HTMLCanvasElement, image: string | null | undefined) {
  // MNIST's size until the first image arrives (a blank canvas would be 300×150).
  canvas.width = IMAGE_SIDE;
  canvas.height = IMAGE_SIDE;
  if (image) paintImage(canvas, image);
  return {
    update(next: string | null | undefined) {
      if (next && next !== image) paintImage(canvas, next);
      image = next;
    },
  };
}

let scratch: HTMLCanvasElement | null = null;

/** A PNG data URL of an image, for an <img>. */
export function imageUrl(image: string): string {
  scratch ??= document.createElement('canvas');
  paintImage(scratch, image);
  return scratch.toDataURL('image/png');
}

/** A canvas holding an image at its own size, for drawing it scaled into another canvas (`ctx.drawImage`). */
export function imageBitmapCanvas(image: string | Uint8Array): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  paintImage(canvas, image);
  return canvas;
}
