// Drawing masks for people: hidden pixels get the theme's accent tint (black would read as
// background on a digit), and the hidden-pixel error as a heat map.
import { interpolateInferno, rgb } from 'd3';
import { IMAGE_PIXELS, IMAGE_SIDE } from '../../../shared/contract';
import { base64ToBytes } from '../../../shared/image8';

type Rgb = [number, number, number];

/** The colour hidden pixels are drawn in: the accent blue, dark enough to leave strokes legible. */
const HIDDEN_TINT: Rgb = [46, 72, 122];
const INFERNO: Rgb[] = Array.from({ length: 256 }, (_, v) => {
  const c = rgb(interpolateInferno(v / 255));
  return [c.r, c.g, c.b];
});

/** The heat map's colour scale as a CSS gradient, for its legend. */
export const HEAT_GRADIENT = `linear-gradient(to right, ${[0, 0.25, 0.5, 0.75, 1].map((t) => interpolateInferno(t)).join(', ')})`;

function bytesOf(image: string | Uint8Array): Uint8Array {
  return typeof image === 'string' ? base64ToBytes(image) : image;
}

function paint(canvas: HTMLCanvasElement, colour: (i: number) => Rgb): void {
  if (canvas.width !== IMAGE_SIDE) canvas.width = IMAGE_SIDE;
  if (canvas.height !== IMAGE_SIDE) canvas.height = IMAGE_SIDE;
  const data = new ImageData(IMAGE_SIDE, IMAGE_SIDE);
  for (let i = 0; i < IMAGE_PIXELS; i++) {
    data.data.set(colour(i), i * 4);
    data.data[i * 4 + 3] = 255;
  }
  canvas.getContext('2d')!.putImageData(data, 0, 0);
  canvas.dataset.frame = String(Number(canvas.dataset.frame ?? 0) + 1);
}

/**
 * The image with its hidden pixels tinted. `see` (0–1) is how much of the image shows through
 * the tint: the painter lets the digit show, the masked input shows what the model gets.
 */
export function paintMasked(canvas: HTMLCanvasElement, image: string | Uint8Array, mask: Uint8Array, see: number): void {
  const pixels = bytesOf(image);
  paint(canvas, (i) => {
    const g = pixels[i] ?? 0;
    if (mask[i]! >= 128) return [g, g, g];
    return HIDDEN_TINT.map((t) => Math.round(t + (g * see * (255 - t)) / 255)) as Rgb;
  });
}

/** An Image8 of values in [0, 1] (e.g. |error|) through the inferno colour scale. */
export function paintHeat(canvas: HTMLCanvasElement, image: string | Uint8Array): void {
  const values = bytesOf(image);
  paint(canvas, (i) => INFERNO[values[i] ?? 0]!);
}
