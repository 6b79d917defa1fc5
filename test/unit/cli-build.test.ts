import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CLI_OUT, freshCliBuild } from '../../scripts/build-cli.js';

test('a CLI build is used only while every source file in it is unchanged', () => {
  const dir = mkdtempSync(join(tmpdir(), 'le-cli-build-'));
  try {
    const source = join(dir, 'source.ts');
    writeFileSync(source, 'export {};\n');
    utimesSync(source, 1_000_000, 1_000_000);
    const out = join(dir, 'out');
    mkdirSync(join(out, 'b1'), { recursive: true });
    writeFileSync(join(out, 'b1', 'main.js'), '');
    writeFileSync(join(out, 'current.json'), JSON.stringify({ id: 'b1', inputs: { [source]: 1_000_000_000 } }));
    assert.equal(freshCliBuild(out), join(out, 'b1', 'main.js'));

    utimesSync(source, 1_000_001, 1_000_001); // edited since the build
    assert.equal(freshCliBuild(out), null);
    utimesSync(source, 1_000_000, 1_000_000);
    rmSync(join(out, 'b1', 'main.js')); // the build's folder removed
    assert.equal(freshCliBuild(out), null);
    writeFileSync(join(out, 'b1', 'main.js'), '');
    rmSync(source); // a source gone (or the clone moved)
    assert.equal(freshCliBuild(out), null);
    assert.equal(freshCliBuild(join(dir, 'nothing-built')), null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the latent-explorer command runs from the current build of its sources', () => {
  const run = spawnSync(process.execPath, ['bin/latent-explorer.js', 'recipes'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /^ae-mlp-8\s/m);
  // The run made (or found) a build whose sources are the CLI's own.
  const current = JSON.parse(readFileSync(join(CLI_OUT, 'current.json'), 'utf8')) as { inputs: Record<string, number> };
  assert.ok(Object.keys(current.inputs).some((file) => file.endsWith(join('src', 'main', 'cli', 'main.ts'))));
  assert.ok(freshCliBuild(), 'the build is current after a run');
});
