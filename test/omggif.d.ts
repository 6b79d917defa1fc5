// The part of omggif's GifReader (a maintained GIF decoder, dev only) the tests use to read exported GIFs back.
declare module 'omggif' {
  export class GifReader {
    constructor(bytes: Uint8Array);
    width: number;
    height: number;
    numFrames(): number;
    loopCount(): number | null;
    frameInfo(index: number): { x: number; y: number; width: number; height: number; delay: number; disposal: number };
    /** Draws frame `index` into `pixels` (width × height × 4, RGBA). */
    decodeAndBlitFrameRGBA(index: number, pixels: Uint8Array): void;
  }
}
