// A reader that stops early (`latent-explorer recipes | head -1`) must end the command quietly:
// exit 0, no stack trace of a write to a closed pipe.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';

const CLI = join(import.meta.dirname, '..', '..', 'bin', 'latent-explorer.js');

test('the CLI ends quietly when its reader closes the pipe', { timeout: 60_000 }, async () => {
  const child = spawn(process.execPath, [CLI, 'recipes'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  // Close our end after the first line, as `head -1` does.
  child.stdout.once('data', () => child.stdout.destroy());
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  assert.equal(stderr, '', 'nothing on stderr');
  assert.equal(code, 0);
});
