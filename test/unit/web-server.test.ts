// Web mode's door: the token guards the page, its assets and the WebSocket; the Host and Origin
// checks keep other sites out; RPC over the socket answers, with typed errors for malformed input.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import { MAX_MESSAGE_CHARS, Requests, type EventName, type Events } from '../../src/shared/contract';
import { RpcError, createRpcClient, webSocketChannel, type EventListener, type RpcHost, type RpcResponse } from '../../src/shared/rpc';
import { UserError } from '../../src/main/engine/errors';
import { startWebServer, type WebServer } from '../../src/main/host/web-server';

const INFO = { version: '1.2.3', backend: { name: 'cpu', reason: 'test', skipped: [] }, modelsDir: '/tmp/x' };

function fakeEngine() {
  const listeners = new Set<EventListener>();
  let disposed = false;
  const host: RpcHost & { dispose(): Promise<void> } = {
    async call(method, params) {
      if (!Requests[method].safeParse(params).success) throw new UserError(`invalid parameters for ${method}`);
      if (method === 'engine.info') return INFO;
      throw new UserError('not implemented yet', 'unavailable');
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async dispose() {
      disposed = true;
    },
  };
  const emit = <E extends EventName>(event: E, payload: Events[E]) => listeners.forEach((l) => l(event, payload));
  return { host, emit, listeners, isDisposed: () => disposed };
}

let dir: string;
let server: WebServer;
let engine: ReturnType<typeof fakeEngine>;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'le-web-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Latent Explorer</title><script type="module" src="./assets/app.js"></script>');
  writeFileSync(join(dir, 'assets', 'app.js'), 'console.log("app")');
  writeFileSync(join(dir, '..', 'le-web-secret.txt'), 'outside the renderer folder');
  engine = fakeEngine();
  server = await startWebServer({ port: 0, rendererDir: dir, modelsDir: join(dir, 'models'), engine: engine.host, log: () => {} });
});

after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(join(dir, '..', 'le-web-secret.txt'), { force: true });
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP GET, so the path and headers are exactly what the test says. */
function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens the RPC socket; resolves with the socket, or the HTTP status the upgrade was refused with. */
function openSocket(query: string, origin: string | null = server.origin, headers: Record<string, string> = {}): Promise<WebSocket | number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/rpc${query}`, { origin: origin ?? undefined, headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', (error) => (error.message.includes('Unexpected server response') ? undefined : reject(error)));
  });
}

async function openRpc(): Promise<WebSocket> {
  const ws = await openSocket(`?token=${server.token}`);
  assert.ok(ws instanceof WebSocket, `upgrade refused with ${String(ws)}`);
  return ws;
}

function exchange(ws: WebSocket, message: string | Buffer): Promise<RpcResponse> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const reply = JSON.parse(data.toString());
      if (reply.t !== 'res') return;
      ws.off('message', onMessage);
      resolve(reply);
    };
    ws.on('message', onMessage);
    ws.send(message);
  });
}

test('the printed URL carries the token and points at loopback', () => {
  assert.match(server.url, new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/\\?token=[A-Za-z0-9_-]{43}$`));
  assert.equal(server.url, `${server.origin}/?token=${server.token}`);
});

test('the page needs the token: 401 without, 403 with a wrong one, 200 with it', async () => {
  assert.equal((await get('/')).status, 401);
  assert.equal((await get('/index.html')).status, 401);
  assert.equal((await get('/?token=')).status, 401);
  assert.equal((await get('/?token=wrong')).status, 403);
  assert.equal((await get(`/?token=${server.token.slice(0, -1)}`)).status, 403);
  assert.equal((await get(`/?token=${server.token}x`)).status, 403);
  const ok = await get(`/?token=${server.token}`);
  assert.equal(ok.status, 200);
  assert.match(ok.body, /<title>Latent Explorer<\/title>/);
  assert.equal(ok.headers['content-type'], 'text/html; charset=utf-8');
});

test('responses carry a strict CSP and security headers, refusals too', async () => {
  for (const reply of [await get(`/?token=${server.token}`), await get('/')]) {
    const csp = String(reply.headers['content-security-policy']);
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-eval|script-src[^;]*unsafe-inline/);
    assert.match(csp, new RegExp(`connect-src 'self' ws://127\\.0\\.0\\.1:${server.port}`));
    assert.equal(reply.headers['x-content-type-options'], 'nosniff');
    assert.equal(reply.headers['x-frame-options'], 'DENY');
    assert.equal(reply.headers['referrer-policy'], 'no-referrer');
  }
});

test('assets load with the cookie set by the page, not without it', async () => {
  const page = await get(`/?token=${server.token}`);
  const cookie = String(page.headers['set-cookie']).split(';')[0];
  assert.match(String(page.headers['set-cookie']), /HttpOnly; SameSite=Strict; Path=\//);
  assert.equal((await get('/assets/app.js')).status, 401);
  assert.equal((await get('/assets/app.js', { cookie: 'latent-explorer-token-1=nope' })).status, 401);
  assert.equal((await get('/assets/app.js', { cookie: `${cookie.split('=')[0]}=wrong` })).status, 403);
  const asset = await get('/assets/app.js', { cookie });
  assert.equal(asset.status, 200);
  assert.equal(asset.headers['content-type'], 'text/javascript; charset=utf-8');
  assert.equal(asset.body, 'console.log("app")');
});

test('nothing outside the renderer folder is served', async () => {
  const t = `token=${server.token}`;
  for (const path of [`/../le-web-secret.txt?${t}`, `/%2e%2e/le-web-secret.txt?${t}`, `/assets/%2e%2e%2f..%2fle-web-secret.txt?${t}`, `/assets?${t}`, `/nope.js?${t}`, `/%00?${t}`]) {
    const reply = await get(path);
    assert.ok(reply.status === 404 || reply.status === 400, `${path} gave ${reply.status}`);
    assert.doesNotMatch(reply.body, /outside the renderer folder/);
  }
});

test('a foreign Host header (DNS rebinding) and other methods are refused', async () => {
  assert.equal((await get(`/?token=${server.token}`, { host: `evil.example:${server.port}` })).status, 403);
  assert.equal((await get(`/?token=${server.token}`, { host: `127.0.0.1:${server.port + 1}` })).status, 403);
  assert.equal((await get(`/?token=${server.token}`, { host: `localhost:${server.port}` })).status, 200);
  assert.equal((await get(`/?token=${server.token}`, {}, 'POST')).status, 405);
});

test('the WebSocket needs the token (401 without, 403 wrong) and our own Origin', async () => {
  assert.equal(await openSocket(''), 401);
  assert.equal(await openSocket('?token=wrong'), 403);
  assert.equal(await openSocket(`?token=${server.token}`, 'http://evil.example'), 403);
  assert.equal(await openSocket(`?token=${server.token}`, `http://127.0.0.1:${server.port + 1}`), 403);
  assert.equal(await openSocket(`?token=${server.token}`, 'null'), 403);
  assert.equal(await openSocket(`?token=${server.token}`, null), 403, 'no Origin at all');
  assert.equal(await openSocket(`?token=${server.token}`, server.origin, { host: `evil.example:${server.port}` }), 403);
  const ws = await openSocket(`?token=${server.token}`);
  assert.ok(ws instanceof WebSocket);
  ws.close();
});

test('RPC over the WebSocket answers engine.info', async () => {
  const ws = await openRpc();
  const client = createRpcClient(webSocketChannel(ws));
  assert.deepEqual(await client.call('engine.info', {}), INFO);
  await assert.rejects(client.call('models.list', {}), (e: unknown) => e instanceof RpcError && e.code === 'unavailable');
  client.close();
});

test('malformed WebSocket messages get typed errors and the socket keeps answering', async () => {
  const ws = await openRpc();
  const cases: Array<[string | Buffer, string]> = [
    ['not json at all', 'bad-request'],
    [Buffer.from([0xff, 0x00, 0x13]), 'bad-request'],
    [JSON.stringify({ t: 'req', id: 1, method: 'engine.format', params: {} }), 'unknown-method'],
    [JSON.stringify({ t: 'req', id: 2, method: 'models.describe', params: { id: 5 } }), 'bad-request'],
    [JSON.stringify({ t: 'req', id: 3, method: 'engine.info', params: { pad: 'x'.repeat(MAX_MESSAGE_CHARS) } }), 'too-large'],
  ];
  for (const [message, code] of cases) {
    const reply = await exchange(ws, message);
    assert.equal(reply.ok, false);
    assert.equal(!reply.ok && reply.error.code, code, String(message).slice(0, 30));
  }
  const ok = await exchange(ws, JSON.stringify({ t: 'req', id: 4, method: 'engine.info', params: {} }));
  assert.deepEqual(ok, { t: 'res', id: 4, ok: true, result: INFO });
  ws.close();
});

test('events are broadcast to every connection', async () => {
  const clients = [createRpcClient(webSocketChannel(await openRpc())), createRpcClient(webSocketChannel(await openRpc()))];
  const heard = clients.map(() => [] as string[]);
  clients.forEach((c, i) => c.on('engine.log', (p) => heard[i].push(p.message)));
  await clients[0].call('engine.info', {}); // both sockets are served by now
  await clients[1].call('engine.info', {});
  engine.emit('engine.log', { level: 'info', message: 'to all' });
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(heard, [['to all'], ['to all']]);
  clients.forEach((c) => c.close());
});

test('a host beyond loopback needs allowRemote, and then warns', async () => {
  await assert.rejects(
    startWebServer({ host: '0.0.0.0', rendererDir: dir, modelsDir: dir, engine: fakeEngine().host }),
    (e: unknown) => e instanceof UserError && /--allow-remote/.test(e.message)
  );
  const lines: string[] = [];
  const remote = await startWebServer({ host: '0.0.0.0', allowRemote: true, rendererDir: dir, modelsDir: dir, engine: fakeEngine().host, log: (l) => lines.push(l) });
  try {
    assert.match(lines.join('\n'), /warning: serving on 0\.0\.0\.0/);
    // Remote mode still wants the token.
    const reply = await new Promise<number>((resolve) => request({ host: '127.0.0.1', port: remote.port, path: '/' }, (res) => resolve(res.statusCode ?? 0)).end());
    assert.equal(reply, 401);
  } finally {
    await remote.close();
  }
});

test('a busy port is a one-line user error', async () => {
  await assert.rejects(
    startWebServer({ port: server.port, rendererDir: dir, modelsDir: dir, engine: fakeEngine().host, log: () => {} }),
    (e: unknown) => e instanceof UserError && /already in use/.test(e.message)
  );
});

test('closing the server disposes its engine', async () => {
  const own = fakeEngine();
  const other = await startWebServer({ rendererDir: dir, modelsDir: dir, engine: own.host, log: () => {} });
  await other.close();
  assert.equal(own.isDisposed(), true);
});
