// Crash safety, for real: the engine runs in its own process (the web-mode supervisor's fork of
// engine-process.ts, as in the app), trains, and is killed with SIGKILL, either mid-epoch or inside
// a save (at a seeded position within the save window, timed from the folder's file events). Each
// time the supervisor must announce the exit and the engine restart on request.
// Then every model folder is loaded with loadModelFolder: each must load and hold at least the
// last epoch the engine reported before it died. Seeded, so the same kill schedule every run.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, watch } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import seedrandom from 'seedrandom';
import type { EventName, Events } from '../../src/shared/contract';
import { initBackend } from '../../src/main/engine/backend/backend';
import { createEngineSupervisor, type EngineSupervisor } from '../../src/main/host/engine-supervisor';
import { loadModelFolder } from '../../src/main/engine/persistence/model-folder';
import { scratch, smallDataset } from './fixtures';

/** Kills in all; a quarter of them mid-epoch, the rest inside saves. */
const KILLS = Number(process.env.RELIABILITY_KILLS ?? 24);
const home = scratch('crash');
const modelsDir = join(home.dir, 'models');
const rng = seedrandom('reliability-crash');
let supervisor: EngineSupervisor;
let listener: (<E extends EventName>(event: E, payload: Events[E]) => void) | null = null;

before(() => {
  supervisor = createEngineSupervisor({ modelsDir, bundledDir: join(home.dir, 'bundled') });
  supervisor.onEvent((event, payload) => listener?.(event, payload));
});

after(async () => {
  await supervisor.dispose();
  home.remove();
});

interface Trial {
  name: string;
  mode: 'mid-epoch' | 'in save';
  /** Highest epoch the engine reported saved (train.epoch) before it died. */
  reported: number;
  /** Files left in the folder right after the kill: evidence of where the kill landed. */
  leftovers: string[];
}

/**
 * Starts a run and SIGKILLs the engine at the moment `mode` asks for; resolves once the exit is
 * announced. A save is seen from outside, whatever its file names: the first change in the model
 * folder after an epoch's training opens it, the train.epoch event (sent after the save) closes it.
 */
async function killDuringRun(name: string, mode: Trial['mode'], dataset: string): Promise<Trial> {
  const trial: Trial = { name, mode, reported: 0, leftovers: [] };
  const pid = supervisor.pid!;
  // Drawn up front, so the schedule does not depend on timing: which save (1…4), and where in it.
  const targetSave = 1 + Math.floor(rng() * 4);
  const position = rng();
  let killed = false;
  const kill = () => {
    if (killed) return;
    killed = true;
    process.kill(pid, 'SIGKILL');
  };
  let saveOpenedAt = 0;
  let saveWindowMs = 10; // until one save has been timed
  const exited = new Promise<Events['engine.exited']>((resolve) => {
    listener = (event, payload) => {
      if (event === 'engine.exited') resolve(payload as Events['engine.exited']);
      if (killed) return;
      if (event === 'train.epoch') {
        trial.reported = Math.max(trial.reported, (payload as Events['train.epoch']).epoch);
        if (saveOpenedAt) saveWindowMs = performance.now() - saveOpenedAt;
        saveOpenedAt = 0;
      }
      const progress = payload as Events['train.progress'];
      if (mode === 'mid-epoch' && event === 'train.progress' && progress.epoch >= 2 && progress.batch < progress.batches) kill();
    };
  });
  const settings = mode === 'mid-epoch' ? { epochs: 1000, batch: 16 } : { epochs: 1000, batch: 64 };
  await supervisor.call('train.start', { name, recipe: 'ae-mlp-8', dataset, settings });
  const dir = join(modelsDir, name);
  let watcher: ReturnType<typeof watch> | null = null;
  if (mode === 'in save') {
    watcher = watch(dir, () => {
      if (saveOpenedAt || killed) return;
      saveOpenedAt = performance.now();
      if (trial.reported + 1 !== targetSave) return;
      // Somewhere inside this save, judged by how long the previous one took.
      const delay = position * saveWindowMs;
      if (delay < 1) kill();
      else setTimeout(kill, delay);
    });
  }
  const safety = setTimeout(kill, 30_000); // never hang the suite: a kill happens regardless
  const exit = await exited;
  clearTimeout(safety);
  watcher?.close();
  listener = null;
  assert.equal(exit.signal, 'SIGKILL', `${name}: the supervisor reports the kill`);
  assert.match(exit.message, /killed \(SIGKILL\); models saved so far are kept/);
  trial.leftovers = existsSync(dir) ? readdirSync(dir) : [];
  return trial;
}

test('SIGKILL mid-epoch and inside saves: every saved model loads with its last reported epoch', async (t) => {
  await initBackend(); // for loadModelFolder in this process
  const small = smallDataset(join(home.dir, 'small'), 128, 32);
  const larger = smallDataset(join(home.dir, 'larger'), 2048, 32);
  const trials: Trial[] = [];
  const started = performance.now();
  for (let i = 0; i < KILLS; i++) {
    const mode = i % 4 === 0 ? 'mid-epoch' : 'in save';
    trials.push(await killDuringRun(`run ${i}`, mode, mode === 'mid-epoch' ? larger : small));
    await supervisor.call('engine.restart', {});
    assert.equal((await supervisor.call('engine.info', {})).modelsDir, modelsDir, 'the restarted engine answers');
  }

  let lost = 0;
  let interruptedSaves = 0;
  const problems: string[] = [];
  for (const trial of trials) {
    const dir = join(modelsDir, trial.name);
    // A save cut short leaves a temporary file or a second weights file behind.
    if (trial.leftovers.some((f) => f.includes('.tmp-')) || trial.leftovers.filter((f) => f.startsWith('weights-')).length > 1) interruptedSaves++;
    if (!existsSync(join(dir, 'manifest.json'))) {
      // Only a run killed before its first save may have no manifest.
      if (trial.reported > 0) {
        lost++;
        problems.push(`${trial.name}: no manifest after ${trial.reported} reported epochs`);
      }
      continue;
    }
    try {
      const { model, manifest } = loadModelFolder(dir);
      model.params.dispose();
      if (manifest.history.length < trial.reported) {
        lost++;
        problems.push(`${trial.name}: ${manifest.history.length} epochs on disk, ${trial.reported} reported`);
      }
    } catch (error) {
      lost++;
      problems.push(`${trial.name} (${trial.mode}, leftovers ${trial.leftovers.join(' ')}): ${(error as Error).message}`);
    }
  }
  assert.deepEqual(problems, [], 'models lost');

  // The restarted engine lists every saved model, and opens them.
  const listed = (await supervisor.call('models.list', {})).map((m) => m.name);
  const saved = trials.filter((trial) => existsSync(join(modelsDir, trial.name, 'manifest.json'))).map((trial) => trial.name);
  assert.deepEqual([...listed].sort(), [...saved].sort());
  for (const name of saved) assert.equal((await supervisor.call('model.decode', { id: `user/${name}`, z: [new Array(8).fill(0)] })).images.length, 1);

  const midEpoch = trials.filter((trial) => trial.mode === 'mid-epoch');
  assert.ok(midEpoch.every((trial) => trial.reported >= 1), 'mid-epoch kills came after at least one saved epoch');
  assert.ok(interruptedSaves >= 3, `only ${interruptedSaves} kills landed inside a save: the test no longer exercises the save window`);
  t.diagnostic(
    `crash safety: ${trials.length} SIGKILLs of the engine process (${midEpoch.length} mid-epoch, ${trials.length - midEpoch.length} at saves, ${interruptedSaves} provably inside a save), ${trials.length} restarts, ${saved.length} saved models loaded, ${lost} models lost, in ${((performance.now() - started) / 1000).toFixed(0)} s`
  );
});
