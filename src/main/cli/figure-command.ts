// `latent-explorer figure DIR`: the classic figures as PNG files for people training on a
// workstation without a window: the n×n manifold, a grid of prior samples, reconstructions.
import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { initBackend } from '../engine/backend/backend';
import { loadModelDataset } from '../engine/data/datasets';
import { UserError } from '../engine/errors';
import { decodeGrid, pcaPlane, reconstructImages, samplePrior } from '../engine/explore/explore';
import { openModelFolder } from '../engine/persistence/library-model';
import { tileGrid } from './png-grid';
import { wholeNumberFrom } from './settings-options';

const KINDS = ['manifold', 'samples', 'reconstructions'] as const;
type Kind = (typeof KINDS)[number];

export function registerFigure(program: Command): void {
  program
    .command('figure')
    .description("render a saved model's manifold grid, prior samples or reconstructions as a PNG")
    .argument('<dir>', 'model folder')
    .requiredOption('--out <file.png>', 'PNG file to write')
    .option('--kind <kind>', `${KINDS.join(', ')}`, 'manifold')
    .option('--n <n>', 'grid side (manifold), or columns', wholeNumberFrom(1), 15)
    .option('--seed <n>', 'seed for prior samples', wholeNumberFrom(0), 1)
    .option('--backend <name>', 'compute backend: gpu, node, wasm or cpu')
    .option('--dataset <path>', 'where the dataset folder the model was trained on lies now, if it has moved')
    .action(async (dir: string, options: { out: string; kind: string; n: number; seed: number; backend?: string; dataset?: string }) => {
      if (!(KINDS as readonly string[]).includes(options.kind)) throw new UserError(`--kind must be one of ${KINDS.join(', ')}, got "${options.kind}"`);
      if (!Number.isInteger(options.n) || options.n < 1 || options.n > 64) throw new UserError(`--n must be a whole number from 1 to 64, got ${options.n}`);
      await initBackend(options.backend);
      const opened = await openModelFolder(resolve(dir));
      const { latent: model, manifest } = opened;
      const kind = options.kind as Kind;
      let images: string[];
      let columns = options.n;
      if (kind === 'manifold') {
        // Wider latents: the plane of the two main axes of the test encodings, through their mean.
        const plane =
          model.latentDim === 2
            ? undefined
            : (({ mean, axes }) => ({ base: mean, axisU: axes[0]!, axisV: axes[1]! }))(await pcaPlane(model, (await loadModelDataset(manifest.dataset, options.dataset)).test));
        images = (await decodeGrid(model, options.n, 'quantiles', undefined, plane)).images;
      }
      else if (kind === 'samples') {
        // The 4×18 grid of the vae-mlp-2 recipe.
        images = (await samplePrior(model, 4 * 18, options.seed)).images;
        columns = 18;
      } else {
        const indices = Array.from({ length: options.n }, (_, i) => i);
        const { originals, reconstructions } = await reconstructImages(model, (await loadModelDataset(manifest.dataset, options.dataset)).test, indices);
        images = [...originals, ...reconstructions];
      }
      writeFileSync(options.out, tileGrid(images, columns, model.image));
      console.log(`${kind} of ${manifest.name} (${opened.kind === 'imported' ? 'imported from ONNX' : opened.manifest.recipe}) → ${options.out}`);
    });
}
