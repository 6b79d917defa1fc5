// What the reliability tests share: scratch folders, a small IDX dataset on disk, a tiny trained
// model, raw request/reply exchanges on any channel, and process memory readings.
import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ERROR_CODES, type Events } from '../../src/shared/contract';
import { after, before } from 'node:test';
import { createEngineHost, type EngineHost } from '../../src/main/host/engine-host';
import { createRpcClient, inProcessPair, serveRpc, type RpcClient, type RpcResponse } from '../../src/shared/rpc';
import { writeIdxFolder } from '../engine/idx-fixture';
import type { Payload } from './payloads';

export function scratch(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), `le-rel-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface InProcessEngine {
  /** The models folder, `models` under the scratch folder. */
  readonly modelsDir: string;
  readonly host: EngineHost;
  /** An RPC client to the host over an in-process channel. */
  readonly client: RpcClient;
}

/**
 * A real engine host in this process on a scratch folder `prefix`, started before the file's tests
 * and disposed after them (the scratch folder removed).
 */
export function useInProcessEngine(prefix: string): InProcessEngine & { readonly home: string } {
  const home = scratch(prefix);
  const engine = { home: home.dir, modelsDir: join(home.dir, 'models') } as InProcessEngine & { home: string; host: EngineHost; client: RpcClient };
  before(async () => {
    engine.host = await createEngineHost({ modelsDir: engine.modelsDir, bundledDir: join(home.dir, 'bundled') });
    const [serverEnd, clientEnd] = inProcessPair();
    serveRpc(serverEnd, engine.host);
    engine.client = createRpcClient(clientEnd);
  });
  after(async () => {
    engine.client.close();
    await engine.host.dispose();
    home.remove();
  });
  return engine;
}

/** A small user dataset (standard IDX file names) in `dir`: quick to train on and to evaluate. */
export function smallDataset(dir: string, train = 256, test = 64): string {
  mkdirSync(dir, { recursive: true });
  writeIdxFolder(dir, train, test);
  return dir;
}

/** Every path under `dir` with its size and time, to show that nothing was created, changed or removed. */
export function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (at: string) => {
    for (const name of readdirSync(at).sort()) {
      const path = join(at, name);
      const stat = lstatSync(path); // links as links: never followed out of `dir`
      out.push(`${relative(dir, path)} ${stat.isDirectory() ? 'folder' : stat.isSymbolicLink() ? 'link' : stat.size} ${stat.mtimeMs}`);
      if (stat.isDirectory()) walk(path);
    }
  };
  walk(dir);
  return out;
}

export function nextEvent<E extends keyof Events>(client: RpcClient, event: E, timeoutMs = 60_000): Promise<Events[E]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} event within ${timeoutMs} ms`)), timeoutMs);
    const stop = client.on(event, (payload) => {
      clearTimeout(timer);
      stop();
      resolve(payload);
    });
  });
}

/** Trains a tiny ae-mlp-8 through the contract and waits for its end. */
export async function trainTiny(client: RpcClient, name: string, dataset: string, epochs = 1): Promise<Events['train.end']> {
  const end = nextEvent(client, 'train.end');
  await client.call('train.start', { name, recipe: 'ae-mlp-8', dataset, settings: { epochs, batch: 64 } });
  return end;
}

/** A reply is a typed error: not ok, a contract code other than 'internal', one short line. */
export function assertTypedError(reply: RpcResponse, expect: readonly string[], what: string): void {
  assert.equal(reply.ok, false, `${what}: expected an error, got a result`);
  if (reply.ok) return;
  assert.ok((ERROR_CODES as readonly string[]).includes(reply.error.code), `${what}: code ${reply.error.code} is not in the contract`);
  assert.ok(expect.includes(reply.error.code), `${what}: expected ${expect.join('/')}, got ${reply.error.code}: ${reply.error.message}`);
  assert.equal(typeof reply.error.message, 'string');
  assert.ok(reply.error.message.length > 0 && reply.error.message.length <= 500 && !reply.error.message.includes('\n'), `${what}: message not one short line`);
}

/** Sends raw messages and returns the next reply; one exchange at a time. */
export interface RawWire {
  send(message: string | Uint8Array): void;
  onReply(listener: (text: string) => void): () => void;
}

export function exchange(wire: RawWire, message: string | Uint8Array, timeoutMs = 30_000): Promise<RpcResponse> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`no reply within ${timeoutMs} ms to ${String(message).slice(0, 120)}`));
    }, timeoutMs);
    const stop = wire.onReply((text) => {
      const reply = JSON.parse(text) as RpcResponse | { t: 'evt' };
      if (reply.t !== 'res') return;
      clearTimeout(timer);
      stop();
      resolve(reply);
    });
    wire.send(message);
  });
}

/** Resident memory of a process in MiB, from /proc (Linux). */
export function rssMiB(pid = process.pid): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  assert.ok(line, `no VmRSS for ${pid}`);
  return Number(line.split(/\s+/)[1]) / 1024;
}

/** JS heap plus memory outside it held by JS objects (buffers), in MiB. */
export function retainedMiB(): number {
  const { heapUsed, external } = process.memoryUsage();
  return (heapUsed + external) / 2 ** 20;
}

// A full collection before each memory reading, so that growth means retained memory, not garbage.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

export function collectGarbage(): void {
  gc();
}

/**
 * Sends every payload, one at a time, and checks that each reply is a typed error with the
 * expected code and, where the request had a readable id, that id. Returns how many were sent.
 */
export async function barrage(wire: RawWire, payloads: readonly Payload[]): Promise<number> {
  let sent = 0;
  for (const payload of payloads) {
    const what = `${payload.method}: ${payload.what}`;
    const reply = await exchange(wire, payload.text);
    assertTypedError(reply, payload.expect, what);
    assert.equal(reply.id, payload.id, `${what}: reply to the wrong id`);
    sent++;
  }
  return sent;
}
