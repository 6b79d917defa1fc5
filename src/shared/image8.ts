// Image8: an image as bytes (0–255) in base64, the wire format for every image in the contract:
// height × width × channels bytes (1 gray, 3 RGB), row-major, channels last; 784 for MNIST's 28×28
// gray. A square image's shape follows from its length alone (n² gray, 3n² RGB: no length is
// both, √3 being irrational). atob/btoa exist in browsers and in Node ≥ 16 alike.
import type { ImageShape } from './network';

/** The shape of a square Image8 of `length` bytes (n² → n×n gray, 3n² → n×n RGB); null when it is neither. */
export function squareShapeOf(length: number): ImageShape | null {
  const gray = Math.round(Math.sqrt(length));
  if (gray > 0 && gray * gray === length) return { height: gray, width: gray, channels: 1 };
  const rgb = Math.round(Math.sqrt(length / 3));
  if (rgb > 0 && 3 * rgb * rgb === length) return { height: rgb, width: rgb, channels: 3 };
  return null;
}

/** `shape` when given, else the square shape `length` bytes imply; throws an Error for a length that is no square image. */
export function shapeOfImage(length: number, shape?: ImageShape): ImageShape {
  const found = shape ?? squareShapeOf(length);
  if (!found) throw new Error(`an image of ${length} bytes is neither a square gray nor a square RGB image`);
  return found;
}

export function bytesToBase64(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]!);
  return btoa(text);
}

export function base64ToBytes(base64: string): Uint8Array {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** Values in [0, 1] → bytes, clipped and rounded. */
export function unitToBytes(values: ArrayLike<number>): Uint8Array {
  const bytes = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) bytes[i] = Math.round(Math.min(1, Math.max(0, values[i]!)) * 255);
  return bytes;
}
