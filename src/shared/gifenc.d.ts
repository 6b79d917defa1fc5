// The part of gifenc's API (https://github.com/mattdesl/gifenc) that animation.ts uses; the package ships no types.
declare module 'gifenc' {
  export interface GifFrameOptions {
    /** [r, g, b] entries, at most 256; given on the first frame it becomes the global palette. */
    palette?: number[][];
    /** Milliseconds this frame shows (stored in hundredths of a second). */
    delay?: number;
    /** -1: play once, 0: loop forever, n: n repeats. */
    repeat?: number;
  }
  export interface GifEncoderStream {
    writeFrame(index: Uint8Array, width: number, height: number, options?: GifFrameOptions): void;
    finish(): void;
    bytes(): Uint8Array;
  }
  export function GIFEncoder(options?: { initialCapacity?: number; auto?: boolean }): GifEncoderStream;
  /** A palette of at most `maxColors` [r, g, b] entries for RGBA pixels (4 bytes each). */
  export function quantize(rgba: Uint8Array | Uint8ClampedArray, maxColors: number): number[][];
  /** Each RGBA pixel's index of its nearest colour in `palette`. */
  export function applyPalette(rgba: Uint8Array | Uint8ClampedArray, palette: number[][]): Uint8Array;
  const gifenc: { GIFEncoder: typeof GIFEncoder; quantize: typeof quantize; applyPalette: typeof applyPalette } | typeof GIFEncoder;
  export default gifenc;
}
