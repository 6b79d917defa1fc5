import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { EventName, Events } from '../../src/shared/contract';
import { UserError } from '../../src/main/engine/errors';
import { DatasetLoads } from '../../src/main/host/dataset-loads';
import { writeImageFolder } from './image-folder-fixture';

const root = mkdtempSync(join(tmpdir(), 'le-dataset-loads-'));
process.env.LATENT_EXPLORER_CACHE = join(root, 'cache');

type Heard = { [E in EventName]: { event: E; payload: Events[E] } }[EventName];

function listen(): { loads: DatasetLoads; heard: Heard[] } {
  const heard: Heard[] = [];
  const loads = new DatasetLoads((event, payload) => heard.push({ event, payload } as Heard));
  return { loads, heard };
}

const folder = join(root, 'shapes');
await writeImageFolder(folder, 3, 40, { width: 16, height: 16, channels: 3 });
writeFileSync(join(folder, 'class-01', 'broken.png'), 'not a png');

test('a first load reports progress in order (sizes, then decoding, to the end) and ends; a loaded dataset sends nothing', async () => {
  const { loads, heard } = listen();
  const info = await loads.describe(folder);
  assert.equal(info.train + info.test, 120);
  const progress = heard.flatMap((h) => (h.event === 'data.progress' ? [h.payload] : []));
  assert.ok(progress.length >= 2, `${progress.length} progress events`);
  // The sizes pass reads every file; decoding, the 120 whose size could be read.
  assert.ok(progress.every((p) => p.dataset === folder && p.total === (p.stage === 'reading sizes' ? 121 : 120)));
  const stages = progress.map((p) => p.stage);
  assert.equal(stages[0], 'reading sizes');
  assert.equal(stages.at(-1), 'decoding');
  assert.deepEqual(stages, [...stages].sort((a, b) => (a === b ? 0 : a === 'reading sizes' ? -1 : 1)), 'every size read comes before any decoding');
  for (let i = 1; i < progress.length; i++) {
    if (progress[i]!.stage === progress[i - 1]!.stage) assert.ok(progress[i]!.done >= progress[i - 1]!.done, 'counts never go back within a stage');
  }
  const sizes = progress.filter((p) => p.stage === 'reading sizes');
  assert.equal(sizes.at(-1)!.done, 121, 'the last count of the sizes pass is the whole folder');
  assert.equal(sizes.at(-1)!.skipped, 1, 'the broken file is counted as skipped');
  assert.deepEqual([progress.at(-1)!.done, progress.at(-1)!.skipped], [120, 1], 'decoding ends at its last image');
  assert.equal(heard.at(-1)!.event, 'data.end');
  assert.deepEqual({ ...heard.at(-1)!.payload, message: '' }, { dataset: folder, status: 'done', message: '' });
  assert.equal(heard.filter((h) => h.event === 'data.end').length, 1);

  const before = heard.length;
  await loads.load(folder);
  await loads.describe(folder);
  assert.equal(heard.length, before, 'a loaded dataset answers without events');
});

test('a load under way can be cancelled: its callers get one line, nothing is cached, and loading again works', async () => {
  const ref = `${folder}#12`;
  const heard: Heard[] = [];
  let cancelled: boolean | null = null;
  // Cancelled at the first progress event, while the load is under way.
  const loads: DatasetLoads = new DatasetLoads((event, payload) => {
    heard.push({ event, payload } as Heard);
    if (event === 'data.progress' && cancelled === null) cancelled = loads.cancel(ref);
  });
  const first = loads.load(ref);
  const second = loads.load(ref); // a second caller waits for the same load (and adds no events)
  await Promise.allSettled([first, second]);
  assert.equal(cancelled, true);
  for (const load of [first, second]) {
    await assert.rejects(load, (e: unknown) => e instanceof UserError && /cancelled/.test(e.message) && !e.message.includes('\n'));
  }
  const end = heard.filter((h) => h.event === 'data.end');
  assert.equal(end.length, 1);
  assert.equal(end[0]!.payload.status, 'cancelled');
  assert.equal(loads.cancel(ref), false, 'nothing is under way any more');

  const was = heard.length;
  const dataset = await loads.load(ref);
  assert.deepEqual(dataset.shape, { height: 12, width: 12, channels: 3 });
  const again = heard.slice(was);
  assert.ok(again.some((h) => h.event === 'data.progress'), 'the retry decodes again (the cancelled load cached nothing)');
  assert.equal(again.at(-1)!.event, 'data.end');
  assert.equal((again.at(-1)!.payload as Events['data.end']).status, 'done');
});
