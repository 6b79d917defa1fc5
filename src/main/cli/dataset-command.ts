// `latent-explorer dataset <ref>`: loads a dataset as training would (an image folder decoded, or
// read from its cache) and says what it holds and how long loading took.
import type { Command } from 'commander';
import { shapeText } from '../engine/data/image-folder';
import { loadDatasetWithProgress } from './load-progress';

export function registerDataset(program: Command): void {
  program
    .command('dataset')
    .description('load a dataset (mnist, fashion-mnist, an IDX folder, an image folder, folder#H or #HxW) and describe it')
    .argument('<ref>', 'the dataset, as --dataset takes it')
    .option('--json', 'print one JSON object')
    .action(async (ref: string, options: { json?: boolean }) => {
      const started = performance.now();
      const dataset = await loadDatasetWithProgress(ref, options.json);
      const seconds = (performance.now() - started) / 1000;
      const counts = dataset.classes.map(() => 0);
      for (const set of [dataset.train, dataset.test]) for (const label of set.labels) counts[label]! += 1;
      const summary = {
        name: dataset.name,
        title: dataset.title,
        shape: dataset.shape,
        train: dataset.train.count,
        test: dataset.test.count,
        classes: Object.fromEntries(dataset.classes.map((name, c) => [name, counts[c]])),
        bytes: dataset.train.pixels.length + dataset.test.pixels.length,
        description: dataset.description ?? null,
        source: dataset.source,
        loadSeconds: Number(seconds.toFixed(3)),
        /** The process's peak resident memory: the one copy of the images, and what reading them took. */
        peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
      };
      if (options.json) return console.log(JSON.stringify(summary));
      console.log(`${dataset.title}: ${summary.train.toLocaleString('en-US')} train + ${summary.test.toLocaleString('en-US')} test images of ${shapeText(dataset.shape)}, ${dataset.classes.length} classes, loaded in ${seconds.toFixed(2)} s`);
      if (dataset.description) console.log(dataset.description);
      console.log(`from ${dataset.source}`);
    });
}
