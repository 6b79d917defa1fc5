// Web mode serves the built renderer; a fresh clone has none, and a developer's may be older than
// the sources. This builds it (renderer only, with the project's electron-vite config) when needed.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { APP_ROOT, builtRendererDir } from './app-paths';
import { UserError } from './errors';

const SOURCES = ['src/renderer', 'src/shared', 'electron.vite.config.ts'];

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** True when out/renderer exists and is newer than every renderer and shared source. */
export function rendererIsFresh(): boolean {
  const index = join(builtRendererDir(), 'index.html');
  if (!existsSync(index)) return false;
  const sources = SOURCES.map((s) => join(APP_ROOT, s)).filter((s) => existsSync(s));
  // Without sources (an installed package) the shipped build is all there is.
  return sources.length === 0 || statSync(index).mtimeMs >= Math.max(...sources.map(newestMtime));
}

/** Builds out/renderer unless it is fresh. Returns whether it built. */
export async function ensureRendererBuilt(log: (line: string) => void = (line) => console.error(line)): Promise<boolean> {
  if (rendererIsFresh()) return false;
  let tools: [typeof import('electron-vite'), typeof import('vite')];
  try {
    tools = await Promise.all([import('electron-vite'), import('vite')]);
  } catch {
    throw new UserError('the renderer is not built and the build tools are missing: run `npm install` (with dev dependencies), then try again', 'unavailable');
  }
  const [{ resolveConfig }, { build }] = tools;
  log('latent-explorer: building the renderer (first run, or its sources changed)…');
  process.env.NODE_ENV_ELECTRON_VITE = 'production';
  const resolved = await resolveConfig({ root: APP_ROOT, logLevel: 'warn' }, 'build', 'production');
  const renderer = resolved.config?.renderer;
  if (!renderer) throw new Error('electron.vite.config.ts has no renderer section');
  await build(renderer);
  return true;
}
