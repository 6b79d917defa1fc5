/** Builds image folders for tests: PNG and JPEG files of known sizes, gray or RGB, written with sharp. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import sharp from 'sharp';

export interface FixtureImage {
  width: number;
  height: number;
  /** 1: a gray file (PNG colour type 0, JPEG one component); 3: RGB. */
  channels: 1 | 3;
  /** Pixel (x, y, channel) = (x · 5 + y · 3 + channel · 50 + seed) mod 256, so every image differs. */
  seed: number;
  format?: 'png' | 'jpeg';
}

/** The raw bytes a fixture image holds (height × width × channels, channels last). */
export function fixturePixels({ width, height, channels, seed }: FixtureImage): Uint8Array {
  const out = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) for (let c = 0; c < channels; c++) out[(y * width + x) * channels + c] = (x * 5 + y * 3 + c * 50 + seed) % 256;
  return out;
}

/** Writes one image file at `path` (folders made as needed). */
export async function writeImage(path: string, image: FixtureImage): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  let file = sharp(fixturePixels(image), { raw: { width: image.width, height: image.height, channels: image.channels } });
  if (image.channels === 1) file = file.toColourspace('b-w');
  writeFileSync(path, await (image.format === 'jpeg' ? file.jpeg({ quality: 95 }) : file.png()).toBuffer());
}

/** `perClass` images of each class named class-00, class-01, … (or into `dir` itself when `classes` is 0: a flat folder). */
export async function writeImageFolder(dir: string, classes: number, perClass: number, shape: Omit<FixtureImage, 'seed'>): Promise<void> {
  const folders = classes ? Array.from({ length: classes }, (_, c) => `${dir}/class-${String(c).padStart(2, '0')}`) : [dir];
  for (const [c, folder] of folders.entries()) {
    for (let i = 0; i < perClass; i++) await writeImage(`${folder}/img-${String(i).padStart(3, '0')}.${shape.format === 'jpeg' ? 'jpg' : 'png'}`, { ...shape, seed: c * 31 + i * 7 });
  }
}
