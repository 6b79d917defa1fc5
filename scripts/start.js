// `npm start`: the Electron app when its binary is installed and there is a display to show it on;
// otherwise web mode (`latent-explorer serve`), which needs neither. Either way it builds first
// if the build is missing or older than the sources. Extra arguments go to the app or to serve.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);

/** The Electron binary's path, or why there is none. */
function findElectron() {
  try {
    const path = createRequire(import.meta.url)('electron'); // throws when its download never happened
    if (typeof path === 'string' && existsSync(path)) return { path };
    return { missing: `the Electron binary is not installed (expected at ${path})` };
  } catch {
    return { missing: 'the Electron binary is not installed (its download failed or was skipped during npm install)' };
  }
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
  const { ensureAppBuilt } = await import('../src/main/engine/app-build.ts');
  await ensureAppBuilt();
  runForeground(electron.path, [root, ...args]);
}
