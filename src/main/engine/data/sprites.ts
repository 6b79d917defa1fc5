/**
 * "sprites": a built-in dataset with known factors of variation, drawn procedurally (no download),
 * after dSprites (Matthey et al. 2017) but in colour: 32×32 RGB images of one shape on black.
 *
 * Factors (each image's levels are stored with it; the label is the shape):
 *   shape     square, ellipse, triangle
 *   scale     6 levels, the shape's radius 4 … 9 px
 *   rotation  12 levels, 0° … 165° in steps of 15° (a square repeats after 90°, a triangle after
 *             120°, an ellipse after 180°, so some levels of a shape look alike, as in dSprites)
 *   x, y      8 levels each, the centre 10 … 22 px from the left / top
 *   colour    red, green, blue, yellow, magenta, cyan
 * Every image's factors are drawn independently and uniformly with seedrandom seeded by
 * SPRITES_SEED (train first, then test), and drawn with 4×4 supersampling (coverage → intensity),
 * so the set is the same on every machine; it is generated in about a second and not cached.
 */
import { makeRng } from '../random';

export const SPRITES_SHAPE = { height: 32, width: 32, channels: 3 } as const;
export const SPRITES_TRAIN = 20_000;
export const SPRITES_TEST = 4_000;
export const SPRITES_SEED = 'sprites-v1';
export const SPRITE_SHAPES = ['square', 'ellipse', 'triangle'] as const;
const COLOURS: Record<string, [number, number, number]> = {
  red: [255, 60, 60],
  green: [60, 220, 60],
  blue: [70, 110, 255],
  yellow: [240, 220, 50],
  magenta: [230, 60, 230],
  cyan: [50, 220, 230],
};
const SCALES = 6;
const ROTATIONS = 12;
const POSITIONS = 8;
const SUPERSAMPLING = 4;

const hex = (rgb: [number, number, number]) => `#${rgb.map((c) => c.toString(16).padStart(2, '0')).join('')}`;

/** The factors in stored order, each with its levels' names (and the colour factor its colours). */
export const SPRITE_FACTORS: { name: string; levels: string[]; colors?: string[] }[] = [
  { name: 'shape', levels: [...SPRITE_SHAPES] },
  { name: 'scale', levels: Array.from({ length: SCALES }, (_, i) => `${radiusOf(i)} px`) },
  { name: 'rotation', levels: Array.from({ length: ROTATIONS }, (_, i) => `${i * 15}°`) },
  { name: 'x', levels: Array.from({ length: POSITIONS }, (_, i) => `${centreOf(i).toFixed(1)} px`) },
  { name: 'y', levels: Array.from({ length: POSITIONS }, (_, i) => `${centreOf(i).toFixed(1)} px`) },
  { name: 'colour', levels: Object.keys(COLOURS), colors: Object.values(COLOURS).map(hex) },
];

function radiusOf(level: number): number {
  return 4 + level;
}

function centreOf(level: number): number {
  return 10 + (level * 12) / (POSITIONS - 1);
}

/** Whether (u, v), in the shape's own frame scaled to radius 1, lies inside it. */
function inside(shape: number, u: number, v: number): boolean {
  if (shape === 0) return Math.abs(u) <= 0.75 && Math.abs(v) <= 0.75;
  if (shape === 1) return u * u + (v * v) / 0.3 <= 1;
  // An equilateral triangle with its centroid at the origin, circumradius 1, apex up.
  return v <= 0.5 && v >= Math.sqrt(3) * Math.abs(u) - 1;
}

/** Draws one sprite into `out` at `offset` (height × width × 3 bytes). */
function drawSprite(out: Uint8Array, offset: number, levels: Uint8Array): void {
  const [shape, scale, rotation, x, y, colour] = levels as unknown as number[];
  const radius = radiusOf(scale!);
  const angle = (rotation! * 15 * Math.PI) / 180;
  const [cos, sin] = [Math.cos(angle), Math.sin(angle)];
  const [cx, cy] = [centreOf(x!), centreOf(y!)];
  const rgb = Object.values(COLOURS)[colour!]!;
  const { height, width } = SPRITES_SHAPE;
  const samples = SUPERSAMPLING * SUPERSAMPLING;
  for (let py = 0; py < height; py++) {
    for (let px = 0; px < width; px++) {
      if (Math.abs(px + 0.5 - cx) > radius + 1 || Math.abs(py + 0.5 - cy) > radius + 1) continue;
      let covered = 0;
      for (let sy = 0; sy < SUPERSAMPLING; sy++) {
        for (let sx = 0; sx < SUPERSAMPLING; sx++) {
          const dx = (px + (sx + 0.5) / SUPERSAMPLING - cx) / radius;
          const dy = (cy - (py + (sy + 0.5) / SUPERSAMPLING)) / radius; // y up, so the triangle's apex points up
          if (inside(shape!, cos * dx + sin * dy, -sin * dx + cos * dy)) covered += 1;
        }
      }
      if (!covered) continue;
      const at = offset + (py * width + px) * 3;
      for (let c = 0; c < 3; c++) out[at + c] = Math.round((rgb[c]! * covered) / samples);
    }
  }
}

export interface SpriteSet {
  count: number;
  pixels: Uint8Array;
  /** The shape of each image (the label). */
  labels: Uint8Array;
  /** count × SPRITE_FACTORS.length levels, one row per image. */
  factors: Uint8Array;
}

/** The sprites dataset's train and test sets (see the file's comment). */
export function generateSprites(): { train: SpriteSet; test: SpriteSet } {
  const rng = makeRng(SPRITES_SEED);
  const make = (count: number): SpriteSet => {
    const bytes = SPRITES_SHAPE.height * SPRITES_SHAPE.width * SPRITES_SHAPE.channels;
    const pixels = new Uint8Array(count * bytes);
    const factors = new Uint8Array(count * SPRITE_FACTORS.length);
    const labels = new Uint8Array(count);
    for (let i = 0; i < count; i++) {
      const levels = factors.subarray(i * SPRITE_FACTORS.length, (i + 1) * SPRITE_FACTORS.length);
      SPRITE_FACTORS.forEach((factor, f) => (levels[f] = Math.floor(rng() * factor.levels.length)));
      labels[i] = levels[0]!;
      drawSprite(pixels, i * bytes, levels);
    }
    return { count, pixels, labels, factors };
  };
  const train = make(SPRITES_TRAIN);
  return { train, test: make(SPRITES_TEST) };
}
