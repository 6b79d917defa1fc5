// `latent-explorer encode DIR --out FILE.csv`: the latent means of a dataset's images, one row per
// image with its label, for any model in the library (trained here or imported).
import { InvalidArgumentError, type Command } from 'commander';
import { csvFormat } from 'd3-dsv';
import { resolve } from 'node:path';
import { initBackend } from '../engine/backend/backend';
import { loadDataset, requireShape } from '../engine/data/datasets';
import { encodeSet } from '../engine/explore/explore';
import { closeModel, openModelFolder } from '../engine/persistence/library-model';
import { writeFileAtomic } from '../engine/persistence/model-folder';
import { backendOption, wholeNumberFrom } from './settings-options';

interface EncodeOptions {
  out: string;
  dataset?: string;
  split: 'train' | 'test';
  limit: number;
  backend?: string;
}

function splitOf(value: string): 'train' | 'test' {
  if (value !== 'train' && value !== 'test') throw new InvalidArgumentError('expected train or test.');
  return value;
}

export function registerEncode(program: Command): void {
  program
    .command('encode')
    .description("write the latent means (μ for a VAE) of a dataset's images as CSV: index, label, class, [each factor's level (sprites)], z1…zD")
    .argument('<dir>', 'model folder (trained here or imported)')
    .requiredOption('--out <file.csv>', 'CSV file to write')
    .option('--dataset <name|dir>', "images to encode (default: the model's own dataset)")
    .option('--split <split>', 'train or test', splitOf, 'test')
    .option('--limit <n>', 'the first N images', wholeNumberFrom(1), 10_000)
    .addOption(backendOption())
    .action(async (dir: string, options: EncodeOptions) => {
      await initBackend(options.backend);
      const opened = await openModelFolder(resolve(dir));
      try {
        const dataset = await loadDataset(options.dataset ?? opened.manifest.dataset.ref);
        requireShape(dataset, opened.latent.image, `model ${opened.manifest.name}`);
        const set = dataset[options.split];
        const { dims, points, labels } = await encodeSet(opened.latent, set, options.limit);
        // A dataset with known factors (sprites) adds each image's level of every factor, as an index.
        const factors = set.factors ? (dataset.factors ?? []) : [];
        const columns = ['index', 'label', 'class', ...factors.map((f) => f.name), ...Array.from({ length: dims }, (_, d) => `z${d + 1}`)];
        const rows = labels.map((label, i) => {
          const row: Record<string, string | number> = { index: i, label, class: dataset.classes[label] ?? String(label) };
          factors.forEach((f, k) => (row[f.name] = set.factors![i * factors.length + k]!));
          for (let d = 0; d < dims; d++) row[`z${d + 1}`] = points[i * dims + d]!;
          return row;
        });
        writeFileAtomic(resolve(options.out), csvFormat(rows, columns) + '\n');
        console.log(`${labels.length} ${options.split} images of ${dataset.title} → ${dims}-D latent means → ${resolve(options.out)}`);
      } finally {
        closeModel(opened);
      }
    });
}
