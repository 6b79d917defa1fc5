// A scene: what a view shows, saved so a lesson can be reopened exactly (a file, or a link in web
// mode). Scene files come from anywhere (e-mail, a shared drive), so they are untrusted input: the
// text is size-checked before it is parsed, every object is strict (an unknown key is refused, so
// "__proto__" and friends are too), every number finite and every array bounded.
import { z } from 'zod';
import { bytesToBase64, base64ToBytes } from './image8';
import { TSNE_MAX_POINTS } from './neighbour-map';

/** What `format` names in every scene file. */
export const SCENE_FORMAT = 'latent-explorer.scene';
export const SCENE_VERSION = 1;
/** Largest scene text accepted, in UTF-16 code units (a long recorded path fits in a tenth of it). */
export const MAX_SCENE_CHARS = 1_000_000;
/** Largest scene file read at all, in bytes (UTF-8 takes at most 4 bytes a character): larger ones are refused unread. */
export const MAX_SCENE_FILE_BYTES = MAX_SCENE_CHARS * 4;
/** Most points a recorded probe path keeps (about a minute of dragging at 60 moves a second). */
export const MAX_PATH_POINTS = 4000;
/** Longest recording replayed, in milliseconds. */
export const MAX_PATH_MS = 10 * 60_000;

const finite = () => z.number().finite();
const Latent = z.array(finite()).min(1).max(512);
const ShortText = z.string().max(200);
/** Bytes in base64, at most `maxChars` characters; `what` names them in the refusal. */
const base64Bytes = (maxChars: number, what: string) =>
  z
    .string()
    .min(4)
    .max(maxChars)
    .regex(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/, `expected the ${what} as base64 bytes`);
/** A hand-drawn image of the model's shape (height·width·channels bytes, at most 256×256 RGB), in base64. */
const Pixels = base64Bytes(349_528, 'image');
/** A mask: one byte per pixel of the model's images (at most 256×256), in base64. */
const Mask = base64Bytes(87_384, 'mask');

/** Window widths: below 1100 px the explorer stacks its panels, from 1600 px there is room to spare. */
export const SIZE_CLASSES = ['compact', 'regular', 'wide'] as const;
export type SizeClass = (typeof SIZE_CLASSES)[number];

/** The size class of a window `width` CSS pixels wide. */
export function sizeClassOf(width: number): SizeClass {
  return width < 1100 ? 'compact' : width < 1600 ? 'regular' : 'wide';
}

/** The image a tool view works on: a test image by index, or one drawn by hand. */
const ImageRef = z.discriminatedUnion('source', [
  z.object({ source: z.literal('test'), index: z.number().int().min(0).max(69_999) }).strict(),
  z.object({ source: z.literal('drawn'), pixels: Pixels }).strict(),
]);
export type SceneImage = z.infer<typeof ImageRef>;

/**
 * The latent map's view: the region it shows, u from x[0] to x[1] and v from y[0] to y[1] (plane
 * units). Kept as the region, not as pixels, so a window of another size shows the same part of the space.
 */
const MapView = z
  .object({ x: z.tuple([finite(), finite()]), y: z.tuple([finite(), finite()]) })
  .strict()
  .refine((view) => view.x[0] < view.x[1] && view.y[0] < view.y[1], 'the region must run from a lower to a higher value on each axis');
export type MapView = z.infer<typeof MapView>;

const Endpoint = z.object({ z: Latent, name: ShortText }).strict();

/** A probe path: each point's latent vector and its time (ms) from the start of the recording. */
const ProbePath = z
  .array(z.object({ t: z.number().finite().min(0).max(MAX_PATH_MS), z: Latent }).strict())
  .min(1)
  .max(MAX_PATH_POINTS)
  .refine((path) => path.every((p, i) => i === 0 || p.t >= path[i - 1]!.t), 'path times must not go backwards');
export type ProbePath = z.infer<typeof ProbePath>;

const LatentScene = z
  .object({
    name: z.literal('latent-space'),
    page: z.enum(['explore', 'compare']),
    probe: Latent,
    map: MapView.nullable(),
    /**
     * The projection the map shows: the 2-D latent itself, or for a wider one its PCA plane, two
     * chosen dimensions (`axes`), or a UMAP or t-SNE map of its first `mapPoints` test encodings
     * (fitted again on restore with the app's one seed, so it is the same map).
     */
    projection: z.enum(['latent', 'pca', 'axes', 'umap', 'tsne']),
    /** The two latent dimensions (from 0) an 'axes' map shows along u and v. */
    axes: z.tuple([z.number().int().min(0).max(511), z.number().int().min(0).max(511)]).optional(),
    /** How many test images a UMAP or t-SNE map covers. */
    mapPoints: z.number().int().min(2).max(10_000).optional(),
    /** For a dataset with known factors: the factor (its index) the map is coloured by; absent, the class. */
    colourBy: z.number().int().min(0).max(63).optional(),
    tool: z.enum(['manifold', 'interpolation', 'samples', 'reconstructions', 'dimensions']),
    manifold: z.object({ n: z.number().int().min(2).max(64), mode: z.enum(['region', 'quantiles']), overlay: z.boolean() }).strict(),
    interpolation: z.object({ from: Endpoint.nullable(), to: Endpoint.nullable(), steps: z.number().int().min(2).max(64), mode: z.enum(['linear', 'slerp']) }).strict(),
    samples: z.object({ seed: z.number().int().min(0).max(2 ** 31 - 1) }).strict(),
    reconstructions: z.object({ batch: z.number().int().min(0).max(10_000) }).strict(),
    path: ProbePath.nullable(),
  })
  .strict()
  .refine((view) => (view.projection === 'axes') === (view.axes !== undefined), { message: "give the two axes for an 'axes' map, and only for one", path: ['axes'] })
  .refine((view) => !view.axes || view.axes[0] !== view.axes[1], { message: 'the two axes must be different dimensions', path: ['axes'] })
  .refine((view) => (view.projection === 'umap' || view.projection === 'tsne') === (view.mapPoints !== undefined), {
    message: 'give mapPoints for a UMAP or t-SNE map, and only for one',
    path: ['mapPoints'],
  })
  .refine((view) => view.projection !== 'tsne' || view.mapPoints! <= TSNE_MAX_POINTS, { message: `a t-SNE map covers at most ${TSNE_MAX_POINTS} points`, path: ['mapPoints'] });

const InpaintingScene = z
  .object({ name: z.literal('inpainting'), image: ImageRef, mask: Mask, brushSize: z.number().int().min(1).max(10), tool: z.enum(['hide', 'reveal']) })
  .strict();

const DenoisingScene = z
  .object({ name: z.literal('denoising'), image: ImageRef, sigma: z.number().finite().min(0).max(1), seed: z.number().int().min(1).max(2 ** 31 - 1) })
  .strict();

const CodebookScene = z
  .object({ name: z.literal('codebook'), image: ImageRef, code: z.number().int().min(0).max(65_535).nullable(), sortBy: z.enum(['usage', 'index']) })
  .strict();

/** Views whose scene is only which view and which model. */
const PlainScene = z.object({ name: z.enum(['library', 'training']) }).strict();

export const SceneView = z.discriminatedUnion('name', [LatentScene, InpaintingScene, DenoisingScene, CodebookScene, PlainScene]);
export type SceneView = z.infer<typeof SceneView>;
export type SceneViewOf<N extends SceneView['name']> = Extract<SceneView, { name: N }>;

export const Scene = z
  .object({
    format: z.literal(SCENE_FORMAT),
    version: z.literal(SCENE_VERSION),
    savedAt: z.string().max(40),
    /** The model by id and by checksum of its weights (or ONNX graphs), so a changed model is noticed. */
    model: z.object({ id: z.string().min(1).max(200), name: ShortText, checksum: z.string().max(200) }).strict().nullable(),
    window: z.object({ sizeClass: z.enum(SIZE_CLASSES), width: z.number().int().min(1).max(100_000), height: z.number().int().min(1).max(100_000) }).strict(),
    view: SceneView,
  })
  .strict();
export type Scene = z.infer<typeof Scene>;

/** A scene refused: `message` is one line naming the problem and what to do. */
export class SceneError extends Error {}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0]!;
  const where = issue.path.length ? issue.path.join('.') : 'the scene';
  return `${where}: ${issue.message}`;
}

/**
 * Reads a scene file's text. Throws SceneError with one line (what is wrong, and that nothing was
 * changed) for text that is too long, not JSON, or not a scene this version knows.
 */
export function parseScene(text: string): Scene {
  const refuse = (why: string) => new SceneError(`Not a usable scene (${why}); nothing was changed. Open a scene file saved by Latent Explorer.`);
  if (text.length > MAX_SCENE_CHARS) throw refuse(`${text.length.toLocaleString('en')} characters, at most ${MAX_SCENE_CHARS.toLocaleString('en')}`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw refuse('not JSON');
  }
  const format = (raw as { format?: unknown } | null)?.format;
  if (format !== SCENE_FORMAT) throw refuse(`its "format" is not "${SCENE_FORMAT}"`);
  const parsed = Scene.safeParse(raw);
  if (!parsed.success) throw refuse(firstIssue(parsed.error));
  return parsed.data;
}

/** The scene as the JSON text of a scene file. */
export function sceneText(scene: Scene): string {
  return `${JSON.stringify(scene, null, 1)}\n`;
}

/** What follows `#scene=` in a link: the scene's JSON as URL-safe base64 of its UTF-8 bytes. */
export function sceneLinkFragment(scene: Scene): string {
  const bytes = new TextEncoder().encode(JSON.stringify(scene));
  return bytesToBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The scene a link fragment (`sceneLinkFragment`) carries; throws SceneError as parseScene does. */
export function sceneFromLinkFragment(fragment: string): Scene {
  if (fragment.length > MAX_SCENE_CHARS * 2) throw new SceneError('Not a usable scene link (too long); nothing was changed.');
  let text: string;
  try {
    const base64 = fragment.replace(/-/g, '+').replace(/_/g, '/');
    text = new TextDecoder('utf-8', { fatal: true }).decode(base64ToBytes(base64 + '='.repeat((4 - (base64.length % 4)) % 4)));
  } catch {
    throw new SceneError('Not a usable scene link (its text is damaged); nothing was changed. Copy the whole link again.');
  }
  return parseScene(text);
}
