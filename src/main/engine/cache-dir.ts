import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The engine's cache folder, for what is slow to make and cheap to keep: the parsed Fashion-MNIST
 * split, the measured backend choices, the TensorFlow wheels of scripts/setup-native-backend.js.
 * `LATENT_EXPLORER_CACHE` overrides; else `$XDG_CACHE_HOME/latent-explorer`, else `~/.cache/latent-explorer`.
 */
export function defaultCacheDir(): string {
  if (process.env.LATENT_EXPLORER_CACHE) return process.env.LATENT_EXPLORER_CACHE;
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'latent-explorer');
}
