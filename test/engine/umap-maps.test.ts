import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { createEngineHost } from '../../src/main/host/engine-host';

const host = await createEngineHost({ modelsDir: mkdtempSync(join(tmpdir(), 'le-umap-')), bundledDir: resolve('resources/models'), backend: 'cpu' });
after(() => host.dispose());
const ref = { id: 'bundled/mnist-vae-2d', split: 'test' as const, limit: 120, seed: 3 };

function nextEnd(jobId: string) {
  return new Promise<{ status: string }>((done) => {
    const off = host.onEvent((name, payload) => {
      const p = payload as { jobId: string; status: string };
      if (name === 'umap.end' && p.jobId === jobId) {
        off();
        done(p);
      }
    });
  });
}

test('model.umap fits off the request path with progress events, then serves the cached map; the inverse decodes on it', async () => {
  const progress: number[] = [];
  host.onEvent((name, payload) => name === 'umap.progress' && progress.push((payload as { epoch: number }).epoch));
  const started = await host.call('model.umap', ref);
  assert.equal(started.status, 'running');
  if (started.status !== 'running') return;
  const again = await host.call('model.umap', ref);
  assert.equal(again.status === 'running' && again.jobId, started.jobId, 'the same fit, not a second one');
  await assert.rejects(host.call('model.umapInverse', { ...ref, point: [0, 0] }), /not computed yet/);
  assert.equal((await nextEnd(started.jobId)).status, 'done');
  assert.ok(progress.length > 1);
  const map = await host.call('model.umap', ref);
  assert.equal(map.status, 'ready');
  if (map.status !== 'ready') return;
  assert.equal(map.points.length, 240);
  const { points, dims } = await host.call('model.encode', { id: ref.id, split: 'test', limit: 120 });
  const inverse = await host.call('model.umapInverse', { ...ref, point: [map.points[10]!, map.points[11]!] });
  assert.equal(inverse.nearest, 5);
  assert.deepEqual(inverse.z, points.slice(5 * dims, 6 * dims));
  assert.deepEqual([inverse.image], (await host.call('model.decode', { id: ref.id, z: [inverse.z] })).images);
});

test('a running UMAP fit can be cancelled', async () => {
  const started = await host.call('model.umap', { ...ref, seed: 4 });
  assert.equal(started.status, 'running');
  if (started.status !== 'running') return;
  const ended = nextEnd(started.jobId);
  assert.deepEqual(await host.call('model.umapCancel', { jobId: started.jobId }), { cancelled: true });
  assert.equal((await ended).status, 'cancelled');
  assert.equal((await host.call('model.umap', { ...ref, seed: 4 })).status, 'running', 'a cancelled map is not cached: asking again starts it again');
});
