// `latent-explorer import --encoder ENC.onnx --decoder DEC.onnx`: a PyTorch-trained autoencoder,
// exported to ONNX, into the model library beside the models trained here.
import { InvalidArgumentError, type Command } from 'commander';
import { basename, resolve } from 'node:path';
import { ModelName } from '../../shared/contract';
import type { ImageShape } from '../../shared/network';
import { loadDataset } from '../engine/data/datasets';
import { UserError } from '../engine/errors';
import { importOnnxModel, readGraphFile } from '../engine/imported/import-onnx';
import type { ImportedManifest } from '../engine/imported/imported-manifest';
import { defaultModelsDir } from '../host/app-paths';
import { ModelLibrary } from '../host/model-library';

interface ImportOptions {
  encoder: string;
  decoder: string;
  dataset: string;
  name?: string;
  range: ImportedManifest['range'];
  outputs?: [string, string];
  image?: ImageShape;
  models: string;
  json?: boolean;
}

function rangeOf(value: string): ImportedManifest['range'] {
  if (value === '0,1') return 'unit';
  if (value === '-1,1') return 'symmetric';
  throw new InvalidArgumentError('expected 0,1 (images in [0, 1]) or -1,1 (normalised with mean 0.5, std 0.5).');
}

function outputNames(value: string): [string, string] {
  const names = value.split(',').map((s) => s.trim());
  if (names.length !== 2 || names.some((n) => !n)) throw new InvalidArgumentError('expected the two output names, μ first: MU,LOGVAR.');
  return names as [string, string];
}

/** "32x32x3" (or "32x32" for gray) → the image shape. */
function imageShapeOf(value: string): ImageShape {
  const match = /^(\d{1,4})[x×](\d{1,4})(?:[x×]([13]))?$/.exec(value.trim());
  if (!match || Number(match[1]) < 1 || Number(match[2]) < 1) throw new InvalidArgumentError('expected HEIGHTxWIDTHxCHANNELS with 1 (gray) or 3 (RGB) channels, e.g. 32x32x3 (or 28x28 for gray).');
  return { height: Number(match[1]), width: Number(match[2]), channels: Number(match[3] ?? 1) };
}

/** "vae.encoder.onnx" → "vae": the name the model gets when none is given. */
function nameFromFile(path: string): string {
  return basename(path).replace(/\.onnx$/i, '').replace(/[._-]?encoder$/i, '') || 'imported';
}

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('import an autoencoder trained elsewhere (PyTorch), exported as an ONNX encoder and decoder, into the model library')
    .requiredOption('--encoder <file.onnx>', 'the encoder: images [batch, channels, height, width] (or flat, [batch, pixels]) → code (AE) or μ and log σ² (VAE)')
    .requiredOption('--decoder <file.onnx>', 'the decoder: latent points [batch, latent] → images')
    .option('--dataset <name|dir>', 'the images it was trained on: mnist, fashion-mnist, sprites, a folder of IDX files or of images', 'mnist')
    .option('--image <HxWxC>', "the images' shape where the graphs leave it symbolic (default: the dataset's)", imageShapeOf)
    .option('--name <name>', 'its name in the library (default: from the encoder file name)')
    .option('--range <0,1|-1,1>', 'the range of the images the graphs take and give', rangeOf, 'unit')
    .option('--outputs <mu,logvar>', "a VAE encoder's two outputs by name, μ first (when their names do not say)", outputNames)
    .option('--models <dir>', 'folder of your models', defaultModelsDir())
    .option('--json', 'print the manifest written as one JSON object')
    .action(async (options: ImportOptions) => {
      const name = options.name ?? nameFromFile(options.encoder);
      const valid = ModelName.safeParse(name);
      if (!valid.success) throw new UserError(`--name "${name}" ${valid.error.issues[0]!.message}: choose another with --name`);
      const library = new ModelLibrary(resolve(options.models), resolve(options.models));
      const dir = library.newModelDir(name);
      const manifest = await importOnnxModel(
        { encoder: readGraphFile(options.encoder), decoder: readGraphFile(options.decoder), dataset: () => loadDataset(options.dataset), datasetRef: options.dataset, name, range: options.range, outputs: options.outputs, image: options.image },
        dir
      );
      if (options.json) {
        console.log(JSON.stringify({ dir, ...manifest }));
        return;
      }
      const posterior = manifest.family === 'vae' ? `μ "${manifest.encoder.mu}", log σ² "${manifest.encoder.logvar}"` : `code "${manifest.encoder.mu}"`;
      console.log(
        `imported ${name} (${manifest.family.toUpperCase()}, ${manifest.latent}-D latent, ${posterior}; images [${manifest.encoder.inputShape.join(', ')}] in ${options.range === 'unit' ? '[0, 1]' : '[-1, 1]'}, ${manifest.dataset.title}) → ${dir}`
      );
    });
}
