// `npm start`: the Electron app when its binary is installed and there is a display to show it on;
// otherwise web mode (`latent-explorer serve`), which needs neither. Either way it builds first
// if the build is missing or older than the sources. Extra arguments go to the app or to serve.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);

/**
 * The Electron binary's path, or why there is none. Read from electron's path.txt rather than by
 * require('electron'), which would try (and, offline, slowly fail) to download it.
 */
function findElectron() {
  let dir;
  try {
    dir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return { missing: 'the electron package is not installed (run npm install with dev dependencies)' };
  }
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return { missing: 'the Electron binary is not installed (its download failed or was skipped during npm install)' };
  const binary = readFileSync(pathFile, 'utf8');
  const path = process.env.ELECTRON_OVERRIDE_DIST_PATH ? join(process.env.ELECTRON_OVERRIDE_DIST_PATH, binary) : join(dir, 'dist', binary);
  return existsSync(path) ? { path } : { missing: `the Electron binary is not installed (expected at ${path})` };
}

function noDisplay() {
  return process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
}

/** Runs a command in the foreground and exits with its status. */
function runForeground(command, commandArgs) {
  const child = spawn(command, commandArgs, { cwd: root, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const electron = findElectron();
const why = electron.missing ?? (noDisplay() ? 'there is no display to open a window on (DISPLAY and WAYLAND_DISPLAY are unset)' : null);
if (why) {
  console.log(`Latent Explorer: ${why}, so it starts in web mode instead; open the URL printed below in a browser.`);
  runForeground(process.execPath, [fileURLToPath(new URL('../bin/latent-explorer.js', import.meta.url)), 'serve', ...args]);
} else {
  register();
  const { ensureAppBuilt } = await import('../src/main/host/app-build.ts');
  await ensureAppBuilt();
  runForeground(electron.path, [root, ...args]);
}
