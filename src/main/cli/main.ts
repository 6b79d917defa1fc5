// The `latent-explorer` command: one subcommand per file, errors a user can fix printed as one line.
import { Command, CommanderError } from 'commander';
import { UserError } from '../engine/errors';
import { APP_VERSION } from '../engine/version';

type Register = (program: Command) => void;

/** Each subcommand's module, in the order help lists them; imported only when that command runs. */
const COMMANDS: Record<string, () => Promise<Register>> = {
  recipes: async () => (await import('./recipes-command')).registerRecipes,
  train: async () => (await import('./train-command')).registerTrain,
  dataset: async () => (await import('./dataset-command')).registerDataset,
  eval: async () => (await import('./eval-command')).registerEval,
  history: async () => (await import('./history-command')).registerHistory,
  serve: async () => (await import('./serve-command')).registerServe,
  bench: async () => (await import('./bench-command')).registerBench,
  figure: async () => (await import('./figure-command')).registerFigure,
  import: async () => (await import('./import-command')).registerImport,
  export: async () => (await import('./export-command')).registerExport,
  encode: async () => (await import('./encode-command')).registerEncode,
  decode: async () => (await import('./decode-command')).registerDecode,
  calibrate: async () => (await import('./calibrate-command')).registerCalibrate,
};

/**
 * The subcommands to register for `args`: only the one named (the first word; the program takes no
 * option with a value), so a run loads the packages its command needs and no others (TensorFlow's
 * registrations, ONNX Runtime, sharp, the web server); all of them for help, a version or a typo.
 */
async function commandsFor(args: string[]): Promise<Register[]> {
  const name = args.find((arg) => !arg.startsWith('-'));
  const names = name !== undefined && Object.hasOwn(COMMANDS, name) ? [name] : Object.keys(COMMANDS);
  return Promise.all(names.map((n) => COMMANDS[n]!()));
}

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
for (const register of await commandsFor(process.argv.slice(2))) register(program);

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
