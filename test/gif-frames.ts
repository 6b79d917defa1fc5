// Reading an exported GIF back with a maintained decoder (omggif): its size, loop, frame delays and
// each frame's gray levels and colours, so tests check the file itself and not what the encoder meant to write.
import { GifReader } from 'omggif';

export interface DecodedGif {
  width: number;
  height: number;
  /** null: plays once; 0: loops forever. */
  loop: number | null;
  /** Each frame's delay in hundredths of a second. */
  delays: number[];
  /** Each frame's red channel (= its gray level), width × height bytes. */
  frames: Uint8Array[];
  /** Each frame in colour: RGBA, 4 bytes a pixel. */
  rgba: Uint8Array[];
}

export function decodeGif(bytes: Uint8Array): DecodedGif {
  const reader = new GifReader(bytes);
  const frames: Uint8Array[] = [];
  const rgbas: Uint8Array[] = [];
  const delays: number[] = [];
  for (let i = 0; i < reader.numFrames(); i++) {
    const rgba = new Uint8Array(reader.width * reader.height * 4);
    reader.decodeAndBlitFrameRGBA(i, rgba);
    rgbas.push(rgba);
    frames.push(Uint8Array.from({ length: reader.width * reader.height }, (_, p) => rgba[p * 4]!));
    delays.push(reader.frameInfo(i).delay);
  }
  return { width: reader.width, height: reader.height, loop: reader.loopCount(), delays, frames, rgba: rgbas };
}
