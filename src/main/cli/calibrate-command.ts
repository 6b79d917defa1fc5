// `latent-explorer calibrate` (hidden, for the CLI's own use): the first-run calibration's figure
// for one recipe on one backend, in a process of its own. TensorFlow reads its threads per op once,
// as it loads, so `train` measures it here on one thread and on its default, before loading it.
import type { Command } from 'commander';
import { spawnSync } from 'node:child_process';
import { TrainSettingsSchema } from '../../shared/contract';
import type { RecipeInfo, TrainSettings } from '../../shared/recipes';
import { initBackend } from '../engine/backend/backend';
import { UserError } from '../engine/errors';
import { requireRecipe } from '../engine/models/build';
import { calibrationRate } from '../engine/training/calibrate';
import { backendOption } from './settings-options';

/**
 * This CLI again with `args`, in a process of its own whose TensorFlow has `threads` per op
 * (undefined: its default, one per core): TensorFlow reads the count once, as it loads, so one
 * process cannot time both. Its stdout; null, with the reason on stderr as one line, where that
 * process fails (e.g. TensorFlow does not load there).
 */
export function withTensorFlowThreads(args: string[], threads: 1 | undefined): string | null {
  const run = spawnSync(process.execPath, [process.argv[1]!, ...args], {
    encoding: 'utf8',
    // An empty count is TensorFlow's default, for TensorFlow and for us (native.ts).
    env: { ...process.env, TF_NUM_INTRAOP_THREADS: threads === undefined ? '' : String(threads), LATENT_EXPLORER_BACKEND: '' },
    timeout: 600_000,
  });
  if (run.status === 0) return run.stdout;
  const how = threads === undefined ? 'on its default threads' : `on ${threads} thread per op`;
  console.error(`latent-explorer: TensorFlow ${how} was not measured: ${run.stderr.trim().split('\n').at(-1) ?? `exit ${run.status}`}`);
  return null;
}

/**
 * Training `recipe` with `settings` on TensorFlow with `threads` per op (undefined: its default),
 * measured as the calibration measures (samples/s) by this command in a process of its own; null
 * where that process fails.
 */
export function tensorFlowElsewhere(recipe: RecipeInfo, settings: TrainSettings, threads: 1 | undefined): number | null {
  const stdout = withTensorFlowThreads(['calibrate', '--recipe', recipe.name, '--settings', JSON.stringify(settings), '--backend', 'node'], threads);
  return stdout === null ? null : (JSON.parse(stdout) as { samplesPerSec: number }).samplesPerSec;
}

/** `json` as a complete set of training settings; a UserError where it is not one. */
function settingsFrom(json: string): TrainSettings {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    value = undefined;
  }
  const parsed = TrainSettingsSchema.safeParse(value);
  if (!parsed.success) throw new UserError('--settings: not a complete set of training settings in JSON (as `train --json` prints them)');
  return parsed.data as TrainSettings;
}

export function registerCalibrate(program: Command): void {
  program
    .command('calibrate', { hidden: true })
    .description("the first-run calibration's training figure for one recipe on one backend (used by train)")
    .requiredOption('--recipe <name>', 'recipe name')
    .requiredOption('--settings <json>', "the run's settings, every one (as `train --json` prints them)")
    .addOption(backendOption())
    .action(async (options: { recipe: string; settings: string; backend?: string }) => {
      const recipe = requireRecipe(options.recipe);
      const settings = settingsFrom(options.settings);
      await initBackend(options.backend);
      console.log(JSON.stringify({ samplesPerSec: calibrationRate(recipe, settings) }));
    });
}
