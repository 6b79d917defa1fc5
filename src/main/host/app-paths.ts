// Where things are when nobody says otherwise: the user's data folder by each OS's convention
// (the Electron app passes app.getPath('userData') instead), and this checkout's own folders.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Overrides the whole data folder (models go in its `models` subfolder). */
export const HOME_ENV = 'LATENT_EXPLORER_HOME';

export function userDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env[HOME_ENV]) return env[HOME_ENV];
  if (platform === 'win32') return join(env.APPDATA || join(homedir(), 'AppData', 'Roaming'), 'latent-explorer');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'latent-explorer');
  return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'latent-explorer');
}

export function defaultModelsDir(): string {
  return join(userDataDir(), 'models');
}

/** The checkout (or installed package) root, found from this file's place in src/main/host. */
export const APP_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Read-only pretrained models. */
export function bundledModelsDir(): string {
  return join(APP_ROOT, 'resources', 'models');
}

/** The renderer as `electron-vite build` writes it; web mode serves it. */
export function builtRendererDir(): string {
  return join(APP_ROOT, 'out', 'renderer');
}
