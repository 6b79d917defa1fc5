// Command-line flags for the training settings: one flag per setting, parsed strictly and checked
// against the same schema the app's requests are checked with.
import { type Command, InvalidArgumentError, Option } from 'commander';
import { TrainSettingsSchema } from '../../shared/contract';
import { MASK_KINDS, SETTING_SPECS, type TrainSettings } from '../../shared/recipes';
import { BACKEND_NAMES } from '../engine/backend/backend-names';
import { UserError } from '../engine/errors';

/** camelCase setting → --kebab-case flag. */
export function flagOf(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

function strictNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`expected a number, got "${value}".`);
  return n;
}

/** A parser for counts such as --steps: a whole number no smaller than `min`. */
export function wholeNumberFrom(min: number): (value: string) => number {
  return (value) => {
    const n = strictNumber(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected a whole number from ${min} up, got "${value}".`);
    return n;
  };
}

/** `--backend`: one of the backend names, else commander's usage error (exit 2) before any work. */
export function backendOption(): Option {
  return new Option('--backend <name>', 'compute backend (default: the fastest measured here)').choices([...BACKEND_NAMES]);
}

export function addSettingOptions(command: Command): Command {
  for (const spec of Object.values(SETTING_SPECS)) {
    command.addOption(new Option(`${flagOf(spec.key)} <${spec.integer ? 'n' : 'x'}>`, spec.label).argParser(strictNumber));
  }
  return command.addOption(new Option('--mask-kind <kind>', 'MAE mask kind').choices([...MASK_KINDS]));
}

/** The settings the user gave, validated; an out-of-range value is a UserError naming the flag. */
export function settingsFromOptions(options: Record<string, unknown>): Partial<TrainSettings> {
  const given = Object.fromEntries(Object.keys(TrainSettingsSchema.shape).filter((k) => options[k] !== undefined).map((k) => [k, options[k]]));
  const parsed = TrainSettingsSchema.partial().safeParse(given);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UserError(`${flagOf(String(issue.path[0]))}: ${issue.message} (got ${String(given[String(issue.path[0])])})`);
  }
  return parsed.data;
}
