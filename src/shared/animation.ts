// Moving figures as an animated GIF, for the app (a download) and the CLI (`figure --gif`) alike.
// Frames are palette indices with the palette they index, so the GIF is exact wherever 256 colours
// suffice: gray images index the 256 grays, a drawn figure (the map across epochs,
// epoch-map-frames.ts) the few colours it is drawn in; only colour images with more colours are
// quantised (imageFrames).
import * as gifenc from 'gifenc';
import type { ImageShape } from './network';

/** Frame size (px, square) and rate (frames per second) an animation may have. */
export const ANIMATION_LIMITS = { minSize: 28, maxSize: 1024, minFps: 1, maxFps: 50, maxFrames: 2000 } as const;

export interface AnimationSettings {
  /** Side of each square frame in pixels; images are scaled to it by nearest neighbour. */
  size: number;
  /** Frames per second. */
  fps: number;
}

/** What is wrong with `settings`, in one line naming the setting and its range; null when they are fine. */
export function animationSettingsProblem(settings: AnimationSettings): string | null {
  const { minSize, maxSize, minFps, maxFps } = ANIMATION_LIMITS;
  if (!Number.isInteger(settings.size) || settings.size < minSize || settings.size > maxSize) return `frame size must be a whole number of pixels from ${minSize} to ${maxSize}, got ${settings.size}`;
  if (!Number.isFinite(settings.fps) || settings.fps < minFps || settings.fps > maxFps) return `frame rate must be from ${minFps} to ${maxFps} frames per second, got ${settings.fps}`;
  return null;
}

// gifenc's CommonJS build (Node) exports an object holding GIFEncoder and the palette functions,
// its ES build (the renderer's bundle) exports them by name: take them from wherever they are.
const gifencApi = ((gifenc as { GIFEncoder?: unknown }).GIFEncoder ? gifenc : gifenc.default) as typeof gifenc;
const { GIFEncoder, quantize, applyPalette } = gifencApi;

const GRAYS = Array.from({ length: 256 }, (_, v) => [v, v, v]);

/** Frames of one size as palette indices: `frames[k]` is `size`×`size` bytes, each an index into `palette` ([r, g, b] 0–255, at most 256 entries). */
export interface IndexedFrames {
  size: number;
  frames: Uint8Array[];
  palette: number[][];
}

/** A `side`×`side` grayscale image (row-major bytes) scaled to `size`×`size` by nearest neighbour. */
export function scaleGray(bytes: Uint8Array, side: number, size: number): Uint8Array {
  if (size === side) return bytes;
  const out = new Uint8Array(size * size);
  for (let y = 0; y < size; y++) {
    const row = Math.floor((y * side) / size) * side;
    for (let x = 0; x < size; x++) out[y * size + x] = bytes[row + Math.floor((x * side) / size)]!;
  }
  return out;
}

/** Throws (one line) unless `count` frames make an animation: at least one, at most ANIMATION_LIMITS.maxFrames. */
export function checkFrameCount(count: number): void {
  if (count === 0) throw new Error('an animation needs at least one frame');
  if (count > ANIMATION_LIMITS.maxFrames) throw new Error(`an animation may have at most ${ANIMATION_LIMITS.maxFrames} frames, got ${count}: lower the frame rate`);
}

/**
 * How long each GIF frame shows, in ms: 1000 / fps in the format's 10 ms steps, at least 20 ms
 * (browsers slow frames shorter than that down to 100 ms), so 50 fps is the fastest that plays true.
 */
export function frameDelayMs(fps: number): number {
  return Math.max(20, Math.round(100 / fps) * 10);
}

/** One indexed frame as RGBA bytes (4 per pixel, opaque), for PNG writers and canvases. */
export function rgbaOf(frame: Uint8Array, palette: number[][]): Uint8Array {
  const rgba = new Uint8Array(frame.length * 4);
  for (let p = 0; p < frame.length; p++) {
    const [r, g, b] = palette[frame[p]!]!;
    rgba[p * 4] = r!;
    rgba[p * 4 + 1] = g!;
    rgba[p * 4 + 2] = b!;
    rgba[p * 4 + 3] = 255;
  }
  return rgba;
}

/** An Image8 of `shape` as `size`×`size` RGBA: scaled by nearest neighbour so its longer side fills the frame, centred on black. */
function letterboxRgba(bytes: Uint8Array, { height, width, channels }: ImageShape, size: number): Uint8Array {
  const scale = size / Math.max(height, width);
  const [h, w] = [Math.max(1, Math.round(height * scale)), Math.max(1, Math.round(width * scale))];
  const [top, left] = [Math.floor((size - h) / 2), Math.floor((size - w) / 2)];
  const rgba = new Uint8Array(size * size * 4);
  for (let p = 3; p < rgba.length; p += 4) rgba[p] = 255;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const from = (Math.min(height - 1, Math.floor(y / scale)) * width + Math.min(width - 1, Math.floor(x / scale))) * channels;
      const to = ((top + y) * size + left + x) * 4;
      for (let c = 0; c < 3; c++) rgba[to + c] = bytes[from + (channels === 3 ? c : 0)]!;
    }
  }
  return rgba;
}

/**
 * Decoded images (Image8 bytes of `shape` each) as `size`×`size` palette-indexed frames. Square gray
 * images index the 256 grays (exact). Others are letterboxed (longer side fills the frame, centred
 * on black) and take the frames' own colours as the palette when there are at most 256 of them
 * (exact), else a 256-colour palette quantised by gifenc (approximate: GIF holds no more).
 */
export function imageFrames(images: Uint8Array[], shape: ImageShape, size: number): IndexedFrames {
  if (shape.channels === 1 && shape.height === shape.width) return { size, frames: images.map((frame) => scaleGray(frame, shape.width, size)), palette: GRAYS };
  const rgba = images.map((bytes) => letterboxRgba(bytes, shape, size));
  const slots = new Map<number, number>();
  const palette: number[][] = [];
  const frames = rgba.map((pixels) => {
    const frame = new Uint8Array(size * size);
    for (let p = 0; p < frame.length && palette.length <= 256; p++) {
      const key = (pixels[p * 4]! << 16) | (pixels[p * 4 + 1]! << 8) | pixels[p * 4 + 2]!;
      let slot = slots.get(key);
      if (slot === undefined) {
        slot = palette.length;
        slots.set(key, slot);
        palette.push([pixels[p * 4]!, pixels[p * 4 + 1]!, pixels[p * 4 + 2]!]);
      }
      frame[p] = slot;
    }
    return frame;
  });
  if (palette.length <= 256) return { size, frames, palette };
  const all = new Uint8Array(rgba.reduce((n, f) => n + f.length, 0));
  rgba.reduce((at, f) => (all.set(f, at), at + f.length), 0);
  const quantised = quantize(all, 256);
  return { size, frames: rgba.map((pixels) => applyPalette(pixels, quantised)), palette: quantised };
}

/**
 * Palette-indexed frames (decoded images: `grayFrames`) → the bytes of a looping animated GIF at
 * `fps`, with one global palette, the frames' own, so every pixel is written exactly. Calls
 * `onProgress(done, total)` as frames are encoded and lets other work run between batches of
 * frames, so a window stays responsive. Throws an Error (one line) for a bad size or rate, no
 * frames, more than ANIMATION_LIMITS.maxFrames, or a palette of more than 256 colours.
 */
export async function encodeGif(indexed: IndexedFrames, fps: number, onProgress?: (done: number, total: number) => void): Promise<Uint8Array> {
  const { size, frames, palette } = indexed;
  const problem = animationSettingsProblem({ size, fps });
  if (problem) throw new Error(problem);
  checkFrameCount(frames.length);
  if (palette.length > 256) throw new Error(`a GIF palette holds at most 256 colours, got ${palette.length}`);
  const gif = GIFEncoder();
  const delay = frameDelayMs(fps);
  for (let i = 0; i < frames.length; i++) {
    gif.writeFrame(frames[i]!, size, size, i === 0 ? { palette, delay, repeat: 0 } : { delay });
    if (i % 16 === 15) {
      onProgress?.(i + 1, frames.length);
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }
  gif.finish();
  onProgress?.(frames.length, frames.length);
  return gif.bytes();
}

/**
 * A recorded probe path ({t ms, z} points, times non-decreasing) as one latent point per frame at
 * `fps`: frame k shows the last point recorded at or before k / fps seconds, so the animation plays
 * at the speed the path was recorded. At least one frame (a path of one instant).
 */
export function pathFrames(path: readonly { t: number; z: number[] }[], fps: number): number[][] {
  const end = path[path.length - 1]!.t;
  const count = Math.floor((end / 1000) * fps) + 1;
  const frames: number[][] = [];
  let at = 0;
  for (let k = 0; k < count; k++) {
    const time = (k * 1000) / fps;
    while (at + 1 < path.length && path[at + 1]!.t <= time) at++;
    frames.push(path[at]!.z);
  }
  // The last recorded position always ends the animation, wherever it fell between frames.
  if (frames[frames.length - 1] !== path[path.length - 1]!.z) frames.push(path[path.length - 1]!.z);
  return frames;
}
