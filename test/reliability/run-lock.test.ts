// One model folder, one training run, across processes: a second `train --out` of a folder that a
// run is writing is refused (whether that run is another command or the app's engine), the app
// will not rename or delete it, and a run killed hard leaves a lock that is told apart from a live
// one: its model is listed as interrupted, not training, and the folder can be used again.
// Runs are held still with SIGSTOP while the second one is tried, so nothing depends on timing.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { before, test } from 'node:test';
import { readManifest } from '../../src/main/engine/persistence/model-folder';
import { RUN_LOCK_FILE } from '../../src/main/engine/persistence/run-lock';
import { RpcError } from '../../src/shared/rpc';
import { nextEvent, smallDataset, useInProcessEngine } from './fixtures';

const BIN = resolve(import.meta.dirname, '..', '..', 'bin', 'latent-explorer.js');
const engine = useInProcessEngine('run-lock');
const { modelsDir } = engine;
let data: string;

before(() => {
  data = smallDataset(join(engine.home, 'data'));
});

interface Run {
  child: ChildProcessWithoutNullStreams;
  /** The next JSON line of the given type on the run's stdout. */
  next(type: string): Promise<Record<string, unknown>>;
  exit: Promise<number | null>;
}

/** `latent-explorer train --json` in the background. */
function startTrain(out: string, ...args: string[]): Run {
  const child = spawn(process.execPath, [BIN, 'train', '--recipe', 'ae-mlp-8', '--dataset', data, '--out', out, '--json', '--batch', '64', ...args]);
  const queue: Record<string, unknown>[] = [];
  const waiting: Array<() => void> = [];
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  createInterface({ input: child.stdout }).on('line', (line) => {
    queue.push(JSON.parse(line) as Record<string, unknown>);
    waiting.splice(0).forEach((wake) => wake());
  });
  const exit = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  const next = async (type: string): Promise<Record<string, unknown>> => {
    for (;;) {
      const at = queue.findIndex((line) => line.type === type);
      if (at >= 0) return queue.splice(0, at + 1).at(-1)!;
      if (child.exitCode !== null) throw new Error(`train exited (${child.exitCode}) before a "${type}" line: ${stderr}`);
      await Promise.race([new Promise<void>((wake) => waiting.push(wake)), exit]);
    }
  };
  return { child, next, exit };
}

/** A second run of the same folder, to the end: its exit code and its one-line error. */
function trainAgain(out: string): { code: number | null; stderr: string } {
  const run = spawnSync(process.execPath, [BIN, 'train', '--recipe', 'ae-mlp-8', '--dataset', data, '--out', out, '--force', '--epochs', '1', '--seed', '2'], { encoding: 'utf8', timeout: 120_000 });
  return { code: run.status, stderr: run.stderr.trim() };
}

const status = async (id: string) => (await engine.client.call('models.list', {})).find((m) => m.id === id)?.status;

test('a second `train` of a folder in use is refused; the first run finishes and keeps its model; --limit beyond the data is reported as used', async (t) => {
  const out = join(engine.home, 'shared out');
  const first = startTrain(out, '--epochs', '2', '--seed', '1', '--limit', '5000');
  const start = await first.next('start');
  assert.equal(start.trainImages, 256, 'the images actually used');
  assert.equal(start.note, '--limit 5000 is more than the 256 training images in the data: all 256 are used');
  first.child.kill('SIGSTOP'); // inside its first epoch (or loading): either way it holds the folder
  try {
    const second = trainAgain(out);
    assert.notEqual(second.code, 0);
    assert.match(second.stderr, new RegExp(`is in use by another training run \\(process ${first.child.pid}, started .*\\): wait for it to finish or choose another folder$`));
    assert.equal(second.stderr.split('\n').length, 1, second.stderr);
  } finally {
    first.child.kill('SIGCONT');
  }
  assert.equal(await first.exit, 0);
  const manifest = readManifest(out);
  assert.equal(manifest.settings.seed, 1, "the folder holds the first run's model");
  assert.equal(manifest.history.length, 2);
  assert.equal(manifest.status, 'done');
  assert.ok(!existsSync(join(out, RUN_LOCK_FILE)), 'the lock is released');
  t.diagnostic(`second run refused while the first (pid ${first.child.pid}) was writing ${out}`);
});

test('the app refuses to rename or delete a folder a command is training; killed hard, the model is interrupted, not training', async () => {
  const name = 'cli model';
  const id = `user/${name}`;
  const out = join(modelsDir, name);
  const run = startTrain(out, '--epochs', '1000');
  await run.next('epoch'); // one epoch saved, status 'training'
  run.child.kill('SIGSTOP');
  try {
    assert.equal(readManifest(out).status, 'training');
    assert.equal(await status(id), 'training', 'a live run is training');
    for (const call of [() => engine.client.call('models.rename', { id, name: 'renamed' }), () => engine.client.call('models.delete', { id })]) {
      await assert.rejects(call(), (e: unknown) => e instanceof RpcError && e.code === 'conflict' && /is in use by another training run/.test(e.message));
    }
  } finally {
    run.child.kill('SIGKILL');
  }
  await run.exit;
  assert.ok(existsSync(join(out, RUN_LOCK_FILE)), 'a killed run cannot remove its lock');
  assert.equal(readManifest(out).status, 'training', 'nor update its manifest');
  assert.equal(await status(id), 'interrupted', 'the library tells the stale run from a live one');
  const evaluated = spawnSync(process.execPath, [BIN, 'eval', out, '--json'], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(evaluated.status, 0, evaluated.stderr);
  assert.equal(JSON.parse(evaluated.stdout).status, 'interrupted');
  // The stale lock is no obstacle: the folder is renamed, and trained into again.
  await engine.client.call('models.rename', { id, name: 'after the crash' });
  const again = trainAgain(join(modelsDir, 'after the crash'));
  assert.equal(again.code, 0, again.stderr);
  assert.equal(await status('user/after the crash'), 'done');
  assert.deepEqual(readdirSync(join(modelsDir, 'after the crash')).filter((f) => f === RUN_LOCK_FILE), []);
});

test('a command cannot train into the folder of a run the app is training', async () => {
  const name = 'app run';
  const end = nextEvent(engine.client, 'train.end', 120_000);
  const { runId } = await engine.client.call('train.start', { name, recipe: 'ae-mlp-8', dataset: data, settings: { epochs: 1000, batch: 64 } });
  await engine.client.call('train.pause', { runId });
  try {
    const second = trainAgain(join(modelsDir, name));
    assert.notEqual(second.code, 0);
    assert.match(second.stderr, new RegExp(`is in use by another training run \\(process ${process.pid}, `));
  } finally {
    await engine.client.call('train.cancel', { runId });
  }
  assert.equal((await end).status, 'cancelled');
});
