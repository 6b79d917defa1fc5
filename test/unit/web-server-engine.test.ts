// Web mode with the real engine in its own process: RPC reaches it through the WebSocket, a killed
// engine is announced to the page and answers 'unavailable', and engine.restart brings it back.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import type { Events } from '../../src/shared/contract';
import { RpcError, createRpcClient, webSocketChannel, type RpcClient } from '../../src/shared/rpc';
import type { EngineSupervisor } from '../../src/main/host/engine-supervisor';
import { startWebServer, type WebServer } from '../../src/main/host/web-server';

let dir: string;
let server: WebServer;
let client: RpcClient;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function nextEvent<E extends keyof Events>(event: E): Promise<Events[E]> {
  return new Promise((resolve) => {
    const stop = client.on(event, (payload) => {
      stop();
      resolve(payload);
    });
  });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'le-web-engine-'));
  server = await startWebServer({ rendererDir: dir, modelsDir: join(dir, 'models'), backend: 'cpu', log: () => {} });
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/rpc?token=${server.token}`, { origin: server.origin });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  client = createRpcClient(webSocketChannel(ws));
});

after(async () => {
  client.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

test('engine.info is answered by the engine process', async () => {
  const info = await client.call('engine.info', {});
  assert.equal(info.backend.name, 'cpu');
  assert.equal(info.modelsDir, join(dir, 'models'));
  await assert.rejects(client.call('models.describe', { id: 7 } as never), (e: unknown) => e instanceof RpcError && e.code === 'bad-request');
});

test('a killed engine is announced, refuses with unavailable, and restarts on request', async () => {
  const supervisor = server.engine as EngineSupervisor;
  const oldPid = supervisor.pid!;
  await client.call('engine.info', {});
  const exited = nextEvent('engine.exited');
  process.kill(oldPid, 'SIGKILL');
  const exit = await exited;
  assert.equal(exit.signal, 'SIGKILL');
  assert.match(exit.message, /killed/);
  await assert.rejects(client.call('engine.info', {}), (e: unknown) => e instanceof RpcError && e.code === 'unavailable' && /restart/.test(e.message));

  const restarted = nextEvent('engine.restarted');
  assert.deepEqual(await client.call('engine.restart', {}), { restarted: true });
  await restarted;
  assert.equal((await client.call('engine.info', {})).backend.name, 'cpu');
  assert.notEqual(supervisor.pid, oldPid);
  assert.equal(alive(oldPid), false);
});

test('closing the server stops the engine process', async () => {
  const supervisor = server.engine as EngineSupervisor;
  const pid = supervisor.pid!;
  assert.equal(alive(pid), true);
  await server.close();
  assert.equal(supervisor.pid, null);
  assert.equal(alive(pid), false);
});
