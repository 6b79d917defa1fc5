// `npm start` (scripts/start.js) always ends with something a user can use: the desktop app, or web
// mode with the reason and what to do when Electron is missing, cannot be started, or stops before
// its window opens (as when run as root). Stand-in Electron binaries play the failures.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

const ROOT = join(import.meta.dirname, '..', '..');
const home = mkdtempSync(join(tmpdir(), 'le-start-'));
after(() => rmSync(home, { recursive: true, force: true }));

/** Runs `npm start`'s script until web mode prints its URL (then stops it); returns everything it printed. */
function startUntilWebMode(electronDir: string, name: string): Promise<string> {
  const temp = join(home, name);
  mkdirSync(temp);
  const child = spawn(process.execPath, [join(ROOT, 'scripts', 'start.js'), '--port', '0', '--models', join(temp, 'models')], {
    cwd: ROOT,
    env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: electronDir, DISPLAY: ':0', TMPDIR: temp },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let served = false;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`web mode did not start within 120 s; output:\n${output}`));
    }, 120_000);
    const read = (chunk: Buffer) => {
      output += chunk;
      if (!served && /http:\/\/127\.0\.0\.1:\d+\//.test(output)) {
        served = true;
        clearTimeout(timer);
        child.kill('SIGTERM');
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (served) resolve(output);
      else reject(new Error(`npm start exited (${code}) before web mode started; output:\n${output}`));
    });
  });
}

function fakeElectron(name: string, script: string, mode = 0o755): string {
  const dir = join(home, `${name}-electron`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'electron'), script);
  chmodSync(join(dir, 'electron'), mode);
  return dir;
}

test('without the Electron binary, npm start serves web mode and says why', { timeout: 180_000 }, async () => {
  const output = await startUntilWebMode(join(home, 'no-electron-here'), 'missing');
  assert.match(output, /the Electron binary is not installed.*starts in web mode instead/);
});

test('Electron that stops before its window opens (run as root): the reason, the launch log, then web mode', { timeout: 180_000 }, async () => {
  const message = '[1:1130/120000.000000:FATAL:electron_main_delegate.cc(294)] Running as root without --no-sandbox is not supported. See https://crbug.com/638180.';
  const dir = fakeElectron('root', `#!/bin/sh\necho '${message}' >&2\nexit 133\n`);
  const output = await startUntilWebMode(dir, 'root');
  assert.match(output, /run `npm start` as your own user/);
  const log = join(home, 'root', 'latent-explorer', 'launch.log');
  assert.match(output, new RegExp(`Electron's output: ${log.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
  assert.match(readFileSync(log, 'utf8'), /Running as root without --no-sandbox/);
  assert.match(output, /web mode/);
});

test('a sandbox the system refuses is named as such', { timeout: 180_000 }, async () => {
  const message = 'The SUID sandbox helper binary was found, but is not configured correctly. Rather than run without sandboxing I\'m aborting now.';
  const dir = fakeElectron('sandbox', `#!/bin/sh\necho "${message}" >&2\nkill -TRAP $$\n`);
  const output = await startUntilWebMode(dir, 'sandbox');
  assert.match(output, /did not let Electron start its sandbox.*web mode instead/);
});

test('an Electron binary that cannot be started at all: web mode', { timeout: 180_000 }, async () => {
  const dir = fakeElectron('broken', 'not a program', 0o644);
  const output = await startUntilWebMode(dir, 'broken');
  assert.match(output, /Electron could not be started \(spawn .*EACCES\).*web mode instead/);
});
