// Electron hardening without Electron (its binary cannot run here): security.ts is loaded with a
// stand-in 'electron' module that records what it registers, and the recorded handlers are then
// driven like Electron would: navigation, redirects, webviews and new windows denied, every
// permission refused, the CSP (no remote or inline scripts) forced onto every response, and IPC
// trusted only from our own page's main frame. The window's webPreferences are checked in the source.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { register } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { contentSecurityPolicy, metaContentSecurityPolicy } from '../../src/shared/csp';

type Handler = (...args: any[]) => any;
const recorded = {
  headers: null as Handler | null,
  permissionRequest: null as Handler | null,
  permissionCheck: null as Handler | null,
  devicePermission: null as Handler | null,
  appEvents: new Map<string, Handler>(),
};
(globalThis as any).__electronStandIn = {
  app: { on: (event: string, handler: Handler) => recorded.appEvents.set(event, handler) },
  session: {
    defaultSession: {
      webRequest: { onHeadersReceived: (handler: Handler) => (recorded.headers = handler) },
      setPermissionRequestHandler: (handler: Handler) => (recorded.permissionRequest = handler),
      setPermissionCheckHandler: (handler: Handler) => (recorded.permissionCheck = handler),
      setDevicePermissionHandler: (handler: Handler) => (recorded.devicePermission = handler),
    },
  },
};
const STAND_IN = 'const e = globalThis.__electronStandIn; export const app = e.app; export const session = e.session;';
const HOOKS = `export async function resolve(specifier, context, next) {
  if (specifier === 'electron') return { url: 'data:text/javascript,' + encodeURIComponent(${JSON.stringify(STAND_IN)}), shortCircuit: true };
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(HOOKS)}`);
const { hardenSessions, isTrustedSender } = await import('../../src/main/electron/security');

const ROOT = join(import.meta.dirname, '..', '..');

function directives(policy: string): Map<string, string[]> {
  return new Map(policy.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...sources]) => [name!, sources]));
}

function assertStrictPolicy(policy: string, connect: string[]): void {
  const d = directives(policy);
  assert.deepEqual(d.get('script-src'), ["'self'"], 'scripts only from the app: no remote, inline or eval');
  assert.deepEqual(d.get('default-src'), ["'self'"]);
  assert.deepEqual(d.get('object-src'), ["'none'"]);
  assert.deepEqual(d.get('base-uri'), ["'none'"]);
  assert.deepEqual(d.get('frame-ancestors'), ["'none'"]);
  assert.deepEqual(d.get('connect-src'), ["'self'", ...connect]);
  assert.doesNotMatch(policy, /unsafe-eval|\*|https?:/, 'no wildcard or remote source anywhere');
}

test('the CSP forbids remote and inline scripts, for the app, the dev server and web mode alike', () => {
  assertStrictPolicy(contentSecurityPolicy(), []);
  assertStrictPolicy(contentSecurityPolicy(['ws://127.0.0.1:5000']), ['ws://127.0.0.1:5000']);
  // The page carries the same policy in a meta tag, filled in at build time (the only policy a
  // file:// page gets in the packaged app; test/desktop checks the built page).
  assert.match(readFileSync(join(ROOT, 'src', 'renderer', 'index.html'), 'utf8'), /http-equiv="Content-Security-Policy" content="%LATENT_EXPLORER_CSP%"/);
  const meta = metaContentSecurityPolicy();
  assert.deepEqual(directives(meta).get('script-src'), ["'self'"]);
  assert.deepEqual(directives(meta).get('connect-src'), ["'self'"], 'no WebSocket or other origin');
  assert.doesNotMatch(meta, /unsafe-eval|frame-ancestors|script-src[^;]*(unsafe-inline|https?:|\*)/);
});

test('every session response gets the strict CSP; permissions are refused', (t) => {
  hardenSessions(undefined);
  let headers: Record<string, string[]> = {};
  recorded.headers!({ responseHeaders: { 'Content-Security-Policy': ["script-src *"], 'X-Other': ['kept'] } }, (r: { responseHeaders: Record<string, string[]> }) => (headers = r.responseHeaders));
  assert.deepEqual(headers['X-Other'], ['kept']);
  assert.equal(headers['Content-Security-Policy']!.length, 1);
  assertStrictPolicy(headers['Content-Security-Policy']![0]!, []);

  const permissions = ['media', 'geolocation', 'notifications', 'midi', 'midiSysex', 'clipboard-read', 'clipboard-sanitized-write', 'openExternal', 'fullscreen', 'pointerLock', 'display-capture', 'hid', 'serial', 'usb', 'unknown'];
  for (const permission of permissions) {
    let granted: boolean | undefined;
    recorded.permissionRequest!({}, permission, (answer: boolean) => (granted = answer), {});
    assert.equal(granted, false, `permission request ${permission}`);
    assert.equal(recorded.permissionCheck!({}, permission, 'file://', {}), false, `permission check ${permission}`);
  }
  assert.equal(recorded.devicePermission!({ deviceType: 'usb', origin: 'file://' }), false);
  t.diagnostic(`electron: ${permissions.length} permission requests and checks refused, device permission refused`);

  // With the dev server (development only), its socket is the one extra connection.
  hardenSessions('http://localhost:5173');
  recorded.headers!({ responseHeaders: {} }, (r: { responseHeaders: Record<string, string[]> }) => (headers = r.responseHeaders));
  assertStrictPolicy(headers['Content-Security-Policy']![0]!, ['ws://localhost:5173']);
});

test('every web contents denies navigation, redirects, webviews and new windows', (t) => {
  hardenSessions(undefined);
  const events = new Map<string, Handler>();
  let windowOpen: Handler | null = null;
  const contents = { on: (event: string, handler: Handler) => events.set(event, handler), setWindowOpenHandler: (handler: Handler) => (windowOpen = handler) };
  recorded.appEvents.get('web-contents-created')!({}, contents);
  for (const event of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
    let prevented = false;
    events.get(event)!({ preventDefault: () => (prevented = true) }, 'https://evil.example/');
    assert.ok(prevented, `${event} prevented`);
  }
  const urls = ['https://evil.example/', 'file:///etc/passwd', 'javascript:alert(1)', 'about:blank'];
  for (const url of urls) {
    assert.deepEqual(windowOpen!({ url, disposition: 'new-window' }), { action: 'deny' }, `window.open(${url})`);
  }
  t.diagnostic(`electron: will-navigate, will-redirect, will-attach-webview prevented; ${urls.length} window.open attempts denied`);
});

test('IPC is trusted only from the main frame of our own page', (t) => {
  const index = join(ROOT, 'out', 'renderer', 'index.html');
  const frame = (url: string, parent: object | null = null) => ({ url, parent }) as never;
  assert.equal(isTrustedSender(frame(pathToFileURL(index).href), index, undefined), true);
  assert.equal(isTrustedSender(frame('http://localhost:5173/'), index, 'http://localhost:5173'), true, 'the dev server, in development');
  const untrusted: Array<[string, Parameters<typeof isTrustedSender>[0], string | undefined]> = [
    ['no frame', null, undefined],
    ['a subframe of our page', frame(pathToFileURL(index).href, {}), undefined],
    ...[pathToFileURL(join(ROOT, 'other.html')).href, 'https://evil.example/', 'http://localhost:5173/', 'not a url', 'data:text/html,hi', 'about:blank'].map(
      (url): [string, ReturnType<typeof frame>, undefined] => [url, frame(url), undefined]
    ),
    ['another dev server port', frame('http://localhost:5174/'), 'http://localhost:5173'],
    ['the built page while developing', frame(pathToFileURL(index).href), 'http://localhost:5173'],
  ];
  for (const [what, sender, dev] of untrusted) assert.equal(isTrustedSender(sender, index, dev), false, what);
  t.diagnostic(`electron: ${untrusted.length} untrusted IPC senders refused`);
});

test('the window is isolated and sandboxed, and the preload exposes one narrow API', () => {
  const main = readFileSync(join(ROOT, 'src', 'main', 'electron', 'index.ts'), 'utf8');
  assert.match(main, /app\.enableSandbox\(\)/);
  for (const setting of ['contextIsolation: true', 'sandbox: true', 'nodeIntegration: false', 'webSecurity: true', 'allowRunningInsecureContent: false', 'webviewTag: false', 'navigateOnDragDrop: false']) {
    assert.ok(main.includes(setting), setting);
  }
  assert.doesNotMatch(main, /nodeIntegrationInWorker: true|nodeIntegrationInSubFrames: true|enableRemoteModule/);
  const preload = readFileSync(join(ROOT, 'src', 'preload', 'index.ts'), 'utf8');
  assert.equal(preload.match(/exposeInMainWorld/g)?.length, 1);
  assert.match(preload, /exposeInMainWorld\('latentExplorer', api\)/);
  const api = /const api: PreloadApi = \{([\s\S]*?)\n\};/.exec(preload)?.[1];
  assert.ok(api, 'the exposed object is typed by the shared PreloadApi');
  assert.doesNotMatch(api, /ipcRenderer(?!\.(send|invoke|on|off)\()/, 'only calls on fixed channels, never ipcRenderer itself');
  assert.doesNotMatch(api, /\b(send|invoke)\((?!IPC\.)/, 'channels are constants, never chosen by the page');
});
