// One training run at a time, whatever the timing of the requests: two train.start requests sent
// together start exactly one run (the other gets 'conflict' and leaves nothing on disk), and a run
// may be started as soon as the previous one's train.end has arrived. A name taken by a rename while
// a run's dataset loads is refused, never trained (and then cleaned) into.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createRpcClient, inProcessPair, RpcError, serveRpc, type RpcClient } from '../../src/shared/rpc';
import { createEngineHost, type EngineHost } from '../../src/main/host/engine-host';
import { nextEvent, scratch, smallDataset } from './fixtures';

const home = scratch('runs');
const modelsDir = join(home.dir, 'models');
let host: EngineHost;
let client: RpcClient;
let dataset: string;

before(async () => {
  host = await createEngineHost({ modelsDir, bundledDir: join(home.dir, 'bundled') });
  const [serverEnd, clientEnd] = inProcessPair();
  serveRpc(serverEnd, host);
  client = createRpcClient(clientEnd);
  dataset = smallDataset(join(home.dir, 'data'));
});

after(async () => {
  client.close();
  await host.dispose();
  home.remove();
});

const start = (name: string) => client.call('train.start', { name, recipe: 'ae-mlp-8', dataset, settings: { epochs: 1, batch: 64 } });

test('two train.start requests at once: exactly one run starts', async () => {
  const end = nextEvent(client, 'train.end');
  const results = await Promise.allSettled([start('first'), start('second')]);
  const started = results.filter((r) => r.status === 'fulfilled');
  const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  assert.equal(started.length, 1, 'one run');
  assert.equal(refused.length, 1);
  assert.ok(refused[0]!.reason instanceof RpcError && refused[0]!.reason.code === 'conflict', String(refused[0]!.reason));
  assert.equal((await end).status, 'done');
  assert.equal(existsSync(join(modelsDir, 'second')), false, 'the refused run left nothing');
});

test('a name taken while the dataset loads is refused, and no existing model is overwritten or removed', async () => {
  const end = nextEvent(client, 'train.end');
  await start('other');
  await end;
  // A dataset not loaded before, so train.start has to wait for it; meanwhile the name gets taken.
  const fresh = smallDataset(join(home.dir, 'fresh data'));
  const [training, renamed] = await Promise.allSettled([
    client.call('train.start', { name: 'taken', recipe: 'ae-mlp-8', dataset: fresh, settings: { epochs: 5, batch: 64 } }),
    client.call('models.rename', { id: 'user/other', name: 'taken' }),
  ]);
  assert.equal(renamed.status, 'fulfilled', 'the rename went through first');
  if (training.status === 'fulfilled') {
    // Had the run started in the renamed model's folder, cancelling before its first epoch would remove it.
    const ended = nextEvent(client, 'train.end');
    await client.call('train.cancel', { runId: training.value.runId });
    await ended;
  } else {
    assert.ok(training.reason instanceof RpcError && training.reason.code === 'conflict', String(training.reason));
  }
  assert.ok(existsSync(join(modelsDir, 'taken', 'manifest.json')), 'the renamed model is intact');
  assert.equal((await client.call('models.describe', { id: 'user/taken' })).summary.epochs, 1);
});

test('a new run may start the moment train.end arrives', async (t) => {
  const names = ['back to back 1', 'back to back 2', 'back to back 3'];
  for (const name of names) {
    const end = nextEvent(client, 'train.end');
    await start(name);
    assert.equal((await end).status, 'done');
  }
  t.diagnostic(`runs: 2 simultaneous starts (1 refused), 1 name taken during loading (model kept), ${names.length} back-to-back starts`);
});
