// Web mode's guard, against a real server and a real engine: it listens on loopback only unless told
// otherwise (and then warns), the `serve` command refuses a wider --host without --allow-remote
// before doing any work, and the token and Origin checks refuse every attempt without the right
// token or from another origin, for the page and for the WebSocket alike. Stopping `serve` the moment
// it prints its URL stops its engine process too; stopping it before then announces no URL at all.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import { createRpcClient, webSocketChannel } from '../../src/shared/rpc';
import { createEngineHost, type EngineHost } from '../../src/main/host/engine-host';
import { startWebServer, type WebServer } from '../../src/main/host/web-server';
import { scratch, snapshot } from './fixtures';

const home = scratch('web');
let engine: EngineHost;
let server: WebServer;
/** The engine without its dispose, so that closing one server leaves it to the other. */
const shared = () => ({ call: engine.call.bind(engine), onEvent: engine.onEvent.bind(engine) });

before(async () => {
  writeFileSync(join(home.dir, 'index.html'), '<!doctype html><title>Latent Explorer</title>');
  engine = await createEngineHost({ modelsDir: join(home.dir, 'models'), bundledDir: join(home.dir, 'bundled') });
  server = await startWebServer({ port: 0, rendererDir: home.dir, modelsDir: join(home.dir, 'models'), engine: shared(), log: () => {} });
});

after(async () => {
  await server.close();
  await engine.dispose();
  home.remove();
});

/** Resolves true if a TCP connection to host:port opens. */
function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

function get(port: number, path: string, headers: Record<string, string> = {}, host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    request({ host, port, path, headers }, (res) => (res.resume(), resolve(res.statusCode ?? 0))).on('error', reject).end();
  });
}

/** The HTTP status an upgrade is refused with, or 101 when the socket opens. */
function upgrade(query: string, origin: string | undefined, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/rpc${query}`, { origin, headers });
    ws.once('open', () => (ws.terminate(), resolve(101)));
    ws.once('unexpected-response', (_req, res) => (ws.terminate(), resolve(res.statusCode ?? 0)));
    ws.once('error', (error) => (error.message.includes('Unexpected server response') ? undefined : reject(error)));
  });
}

const externalAddresses = () =>
  Object.values(networkInterfaces())
    .flat()
    .filter((i) => i && !i.internal && i.family === 'IPv4')
    .map((i) => i!.address);

test('by default the server listens on 127.0.0.1 only', async () => {
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
  assert.equal(await reachable('127.0.0.1', server.port), true);
  // Bound to 127.0.0.1 itself, not to every address: another loopback address and the machine's own
  // network addresses find nothing listening.
  assert.equal(await reachable('127.0.0.2', server.port), false);
  for (const address of externalAddresses()) assert.equal(await reachable(address, server.port), false, address);
});

test('`serve --host` beyond loopback is refused without --allow-remote, at once and without building', () => {
  const models = join(home.dir, 'cli-models');
  const before = snapshot(home.dir);
  for (const host of ['0.0.0.0', '::', '192.0.2.1', 'example.com', '0177.0.0.1']) {
    const run = spawnSync(process.execPath, ['bin/latent-explorer.js', 'serve', '--host', host, '--port', '0', '--models', models], {
      cwd: join(import.meta.dirname, '..', '..'),
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(run.status, 2, `${host}: ${run.stderr}`);
    assert.equal(run.stderr.trim(), `latent-explorer: error: --host ${host} would open the engine to other machines; add --allow-remote if that is what you want`);
    assert.doesNotMatch(run.stderr, /building/);
  }
  assert.deepEqual(snapshot(home.dir), before, 'nothing created (no models folder, no build)');
});

test('with allowRemote it listens beyond loopback, warns, and still wants the token', async () => {
  const lines: string[] = [];
  const remote = await startWebServer({ host: '0.0.0.0', allowRemote: true, port: 0, rendererDir: home.dir, modelsDir: join(home.dir, 'models'), engine: shared(), log: (l) => lines.push(l) });
  try {
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /^latent-explorer: warning: serving on 0\.0\.0\.0: anyone on the network who has the URL with its token can use this engine/);
    for (const address of ['127.0.0.1', ...externalAddresses()]) {
      const hostHeader = { host: `${address}:${remote.port}` };
      assert.equal(await get(remote.port, '/', hostHeader, address), 401, `${address} without token`);
      assert.equal(await get(remote.port, '/?token=nope', hostHeader, address), 403, `${address} wrong token`);
      assert.equal(await get(remote.port, `/?token=${remote.token}`, hostHeader, address), 200, `${address} with token`);
    }
  } finally {
    await remote.close();
  }
});

test('the page and the WebSocket refuse every missing or wrong token, and every foreign Origin', async (t) => {
  const token = server.token;
  const flipLast = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
  const wrongTokens = ['x', flipLast, token.slice(0, -1), `${token}A`, token.toUpperCase() === token ? token.toLowerCase() : token.toUpperCase(), '%00', 'é'.repeat(43), token.repeat(100)];
  let refused = 0;
  // Page: 401 without a token, 403 with a wrong one (query or cookie).
  for (const [path, headers] of [
    ['/', {}],
    ['/?token=', {}],
    ['/index.html', { cookie: `latent-explorer-token-${server.port}=` }],
  ] as const) {
    assert.equal(await get(server.port, path, headers), 401, path);
    refused++;
  }
  for (const wrong of wrongTokens) {
    assert.equal(await get(server.port, `/?token=${encodeURIComponent(wrong)}`), 403, `page, token ${wrong.slice(0, 12)}`);
    assert.equal(await get(server.port, '/index.html', { cookie: `latent-explorer-token-${server.port}=${encodeURIComponent(wrong)}` }), 403, 'cookie');
    assert.equal(await upgrade(`?token=${encodeURIComponent(wrong)}`, server.origin), 403, `socket, token ${wrong.slice(0, 12)}`);
    refused += 3;
  }
  // The cookie of another port's server is not this server's token.
  assert.equal(await get(server.port, '/index.html', { cookie: `latent-explorer-token-${server.port + 1}=${token}` }), 401);
  assert.equal(await upgrade('', server.origin), 401, 'socket without token');
  refused += 2;
  // Origin: only this server's own page may open the socket, even with the right token.
  for (const origin of [undefined, 'null', 'http://evil.example', `http://localhost:${server.port}`, `http://127.0.0.1:${server.port + 1}`, `https://127.0.0.1:${server.port}`, `http://127.0.0.1:${server.port}.evil.example`, 'file://']) {
    assert.equal(await upgrade(`?token=${token}`, origin), 403, `origin ${origin}`);
    refused++;
  }
  // And with everything right, the engine answers.
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/rpc?token=${token}`, { origin: server.origin });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const client = createRpcClient(webSocketChannel(ws));
  assert.equal((await client.call('engine.info', {})).modelsDir, join(home.dir, 'models'));
  client.close();
  t.diagnostic(`web mode: ${refused} unauthorised page/WebSocket attempts refused (401/403)`);
});

test('serve handles SIGTERM before its URL is out, so stopping it at once stops its engine process too', { timeout: 120_000 }, async () => {
  const serve = spawn(process.execPath, ['bin/latent-explorer.js', 'serve', '--port', '0', '--models', join(home.dir, 'signal-models')], {
    cwd: join(import.meta.dirname, '..', '..'),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  for await (const chunk of serve.stdout) {
    output += chunk;
    if (/http:\/\/127\.0\.0\.1:\d+\//.test(output)) break;
  }
  // Stopped the moment a reader has the URL. (Node itself catches SIGTERM from its start, to reset
  // the terminal before dying by it, so only the exit below shows whether serve handled it.)
  const children = readFileSync(`/proc/${serve.pid}/task/${serve.pid}/children`, 'utf8').trim().split(/\s+/).map(Number);
  const engines = children.filter((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('engine-process'));
  assert.equal(engines.length, 1, 'one engine process');
  serve.kill('SIGTERM');
  const [code, signal] = await once(serve, 'exit');
  assert.deepEqual([code, signal], [0, null], 'serve stops cleanly, not by the default signal action');
  assert.throws(() => process.kill(engines[0]!, 0), { code: 'ESRCH' }, 'the engine process is gone with it');
});

/** The pids of live processes whose command line holds `text`. */
function processesWith(text: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text);
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
}

test('serve stopped before its URL is out announces none, and stops its engine process', { timeout: 120_000 }, async () => {
  // A preload holds the server's listen until the first SIGINT: the stop then surely comes after the
  // engine process started and before the server was up, whatever the machine's speed.
  const hold = join(home.dir, 'hold-listen.cjs');
  writeFileSync(
    hold,
    `const net = require('node:net');
     const listen = net.Server.prototype.listen;
     net.Server.prototype.listen = function (...args) {
       process.once('SIGINT', () => listen.apply(this, args));
       process.stderr.write('listen held\\n');
       return this;
     };`
  );
  const models = join(home.dir, 'early-stop-models');
  const serve = spawn(process.execPath, ['--require', hold, 'bin/latent-explorer.js', 'serve', '--port', '0', '--models', models], {
    cwd: join(import.meta.dirname, '..', '..'),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const announced = new Promise<'announced'>((resolve) =>
    serve.stdout.on('data', (chunk) => {
      output += chunk;
      if (/http:\/\//.test(output)) resolve('announced');
    })
  );
  let errors = '';
  for await (const chunk of serve.stderr) {
    errors += chunk;
    if (errors.includes('listen held')) break;
  }
  serve.stderr.resume();
  assert.equal(processesWith(models).filter((pid) => pid !== serve.pid).length, 1, 'its engine process has started');
  serve.kill('SIGINT');
  const ended = await Promise.race([once(serve, 'exit'), announced]);
  if (ended === 'announced') serve.kill('SIGKILL'); // a server that took the stop for nothing would run on
  assert.doesNotMatch(output, /ready|http:\/\//, 'no URL is announced after a stop');
  assert.deepEqual(ended, [0, null], 'serve stops cleanly, not by the default signal action');
  assert.deepEqual(processesWith(models), [], 'the engine process is gone with it');
});
