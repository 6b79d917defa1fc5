// How many images one answer may carry: every message stays under MAX_MESSAGE_CHARS, so a view
// that wants more (a 64×64 manifold of 64×64 RGB images is ~67 M characters) asks for them a part
// at a time (inParts), drawing each part as it comes; a newer request stops the parts still to
// ask, so the engine never holds more than one part's images. The host refuses, before any work,
// an answer that would not fit; the renderer sizes its parts with the same figures
// (src/renderer/engine-client/in-parts.ts).
import { MAX_MESSAGE_CHARS } from './contract';
import type { ImageShape } from './network';

/** Characters kept for an answer's envelope and its fields other than the images (axes, offsets, usage). */
export const ANSWER_RESERVE_CHARS = 200_000;

/** Most characters one number takes in JSON, with its comma ("-1.2345678901234567e-300,"). */
export const NUMBER_CHARS = 26;

/** JSON characters of one Image8 of `shape` in an array: its base64 (4 per 3 bytes, padded), two quotes, a comma. */
export function imageChars(shape: ImageShape): number {
  return 4 * Math.ceil((shape.height * shape.width * shape.channels) / 3) + 3;
}

/**
 * How many items fit in one answer when each carries `imagesEach` images of `shape` and
 * `numbersEach` numbers (e.g. a sample's latent code); at least 1.
 */
export function itemsPerAnswer(shape: ImageShape, imagesEach = 1, numbersEach = 0): number {
  const each = imagesEach * imageChars(shape) + numbersEach * NUMBER_CHARS;
  return Math.max(1, Math.floor((MAX_MESSAGE_CHARS - ANSWER_RESERVE_CHARS) / each));
}

/**
 * Asks for items 0 … total − 1 in consecutive parts of at most `per`: `ask(first, count)` for each
 * part, in order, one at a time; `onPart(answer, first)` after each, which returns false to stop
 * (the request was superseded). Resolves once every part is in or the asking stopped; rejects with
 * the first failure.
 */
export async function inParts<P>(total: number, per: number, ask: (first: number, count: number) => Promise<P>, onPart: (answer: P, first: number) => boolean): Promise<void> {
  for (let first = 0; first < total; first += per) {
    if (!onPart(await ask(first, Math.min(per, total - first)), first)) return;
  }
}
