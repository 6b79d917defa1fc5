import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { historyCsv } from '../engine/persistence/history-csv';
import { readManifest } from '../engine/persistence/model-folder';

export function registerHistory(program: Command): void {
  program
    .command('history')
    .description("export a saved model's per-epoch history as CSV")
    .argument('<dir>', 'model folder')
    .option('--out <file>', 'write to a file instead of standard output')
    .action((dir: string, options: { out?: string }) => {
      const csv = historyCsv(readManifest(resolve(dir)).history);
      if (options.out) writeFileSync(options.out, csv);
      else process.stdout.write(csv);
    });
}
