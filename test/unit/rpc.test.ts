// The RPC layer over an in-process channel: results, typed errors for every kind of malformed
// message (never a crash, never an unhandled rejection), events, and closing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_MESSAGE_CHARS, Requests, type EventName, type Events, type Method } from '../../src/shared/contract';
import {
  MAX_IN_FLIGHT,
  RpcError,
  createRpcClient,
  inProcessPair,
  serveRpc,
  type Channel,
  type EventListener,
  type RpcHost,
  type RpcResponse,
} from '../../src/shared/rpc';
import { UserError } from '../../src/main/engine/errors';

const INFO = { version: '9.9.9', backend: { name: 'cpu', reason: 'test', skipped: [] }, modelsDir: '/tmp/m' };

/** A host that validates like the engine's door and answers a few methods. */
function fakeHost(overrides: Partial<Record<Method, (params: unknown) => Promise<unknown> | unknown>> = {}) {
  const listeners = new Set<EventListener>();
  const calls: string[] = [];
  const host: RpcHost = {
    async call(method, params) {
      calls.push(method);
      const parsed = Requests[method].safeParse(params);
      if (!parsed.success) throw new UserError(`invalid parameters for ${method}: ${parsed.error.issues[0]?.message}`);
      const handler = overrides[method];
      if (handler) return handler(parsed.data);
      if (method === 'engine.info') return INFO;
      throw new UserError('not implemented yet', 'unavailable');
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const emit = <E extends EventName>(event: E, payload: Events[E]) => listeners.forEach((l) => l(event, payload));
  return { host, calls, emit, listeners };
}

function setup(overrides?: Parameters<typeof fakeHost>[0]) {
  const [serverEnd, clientEnd] = inProcessPair();
  const fake = fakeHost(overrides);
  const stop = serveRpc(serverEnd, fake.host);
  return { ...fake, serverEnd, clientEnd, client: createRpcClient(clientEnd), stop };
}

/** Sends raw text (or anything) and waits for the next response on the channel. */
function rawExchange(channel: Channel, message: unknown): Promise<RpcResponse> {
  return new Promise((resolve) => {
    const stop = channel.onMessage((reply) => {
      const parsed = JSON.parse(reply as string);
      if (parsed.t !== 'res') return;
      stop();
      resolve(parsed);
    });
    channel.send(message as string);
  });
}

async function rejectsWith(promise: Promise<unknown>, code: string, pattern?: RegExp) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof RpcError, `expected RpcError, got ${String(error)}`);
    assert.equal(error.code, code);
    if (pattern) assert.match(error.message, pattern);
    return true;
  });
}

test('a request gets its typed result', async () => {
  const { client } = setup();
  const info = await client.call('engine.info', {});
  assert.deepEqual(info, INFO);
});

test('concurrent requests are matched to their own answers', async () => {
  const { client } = setup({
    'models.describe': async (p) => {
      const { id } = p as { id: string };
      await new Promise((r) => setTimeout(r, id === 'slow' ? 20 : 1));
      return { summary: { id } };
    },
  });
  const [slow, fast] = await Promise.all([client.call('models.describe', { id: 'slow' }), client.call('models.describe', { id: 'fast' })]);
  assert.equal(slow.summary.id, 'slow');
  assert.equal(fast.summary.id, 'fast');
});

test('an unknown method is answered with unknown-method and never reaches the host', async () => {
  const { client, clientEnd, calls } = setup();
  await rejectsWith(client.call('engine.shutdown' as Method, {} as never), 'unknown-method', /engine\.shutdown/);
  const raw = await rawExchange(clientEnd, JSON.stringify({ t: 'req', id: 'x1', method: '__proto__', params: {} }));
  assert.equal(raw.id, 'x1');
  assert.equal(raw.ok, false);
  assert.equal(!raw.ok && raw.error.code, 'unknown-method');
  assert.deepEqual(calls, []);
});

test('wrong parameter types are answered with bad-request', async () => {
  const { client } = setup();
  await rejectsWith(client.call('models.describe', { id: 42 } as never), 'bad-request', /models\.describe/);
  await rejectsWith(client.call('model.grid', { id: 'm', n: 1e9, mode: 'quantiles' } as never), 'bad-request');
  await rejectsWith(client.call('engine.info', { extra: true } as never), 'bad-request');
  await rejectsWith(client.call('model.decode', { id: 'm', z: [[Number.NaN]] } as never), 'bad-request');
});

test('an oversized message is refused as too-large before it is parsed', async () => {
  const { clientEnd, calls, client } = setup();
  let parsed = 0;
  const realParse = JSON.parse;
  JSON.parse = ((...args: Parameters<typeof JSON.parse>) => {
    if (typeof args[0] === 'string' && args[0].length > MAX_MESSAGE_CHARS) parsed++;
    return realParse(...args);
  }) as typeof JSON.parse;
  try {
    const huge = JSON.stringify({ t: 'req', id: 7, method: 'engine.info', params: { pad: 'x'.repeat(MAX_MESSAGE_CHARS) } });
    const raw = await rawExchange(clientEnd, huge);
    assert.equal(raw.ok, false);
    assert.equal(!raw.ok && raw.error.code, 'too-large');
    assert.equal(raw.id, null, 'the id of an unparsed message is unknown');
  } finally {
    JSON.parse = realParse;
  }
  assert.equal(parsed, 0, 'the oversized text was never handed to JSON.parse');
  assert.deepEqual(calls, []);
  // The client refuses to send one too, without touching the channel.
  await rejectsWith(client.call('models.describe', { id: 'y'.repeat(MAX_MESSAGE_CHARS) }), 'too-large');
});

test('garbage, non-text and wrong envelopes get typed errors and the server keeps answering', async () => {
  const { clientEnd, client, calls } = setup();
  const cases: Array<[unknown, string, string | number | null]> = [
    ['{not json', 'bad-request', null],
    ['', 'bad-request', null],
    ['null', 'bad-request', null],
    ['[1,2,3]', 'bad-request', null],
    ['"a string"', 'bad-request', null],
    [{ t: 'req', id: 1, method: 'engine.info', params: {} }, 'bad-request', null], // an object, not JSON text
    [JSON.stringify({ t: 'res', id: 5, method: 'engine.info' }), 'bad-request', 5],
    [JSON.stringify({ t: 'req', id: { nested: 1 }, method: 'engine.info' }), 'bad-request', null],
    [JSON.stringify({ t: 'req', id: 'z'.repeat(1000), method: 'engine.info' }), 'bad-request', null],
    [JSON.stringify({ t: 'req', id: 9, method: 17 }), 'bad-request', 9],
    [JSON.stringify({ t: 'req', id: 10, method: 'models.rename', params: { id: 'a', name: '../../etc' } }), 'bad-request', 10],
    ['['.repeat(100_000) + ']'.repeat(100_000), 'bad-request', null],
    [`{"t":"req","id":11,"method":"engine.info","params":${'['.repeat(100_000)}${']'.repeat(100_000)}}`, 'bad-request', 11],
  ];
  for (const [message, code, id] of cases) {
    const reply = await rawExchange(clientEnd, message);
    assert.equal(reply.ok, false, `expected an error for ${String(message).slice(0, 40)}`);
    assert.equal(!reply.ok && reply.error.code, code, String(message).slice(0, 40));
    assert.equal(reply.id, id);
    assert.ok(!reply.ok && reply.error.message.length > 0 && !reply.error.message.includes('\n'));
  }
  assert.deepEqual(await client.call('engine.info', {}), INFO, 'still answering');
  // Only the well-formed envelopes reached the host (which refused their params): the bad name, the deep params, the last call.
  assert.deepEqual(calls, ['models.rename', 'engine.info', 'engine.info']);
});

test('a request without params is read as empty params', async () => {
  const { clientEnd } = setup();
  const reply = await rawExchange(clientEnd, JSON.stringify({ t: 'req', id: 3, method: 'engine.info' }));
  assert.deepEqual(reply, { t: 'res', id: 3, ok: true, result: INFO });
});

test('UserError keeps its code; other failures become one-line internal errors', async () => {
  const { client } = setup({
    'models.delete': () => {
      throw new UserError('model "a" not found; refresh the list', 'not-found');
    },
    'models.list': () => {
      throw new Error('disk exploded\n    at someStack (file.ts:1:1)');
    },
    'models.history': () => Promise.reject('a bare string'),
    'catalog.recipes': () => ({ big: BigInt(1) }), // cannot be sent as JSON
  });
  await rejectsWith(client.call('models.delete', { id: 'a' }), 'not-found', /^model "a" not found; refresh the list$/);
  await rejectsWith(client.call('models.list', {}), 'internal', /^disk exploded$/);
  await rejectsWith(client.call('models.history', { id: 'a' }), 'internal', /a bare string/);
  await rejectsWith(client.call('catalog.recipes', {}), 'internal', /BigInt/);
});

test('more requests in flight than allowed are refused, the rest still answered', async () => {
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => (release = r));
  const { client } = setup({ 'models.list': () => gate.then(() => []) });
  const calls = Array.from({ length: MAX_IN_FLIGHT + 3 }, () => client.call('models.list', {}));
  const settled = Promise.allSettled(calls);
  await new Promise((r) => setTimeout(r, 10));
  release();
  const results = await settled;
  const refused = results.filter((r) => r.status === 'rejected');
  assert.equal(refused.length, 3);
  for (const r of refused) assert.equal(((r as PromiseRejectedResult).reason as RpcError).code, 'unavailable');
  assert.deepEqual(await client.call('models.list', {}), [], 'answers again once the queue drained');
});

test('events reach the listeners for their name only', async () => {
  const { client, emit } = setup();
  const progress: Events['train.progress'][] = [];
  const logs: string[] = [];
  client.on('train.progress', (p) => progress.push(p));
  const stopLogs = client.on('engine.log', (p) => logs.push(p.message));
  const payload = { runId: 'r', modelId: 'm', epoch: 1, epochs: 2, batch: 3, batches: 4, samplesPerSec: 5, etaSeconds: 6, terms: { mse: 0.1 } };
  emit('train.progress', payload);
  emit('engine.log', { level: 'info', message: 'hello' });
  await new Promise((r) => setTimeout(r, 5));
  stopLogs();
  emit('engine.log', { level: 'info', message: 'unheard' });
  await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual(progress, [payload]);
  assert.deepEqual(logs, ['hello']);
});

test('closing the channel fails pending calls with unavailable and unsubscribes the server', async () => {
  const { client, listeners, clientEnd } = setup({ 'models.list': () => new Promise(() => {}) });
  const pending = client.call('models.list', {});
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(listeners.size, 1);
  clientEnd.close();
  await rejectsWith(pending, 'unavailable');
  await rejectsWith(client.call('engine.info', {}), 'unavailable');
  assert.equal(client.closed, true);
  assert.equal(listeners.size, 0, 'the server stopped listening for events');
});
