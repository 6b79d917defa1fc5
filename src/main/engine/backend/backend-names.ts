// The compute backends a user can ask for by name, checked without loading any of them: the CLI
// refuses an unknown one before a server or a model load starts.
import { UserError } from '../errors';

/** What a user types: `--backend gpu|node|wasm|cpu`, or the environment variable below. */
export const BACKEND_NAMES = ['gpu', 'node', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** Forces a backend for every command and the app's engine, like `--backend`. */
export const BACKEND_ENV = 'LATENT_EXPLORER_BACKEND';

/**
 * The backend asked for: `requested` (a `--backend` value), else the environment variable; undefined
 * when neither names one. Throws a one-line UserError for an unknown name, saying where it came from.
 */
export function wantedBackend(requested?: string): BackendName | undefined {
  const fromEnvironment = requested === undefined;
  const wanted = requested ?? process.env[BACKEND_ENV];
  if (wanted === undefined || wanted === '') return undefined;
  if (!(BACKEND_NAMES as readonly string[]).includes(wanted)) {
    const source = fromEnvironment ? `${BACKEND_ENV}=${wanted}` : `backend "${wanted}"`;
    throw new UserError(`unknown ${source}: use one of ${BACKEND_NAMES.join(', ')}`);
  }
  return wanted as BackendName;
}
