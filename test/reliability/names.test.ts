// Names and ids chosen by the user (or a hostile page) never leave the models folder: train.start,
// models.rename, models.describe and models.delete refuse traversal, absolute paths, separators,
// reserved device names, hidden and over-long names, and nothing is created anywhere. Deleting moves
// the folder to the XDG trash (here: a temporary XDG_DATA_HOME), so it can be restored.
// (The window asks before deleting: test/e2e/app.e2e.test.ts clicks through the "Delete model?" dialog.)
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createRpcClient, inProcessPair, RpcError, serveRpc, type RpcClient } from '../../src/shared/rpc';
import type { EngineHost } from '../../src/main/host/engine-host';
import { smallDataset, snapshot, trainTiny } from './fixtures';

// The trash goes to $XDG_DATA_HOME/Trash only for files on the home folder's device, so the scratch
// folder lives on that device too.
const base = statSync(tmpdir()).dev === statSync(homedir()).dev ? tmpdir() : homedir();
const root = mkdtempSync(join(base, 'le-rel-names-'));
const outside = join(root, 'outside');
const modelsDir = join(outside, 'models');
const dataHome = join(root, 'xdg-data');
process.env.XDG_DATA_HOME = dataHome; // read by the trash package when it is first imported, below
let host: EngineHost;
let client: RpcClient;

before(async () => {
  const { createEngineHost } = await import('../../src/main/host/engine-host');
  mkdirSync(dataHome);
  host = await createEngineHost({ modelsDir, bundledDir: join(outside, 'bundled') });
  const [serverEnd, clientEnd] = inProcessPair();
  serveRpc(serverEnd, host);
  client = createRpcClient(clientEnd);
  assert.equal((await trainTiny(client, 'kept', smallDataset(join(root, 'data')))).status, 'done');
});

after(async () => {
  client.close();
  await host.dispose();
  rmSync(root, { recursive: true, force: true });
});

const BAD_NAMES = [
  '',
  '.',
  '..',
  '../x',
  '../../etc',
  'a/../../b',
  'x/..',
  '/tmp/evil',
  '/',
  'C:\\evil',
  'C:evil',
  '\\\\server\\share',
  'a/b',
  'a\\b',
  'con',
  'CON',
  'nul.txt',
  'NUL',
  'prn.log',
  'aux',
  'com1',
  'LPT9.tar.gz',
  'COM¹',
  'lpt².txt',
  'ends with a dot.',
  'ends with a space ',
  '.hidden',
  '.git',
  ' leading space',
  '-starts-with-dash',
  'x'.repeat(101),
  'tab\tname',
  'new\nline',
  'nul\u0000byte',
  'star*',
  'question?',
  'pipe|name',
  'colon:name',
  'quote"name',
  '<angle>',
  'dots..inside',
  '~',
  '$HOME',
  '%2e%2e',
  '\u202eright-to-left',
];

test('bad model names are refused by train.start and models.rename; nothing is created anywhere', async (t) => {
  const before = snapshot(root);
  let refusals = 0;
  for (const name of BAD_NAMES) {
    const shown = JSON.stringify(name).slice(0, 30);
    await assert.rejects(
      client.call('train.start', { name, recipe: 'ae-mlp-8', dataset: join(root, 'data'), settings: { epochs: 1 } }),
      (e: unknown) => e instanceof RpcError && e.code === 'bad-request' && /name/.test(e.message),
      `train.start ${shown}`
    );
    await assert.rejects(client.call('models.rename', { id: 'user/kept', name }), (e: unknown) => e instanceof RpcError && e.code === 'bad-request', `rename to ${shown}`);
    refusals += 2;
  }
  assert.deepEqual(snapshot(root), before, 'no file or folder created, moved or changed');
  assert.deepEqual((await client.call('models.list', {})).map((m) => m.id), ['user/kept']);
  t.diagnostic(`bad names: ${BAD_NAMES.length} names × (train.start, models.rename) = ${refusals} refusals, 0 paths created outside the models folder`);
});

const BAD_IDS = ['user/..', 'user/../outside', 'user/../../etc', 'bundled/../models/kept', 'user/kept/../kept', 'user/', 'user', '/etc/passwd', '../user/kept', 'user//kept', 'user/.', 'other/kept', 'USER/kept', 'user\\kept', 'user/kept\u0000', 'user/con'];

test('model ids that point anywhere but a model folder are refused by every method that takes one', async (t) => {
  const before = snapshot(root);
  let refusals = 0;
  for (const id of BAD_IDS) {
    for (const call of [
      () => client.call('models.describe', { id }),
      () => client.call('models.history', { id }),
      () => client.call('models.rename', { id, name: 'renamed' }),
      () => client.call('models.delete', { id }),
      () => client.call('model.decode', { id, z: [[0]] }),
    ]) {
      await assert.rejects(call(), (e: unknown) => e instanceof RpcError && ['not-found', 'bad-request'].includes(e.code), `id ${JSON.stringify(id)}`);
      refusals++;
    }
  }
  assert.deepEqual(snapshot(root), before, 'nothing renamed, deleted or created');
  t.diagnostic(`bad model ids: ${BAD_IDS.length} ids × 5 methods = ${refusals} refusals`);
});

test('a good rename stays in the models folder; delete moves the model to the XDG trash', async () => {
  const renamed = await client.call('models.rename', { id: 'user/kept', name: 'Kept (v2)' });
  assert.equal(renamed.path, join(modelsDir, 'Kept (v2)'));
  assert.deepEqual(readdirSync(modelsDir), ['Kept (v2)']);
  await assert.rejects(client.call('models.rename', { id: 'bundled/anything', name: 'x' }), RpcError);

  const deleted = await client.call('models.delete', { id: 'user/Kept (v2)' });
  assert.deepEqual(deleted, { deleted: 'user/Kept (v2)', trashed: true });
  assert.deepEqual(readdirSync(modelsDir), [], 'gone from the models folder');
  const trashed = readdirSync(join(dataHome, 'Trash', 'files'));
  assert.equal(trashed.length, 1);
  assert.ok(readdirSync(join(dataHome, 'Trash', 'files', trashed[0]!)).includes('manifest.json'), 'the whole model folder is in the trash');
  const info = readFileSync(join(dataHome, 'Trash', 'info', `${trashed[0]}.trashinfo`), 'utf8');
  assert.match(info, new RegExp(`^Path=${encodeURI(join(modelsDir, 'Kept (v2)')).replace(/[()]/g, '\\$&')}$`, 'm'), 'the trash remembers where it came from');
  assert.deepEqual((await client.call('models.list', {})).map((m) => m.id), []);
});
