// Drawing masks for people: hidden pixels get the theme's accent tint (black would read as
// background on a digit), and the hidden-pixel error as a heat map.
import { interpolateInferno, rgb } from 'd3';
import { base64ToBytes } from '../../../shared/image8';
import { imageShapeOf } from '../../widgets/image-canvas';
import type { ImageShape } from '../../../shared/network';

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

/** Paints `colour(i)` for each pixel position i of a height × width canvas. */
function paint(canvas: HTMLCanvasElement, { height, width }: ImageShape, colour: (i: number) => Rgb): void {
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  const data = new ImageData(width, height);
  for (let i = 0; i < width * height; i++) {
    data.data.set(colour(i), i * 4);
    data.data[i * 4 + 3] = 255;
  }
  canvas.getContext('2d')!.putImageData(data, 0, 0);
  canvas.dataset.frame = String(Number(canvas.dataset.frame ?? 0) + 1);
}

/** A pixel position's colour in an image of `channels` (gray repeated, or its RGB). */
function colourAt(pixels: Uint8Array, i: number, channels: number): Rgb {
  const at = i * channels;
  return channels === 3 ? [pixels[at] ?? 0, pixels[at + 1] ?? 0, pixels[at + 2] ?? 0] : [pixels[at] ?? 0, pixels[at] ?? 0, pixels[at] ?? 0];
}

/**
 * The image (gray or RGB, its shape found by imageShapeOf) with its hidden pixels tinted; `mask`
 * has one byte per pixel position. `see` (0–1) is how much of the image shows through the tint:
 * the painter lets the picture show, the masked input shows what the model gets.
 */
export function paintMasked(canvas: HTMLCanvasElement, image: string | Uint8Array, mask: Uint8Array, see: number): void {
  const pixels = bytesOf(image);
  const shape = imageShapeOf(pixels.length);
  paint(canvas, shape, (i) => {
    const colour = colourAt(pixels, i, shape.channels);
    if (mask[i]! >= 128) return colour;
    return HIDDEN_TINT.map((t, c) => Math.round(t + (colour[c]! * see * (255 - t)) / 255)) as Rgb;
  });
}

/** An Image8 of values in [0, 1] (e.g. |error|) through the inferno colour scale; for colour, the largest channel's. */
export function paintHeat(canvas: HTMLCanvasElement, image: string | Uint8Array): void {
  const values = bytesOf(image);
  const shape = imageShapeOf(values.length);
  paint(canvas, shape, (i) => INFERNO[Math.max(...colourAt(values, i, shape.channels))]!);
}
