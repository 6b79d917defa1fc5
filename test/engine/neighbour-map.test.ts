import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initBackend } from '../../src/main/engine/backend/backend';
import { loadDataset } from '../../src/main/engine/data/datasets';
import { UserError } from '../../src/main/engine/errors';
import { encodeSet } from '../../src/main/engine/explore/explore';
import { fitNeighbourMap, inverseNeighbourMap } from '../../src/main/engine/explore/neighbour-map';
import { NEIGHBOUR_METHODS } from '../../src/shared/neighbour-map';
import { loadModelFolder } from '../../src/main/engine/persistence/model-folder';

await initBackend('cpu');
const mnist = await loadDataset('mnist');
const { model } = loadModelFolder('resources/models/mnist-vae-2d');
const { dims, points } = await encodeSet(model, mnist.test, 150);
const latents = Array.from({ length: 150 }, (_, i) => points.slice(i * dims, (i + 1) * dims));

for (const method of NEIGHBOUR_METHODS) {
  test(`the ${method} map is seeded, reports progress, and can be cancelled`, async () => {
    const progress: number[] = [];
    const map = await fitNeighbourMap(method, latents, { seed: 4, onProgress: (epoch, epochs) => progress.push(epoch / epochs) });
    assert.equal(map.length, 150);
    assert.ok(map.every((p) => p.length === 2 && p.every(Number.isFinite)));
    assert.deepEqual(await fitNeighbourMap(method, latents, { seed: 4 }), map, 'same seed, same map');
    assert.notDeepEqual(await fitNeighbourMap(method, latents, { seed: 5 }), map, 'another seed, another map');
    assert.ok(progress.length > 1 && progress.at(-1) === 1 && progress.every((p, i) => i === 0 || p > progress[i - 1]!));
    const controller = new AbortController();
    await assert.rejects(
      fitNeighbourMap(method, latents, { seed: 4, signal: controller.signal, onProgress: () => controller.abort() }),
      (e) => e instanceof UserError && /cancelled/.test(e.message)
    );
  });

  test(`on the ${method} map the inverse returns a sample’s own latent when the probe sits on its projected point`, async () => {
    const map = await fitNeighbourMap(method, latents, { seed: 4 });
    for (const i of [0, 17, 149]) {
      const { z, nearest, latentDistance, mapResidual } = inverseNeighbourMap(map[i] as [number, number], map, latents);
      assert.equal(nearest, i);
      assert.deepEqual(z, latents[i]);
      assert.equal(latentDistance, 0);
      assert.equal(mapResidual, 0);
    }
  });
}

test('a neighbour map of fewer than two points is refused', async () => {
  for (const method of NEIGHBOUR_METHODS) await assert.rejects(fitNeighbourMap(method, latents.slice(0, 1), { seed: 1 }), /at least two points/);
});

test('the inverse map blends between samples', async () => {
  const map = await fitNeighbourMap('umap', latents, { seed: 4 });
  const between: [number, number] = [(map[0]![0]! + map[1]![0]!) / 2, (map[0]![1]! + map[1]![1]!) / 2];
  const { z } = inverseNeighbourMap(between, map, latents, { refine: false });
  // A weighted mean of latents lies inside their bounding box.
  for (let d = 0; d < dims; d++) {
    const column = latents.map((l) => l[d]!);
    assert.ok(z[d]! >= Math.min(...column) && z[d]! <= Math.max(...column));
  }
});

test("the refinement brings the latent mapped back nearer the probe, never farther, and leaves a sample's own point exact", async () => {
  const map = await fitNeighbourMap('umap', latents, { seed: 4 });
  let improved = 0;
  for (let i = 0; i + 1 < 40; i++) {
    const probe: [number, number] = [(map[i]![0]! * 2 + map[i + 1]![0]!) / 3, (map[i]![1]! * 2 + map[i + 1]![1]!) / 3];
    const plain = inverseNeighbourMap(probe, map, latents, { refine: false });
    const refined = inverseNeighbourMap(probe, map, latents);
    assert.ok(refined.mapResidual <= plain.mapResidual, `probe ${i}: ${refined.mapResidual} vs ${plain.mapResidual} unrefined`);
    if (refined.mapResidual < plain.mapResidual - 1e-9) improved++;
  }
  assert.ok(improved > 0, 'the refinement moved some latents nearer');
  const own = inverseNeighbourMap(map[5] as [number, number], map, latents);
  assert.deepEqual(own.z, latents[5]);
  assert.equal(own.mapResidual, 0);
});
