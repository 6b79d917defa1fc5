// `npm start`: the Electron app when its binary is installed and there is a display to show it on;
// otherwise, or when Electron stops before its window opens (run as root, a system that refuses its
// sandbox, a binary that cannot start), web mode (`latent-explorer serve`), with the reason and
// what to do. Electron's own output is kept in a launch log for bug reports. Either way it builds
// first if the build is missing or older than the sources. Extra arguments go to the app or to serve.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
/** What Electron printed at its last launch: the file to attach to a bug report. */
const launchLog = join(tmpdir(), 'latent-explorer', 'launch.log');
/** Printed by the app's main process once its window is on screen (src/main/index.ts). */
const WINDOW_READY = 'latent-explorer: window ready';

/**
 * The Electron binary's path, or why there is none, found as electron's own index.js finds it
 * (path.txt, or ELECTRON_OVERRIDE_DIST_PATH) rather than by require('electron'), which would try
 * (and, offline, slowly fail) to download it.
 */
function findElectron() {
  let dir;
  try {
    dir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return { missing: 'the electron package is not installed (run npm install with dev dependencies)' };
  }
  const pathFile = join(dir, 'path.txt');
  const binary = existsSync(pathFile) ? readFileSync(pathFile, 'utf8') : null;
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (!binary && !override) return { missing: 'the Electron binary is not installed (its download failed or was skipped during npm install)' };
  const path = override ? join(override, binary ?? 'electron') : join(dir, 'dist', binary);
  return existsSync(path) ? { path } : { missing: `the Electron binary is not installed (expected at ${path})` };
}

function noDisplay() {
  return process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
}

/** Why Electron stopped before its window opened, and what to do, from what it printed. */
function whyElectronStopped(output, code, signal) {
  if (/running as root without --no-sandbox/i.test(output)) {
    return 'Electron does not run as root with its sandbox on: run `npm start` as your own user for the desktop app';
  }
  if (/SUID sandbox helper|setuid sandbox|No usable sandbox|user namespaces?/i.test(output)) {
    return 'this system did not let Electron start its sandbox (unprivileged user namespaces are restricted): see "The desktop app on Linux" in the README';
  }
  if (/cannot open display|Missing X server|Failed to connect to (the )?(X|Wayland)/i.test(output)) {
    return 'Electron could not open a window on this display';
  }
  return `Electron stopped before its window opened (${signal ? `signal ${signal}` : `exit code ${code}`})`;
}

function serveWebMode(why) {
  console.log(`Latent Explorer: ${why}, so it starts in web mode instead; open the URL printed below in a browser.`);
  const child = spawn(process.execPath, [fileURLToPath(new URL('../bin/latent-explorer.js', import.meta.url)), 'serve', ...args], { cwd: root, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

/**
 * Runs the app, its output shown and copied to the launch log. If it stops before its window
 * opened, web mode takes over; once the window was up, its exit is ours.
 */
function runElectron(binary) {
  mkdirSync(dirname(launchLog), { recursive: true });
  const log = createWriteStream(launchLog);
  log.write(`${new Date().toISOString()} ${binary} ${[root, ...args].join(' ')}\n`);
  let output = '';
  let windowReady = false;
  const child = spawn(binary, [root, ...args], { cwd: root, stdio: ['inherit', 'pipe', 'pipe'] });
  const relay = (target) => (chunk) => {
    target.write(chunk);
    log.write(chunk);
    output = (output + chunk).slice(-20_000);
    windowReady ||= output.includes(WINDOW_READY);
  };
  child.stdout.on('data', relay(process.stdout));
  child.stderr.on('data', relay(process.stderr));
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  const fallBack = (why) => {
    log.end(`\n${why}\n`);
    serveWebMode(`${why} (Electron's output: ${launchLog})`);
  };
  child.on('error', (error) => fallBack(`Electron could not be started (${error.message})`));
  child.on('exit', (code, signal) => {
    if (!windowReady && (code !== 0 || signal)) return fallBack(whyElectronStopped(output, code, signal));
    log.end();
    process.exit(code ?? (signal ? 1 : 0));
  });
}

const electron = findElectron();
const why = electron.missing ?? (noDisplay() ? 'there is no display to open a window on (DISPLAY and WAYLAND_DISPLAY are unset)' : null);
if (why) {
  serveWebMode(why);
} else {
  register();
  const { ensureAppBuilt } = await import('../src/main/host/app-build.ts');
  await ensureAppBuilt();
  runElectron(electron.path);
}
