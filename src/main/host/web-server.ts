// Web mode: the built renderer over HTTP and the engine's RPC over a WebSocket at /rpc, for a
// browser on this machine (or, with an explicit flag, a remote one). Anyone who can reach the port
// must also hold the random token from the printed URL; WebSocket upgrades must come from this
// server's own pages (Origin), and Host is checked so a DNS-rebound name cannot pose as loopback.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { extname, resolve, sep } from 'node:path';
import { contentSecurityPolicy } from '../../shared/csp';
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_MESSAGE_CHARS } from '../../shared/contract';
import { serveRpc, webSocketChannel, type RpcHost } from '../../shared/rpc';
import { createEngineSupervisor } from './engine-supervisor';
import { UserError } from '../engine/errors';
import { builtRendererDir, bundledModelsDir } from './app-paths';

export interface WebServerOptions {
  /** 0 (the default) picks any free port. */
  port?: number;
  /** Address to listen on; default 127.0.0.1. Anything beyond loopback needs `allowRemote`. */
  host?: string;
  allowRemote?: boolean;
  /** Default: 32 random bytes, base64url. */
  token?: string;
  /** The built renderer; default out/renderer of this checkout. */
  rendererDir?: string;
  modelsDir: string;
  bundledDir?: string;
  backend?: string;
  /** Serve this engine instead of a supervised engine process (tests, embedding). */
  engine?: RpcHost & { dispose?(): Promise<void> };
  /** Warnings and internal errors; default stderr. */
  log?: (line: string) => void;
}

export interface WebServer {
  /** The page to open, token included. */
  url: string;
  origin: string;
  port: number;
  token: string;
  engine: RpcHost;
  close(): Promise<void>;
}

/** Frames above this are cut by the WebSocket layer; below it, oversized requests get a typed 'too-large' reply. */
const MAX_FRAME_BYTES = 4 * MAX_MESSAGE_CHARS;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);
const HOST_HEADER = /^[A-Za-z0-9.\-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Refuses a listening address beyond loopback unless the user asked for it explicitly. */
export function assertHostAllowed(host: string, allowRemote = false): void {
  if (!isLoopback(host) && !allowRemote) {
    throw new UserError(`--host ${host} would open the engine to other machines; add --allow-remote if that is what you want`);
  }
}

function securityHeaders(hostHeader: string): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy([`ws://${hostHeader}`]),
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    // The page URL carries the token: never send it anywhere as a referrer.
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), usb=(), serial=()',
    'Cache-Control': 'no-store',
  };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest();

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

/**
 * Serves the renderer and the engine. Resolves once listening; `url` is what to open. Throws a
 * UserError for a non-loopback host without `allowRemote`, or a port already in use.
 */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const host = options.host ?? '127.0.0.1';
  const loopbackOnly = isLoopback(host);
  assertHostAllowed(host, options.allowRemote);
  const log = options.log ?? ((line: string) => console.error(line));
  if (!loopbackOnly) {
    log(`latent-explorer: warning: serving on ${host}: anyone on the network who has the URL with its token can use this engine (plain HTTP, unencrypted)`);
  }
  const token = options.token ?? randomBytes(32).toString('base64url');
  const tokenHash = sha256(token);
  const rendererDir = resolve(options.rendererDir ?? builtRendererDir());
  const engine =
    options.engine ??
    createEngineSupervisor({ modelsDir: options.modelsDir, bundledDir: options.bundledDir ?? bundledModelsDir(), backend: options.backend });
  let port = 0;
  const cookieName = () => `latent-explorer-token-${port}`;

  /** Host header accepted: our own loopback names (or, with allowRemote, any well-formed one). */
  const allowedHost = (value: string | undefined): value is string => {
    if (!value || !HOST_HEADER.test(value)) return false;
    if (!loopbackOnly) return true;
    return value === `127.0.0.1:${port}` || value === `localhost:${port}` || value === `[::1]:${port}`;
  };

  /** 'ok', or the HTTP status to refuse with: 401 without a token, 403 with a wrong one. */
  const authorize = (req: IncomingMessage, url: URL): 'ok' | 401 | 403 => {
    const given = url.searchParams.get('token') ?? cookieValue(req.headers.cookie, cookieName());
    if (!given) return 401;
    return timingSafeEqual(sha256(given), tokenHash) ? 'ok' : 403;
  };

  const refuse = (res: ServerResponse, status: number, hostHeader: string, text: string) => {
    res.writeHead(status, { ...securityHeaders(hostHeader), 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(`${text}\n`);
  };

  const handleRequest = (req: IncomingMessage, res: ServerResponse) => {
    const hostHeader = req.headers.host;
    if (!allowedHost(hostHeader)) return refuse(res, 403, `127.0.0.1:${port}`, 'Forbidden: unexpected Host header.');
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, hostHeader, 'Method not allowed.');
    const url = new URL(req.url ?? '/', `http://${hostHeader}`);
    const auth = authorize(req, url);
    if (auth !== 'ok') {
      const why = auth === 401 ? 'this page needs the token from the URL that `latent-explorer serve` printed' : 'wrong token';
      return refuse(res, auth, hostHeader, `${auth === 401 ? 'Unauthorized' : 'Forbidden'}: ${why}.`);
    }
    let pathname: string;
    try {
      pathname = decodeURIComponent(url.pathname);
    } catch {
      return refuse(res, 400, hostHeader, 'Bad request.');
    }
    const file = resolve(rendererDir, `.${pathname === '/' ? '/index.html' : pathname}`);
    if (pathname.includes('\0') || !file.startsWith(rendererDir + sep)) return refuse(res, 404, hostHeader, 'Not found.');
    let size: number;
    try {
      const stat = statSync(file);
      if (!stat.isFile()) return refuse(res, 404, hostHeader, 'Not found.');
      size = stat.size;
    } catch {
      return refuse(res, 404, hostHeader, 'Not found.');
    }
    const headers: Record<string, string | string[]> = {
      ...securityHeaders(hostHeader),
      'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
      'Content-Length': String(size),
    };
    // Assets and reloads carry no token in their URL; this cookie (never readable by scripts,
    // never sent cross-site) lets them through.
    if (url.searchParams.has('token')) headers['Set-Cookie'] = `${cookieName()}=${token}; HttpOnly; SameSite=Strict; Path=/`;
    res.writeHead(200, headers);
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).on('error', () => res.destroy()).pipe(res);
  };

  const refuseUpgrade = (socket: Duplex, status: number, text: string) => {
    socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${text.length + 1}\r\n\r\n${text}\n`);
  };

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false });
  const onInternalError = (method: string, error: unknown) => log(`latent-explorer: ${method} failed: ${error instanceof Error ? error.stack : String(error)}`);
  wss.on('connection', (socket: WebSocket) => {
    socket.on('error', (error) => log(`latent-explorer: WebSocket closed: ${error.message}`));
    serveRpc(webSocketChannel(socket), engine, { onInternalError });
  });

  const server = createServer(handleRequest);
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    const hostHeader = req.headers.host;
    if (!allowedHost(hostHeader)) return refuseUpgrade(socket, 403, 'Forbidden');
    const url = new URL(req.url ?? '/', `http://${hostHeader}`);
    if (url.pathname !== '/rpc') return refuseUpgrade(socket, 404, 'Not Found');
    // A page from any other site could open a socket to localhost: only our own pages may.
    if (req.headers.origin !== `http://${hostHeader}`) return refuseUpgrade(socket, 403, 'Forbidden');
    const auth = authorize(req, url);
    if (auth !== 'ok') return refuseUpgrade(socket, auth, auth === 401 ? 'Unauthorized' : 'Forbidden');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      void engine.dispose?.();
      reject(error.code === 'EADDRINUSE' ? new UserError(`port ${options.port} is already in use: pick another with --port, or --port 0 for any free one`, 'conflict') : error);
    });
    server.listen(options.port ?? 0, host, () => resolveListen());
  });
  port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const origin = `http://${urlHost}:${port}`;

  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    engine,
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      await engine.dispose?.();
    },
  };
}
