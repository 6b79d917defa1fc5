// Moving figures as an animated GIF, for the app (a download) and the CLI (`figure --gif`) alike.
// Frames are palette indices with the palette they index, so the GIF is exact, with no colour
// quantisation: decoded images (grayscale bytes) index the 256 grays, and a drawn figure (the map
// across epochs, epoch-map-frames.ts) indexes the few colours it is drawn in.
import * as gifenc from 'gifenc';

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

// gifenc's CommonJS build (Node) exports an object holding GIFEncoder, its ES build (the
// renderer's bundle) exports GIFEncoder itself as the default: take it from wherever it is.
const GIFEncoder: typeof gifenc.GIFEncoder = gifenc.GIFEncoder ?? (gifenc.default as { GIFEncoder: typeof gifenc.GIFEncoder }).GIFEncoder;

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

/** Grayscale frames (`side`×`side` bytes each, 0 = black) scaled to `size`, as indices into the 256 grays. */
export function grayFrames(frames: Uint8Array[], side: number, size: number): IndexedFrames {
  return { size, frames: frames.map((frame) => scaleGray(frame, side, size)), palette: GRAYS };
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
