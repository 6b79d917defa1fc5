// `latent-explorer figure DIR`: the classic figures for people training on a workstation without a
// window: the n×n manifold, a grid of prior samples, reconstructions as PNG grids; and the moving
// figures, an interpolation between two test images or a traversal of one latent dimension, as a
// PNG strip, an animated GIF and a numbered PNG sequence; and the latent map across training
// epochs (the maps the run recorded) as an animated GIF and a numbered PNG sequence.
import type { Command } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ANIMATION_LIMITS, animationSettingsProblem, encodeGif, imageFrames, rgbaOf, type IndexedFrames } from '../../shared/animation';
import type { ImageShape } from '../../shared/network';
import { epochMapFrames } from '../../shared/epoch-map-frames';
import { base64ToBytes } from '../../shared/image8';
import { gridPlaces, tilesSvg } from '../../shared/print-figure';
import { initBackend } from '../engine/backend/backend';
import { loadModelDataset } from '../engine/data/datasets';
import type { ClassLabels } from '../engine/data/labels';
import { UserError } from '../engine/errors';
import { decodeGrid, encodeSet, interpolate, pcaPlane, reconstructImages, samplePrior } from '../engine/explore/explore';
import { traverse } from '../engine/explore/traversal';
import { readEpochMaps } from '../engine/persistence/epoch-maps';
import { openModelFolder, readLibraryManifest, type OpenedModel } from '../engine/persistence/library-model';
import { rgbPng, tileGrid } from './png-grid';
import { backendOption, wholeNumberFrom } from './settings-options';

const STILL_KINDS = ['manifold', 'samples', 'reconstructions'] as const;
const MOVING_KINDS = ['interpolation', 'traversal'] as const;
/** The map across epochs: frames from the maps the training run recorded, no model run. */
const MAP_EPOCHS = 'map-epochs';
const KINDS = [...STILL_KINDS, ...MOVING_KINDS, MAP_EPOCHS] as const;
type Kind = (typeof KINDS)[number];

interface FigureOptions {
  out?: string;
  svg?: string;
  gif?: string;
  frames?: string;
  kind: string;
  n: number;
  seed: number;
  from?: number;
  to?: number;
  slerp?: boolean;
  dim: number;
  range: number;
  size: number;
  fps: number;
  backend?: string;
  dataset?: string;
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UserError(`expected a number above 0, got "${value}"`);
  return n;
}

/** The first test image whose class differs from image 0's: the app's default interpolation. */
function otherClass(labels: ClassLabels): number {
  const at = labels.findIndex((label) => label !== labels[0]);
  return Math.max(1, at);
}

/** The frames of a moving figure: an interpolation between two test images, or one dimension traversed around a test image. */
async function movingFrames(kind: (typeof MOVING_KINDS)[number], opened: OpenedModel, options: FigureOptions): Promise<{ images: string[]; what: string }> {
  const test = (await loadModelDataset(opened.manifest.dataset, options.dataset)).test;
  const from = options.from ?? 0;
  const to = options.to ?? otherClass(test.labels);
  for (const index of [from, to]) if (index >= test.count) throw new UserError(`test image ${index} does not exist: the test set has ${test.count} images (0–${test.count - 1})`);
  // The codes of every test image up to the ones asked for, in one encoding pass.
  const { dims, points } = await encodeSet(opened.latent, test, Math.max(from, to) + 1);
  const code = (i: number) => points.slice(i * dims, (i + 1) * dims);
  if (kind === 'interpolation') {
    const { images } = await interpolate(opened.latent, code(from), code(to), options.n, options.slerp ? 'slerp' : 'linear');
    return { images, what: `interpolation from test image ${from} to ${to}, ${options.n} steps${options.slerp ? ' (slerp)' : ''}` };
  }
  if (opened.kind !== 'trained') throw new UserError('traversals need a model trained here: an imported model has no per-dimension decoder to hold the others fixed with');
  if (options.dim >= dims) throw new UserError(`--dim ${options.dim} is out of range: this model's latent space has ${dims} dimensions (0–${dims - 1})`);
  const { images } = await traverse(opened.model, code(from), [options.dim], [-options.range, options.range], options.n);
  return { images, what: `traversal of z${options.dim + 1} by ±${options.range} around test image ${from}, ${options.n} steps` };
}

/**
 * Image8 tiles of `shape` in `columns` columns as a print SVG (src/shared/print-figure.ts): each
 * tile an embedded PNG (gray or RGB) drawn pixelated at twice the image's size, with a title and caption.
 */
function gridSvg(images: string[], columns: number, shape: ImageShape, title: string, caption: string): string {
  const [tileWidth, tileHeight] = [shape.width * 2, shape.height * 2];
  const places = gridPlaces(images.length, columns, tileWidth, tileHeight);
  const tiles = images.map((image, k) => ({ ...places[k]!, href: `data:image/png;base64,${tileGrid([image], 1, shape).toString('base64')}` }));
  const rows = Math.ceil(images.length / columns);
  return tilesSvg({ title, caption, tiles, width: columns * (tileWidth + 2) - 2, height: rows * (tileHeight + 2) - 2 });
}

/**
 * Writes a GIF and a numbered PNG sequence of `indexed` as asked, each PNG made by `png` from a
 * frame; says what it wrote.
 */
async function writeAnimation(indexed: IndexedFrames, options: FigureOptions): Promise<void> {
  const { frames, size, palette } = indexed;
  if (options.gif) {
    const showProgress = process.stderr.isTTY && frames.length > 64;
    const gif = await encodeGif(indexed, options.fps, (done, total) => showProgress && process.stderr.write(`\rencoding the GIF: ${done}/${total} frames`));
    if (showProgress) process.stderr.write('\n');
    writeFileSync(options.gif, gif);
    console.log(`animated GIF: ${frames.length} frame${frames.length === 1 ? '' : 's'} of ${size}×${size} px at ${options.fps} fps → ${options.gif}`);
  }
  if (options.frames) {
    mkdirSync(options.frames, { recursive: true });
    const digits = String(frames.length).length;
    frames.forEach((frame, k) => writeFileSync(join(options.frames!, `frame-${String(k + 1).padStart(Math.max(3, digits), '0')}.png`), rgbPng(rgbaOf(frame, palette), size, size)));
    console.log(`PNG sequence: ${frames.length} frame${frames.length === 1 ? '' : 's'} of ${size}×${size} px → ${options.frames}/frame-${'0'.repeat(Math.max(3, digits) - 1)}1.png …`);
  }
}

/** `figure --kind map-epochs`: the maps recorded in `dir` as frames; a UserError when it has none. */
async function writeMapAcrossEpochs(dir: string, options: FigureOptions): Promise<void> {
  if (options.out || options.svg) throw new UserError('--kind map-epochs writes --gif FILE.gif and --frames DIR, not --out or --svg');
  if (!options.gif && !options.frames) throw new UserError('say what to write: --gif FILE.gif or --frames DIR');
  const manifest = readLibraryManifest(dir); // a folder that is no model at all is told so, not that it lacks maps
  const maps = readEpochMaps(dir);
  if (!maps) {
    if (manifest.kind === 'imported') throw new UserError(`${dir} has no per-epoch maps: it was imported, so its training happened elsewhere; train a model here (latent-explorer train --recipe RECIPE --out NEW_FOLDER) to record a map after every epoch`);
    throw new UserError(`${dir} has no per-epoch maps: it was trained before Latent Explorer recorded them; train a new model (latent-explorer train --recipe ${manifest.recipe} --out NEW_FOLDER) to record a map after every epoch`);
  }
  await writeAnimation(epochMapFrames(maps, options.size), options);
  const what = maps.projection === 'latent' ? 'the 2-D latent' : 'each epoch’s PCA plane';
  const epochs = maps.epochs.length === 1 ? `epoch ${maps.epochs[0]}` : `epochs ${maps.epochs[0]}–${maps.epochs.at(-1)}`;
  console.log(`latent map of the first ${maps.labels.length} test images (${what}) after ${epochs}`);
}

export function registerFigure(program: Command): void {
  program
    .command('figure')
    .description("render a saved model's manifold grid, prior samples or reconstructions as a PNG; an interpolation or a traversal as a PNG strip, an animated GIF or a PNG sequence")
    .argument('<dir>', 'model folder')
    .option('--out <file.png>', 'PNG file to write (a grid; for interpolation and traversal, the frames side by side)')
    .option('--svg <file.svg>', 'the same grid or strip as an SVG for print, with a title and a caption naming the model, dataset and settings')
    .option('--gif <file.gif>', 'animated GIF to write (interpolation, traversal, map-epochs)')
    .option('--frames <dir>', 'folder to write the frames into as frame-001.png, frame-002.png, … (interpolation, traversal, map-epochs)')
    .option('--kind <kind>', `${KINDS.join(', ')}`, 'manifold')
    .option('--n <n>', 'grid side (manifold, default 15), columns (samples: 4 rows, default 18; reconstructions, default 15), or frames (interpolation, traversal, default 15)', wholeNumberFrom(1), 15)
    .option('--seed <n>', 'seed for prior samples', wholeNumberFrom(0), 1)
    .option('--from <i>', 'test image the interpolation starts from, or the traversal goes around (default 0)', wholeNumberFrom(0))
    .option('--to <j>', 'test image the interpolation ends at (default: the first of another class than --from 0)', wholeNumberFrom(0))
    .option('--slerp', 'interpolate along the great circle instead of a straight line')
    .option('--dim <d>', 'latent dimension to traverse, from 0', wholeNumberFrom(0), 0)
    .option('--range <r>', 'traverse from −r to +r around the image’s code (latent units)', positiveNumber, 3)
    .option('--size <px>', `frame side in pixels, ${ANIMATION_LIMITS.minSize}–${ANIMATION_LIMITS.maxSize} (GIF, PNG sequence)`, wholeNumberFrom(1), 112)
    .option('--fps <n>', `frames per second, ${ANIMATION_LIMITS.minFps}–${ANIMATION_LIMITS.maxFps} (GIF)`, positiveNumber, 8)
    .addOption(backendOption())
    .option('--dataset <path>', 'where the dataset folder the model was trained on lies now, if it has moved')
    .action(async (dir: string, options: FigureOptions, command: Command) => {
      if (!(KINDS as readonly string[]).includes(options.kind)) throw new UserError(`--kind must be one of ${KINDS.join(', ')}, got "${options.kind}"`);
      const kind = options.kind as Kind;
      const moving = (MOVING_KINDS as readonly string[]).includes(kind);
      const problem = moving || kind === MAP_EPOCHS ? animationSettingsProblem({ size: options.size, fps: options.fps }) : null;
      if (problem) throw new UserError(`--size/--fps: ${problem}`);
      if (kind === MAP_EPOCHS) return writeMapAcrossEpochs(resolve(dir), options);
      if (!Number.isInteger(options.n) || options.n < (moving ? 2 : 1) || options.n > 64) throw new UserError(`--n must be a whole number from ${moving ? 2 : 1} to 64, got ${options.n}`);
      if (!options.out && !options.svg && !options.gif && !options.frames) throw new UserError(`say what to write: --out FILE.png, --svg FILE.svg${moving ? ', --gif FILE.gif or --frames DIR' : ''}`);
      if (!moving && (options.gif || options.frames)) throw new UserError(`--gif and --frames are for the moving figures (--kind ${[...MOVING_KINDS, MAP_EPOCHS].join(', ')}), not ${kind}`);
      await initBackend(options.backend);
      const opened = await openModelFolder(resolve(dir));
      const { latent: model, manifest } = opened;
      const source = `${manifest.name} (${opened.kind === 'imported' ? 'imported from ONNX' : opened.manifest.recipe})`;
      const sourceCaption = `${source}, ${model.latentDim}-D latent, on ${manifest.dataset.name}`;
      if (moving) {
        const { images, what } = await movingFrames(kind as (typeof MOVING_KINDS)[number], opened, options);
        if (options.out) writeFileSync(options.out, tileGrid(images, images.length, model.image));
        if (options.svg) writeFileSync(options.svg, gridSvg(images, images.length, model.image, `${manifest.name} — ${kind}`, `${what[0]!.toUpperCase()}${what.slice(1)} of ${sourceCaption}.`));
        await writeAnimation(imageFrames(images.map(base64ToBytes), model.image, options.size), options);
        console.log(`${what} of ${source}${[options.out, options.svg].filter(Boolean).map((f) => ` → ${f}`).join('')}`);
        return;
      }
      let images: string[];
      let columns = options.n;
      let settings: string;
      if (kind === 'manifold') {
        // Wider latents: the plane of the two main axes of the test encodings, through their mean.
        const plane =
          model.latentDim === 2
            ? undefined
            : (({ mean, axes }) => ({ base: mean, axisU: axes[0]!, axisV: axes[1]! }))(await pcaPlane(model, (await loadModelDataset(manifest.dataset, options.dataset)).test));
        images = (await decodeGrid(model, options.n, 'quantiles', undefined, plane)).images;
        settings = `${options.n}×${options.n} decodings at the prior's Gaussian quantiles${plane ? ' on the PCA plane of the test codes' : ''}`;
      } else if (kind === 'samples') {
        // Four rows; by default the 4×18 grid of the vae-mlp-2 recipe.
        columns = command.getOptionValueSource('n') === 'cli' ? options.n : 18;
        images = (await samplePrior(model, 4 * columns, options.seed)).images;
        settings = `${4 * columns} decodings of prior samples z ~ N(0, I), seed ${options.seed}`;
      } else {
        const indices = Array.from({ length: options.n }, (_, i) => i);
        const { originals, reconstructions } = await reconstructImages(model, (await loadModelDataset(manifest.dataset, options.dataset)).test, indices);
        images = [...originals, ...reconstructions];
        settings = `test images 0–${options.n - 1} (top) above their reconstructions (bottom)`;
      }
      if (options.out) writeFileSync(options.out, tileGrid(images, columns, model.image));
      if (options.svg) writeFileSync(options.svg, gridSvg(images, columns, model.image, `${manifest.name} — ${kind}`, `${kind[0]!.toUpperCase()}${kind.slice(1)} of ${sourceCaption}: ${settings}.`));
      console.log(`${kind} of ${source}${[options.out, options.svg].filter(Boolean).map((f) => ` → ${f}`).join('')}`);
    });
}
