// Moving figures: decoded images (grayscale bytes) as an animated GIF, for the app (a download)
// and the CLI (`figure --gif`) alike. Every frame is grayscale, so the palette is the 256 grays and
// each pixel's byte is its palette index: the GIF is exact, with no colour quantisation.
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

/**
 * Grayscale frames (`side`×`side` bytes each, 0 = black) → the bytes of a looping animated GIF of
 * `settings.size`-pixel frames at `settings.fps`. Calls `onProgress(done, total)` as frames are
 * encoded and lets other work run between batches of frames, so a window stays responsive.
 * Throws an Error (one line) for bad settings, no frames, or more than ANIMATION_LIMITS.maxFrames.
 */
export async function encodeGif(frames: Uint8Array[], side: number, settings: AnimationSettings, onProgress?: (done: number, total: number) => void): Promise<Uint8Array> {
  const problem = animationSettingsProblem(settings);
  if (problem) throw new Error(problem);
  checkFrameCount(frames.length);
  const gif = GIFEncoder();
  const delay = frameDelayMs(settings.fps);
  for (let i = 0; i < frames.length; i++) {
    gif.writeFrame(scaleGray(frames[i]!, side, settings.size), settings.size, settings.size, i === 0 ? { palette: GRAYS, delay, repeat: 0 } : { delay });
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
