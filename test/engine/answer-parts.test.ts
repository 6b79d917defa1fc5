// Grids of large colour images arrive in parts that each fit one message: over a real RPC channel,
// the largest manifold the contract allows at 64×64×3 (64×64 tiles) and samples, a traversal, 256
// reconstructions and the tiles of a 1024-entry codebook, each several parts, are asked a part at a time; every
// message stays under MAX_MESSAGE_CHARS, and the assembled answer equals the engine's own whole
// computation; asked whole, they are refused before any work with how many fit.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';

const scratch = mkdtempSync(join(tmpdir(), 'le-parts-'));
process.env.LATENT_EXPLORER_CACHE = join(scratch, 'cache');

const { inParts, itemsPerAnswer } = await import('../../src/shared/answer-size');
const { MAX_MESSAGE_CHARS } = await import('../../src/shared/contract');
const { createRpcClient, inProcessPair, serveRpc } = await import('../../src/shared/rpc');
const { createEngineHost } = await import('../../src/main/host/engine-host');
const { loadDataset } = await import('../../src/main/engine/data/datasets');
const { codebookStats, decodeGrid, reconstructImages, samplePrior } = await import('../../src/main/engine/explore/explore');
const { traverse } = await import('../../src/main/engine/explore/traversal');
const { writeImageFolder } = await import('./image-folder-fixture');
const { saveUntrainedModel } = await import('./saved-model-fixture');

const SHAPE = { height: 64, width: 64, channels: 3 };
const folder = join(scratch, 'rgb-64');
await writeImageFolder(folder, 2, 5, { width: 64, height: 64, channels: 3 });
const dataset = await loadDataset(folder);
const modelsDir = join(scratch, 'models');

const host = await createEngineHost({ modelsDir, bundledDir: resolve('resources/models') });
// Untrained: the parts must equal the whole, whatever the weights.
const vae = await saveUntrainedModel(modelsDir, 'vae', 'vae-conv', folder, { latent: 2 });
const vq = await saveUntrainedModel(modelsDir, 'vq', 'vqvae-conv', folder, { codebookSize: 1024 });
const [near, far] = inProcessPair();
let largest = 0;
const send = far.send.bind(far);
far.send = (message: string) => {
  largest = Math.max(largest, message.length);
  send(message);
};
serveRpc(far, host);
const client = createRpcClient(near);
after(async () => {
  client.close();
  vae.params.dispose();
  vq.params.dispose();
  await host.dispose();
});

/** Asks `total` items in parts of `per` over the channel, the parts' `images` concatenated. */
async function assembled<P extends object>(total: number, per: number, ask: (first: number, count: number) => Promise<P>, images: (part: P) => string[]): Promise<string[]> {
  const out: string[] = [];
  let parts = 0;
  await inParts(total, per, ask, (part) => {
    out.push(...images(part));
    parts++;
    return true;
  });
  assert.ok(parts > 1, `asked in ${parts} parts`);
  return out;
}

const id = 'user/vae';
const tooLarge = (fits: number) => (e: unknown) => (e as { code?: string }).code === 'too-large' && (e as Error).message.includes(`ask for at most ${fits} `);

test('a 64×64 manifold of 64×64 RGB images arrives whole, a part of rows at a time, equal to the whole grid computed directly', { timeout: 600_000 }, async () => {
  const n = 64;
  const plane = { base: [0.1, -0.2], axisU: [1, 0], axisV: [0, 1] };
  const per = itemsPerAnswer(SHAPE, n);
  await assert.rejects(client.call('model.grid', { id, n, mode: 'quantiles', plane }), tooLarge(per));
  await assert.rejects(client.call('model.decode', { id, z: new Array(400).fill([0, 0]) }), tooLarge(itemsPerAnswer(SHAPE)), 'a probe path of 400 frames');
  largest = 0;
  const images = await assembled(n, per, (first, count) => client.call('model.grid', { id, n, mode: 'quantiles', plane, rows: [first, count] }), (p) => p.images);
  assert.ok(largest <= MAX_MESSAGE_CHARS, `largest message ${largest} characters`);
  assert.deepEqual(images, (await decodeGrid(vae, n, 'quantiles', undefined, plane)).images);
});

test('512 prior samples, 16 × 64 traversal images and 256 reconstructions arrive in parts equal to the whole', { timeout: 600_000 }, async () => {
  await assert.rejects(client.call('model.sample', { id, count: 512, seed: 7 }), tooLarge(itemsPerAnswer(SHAPE, 1, 2)));
  const samples = await assembled(512, itemsPerAnswer(SHAPE, 1, 2), (offset, count) => client.call('model.sample', { id, count, seed: 7, offset }), (p) => p.images);
  assert.deepEqual(samples, (await samplePrior(vae, 512, 7)).images, "a seed's draws do not depend on the parts");

  const dims = Array.from({ length: 16 }, (_, i) => i % 2);
  const z = [0.3, -0.5];
  await assert.rejects(client.call('model.traverse', { id, z, dims, range: [-2, 2], steps: 64 }), tooLarge(itemsPerAnswer(SHAPE, 64, 64)));
  const rows = await assembled(16, itemsPerAnswer(SHAPE, 64, 64), (first, count) => client.call('model.traverse', { id, z, dims: dims.slice(first, first + count), range: [-2, 2], steps: 64 }), (p) => p.images);
  assert.deepEqual(rows, (await traverse(vae, z, dims, [-2, 2], 64)).images);

  const indices = Array.from({ length: 256 }, (_, i) => i % dataset.test.count);
  await assert.rejects(client.call('model.reconstruct', { id, split: 'test', indices }), tooLarge(itemsPerAnswer(SHAPE, 2)));
  const pairs = await assembled(256, itemsPerAnswer(SHAPE, 2), (first, count) => client.call('model.reconstruct', { id, split: 'test', indices: indices.slice(first, first + count) }), (p) => [...p.originals, ...p.reconstructions]);
  const whole = await reconstructImages(vae, dataset.test, indices);
  const per = itemsPerAnswer(SHAPE, 2);
  const expected = Array.from({ length: Math.ceil(256 / per) }, (_, k) => [...whole.originals.slice(k * per, (k + 1) * per), ...whole.reconstructions.slice(k * per, (k + 1) * per)]).flat();
  assert.deepEqual(pairs, expected);
  assert.ok(largest <= MAX_MESSAGE_CHARS, `largest message ${largest} characters`);
});

test('the tiles of a 1024-entry codebook at 64×64×3 arrive in parts equal to the whole; a last part past the end is cut to the codebook', { timeout: 600_000 }, async () => {
  const per = itemsPerAnswer(SHAPE);
  await assert.rejects(client.call('model.codebook', { id: 'user/vq', limit: 8 }), tooLarge(per));
  const tiles = await assembled(1024, per, (first, count) => client.call('model.codebook', { id: 'user/vq', limit: 8, tiles: [first, per] }).then((p) => (assert.equal(p.tiles.length, count), p)), (p) => p.tiles);
  assert.deepEqual(tiles, (await codebookStats(vq, dataset.test, 8)).tiles);
  assert.ok(largest <= MAX_MESSAGE_CHARS, `largest message ${largest} characters`);
});
