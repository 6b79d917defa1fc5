// The desktop app as users launch it, without the Electron binary (none can be downloaded here):
// the BUILT main (out/main/index.js) runs against electron-simulation.ts, starts the BUILT engine
// entry in a simulated utility process (plain Node, no TypeScript loader), and the test plays the
// window: it runs the BUILT sandboxed preload, connects through the preload contract, and sends
// real requests over the MessagePort it is handed. Every built chunk is parsed first.
// `npm test` builds out/ before it runs the tests.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { register } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Events } from '../../src/shared/contract';
import { base64ToBytes } from '../../src/shared/image8';
import { ENGINE_PORT_MESSAGE, type PreloadApi } from '../../src/shared/preload-api';
import { createRpcClient, messagePortChannel, type RpcClient } from '../../src/shared/rpc';
import { writeIdxFolder } from '../engine/idx-fixture';
import { BACKEND_FAULT_EXIT_CODE } from '../../src/main/host/engine-process-args';
import { configureSimulation, simulation, SimulatedPage, type RendererMessagePort, type UtilityWire } from './electron-simulation';

const ROOT = join(import.meta.dirname, '..', '..');
const OUT = join(ROOT, 'out');
const home = mkdtempSync(join(tmpdir(), 'le-desktop-'));
const userData = join(home, 'userData');

function builtFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => /\.(c?js|mjs)$/.test(name))
    .map((name) => join(dir, name));
}

function nextEvent<E extends keyof Events>(client: RpcClient, event: E, accept: (payload: Events[E]) => boolean = () => true): Promise<Events[E]> {
  return new Promise((resolve) => {
    const stop = client.on(event, (payload) => {
      if (!accept(payload)) return;
      stop();
      resolve(payload);
    });
  });
}

let page: SimulatedPage;
let client: RpcClient;

before(async () => {
  assert.ok(existsSync(join(OUT, 'main', 'index.js')), 'out/main/index.js is missing: run `npm run build` first (npm test does)');
  configureSimulation({ appPath: ROOT, userData, trashDir: join(home, 'Trash') });
  // The built main imports 'electron': it gets the simulation, the very module instance this test reads.
  const simulationUrl = pathToFileURL(join(import.meta.dirname, 'electron-simulation.ts')).href;
  const hooks = `export async function resolve(specifier, context, next) {
    if (specifier === 'electron') return { url: ${JSON.stringify(simulationUrl)}, shortCircuit: true };
    return next(specifier, context);
  }`;
  register(`data:text/javascript,${encodeURIComponent(hooks)}`);
  await import(pathToFileURL(join(OUT, 'main', 'index.js')).href);
});

after(async () => {
  client?.close();
  const engines = simulation.utilityProcesses.filter((p) => p.child.exitCode === null && p.child.signalCode === null);
  const exited = Promise.all(engines.map((p) => new Promise((resolve) => p.child.once('exit', resolve))));
  const { app } = await import('./electron-simulation');
  app.quit();
  await exited;
  rmSync(home, { recursive: true, force: true });
});

test('every built chunk of main, preload and the engine parses', () => {
  const files = [...builtFiles(join(OUT, 'main')), ...builtFiles(join(OUT, 'preload'))];
  assert.ok(files.length >= 3, `built files: ${files.join(', ')}`);
  for (const file of files) {
    const check = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8' });
    assert.equal(check.status, 0, `${file} does not parse: ${check.stderr.split('\n').find((l) => /Error/.test(l)) ?? check.stderr}`);
  }
});

test('main opens one hardened window on the built page, and starts the engine in a utility process', () => {
  assert.equal(simulation.sandboxEnabled, true, 'app.enableSandbox()');
  assert.equal(simulation.windows.length, 1);
  const [window] = simulation.windows;
  const prefs = window!.options.webPreferences!;
  assert.equal(prefs.sandbox, true);
  assert.equal(prefs.contextIsolation, true);
  assert.equal(prefs.nodeIntegration, false);
  assert.ok(existsSync(String(prefs.preload)), `the preload exists: ${String(prefs.preload)}`);
  assert.equal(window!.loadedFile, join(OUT, 'renderer', 'index.html'));
  assert.equal(window!.shown, true, 'shown once ready');
  assert.match(readFileSync(join(userData, 'logs', 'main.log'), 'utf8'), /window ready/, 'main.log records the launch');
  assert.equal(simulation.headerHandlers.length, 1, 'the session CSP header is installed');
  assert.equal(simulation.utilityProcesses.length, 1);
  assert.equal(simulation.utilityProcesses[0]!.modulePath, join(OUT, 'main', 'engine-process.js'));
});

test('the built page allows no WebSocket: file:// pages get only its <meta> policy', () => {
  const html = readFileSync(join(OUT, 'renderer', 'index.html'), 'utf8');
  const policy = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1];
  assert.ok(policy, 'the built page has a CSP meta tag');
  const connect = policy.split(';').map((d) => d.trim()).find((d) => d.startsWith('connect-src'));
  assert.equal(connect, "connect-src 'self'");
  assert.doesNotMatch(policy, /wss?:|%LATENT_EXPLORER_CSP%/);
});

test('the window connects through the preload and gets a MessagePort to the engine', async () => {
  page = new SimulatedPage(simulation.windows[0]!.webContents);
  page.runPreload(String(simulation.windows[0]!.options.webPreferences!.preload));
  const api = page.world.latentExplorer as PreloadApi;
  assert.equal(typeof api.connect, 'function', 'window.latentExplorer is exposed');
  const port = new Promise<RendererMessagePort>((resolve) =>
    page.window.addEventListener('message', (event) => {
      if (event.source === page.window && (event.data as { type?: string }).type === ENGINE_PORT_MESSAGE && event.ports[0]) resolve(event.ports[0]);
    })
  );
  api.connect();
  client = createRpcClient(messagePortChannel(await port));
  const info = await client.call('engine.info', {});
  assert.match(info.version, /^\d+\.\d+\.\d+/);
  assert.ok(['gpu', 'node', 'wasm', 'cpu'].includes(info.backend.name), info.backend.name);
  assert.equal(info.modelsDir, join(userData, 'models'));
});

test('the bundled 2-D VAE opens and decodes a dragged point', async () => {
  const models = await client.call('models.list', {});
  const vae = models.find((m) => m.id === 'bundled/mnist-vae-2d');
  assert.ok(vae, `bundled models: ${models.map((m) => m.id).join(', ')}`);
  const described = await client.call('models.describe', { id: vae.id });
  assert.equal(described.summary.family, 'vae');
  const { images } = await client.call('model.decode', { id: vae.id, z: [[0, 0], [1.5, -1]] });
  assert.equal(images.length, 2);
  const [a, b] = images.map(base64ToBytes);
  assert.equal(a!.length, 784);
  assert.ok(a!.some((v) => v > 128), 'the decoded digit has ink');
  assert.notDeepEqual(a, b, 'two latent points decode to two images');
});

test('a training run starts, reports progress and is cancelled; a finished model is deleted through shell.trashItem', async () => {
  const dataset = join(home, 'digits');
  mkdirSync(dataset);
  writeIdxFolder(dataset, 2048, 64);
  const progress = nextEvent(client, 'train.progress');
  const { runId } = await client.call('train.start', { name: 'cancelled', recipe: 'ae-mlp-8', dataset, settings: { epochs: 50, batch: 32 } });
  const ended = nextEvent(client, 'train.end', (end) => end.runId === runId);
  assert.equal((await progress).runId, runId);
  assert.deepEqual(await client.call('train.cancel', { runId }), { cancelled: true });
  assert.equal((await ended).status, 'cancelled');

  const done = nextEvent(client, 'train.end', (end) => end.modelId === 'user/finished');
  await client.call('train.start', { name: 'finished', recipe: 'ae-mlp-8', dataset, settings: { epochs: 1, batch: 256 } });
  assert.equal((await done).status, 'done');
  const folder = join(userData, 'models', 'finished');
  assert.ok(existsSync(join(folder, 'manifest.json')));
  assert.deepEqual(await client.call('models.delete', { id: 'user/finished' }), { deleted: 'user/finished', trashed: true });
  assert.deepEqual(simulation.trashed, [folder], 'main moved the folder with shell.trashItem');
  assert.equal(existsSync(folder), false);
});

test('the engine started no other program: no bundler or helper binary at run time', () => {
  assert.deepEqual(simulation.spawnedByEngine, [], 'programs started from the engine process');
  assert.deepEqual(simulation.utilityProcesses[0]!.liveChildren(), [], 'programs the engine process still runs');
});

test('after a fault in the compute backend, main starts a fresh engine at once and the window connects again without a click', async () => {
  const api = page.world.latentExplorer as PreloadApi;
  const exits: unknown[] = [];
  api.onEngineExited((exit) => exits.push(exit));
  const restarted = new Promise<Events['engine.log']>((resolve) => api.onEngineRestarted(resolve));
  const faulted = simulation.utilityProcesses[0]!;
  // The engine's own part (answer the failed request, then exit with this code) is tested in
  // test/reliability/backend-fault.test.ts; here the process exits with it, and main must react.
  faulted.child.send({ kind: 'exit', code: BACKEND_FAULT_EXIT_CODE } satisfies UtilityWire);
  const notice = await restarted;
  assert.equal(notice.level, 'warn');
  assert.match(notice.message, /restarted after a fault in the compute backend; models saved so far are kept/);
  assert.equal(simulation.utilityProcesses.length, 2, 'a second engine process was started');
  assert.deepEqual(exits, [], 'no exit to restart by hand');

  const port = new Promise<RendererMessagePort>((resolve) =>
    page.window.addEventListener('message', (event) => {
      if (event.source === page.window && (event.data as { type?: string }).type === ENGINE_PORT_MESSAGE && event.ports[0]) resolve(event.ports[0]);
    })
  );
  api.connect();
  client.close();
  client = createRpcClient(messagePortChannel(await port));
  const { images } = await client.call('model.decode', { id: 'bundled/mnist-vae-2d', z: [[0, 0]] });
  assert.equal(base64ToBytes(images[0]!).length, 784, 'the fresh engine answers');
  assert.match(readFileSync(join(userData, 'logs', 'main.log'), 'utf8'), /the engine restarted after a fault in the compute backend/);
});
