// Fuzzing the engine's door over the in-process channel: a real engine host (temp folders) behind
// serveRpc gets a few hundred schema-refused requests per method plus garbage envelopes; every one
// must come back as a typed error, the engine must keep answering, and memory must stay flat.
// Oversized requests are refused by the schema before anything is allocated.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { IMAGE_PIXELS, Requests, type Method } from '../../src/shared/contract';
import { createRpcClient, inProcessPair, serveRpc, type RpcClient } from '../../src/shared/rpc';
import { createEngineHost, type EngineHost } from '../../src/main/host/engine-host';
import { UserError } from '../../src/main/engine/errors';
import * as tf from '../../src/main/engine/backend/tf';
import { barrage, collectGarbage, exchange, retainedMiB, rssMiB, scratch, smallDataset, snapshot, trainTiny, type RawWire } from './fixtures';
import { jsonSchemaOf, malformedEnvelopes, malformedRequests } from './payloads';

const PER_METHOD = 200;
const home = scratch('fuzz-channel');
const modelsDir = join(home.dir, 'models');
let host: EngineHost;
let client: RpcClient;
let wire: RawWire;
let decoded: string;

async function answersValidRequests(): Promise<string> {
  const info = await client.call('engine.info', {});
  assert.equal(info.modelsDir, modelsDir);
  const models = await client.call('models.list', {});
  assert.deepEqual(models.map((m) => m.id), ['user/tiny']);
  const { images } = await client.call('model.decode', { id: 'user/tiny', z: [new Array(8).fill(0.5)] });
  assert.equal(images.length, 1);
  assert.equal(Buffer.from(images[0]!, 'base64').length, IMAGE_PIXELS);
  return images[0]!;
}

before(async () => {
  host = await createEngineHost({ modelsDir, bundledDir: join(home.dir, 'bundled') });
  const [serverEnd, clientEnd] = inProcessPair();
  serveRpc(serverEnd, host);
  client = createRpcClient(clientEnd);
  wire = { send: (message) => clientEnd.send(message as string), onReply: (listener) => clientEnd.onMessage((m) => listener(m as string)) };
  const end = await trainTiny(client, 'tiny', smallDataset(join(home.dir, 'data')));
  assert.equal(end.status, 'done', end.message);
  decoded = await answersValidRequests();
});

after(async () => {
  client.close();
  await host.dispose();
  home.remove();
});

test('every request schema refuses unknown fields and bounds every string, array and integer', (t) => {
  let fields = 0;
  const check = (schema: Record<string, any>, where: string): void => {
    fields++;
    if (schema.type === 'object') {
      for (const [name, sub] of Object.entries<Record<string, any>>(schema.properties ?? {})) check(sub, `${where}.${name}`);
    } else if (schema.type === 'array') {
      assert.ok(schema.maxItems !== undefined, `${where}: array without a maximum length`);
      for (const item of [...(schema.prefixItems ?? []), ...(schema.items ? [schema.items] : [])]) check(item, `${where}[]`);
    } else if (schema.type === 'string') {
      assert.ok(schema.maxLength !== undefined || schema.enum, `${where}: string without a maximum length`);
    } else if (schema.type === 'integer') {
      assert.ok(schema.maximum !== undefined && (schema.minimum !== undefined || schema.exclusiveMinimum !== undefined), `${where}: integer without bounds`);
    } else {
      assert.ok(schema.type === 'number' || schema.enum, `${where}: unexpected schema ${JSON.stringify(schema).slice(0, 80)}`);
    }
  };
  for (const method of Object.keys(Requests) as Method[]) {
    const schema = jsonSchemaOf(method) as Record<string, any>;
    assert.equal(schema.additionalProperties, false, `${method}: unknown fields must be refused`);
    check(schema, method);
  }
  t.diagnostic(`schemas: ${Object.keys(Requests).length} methods, ${fields} fields, every size bounded`);
});

test('every malformed request gets a typed error; the engine keeps answering; memory stays flat', async (t) => {
  // engine.restart belongs to the engine's supervisor (web server, Electron main): the engine itself says it has no such method.
  const payloads = [...malformedEnvelopes('e'), ...malformedRequests('reliability-fuzz-channel', PER_METHOD, 'user/tiny', 'f')].map((p) =>
    p.method === 'engine.restart' && p.expect[0] === 'bad-request' ? { ...p, expect: ['not-found'] } : p
  );
  // A binary frame is not text: refused like garbage.
  const binary = { method: '(envelope)', what: 'binary message', text: new Uint8Array([0xff, 0, 0x13]) as unknown as string, expect: ['bad-request'], id: null };
  // Warm up with the whole barrage once (JIT, zod's compiled checks, and the heap's high-water mark,
  // which RSS keeps after the garbage is freed: how high depends on which payloads were drawn), so
  // the reading after the second barrage shows growth, not that mark.
  await barrage(wire, payloads);
  collectGarbage();
  const rssBefore = rssMiB();
  const heapBefore = retainedMiB();
  const tensorsBefore = tf.memory();

  const started = performance.now();
  const sent = await barrage(wire, [binary, ...payloads]);
  const seconds = (performance.now() - started) / 1000;

  assert.equal(await answersValidRequests(), decoded, 'the same decode as before the barrage');
  collectGarbage();
  const growth = rssMiB() - rssBefore;
  const retained = retainedMiB() - heapBefore;
  assert.equal(tf.memory().numTensors, tensorsBefore.numTensors, 'no tensors left behind by refused requests');
  assert.equal(tf.memory().numBytes, tensorsBefore.numBytes);
  // Retained JS memory (and the tensor count above) is the leak signal. RSS also holds freed pages
  // the allocator keeps: 5–220 MiB on a quiet machine and up to ~600 MiB on a loaded one, depending on
  // which payloads were drawn and on when the collector ran, so its bound only catches a gross native
  // leak (~180 kB per request).
  assert.ok(retained < 16, `the JS heap kept ${retained.toFixed(1)} MiB more`);
  assert.ok(growth < 1024, `RSS grew by ${growth.toFixed(1)} MiB`);
  const methods = new Set(payloads.map((p) => p.method)).size - 1;
  t.diagnostic(`fuzz (in-process channel): ${sent} malformed requests (${methods} methods × up to ${PER_METHOD}, plus ${malformedEnvelopes('e').length + 1} bad envelopes) in ${seconds.toFixed(1)} s: ${sent} typed errors, 0 crashes; retained heap ${retained.toFixed(1)} MiB, RSS growth ${growth.toFixed(1)} MiB`);
});

/** Requests that would allocate far too much if they were ever honoured. */
const OVERSIZED: Array<[string, string, unknown]> = [
  ['a 10^9-image manifold', 'model.grid', { id: 'user/tiny', n: 1e9, mode: 'quantiles' }],
  ['a 10^9-code encode', 'model.encode', { id: 'user/tiny', split: 'test', limit: 1e9 }],
  ['10^9 prior samples', 'model.sample', { id: 'user/tiny', count: 1e9, seed: 1 }],
  ['10^9 interpolation steps', 'model.interpolate', { id: 'user/tiny', from: [0], to: [1], steps: 1e9, mode: 'linear' }],
  ['a 10^9-image codebook scan', 'model.codebook', { id: 'user/tiny', limit: 1e9 }],
  ['10^9 code users', 'model.codeUsers', { id: 'user/tiny', code: 1, count: 1e9 }],
  ['a latent point of 10^5 dimensions', 'model.decode', { id: 'user/tiny', z: [new Array(100_000).fill(0)] }],
  ['10^5 reconstructions', 'model.reconstruct', { id: 'user/tiny', split: 'test', indices: new Array(100_000).fill(0) }],
  ['a batch of 10^9', 'train.start', { name: 'huge', recipe: 'ae-mlp-8', dataset: 'mnist', settings: { batch: 1e9 } }],
  ['10^9 epochs', 'train.start', { name: 'huge', recipe: 'ae-mlp-8', dataset: 'mnist', settings: { epochs: 1e9 } }],
  ['a 10^9-wide latent', 'train.start', { name: 'huge', recipe: 'ae-mlp-8', dataset: 'mnist', settings: { latent: 1e9 } }],
  ['a 10^9-entry codebook', 'train.start', { name: 'huge', recipe: 'vqvae-conv', dataset: 'mnist', settings: { codebookSize: 1e9 } }],
];

test('oversized requests are refused by the schema, before any allocation', async (t) => {
  const before = snapshot(home.dir);
  const tensors = tf.memory();
  let refused = 0;
  // Timed for the report only: a loaded machine may take any time; no work is shown by the tensor
  // counts and the Proxy below.
  let slowestMs = 0;
  for (const [what, method, params] of OVERSIZED) {
    const started = performance.now();
    const reply = await exchange(wire, JSON.stringify({ t: 'req', id: what, method, params }));
    slowestMs = Math.max(slowestMs, performance.now() - started);
    assert.equal(reply.ok, false, what);
    assert.equal(!reply.ok && reply.error.code, 'bad-request', what);
    refused++;
  }
  // Too big to even be read: 10^6 latent points, 10^6 image indices (text over the 4 M-character limit).
  for (const [what, method, params] of [
    ['10^6 latent points', 'model.decode', { id: 'user/tiny', z: Array.from({ length: 1e6 }, () => [0, 0]) }],
    ['10^6 image indices', 'data.images', { dataset: 'mnist', split: 'train', indices: Array.from({ length: 1e6 }, (_, i) => i) }],
  ] as const) {
    const text = JSON.stringify({ t: 'req', id: what, method, params });
    const started = performance.now();
    const reply = await exchange(wire, text);
    slowestMs = Math.max(slowestMs, performance.now() - started);
    assert.equal(!reply.ok && reply.error.code, 'too-large', what);
    // Handed to the host directly (no text), the schema refuses it on its length without reading any element.
    let reads = 0;
    const fields = params as Record<string, unknown>;
    const big = Object.keys(fields).find((k) => Array.isArray(fields[k]))!;
    const watched = new Proxy(fields[big] as unknown[], {
      get: (target, key, receiver) => (typeof key === 'string' && /^\d+$/.test(key) && reads++, Reflect.get(target, key, receiver)),
    });
    await assert.rejects(host.call(method, { ...params, [big]: watched }), (e: unknown) => e instanceof UserError && e.code === 'bad-request' && /Too big/.test(e.message));
    assert.equal(reads, 0, `${what}: the schema read ${reads} elements before refusing`);
    refused += 2;
  }
  assert.equal(tf.memory().numTensors, tensors.numTensors);
  assert.equal(tf.memory().numBytes, tensors.numBytes);
  assert.deepEqual(snapshot(home.dir), before, 'nothing written');
  t.diagnostic(`oversized requests refused by the schema: ${refused}, the slowest answer in ${slowestMs.toFixed(0)} ms`);
});
