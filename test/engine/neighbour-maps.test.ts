import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { NEIGHBOUR_METHODS, TSNE_MAX_POINTS } from '../../src/shared/neighbour-map';
import { createEngineHost } from '../../src/main/host/engine-host';

const host = await createEngineHost({ modelsDir: mkdtempSync(join(tmpdir(), 'le-nmap-')), bundledDir: resolve('resources/models'), backend: 'cpu' });
after(() => host.dispose());
const base = { id: 'bundled/mnist-vae-2d', split: 'test' as const, limit: 120, seed: 3 };

function nextEnd(jobId: string) {
  return new Promise<{ status: string; message: string }>((done) => {
    const off = host.onEvent((name, payload) => {
      const p = payload as { jobId: string; status: string; message: string };
      if (name === 'neighbourMap.end' && p.jobId === jobId) {
        off();
        done(p);
      }
    });
  });
}

for (const method of NEIGHBOUR_METHODS) {
  const ref = { ...base, method };

  test(`model.neighbourMap (${method}) fits off the request path with progress events, then serves the cached map; the inverse decodes on it`, async () => {
    const progress: number[] = [];
    const off = host.onEvent((name, payload) => {
      const p = payload as { epoch: number; method: string };
      if (name === 'neighbourMap.progress' && p.method === method) progress.push(p.epoch);
    });
    const started = await host.call('model.neighbourMap', ref);
    assert.equal(started.status, 'running');
    if (started.status !== 'running') return;
    const again = await host.call('model.neighbourMap', ref);
    assert.equal(again.status === 'running' && again.jobId, started.jobId, 'the same fit, not a second one');
    await assert.rejects(host.call('model.neighbourMapInverse', { ...ref, point: [0, 0] }), /not computed yet/);
    assert.equal((await nextEnd(started.jobId)).status, 'done');
    off();
    assert.ok(progress.length > 1);
    const map = await host.call('model.neighbourMap', ref);
    assert.equal(map.status, 'ready');
    if (map.status !== 'ready') return;
    assert.equal(map.points.length, 240);
    const { points, dims } = await host.call('model.encode', { id: ref.id, split: 'test', limit: 120 });
    const inverse = await host.call('model.neighbourMapInverse', { ...ref, point: [map.points[10]!, map.points[11]!] });
    assert.equal(inverse.nearest, 5);
    assert.deepEqual(inverse.z, points.slice(5 * dims, 6 * dims));
    assert.deepEqual([inverse.image], (await host.call('model.decode', { id: ref.id, z: [inverse.z] })).images);
  });

  test(`a running ${method} fit can be cancelled`, async () => {
    const started = await host.call('model.neighbourMap', { ...ref, seed: 4 });
    assert.equal(started.status, 'running');
    if (started.status !== 'running') return;
    const ended = nextEnd(started.jobId);
    assert.deepEqual(await host.call('model.neighbourMapCancel', { jobId: started.jobId }), { cancelled: true });
    assert.equal((await ended).status, 'cancelled');
    assert.equal((await host.call('model.neighbourMap', { ...ref, seed: 4 })).status, 'running', 'a cancelled map is not cached: asking again starts it again');
  });
}

test('the UMAP and t-SNE maps of the same encodings are kept apart', async () => {
  const [umap, tsne] = await Promise.all(NEIGHBOUR_METHODS.map((method) => host.call('model.neighbourMap', { ...base, seed: 5, method })));
  assert.ok(umap!.status === 'running' && tsne!.status === 'running' && umap.jobId !== tsne.jobId);
});

test('a t-SNE map of more points than its exact fit takes fails with a message that says what to do', async () => {
  const started = await host.call('model.neighbourMap', { ...base, method: 'tsne', limit: TSNE_MAX_POINTS + 1 });
  assert.equal(started.status, 'running');
  if (started.status !== 'running') return;
  const end = await nextEnd(started.jobId);
  assert.equal(end.status, 'failed');
  assert.match(end.message, /at most 2,000 points.*ask for fewer/);
});
