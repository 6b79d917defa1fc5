// The `latent-explorer` command: one subcommand per file, errors a user can fix printed as one line.
import { Command, CommanderError } from 'commander';
import { UserError } from '../engine/errors';
import { APP_VERSION } from '../engine/version';
import { registerBench } from './bench-command';
import { registerDataset } from './dataset-command';
import { registerDecode } from './decode-command';
import { registerEncode } from './encode-command';
import { registerEval } from './eval-command';
import { registerExport } from './export-command';
import { registerFigure } from './figure-command';
import { registerHistory } from './history-command';
import { registerImport } from './import-command';
import { registerRecipes } from './recipes-command';
import { registerServe } from './serve-command';
import { registerTrain } from './train-command';

// A reader that stops early (`latent-explorer recipes | head`) ends the output, not the program with a stack.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(0);
});

const program = new Command('latent-explorer')
  .description('Train, evaluate and explore autoencoders on MNIST, Fashion-MNIST and your own images')
  .version(APP_VERSION)
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(text.replace(/^error: /, 'latent-explorer: error: ')) });
registerRecipes(program);
registerTrain(program);
registerDataset(program);
registerEval(program);
registerHistory(program);
registerServe(program);
registerBench(program);
registerFigure(program);
registerImport(program);
registerExport(program);
registerEncode(program);
registerDecode(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // Help and --version end with 0; every usage error, like every other fault of the input, with 2.
  if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : 2);
  if (error instanceof UserError) {
    console.error(`latent-explorer: error: ${error.message}`);
    process.exit(2);
  }
  // Not the user's doing: print it whole for a bug report (and keep the wasm runtime's
  // uncaught-exception handler from dumping its own source).
  console.error(`latent-explorer: internal error: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
}
