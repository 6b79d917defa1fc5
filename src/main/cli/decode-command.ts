// `latent-explorer decode DIR --z "z1,z2,…" --out FILE.png`: the image a latent point decodes to,
// for any model in the library (trained here or imported); several points (";" between) in a row.
import { InvalidArgumentError, type Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { base64ToBytes } from '../../shared/image8';
import { initBackend } from '../engine/backend/backend';
import { UserError } from '../engine/errors';
import { decodePoints } from '../engine/explore/explore';
import { closeModel, openModelFolder } from '../engine/persistence/library-model';
import { tileGrid } from './png-grid';
import { backendOption } from './settings-options';

/** "0.5,-1; 2,0" → [[0.5, -1], [2, 0]]: every value a finite number. */
function latentPoints(value: string): number[][] {
  return value.split(';').map((point) =>
    point.split(',').map((text) => {
      const n = Number(text);
      if (text.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`expected comma-separated numbers (points separated by ";"), got "${text.trim()}".`);
      return n;
    })
  );
}

export function registerDecode(program: Command): void {
  program
    .command('decode')
    .description('decode latent points to images: one PNG (points side by side), or JSON with --json')
    .argument('<dir>', 'model folder (trained here or imported)')
    .requiredOption('--z <values>', 'the latent point, "z1,z2,…" (several: separated by ";")', latentPoints)
    .option('--out <file.png>', 'PNG file to write')
    .option('--json', 'print { z, images } with each image as its pixel values in [0, 255], row-major, channels last (784 for 28×28 gray)')
    .addOption(backendOption())
    .action(async (dir: string, options: { z: number[][]; out?: string; json?: boolean; backend?: string }) => {
      if (!options.out && !options.json) throw new UserError('decode needs --out FILE.png, --json, or both');
      await initBackend(options.backend);
      const opened = await openModelFolder(resolve(dir));
      try {
        const images = await decodePoints(opened.latent, options.z);
        if (options.out) writeFileSync(resolve(options.out), tileGrid(images, images.length, opened.latent.image));
        if (options.json) console.log(JSON.stringify({ z: options.z, images: images.map((image) => Array.from(base64ToBytes(image))) }));
        else console.log(`${images.length} point${images.length === 1 ? '' : 's'} of ${opened.manifest.name} → ${resolve(options.out!)}`);
      } finally {
        closeModel(opened);
      }
    });
}
