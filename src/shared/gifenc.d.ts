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
  const gifenc: { GIFEncoder: typeof GIFEncoder } | typeof GIFEncoder;
  export default gifenc;
}
