// Web mode serves the built renderer and `npm start` runs the built app; a fresh clone has neither,
// and a developer's may be older than the sources. These build them (with the project's
// electron-vite config) only when needed.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { UserConfig } from 'electron-vite';
import { APP_ROOT } from './app-paths';
import { UserError } from '../engine/errors';

const CONFIG = 'electron.vite.config.ts';
const RENDERER_SOURCES = ['src/renderer', 'src/shared', CONFIG];
const APP_SOURCES = ['src', CONFIG];
const APP_OUTPUTS = ['out/main/index.js', 'out/main/engine-process.js', 'out/preload/index.cjs', 'out/renderer/index.html'];

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** Every output exists and is newer than every source (no sources, as in an installed package: fresh). */
function isFresh(outputs: string[], sources: string[]): boolean {
  const outs = outputs.map((o) => join(APP_ROOT, o));
  if (!outs.every((o) => existsSync(o))) return false;
  const ins = sources.map((s) => join(APP_ROOT, s)).filter((s) => existsSync(s));
  if (ins.length === 0) return true;
  return Math.min(...outs.map((o) => statSync(o).mtimeMs)) >= Math.max(...ins.map(newestMtime));
}

export function rendererIsFresh(): boolean {
  return isFresh([join('out', 'renderer', 'index.html')], RENDERER_SOURCES);
}

export function appIsFresh(): boolean {
  return isFresh(APP_OUTPUTS, APP_SOURCES);
}

async function buildTargets(targets: Array<keyof UserConfig>, log: (line: string) => void): Promise<void> {
  let tools: [typeof import('electron-vite'), typeof import('vite')];
  try {
    tools = await Promise.all([import('electron-vite'), import('vite')]);
  } catch {
    throw new UserError('the app is not built and the build tools are missing: run `npm install` (with dev dependencies), then try again', 'unavailable');
  }
  const [{ resolveConfig }, { build }] = tools;
  log(`latent-explorer: building the ${targets.join(', ')} bundle${targets.length > 1 ? 's' : ''} (first run, or the sources changed)…`);
  process.env.NODE_ENV_ELECTRON_VITE = 'production';
  const { config } = await resolveConfig({ root: APP_ROOT, logLevel: 'warn' }, 'build', 'production');
  for (const target of targets) {
    const section = config?.[target];
    if (!section) throw new Error(`${CONFIG} has no ${target} section`);
    await build(section);
  }
}

const stderr = (line: string) => console.error(line);

/** Builds out/renderer unless it is fresh (web mode needs nothing else). Returns whether it built. */
export async function ensureRendererBuilt(log = stderr): Promise<boolean> {
  if (rendererIsFresh()) return false;
  await buildTargets(['renderer'], log);
  return true;
}

/** Builds main, preload and renderer unless all are fresh (the Electron app). Returns whether it built. */
export async function ensureAppBuilt(log = stderr): Promise<boolean> {
  if (appIsFresh()) return false;
  await buildTargets(['main', 'preload', 'renderer'], log);
  return true;
}
