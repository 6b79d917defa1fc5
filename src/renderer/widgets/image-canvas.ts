// Image8 (base64 of 28×28 grayscale bytes) onto canvases: one image per 28×28 canvas, scaled up
// by CSS with crisp pixels (for images that change live), PNG data URLs for <img> grids (a canvas
// per tile would make each a compositor layer, slowing every frame of a drag), and tiles drawn
// into a larger canvas (manifold overlays, exports).
import { IMAGE_PIXELS, IMAGE_SIDE } from '../../shared/contract';
import { base64ToBytes } from '../../shared/image8';

/** 28×28 RGBA pixels of an Image8: white strokes on black, as the datasets store them. */
export function imageData(image: string | Uint8Array): ImageData {
  const bytes = typeof image === 'string' ? base64ToBytes(image) : image;
  const data = new ImageData(IMAGE_SIDE, IMAGE_SIDE);
  for (let i = 0; i < IMAGE_PIXELS; i++) {
    const g = bytes[i] ?? 0;
    data.data[i * 4] = g;
    data.data[i * 4 + 1] = g;
    data.data[i * 4 + 2] = g;
    data.data[i * 4 + 3] = 255;
  }
  return data;
}

/** Paints an image into a canvas at its native 28×28 and counts the paints in `data-frame`. */
export function paintImage(canvas: HTMLCanvasElement, image: string | Uint8Array): void {
  if (canvas.width !== IMAGE_SIDE) canvas.width = IMAGE_SIDE;
  if (canvas.height !== IMAGE_SIDE) canvas.height = IMAGE_SIDE;
  canvas.getContext('2d')!.putImageData(imageData(image), 0, 0);
  canvas.dataset.frame = String(Number(canvas.dataset.frame ?? 0) + 1);
}

/** Svelte action: `<canvas use:image8={base64}>` repaints whenever the image changes. */
export function image8(canvas: HTMLCanvasElement, image: string | null | undefined) {
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

/** A 28×28 canvas holding an image, for drawing it scaled into another canvas (`ctx.drawImage`). */
export function imageBitmapCanvas(image: string | Uint8Array): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  paintImage(canvas, image);
  return canvas;
}
