// Bad files through the engine host, the way the app meets them: damaged model folders in the
// models folder, and damaged or unreadable datasets given to train.start. Each gets a one-line
// typed error naming the file; the good models keep being listed and used; nothing is written or
// changed; the engine stays up.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { ModelSummary } from '../../src/shared/contract';
import { createRpcClient, inProcessPair, RpcError, serveRpc, type RpcClient } from '../../src/shared/rpc';
import { createEngineHost, type EngineHost } from '../../src/main/host/engine-host';
import { idxBytes, imagesBytes, labelsBytes } from '../engine/idx-fixture';
import { scratch, smallDataset, snapshot, trainTiny } from './fixtures';

const home = scratch('bad-files');
const modelsDir = join(home.dir, 'models');
const bundledDir = join(home.dir, 'bundled');
let host: EngineHost;
let client: RpcClient;
const warnings: string[] = [];
let dataset: string;

before(async () => {
  mkdirSync(bundledDir, { recursive: true });
  host = await createEngineHost({ modelsDir, bundledDir });
  const [serverEnd, clientEnd] = inProcessPair();
  serveRpc(serverEnd, host);
  client = createRpcClient(clientEnd);
  client.on('engine.log', ({ level, message }) => level === 'warn' && warnings.push(message));
  dataset = smallDataset(join(home.dir, 'data'));
  for (const name of ['good', 'good two']) assert.equal((await trainTiny(client, name, dataset)).status, 'done');
});

after(async () => {
  client.close();
  await host.dispose();
  chmodSync(home.dir, 0o700);
  home.remove();
});

function manifestOf(dir: string): Record<string, any> {
  return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
}

function writeManifest(dir: string, manifest: unknown): void {
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
}

/** How a model folder is damaged, and which file the message must name (relative to the folder). */
interface BadModel {
  name: string;
  damage(dir: string, manifest: Record<string, any>): void;
  /** The file named in the message: the manifest or the weights file. */
  names: 'manifest.json' | 'weights';
  /** Problems in the manifest hide the model from the list (with a warning); weight problems show on opening. */
  listed: boolean;
  pattern: RegExp;
}

const weightsFile = (m: Record<string, any>) => m.weights.file as string;

const BAD_MODELS: BadModel[] = [
  { name: 'no manifest', damage: (d) => rmSync(join(d, 'manifest.json')), names: 'manifest.json', listed: false, pattern: /is missing/ },
  { name: 'empty manifest', damage: (d) => writeFileSync(join(d, 'manifest.json'), ''), names: 'manifest.json', listed: false, pattern: /is corrupt \(not valid JSON/ },
  { name: 'cut manifest', damage: (d) => writeFileSync(join(d, 'manifest.json'), '{"format": 1, "app": {'), names: 'manifest.json', listed: false, pattern: /is corrupt/ },
  { name: 'binary manifest', damage: (d) => writeFileSync(join(d, 'manifest.json'), Buffer.from([0xff, 0xfe, 0, 1, 2, 0x80])), names: 'manifest.json', listed: false, pattern: /is corrupt/ },
  { name: 'null manifest', damage: (d) => writeFileSync(join(d, 'manifest.json'), 'null'), names: 'manifest.json', listed: false, pattern: /is invalid/ },
  { name: 'array manifest', damage: (d) => writeFileSync(join(d, 'manifest.json'), '[1,2]'), names: 'manifest.json', listed: false, pattern: /is invalid/ },
  { name: 'deep manifest', damage: (d) => writeFileSync(join(d, 'manifest.json'), '['.repeat(200_000) + ']'.repeat(200_000)), names: 'manifest.json', listed: false, pattern: /is invalid/ },
  { name: 'manifest folder', damage: (d) => (rmSync(join(d, 'manifest.json')), mkdirSync(join(d, 'manifest.json'))), names: 'manifest.json', listed: false, pattern: /cannot be read/ },
  { name: 'manifest pipe', damage: (d) => (rmSync(join(d, 'manifest.json')), execFileSync('mkfifo', [join(d, 'manifest.json')])), names: 'manifest.json', listed: false, pattern: /cannot be read .*not a regular file/ },
  { name: 'newer format', damage: (d, m) => writeManifest(d, { ...m, format: 99 }), names: 'manifest.json', listed: false, pattern: /format 99, made by a newer Latent Explorer/ },
  { name: 'unknown family', damage: (d, m) => writeManifest(d, { ...m, family: 'gan' }), names: 'manifest.json', listed: false, pattern: /is invalid: family/ },
  { name: 'no settings', damage: (d, m) => writeManifest(d, { ...m, settings: undefined }), names: 'manifest.json', listed: false, pattern: /is invalid: settings/ },
  { name: 'huge latent', damage: (d, m) => writeManifest(d, { ...m, settings: { ...m.settings, latent: 1e9 } }), names: 'manifest.json', listed: false, pattern: /is invalid: settings\.latent/ },
  { name: 'negative shape', damage: (d, m) => writeManifest(d, { ...m, weights: { ...m.weights, tensors: [{ ...m.weights.tensors[0], shape: [-1, 8] }] } }), names: 'manifest.json', listed: false, pattern: /is invalid: weights\.tensors/ },
  { name: 'weights outside', damage: (d, m) => writeManifest(d, { ...m, weights: { ...m.weights, file: '../good/x.bin' } }), names: 'manifest.json', listed: false, pattern: /is invalid: weights\.file/ },
  { name: 'history with text', damage: (d, m) => writeManifest(d, { ...m, history: [{ ...m.history[0], testLoss: 'NaN' }] }), names: 'manifest.json', listed: false, pattern: /is invalid: history/ },
  { name: 'unknown recipe', damage: (d, m) => writeManifest(d, { ...m, recipe: 'ae-mlp-9000' }), names: 'manifest.json', listed: true, pattern: /unknown recipe "ae-mlp-9000"/ },
  { name: 'family mismatch', damage: (d, m) => writeManifest(d, { ...m, family: 'vae' }), names: 'manifest.json', listed: true, pattern: /family "vae" does not match recipe ae-mlp-8/ },
  { name: 'truncated weights', damage: (d, m) => truncateSync(join(d, weightsFile(m)), 1000), names: 'weights', listed: true, pattern: /truncated or damaged: expected \d+ bytes, found 1000/ },
  { name: 'empty weights', damage: (d, m) => truncateSync(join(d, weightsFile(m)), 0), names: 'weights', listed: true, pattern: /truncated or damaged/ },
  {
    name: 'flipped weights',
    damage: (d, m) => {
      const bytes = readFileSync(join(d, weightsFile(m)));
      bytes[100] = bytes[100]! ^ 0x40;
      writeFileSync(join(d, weightsFile(m)), bytes);
    },
    names: 'weights',
    listed: true,
    pattern: /checksum does not match/,
  },
  { name: 'missing weights', damage: (d, m) => rmSync(join(d, weightsFile(m))), names: 'weights', listed: true, pattern: /cannot be read/ },
  { name: 'weights folder', damage: (d, m) => (rmSync(join(d, weightsFile(m))), mkdirSync(join(d, weightsFile(m)))), names: 'weights', listed: true, pattern: /cannot be read/ },
  { name: 'weights pipe', damage: (d, m) => (rmSync(join(d, weightsFile(m))), execFileSync('mkfifo', [join(d, weightsFile(m))])), names: 'weights', listed: true, pattern: /not a regular file/ },
  { name: 'shape mismatch', damage: (d, m) => writeManifest(d, { ...m, settings: { ...m.settings, latent: 9 } }), names: 'weights', listed: true, pattern: /has shape \[\d+,8\] but the recipe needs \[\d+,9\]/ },
  {
    name: 'renamed tensor',
    damage: (d, m) => writeManifest(d, { ...m, weights: { ...m.weights, tensors: m.weights.tensors.map((t: object, i: number) => (i === 0 ? { ...t, name: 'stray' } : t)) } }),
    names: 'weights',
    listed: true,
    pattern: /missing; stray is not a parameter of ae-mlp-8/,
  },
  {
    name: 'offset past end',
    damage: (d, m) => writeManifest(d, { ...m, weights: { ...m.weights, tensors: m.weights.tensors.map((t: object, i: number) => (i === 0 ? { ...t, offset: 1e9 } : t)) } }),
    names: 'weights',
    listed: true,
    pattern: /lies past the end of the weights file/,
  },
];

/** Entries of the models folder that are not model folders at all. */
const STRAY_ENTRIES: Array<{ name: string; make(path: string): void; warned: RegExp | null }> = [
  { name: 'dangling link', make: (p) => symlinkSync(join(home.dir, 'nowhere'), p), warned: /dangling link/ },
  { name: 'loop link', make: (p) => symlinkSync(p, p), warned: /loop link/ },
  { name: 'stray file.txt', make: (p) => writeFileSync(p, 'not a model'), warned: null },
  { name: 'bad..name', make: (p) => cpSync(join(modelsDir, 'good'), p, { recursive: true }), warned: /"bad\.\.name" is not a valid model name/ },
];

function rejectsNaming(what: string, file: string, pattern: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof RpcError, `${what}: ${String(error)}`);
    assert.ok(['bad-request', 'not-found'].includes(error.code), `${what}: code ${error.code}: ${error.message}`);
    assert.ok(error.message.includes(file), `${what}: "${error.message}" does not name ${file}`);
    assert.match(error.message, pattern, what);
    assert.doesNotMatch(error.message, /\n/);
    return true;
  };
}

test('damaged model folders: named in a warning or a typed error; good models keep working; nothing changes', async (t) => {
  const good = join(modelsDir, 'good');
  for (const bad of BAD_MODELS) {
    const dir = join(modelsDir, bad.name);
    cpSync(good, dir, { recursive: true });
    bad.damage(dir, manifestOf(good));
  }
  for (const stray of STRAY_ENTRIES) stray.make(join(modelsDir, stray.name));
  // A damaged bundled model too: the read-only folder is read the same way.
  cpSync(good, join(bundledDir, 'broken bundled'), { recursive: true });
  writeFileSync(join(bundledDir, 'broken bundled', 'manifest.json'), '{');
  const before = snapshot(home.dir);

  warnings.length = 0;
  const listed: ModelSummary[] = await client.call('models.list', {});
  const ids = listed.map((m) => m.id);
  assert.ok(ids.includes('user/good') && ids.includes('user/good two'), 'the good models are still listed');
  for (const bad of BAD_MODELS) {
    const dir = join(modelsDir, bad.name);
    const manifestPath = join(dir, 'manifest.json');
    assert.equal(ids.includes(`user/${bad.name}`), bad.listed, `${bad.name}: listed`);
    if (!bad.listed) assert.ok(warnings.some((w) => w.includes(manifestPath) && bad.pattern.test(w)), `${bad.name}: no warning naming ${manifestPath} in ${warnings.join(' | ')}`);
    const file = bad.names === 'manifest.json' ? manifestPath : join(dir, weightsFile(manifestOf(good)));
    const id = `user/${bad.name}`;
    await assert.rejects(client.call('models.describe', { id }), rejectsNaming(`${bad.name} → models.describe`, file, bad.pattern));
    await assert.rejects(client.call('model.decode', { id, z: [new Array(8).fill(0)] }), rejectsNaming(`${bad.name} → model.decode`, file, bad.pattern));
  }
  for (const stray of STRAY_ENTRIES) {
    assert.ok(!ids.includes(`user/${stray.name}`), `${stray.name} is not listed`);
    if (stray.warned) assert.ok(warnings.some((w) => w.includes(join(modelsDir, stray.name)) && stray.warned!.test(w)), `${stray.name}: no warning in ${warnings.join(' | ')}`);
  }
  assert.ok(!ids.includes('bundled/broken bundled') && warnings.some((w) => w.includes(join(bundledDir, 'broken bundled', 'manifest.json'))));

  // The engine is up and the good models answer as before.
  assert.equal((await client.call('models.describe', { id: 'user/good two' })).summary.name, 'good two');
  assert.equal((await client.call('model.decode', { id: 'user/good', z: [[0, 0, 0, 0, 0, 0, 0, 0]] })).images.length, 1);
  assert.deepEqual(snapshot(home.dir), before, 'no file created, changed or removed');
  t.diagnostic(`bad model folders: ${BAD_MODELS.length + 1} damaged folders (1 bundled) + ${STRAY_ENTRIES.length} stray entries; ${warnings.length} warnings, 0 crashes, good models still listed and opened`);
});

/** A dataset folder (standard names) with one file replaced or changed by `damage`. */
interface BadDataset {
  name: string;
  damage(dir: string): void;
  /** The file (relative to the folder; '' = the folder) that the message must name. */
  file: string;
  pattern: RegExp;
}

const TRAIN_IMAGES = 'train-images-idx3-ubyte';
const TRAIN_LABELS = 'train-labels-idx1-ubyte';
const TEST_LABELS = 't10k-labels-idx1-ubyte';

const replace = (name: string, bytes: Uint8Array) => (dir: string) => writeFileSync(join(dir, name), bytes);
const BAD_DATASETS: BadDataset[] = [
  { name: 'truncated images', damage: (d) => truncateSync(join(d, TRAIN_IMAGES), 16 + 784 * 10 - 100), file: TRAIN_IMAGES, pattern: /data truncated/ },
  { name: 'truncated header', damage: (d) => truncateSync(join(d, TRAIN_IMAGES), 6), file: TRAIN_IMAGES, pattern: /header truncated/ },
  { name: 'empty images file', damage: (d) => truncateSync(join(d, TRAIN_IMAGES), 0), file: TRAIN_IMAGES, pattern: /too short for an IDX header/ },
  { name: 'labels as images', damage: replace(TRAIN_IMAGES, labelsBytes([1, 2, 3])), file: TRAIN_IMAGES, pattern: /wrong magic number: found 0x00000801/ },
  { name: 'not idx at all', damage: replace(TRAIN_IMAGES, new TextEncoder().encode('<html>not a dataset</html>')), file: TRAIN_IMAGES, pattern: /wrong magic number/ },
  { name: 'images as labels', damage: replace(TEST_LABELS, imagesBytes(2)), file: TEST_LABELS, pattern: /wrong magic number: found 0x00000803/ },
  { name: 'fewer labels', damage: replace(TRAIN_LABELS, labelsBytes(new Array(246).fill(1))), file: TRAIN_LABELS, pattern: /has 246 labels but .* has 256 images/ },
  { name: 'more labels', damage: replace(TEST_LABELS, labelsBytes(new Array(65).fill(1))), file: TEST_LABELS, pattern: /has 65 labels but .* has 64 images/ },
  { name: '32x32 images', damage: replace(TRAIN_IMAGES, idxBytes(0x803, [2, 32, 32], new Uint8Array(2 * 32 * 32))), file: TRAIN_IMAGES, pattern: /images are 32×32, expected 28×28/ },
  { name: 'no images', damage: replace(TRAIN_IMAGES, idxBytes(0x803, [0, 28, 28], new Uint8Array(0))), file: TRAIN_IMAGES, pattern: /holds no images/ },
  { name: 'trailing bytes', damage: (d) => writeFileSync(join(d, TRAIN_IMAGES), Buffer.concat([readFileSync(join(d, TRAIN_IMAGES)), Buffer.alloc(5)])), file: TRAIN_IMAGES, pattern: /unexpected trailing data/ },
  { name: 'count overflow', damage: replace(TRAIN_IMAGES, idxBytes(0x803, [0xffffffff, 28, 28], new Uint8Array(784))), file: TRAIN_IMAGES, pattern: /data truncated/ },
  {
    name: 'corrupt gzip',
    damage: (d) => (rmSync(join(d, TRAIN_IMAGES)), writeFileSync(join(d, `${TRAIN_IMAGES}.gz`), gzipSync(imagesBytes(4)).subarray(0, 30))),
    file: `${TRAIN_IMAGES}.gz`,
    pattern: /gzip data is corrupt/,
  },
  { name: 'missing labels', damage: (d) => rmSync(join(d, TEST_LABELS)), file: '', pattern: /no test labels file/ },
  { name: 'folder for a file', damage: (d) => (rmSync(join(d, TRAIN_LABELS)), mkdirSync(join(d, TRAIN_LABELS))), file: TRAIN_LABELS, pattern: /is a folder/ },
  { name: 'pipe for a file', damage: (d) => (rmSync(join(d, TRAIN_LABELS)), execFileSync('mkfifo', [join(d, TRAIN_LABELS)])), file: TRAIN_LABELS, pattern: /pipe, socket or device/ },
  { name: 'link to /dev/zero', damage: (d) => (rmSync(join(d, TRAIN_IMAGES)), symlinkSync('/dev/zero', join(d, TRAIN_IMAGES))), file: TRAIN_IMAGES, pattern: /pipe, socket or device/ },
  { name: 'dangling link', damage: (d) => (rmSync(join(d, TRAIN_IMAGES)), symlinkSync(join(d, 'gone'), join(d, TRAIN_IMAGES))), file: TRAIN_IMAGES, pattern: /file not found/ },
];

test('damaged, missing and odd dataset files: train.start refuses with the file named, and writes nothing', async (t) => {
  const before = snapshot(modelsDir);
  let tried = 0;
  const attempt = async (what: string, ref: string, file: string, pattern: RegExp) => {
    await assert.rejects(client.call('train.start', { name: `from ${what.replace(/[^\w ]/g, '')}`, recipe: 'ae-mlp-8', dataset: ref, settings: { epochs: 1 } }), rejectsNaming(what, file, pattern));
    await assert.rejects(client.call('data.images', { dataset: ref, split: 'test', indices: [0] }), rejectsNaming(`${what} (data.images)`, file, pattern));
    tried++;
  };
  for (const bad of BAD_DATASETS) {
    const dir = smallDataset(join(home.dir, 'bad data', bad.name));
    bad.damage(dir);
    await attempt(bad.name, dir, join(dir, bad.file), bad.pattern);
  }
  // Paths that lead nowhere useful.
  const lone = join(home.dir, 'lone');
  mkdirSync(lone);
  writeFileSync(join(lone, TRAIN_IMAGES), imagesBytes(3));
  await attempt('a file without its siblings', join(lone, TRAIN_IMAGES), lone, /no train labels file/);
  await attempt('a missing path', join(home.dir, 'nope'), join(home.dir, 'nope'), /unknown dataset/);
  await attempt('the root folder', '/', '/', /the filesystem's root is not a dataset/);
  await attempt('a bundled-looking name', '__proto__', '__proto__', /unknown dataset/);
  await attempt('a file under a file', join(lone, TRAIN_IMAGES, 'x'), join(lone, TRAIN_IMAGES, 'x'), /unknown dataset/);

  assert.deepEqual(snapshot(modelsDir), before, 'no model folder created');
  assert.equal((await client.call('engine.info', {})).modelsDir, modelsDir, 'the engine is up');
  assert.equal((await trainTiny(client, 'after bad data', dataset)).status, 'done', 'and still trains from good data');
  t.diagnostic(`bad datasets: ${tried} (each through train.start and data.images), 0 model folders written, 0 crashes`);
});

/**
 * Runs a few engine requests in a child process as an unprivileged user (root reads everything).
 * The child starts as this process's user, so it can load the engine from the clone wherever
 * that lies (a 0700 temporary folder is not readable by other users), builds its engine host,
 * and only then drops to uid/gid 65534 before `script` runs the requests under test.
 */
function asUnprivileged(setup: string, script: string): { status: number | null; out: string } {
  const drop = process.getuid?.() === 0 ? 'process.setgroups([]); process.setgid(65534); process.setuid(65534);' : '';
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `${setup}\n${drop}\n${script}`], {
    cwd: join(import.meta.dirname, '..', '..'),
    env: { ...process.env, HOME: home.dir },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: run.status, out: `${run.stdout}${run.stderr}` };
}

test('unreadable dataset files and model folders: permission denied, named, as an ordinary user', async (t) => {
  const dir = join(home.dir, 'locked');
  const data = smallDataset(join(dir, 'data'));
  chmodSync(join(data, TRAIN_IMAGES), 0);
  const models = join(dir, 'models');
  cpSync(join(modelsDir, 'good'), join(models, 'locked model'), { recursive: true });
  chmodSync(join(models, 'locked model', 'manifest.json'), 0);
  cpSync(join(modelsDir, 'good two'), join(models, 'readable'), { recursive: true });
  for (const path of [home.dir, dir, data, models, join(models, 'locked model'), join(models, 'readable')]) chmodSync(path, 0o777);
  const host = join(import.meta.dirname, '..', '..', 'src', 'main', 'host', 'engine-host.ts');
  const setup = `
    const { createEngineHost } = await import(${JSON.stringify(host)});
    const engine = await createEngineHost({ modelsDir: ${JSON.stringify(models)}, bundledDir: ${JSON.stringify(join(dir, 'none'))}, backend: 'cpu' });
`;
  const { status, out } = asUnprivileged(setup, `
    if (process.getuid() === 0) throw new Error('still root: the check would prove nothing');
    const warnings = [];
    engine.onEvent((event, payload) => event === 'engine.log' && warnings.push(payload.message));
    const list = await engine.call('models.list', {});
    const train = await engine.call('train.start', { name: 'x', recipe: 'ae-mlp-8', dataset: ${JSON.stringify(data)}, settings: {} }).catch((e) => e.code + ': ' + e.message);
    console.log(JSON.stringify({ list: list.map((m) => m.id), warnings, train }));
    await engine.dispose();
  `);
  assert.equal(status, 0, out);
  const result = JSON.parse(out.trim().split('\n').at(-1)!);
  assert.deepEqual(result.list, ['user/readable']);
  assert.match(result.warnings.join('\n'), new RegExp(`${join(models, 'locked model', 'manifest.json')} cannot be read \\(EACCES`));
  assert.equal(result.train, `bad-request: ${join(data, TRAIN_IMAGES)}: permission denied; make the file readable`);
  assert.deepEqual(readdirSync(models).sort(), ['locked model', 'readable'], 'nothing written');
  t.diagnostic('unreadable files: 2 (a dataset file, a manifest), both named with "permission denied"/EACCES');
});
