// One small RPC layer over any message channel (Electron MessagePort, WebSocket, Node IPC, an
// in-process pair): numbered requests answered by results or typed errors, plus events. Every
// message is JSON text on every channel, so the size check happens on the raw text before any
// parsing, the same way everywhere. No node:* and no DOM types here: the renderer imports it too.
import type { z } from 'zod';
import {
  ERROR_CODES,
  MAX_MESSAGE_CHARS,
  Requests,
  type ErrorCode,
  type EventName,
  type Events,
  type Method,
  type Result,
  type RpcErrorShape,
} from './contract';

/** Anything that carries text messages both ways and can tell when it has closed. */
export interface Channel {
  send(message: string): void;
  /** Delivers whatever arrives; the RPC layer checks that it is text. */
  onMessage(listener: (message: unknown) => void): () => void;
  onClose(listener: () => void): () => void;
  close(): void;
}

export type RequestId = string | number;
export interface RpcRequest {
  t: 'req';
  id: RequestId;
  method: string;
  params: unknown;
}
export type RpcResponse =
  | { t: 'res'; id: RequestId | null; ok: true; result: unknown }
  | { t: 'res'; id: RequestId | null; ok: false; error: RpcErrorShape };
export interface RpcEvent {
  t: 'evt';
  name: string;
  payload: unknown;
}

/** What a caller gets back when a request fails: the contract's error code and a one-line message. */
export class RpcError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string
  ) {
    super(message);
    this.name = 'RpcError';
  }
}

export type EventListener = <E extends EventName>(event: E, payload: Events[E]) => void;

/** The side that answers: the engine host itself, or a supervisor relaying to an engine process. */
export interface RpcHost {
  call(method: Method, params: unknown): Promise<unknown>;
  onEvent(listener: EventListener): () => void;
}

/** Parameters as a caller writes them (before schema defaults). */
export type CallParams<M extends Method> = z.input<(typeof Requests)[M]>;

const MAX_ID_CHARS = 64;
/** Requests one connection may have unanswered at once; more are refused, keeping memory bounded. */
export const MAX_IN_FLIGHT = 64;

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0].slice(0, 500);
}

/** Errors that already carry a contract code (UserError, RpcError) keep it; anything else is 'internal'. */
export function toErrorShape(error: unknown): RpcErrorShape {
  if (error instanceof Error && 'code' in error && isErrorCode(error.code)) {
    return { code: error.code, message: firstLine(error.message) };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal', message: firstLine(message) || 'internal error' };
}

function validId(value: unknown): value is RequestId {
  return (typeof value === 'string' && value.length <= MAX_ID_CHARS) || Number.isSafeInteger(value);
}

type ReadRequest = { ok: true; request: RpcRequest } | { ok: false; id: RequestId | null; error: RpcErrorShape };

/** Checks one incoming message: size first (on the raw text), then JSON, envelope and method name. */
export function readRequest(raw: unknown): ReadRequest {
  const refuse = (code: ErrorCode, message: string, id: RequestId | null = null): ReadRequest => ({ ok: false, id, error: { code, message } });
  if (typeof raw !== 'string') return refuse('bad-request', 'messages must be JSON text');
  if (raw.length > MAX_MESSAGE_CHARS) {
    return refuse('too-large', `message of ${raw.length} characters exceeds the limit of ${MAX_MESSAGE_CHARS}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return refuse('bad-request', 'message is not valid JSON');
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return refuse('bad-request', 'expected a request object {t: "req", id, method, params}');
  }
  const envelope = data as Record<string, unknown>;
  const id = validId(envelope.id) ? envelope.id : null;
  if (envelope.t !== 'req' || id === null) {
    return refuse('bad-request', `expected a request object {t: "req", id, method, params} with a number or short string id`, id);
  }
  const method = envelope.method;
  if (typeof method !== 'string') return refuse('bad-request', 'request has no method name', id);
  if (!Object.hasOwn(Requests, method)) {
    return refuse('unknown-method', `unknown method "${method.slice(0, 80)}"`, id);
  }
  return { ok: true, request: { t: 'req', id, method, params: envelope.params ?? {} } };
}

export interface ServeOptions {
  /** Called with errors that are not the user's fault, for the server's own log. */
  onInternalError?: (method: string, error: unknown) => void;
}

/**
 * Answers requests arriving on `channel` with `host`, and forwards the host's events. Nothing a
 * peer sends can throw out of here: every problem becomes a typed error reply. Returns a stop
 * function (also called when the channel closes).
 */
export function serveRpc(channel: Channel, host: RpcHost, options: ServeOptions = {}): () => void {
  let inFlight = 0;
  const send = (message: RpcResponse | RpcEvent): void => {
    let text: string;
    try {
      text = JSON.stringify(message);
    } catch (error) {
      if (message.t !== 'res') return;
      options.onInternalError?.('(reply)', error);
      text = JSON.stringify({ t: 'res', id: message.id, ok: false, error: toErrorShape(error) });
    }
    try {
      channel.send(text);
    } catch {
      // The peer is gone; its close handler stops this server.
    }
  };
  const fail = (id: RequestId | null, error: RpcErrorShape) => send({ t: 'res', id, ok: false, error });

  const stopMessages = channel.onMessage((raw) => {
    const read = readRequest(raw);
    if (!read.ok) return fail(read.id, read.error);
    const { id, method, params } = read.request;
    if (inFlight >= MAX_IN_FLIGHT) {
      return fail(id, { code: 'unavailable', message: `more than ${MAX_IN_FLIGHT} requests in flight; wait for answers first` });
    }
    inFlight++;
    Promise.resolve()
      .then(() => host.call(method as Method, params))
      .then(
        (result) => send({ t: 'res', id, ok: true, result }),
        (error: unknown) => {
          const shape = toErrorShape(error);
          if (shape.code === 'internal') options.onInternalError?.(method, error);
          fail(id, shape);
        }
      )
      .finally(() => inFlight--);
  });
  const stopEvents = host.onEvent((name, payload) => send({ t: 'evt', name, payload }));
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    stopMessages();
    stopEvents();
    stopClose();
  };
  const stopClose = channel.onClose(stop);
  return stop;
}

export interface RpcClient {
  call<M extends Method>(method: M, params: CallParams<M>): Promise<Result<M>>;
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
  /** Every event, for relays that forward them all. */
  onAnyEvent(listener: EventListener): () => void;
  readonly closed: boolean;
  close(): void;
}

interface Pending {
  resolve(result: unknown): void;
  reject(error: RpcError): void;
}

/** A response or an event as it arrives, before any field is trusted. */
interface Incoming {
  t?: unknown;
  id?: RequestId | null;
  ok?: unknown;
  result?: unknown;
  error?: { code?: unknown; message?: unknown };
  name?: unknown;
  payload?: unknown;
}

function parseIncoming(raw: unknown): Incoming | null {
  if (typeof raw !== 'string') return null;
  try {
    const data: unknown = JSON.parse(raw);
    return typeof data === 'object' && data !== null ? (data as Incoming) : null;
  } catch {
    return null;
  }
}

/** The calling side. Pending calls fail with 'unavailable' once the channel closes. */
export function createRpcClient(channel: Channel): RpcClient {
  let nextId = 1;
  let closed = false;
  const pending = new Map<RequestId, Pending>();
  const anyListeners = new Set<EventListener>();

  const dispatch = (name: EventName, payload: unknown) => {
    for (const listener of [...anyListeners]) {
      try {
        listener(name, payload as Events[typeof name]);
      } catch (error) {
        console.error(`listener for ${name} failed:`, error);
      }
    }
  };

  const stopMessages = channel.onMessage((raw) => {
    const message = parseIncoming(raw);
    if (message?.t === 'evt' && typeof message.name === 'string') return dispatch(message.name as EventName, message.payload);
    if (message?.t !== 'res' || message.id === undefined || message.id === null) return;
    const waiting = pending.get(message.id);
    if (!waiting) return;
    pending.delete(message.id);
    if (message.ok) waiting.resolve(message.result);
    else {
      const error = message.error;
      waiting.reject(new RpcError(isErrorCode(error?.code) ? error.code : 'internal', String(error?.message ?? 'request failed')));
    }
  });

  const shutDown = () => {
    if (closed) return;
    closed = true;
    stopMessages();
    stopClose();
    for (const waiting of pending.values()) waiting.reject(new RpcError('unavailable', 'the connection to the engine closed'));
    pending.clear();
  };
  const stopClose = channel.onClose(shutDown);
  const onAnyEvent = (listener: EventListener) => {
    anyListeners.add(listener);
    return () => anyListeners.delete(listener);
  };

  return {
    call<M extends Method>(method: M, params: CallParams<M>): Promise<Result<M>> {
      if (closed) return Promise.reject(new RpcError('unavailable', 'the connection to the engine is closed'));
      const id = nextId++;
      let text: string;
      try {
        text = JSON.stringify({ t: 'req', id, method, params } satisfies RpcRequest);
      } catch (error) {
        // Cyclic, or nested deeper than the stack (a relay forwarding what a peer sent): the caller's fault.
        return Promise.reject(new RpcError('bad-request', `parameters cannot be sent as JSON: ${toErrorShape(error).message}`));
      }
      if (text.length > MAX_MESSAGE_CHARS) {
        return Promise.reject(new RpcError('too-large', `request of ${text.length} characters exceeds the limit of ${MAX_MESSAGE_CHARS}`));
      }
      return new Promise<Result<M>>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (result: unknown) => void, reject });
        try {
          channel.send(text);
        } catch (error) {
          pending.delete(id);
          reject(new RpcError('unavailable', `could not reach the engine: ${toErrorShape(error).message}`));
        }
      });
    },
    on(event, listener) {
      return onAnyEvent((name: EventName, payload) => {
        if (name === (event as EventName)) listener(payload as Events[typeof event]);
      });
    },
    onAnyEvent,
    get closed() {
      return closed;
    },
    close() {
      shutDown();
      channel.close();
    },
  };
}

// ---- Channel adapters -------------------------------------------------------------------------

type Unsubscribe = () => void;

/** Two connected channels in one process, delivering asynchronously like a real port. */
export function inProcessPair(): [Channel, Channel] {
  const messageListeners = [new Set<(m: unknown) => void>(), new Set<(m: unknown) => void>()];
  const closeListeners = [new Set<() => void>(), new Set<() => void>()];
  let open = true;
  const close = () => {
    if (!open) return;
    open = false;
    queueMicrotask(() => closeListeners.forEach((set) => set.forEach((l) => l())));
  };
  const end = (self: number): Channel => ({
    send(message) {
      if (!open) throw new Error('channel is closed');
      queueMicrotask(() => messageListeners[1 - self].forEach((l) => l(message)));
    },
    onMessage(listener) {
      messageListeners[self].add(listener);
      return () => messageListeners[self].delete(listener);
    },
    onClose(listener) {
      closeListeners[self].add(listener);
      return () => closeListeners[self].delete(listener);
    },
    close,
  });
  return [end(0), end(1)];
}

/** The parts of a browser WebSocket or a `ws` WebSocket this layer uses (both are EventTargets). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: () => void): void;
  removeEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  removeEventListener(type: 'close', listener: () => void): void;
}

const WS_CLOSING = 2;

export function webSocketChannel(socket: WebSocketLike): Channel {
  return {
    send: (message) => socket.send(message),
    onMessage(listener) {
      const handler = (event: { data: unknown }) => listener(event.data);
      socket.addEventListener('message', handler);
      return () => socket.removeEventListener('message', handler);
    },
    onClose(listener) {
      if (socket.readyState >= WS_CLOSING) {
        queueMicrotask(listener);
        return () => {};
      }
      const handler = () => listener();
      socket.addEventListener('close', handler);
      return () => socket.removeEventListener('close', handler);
    },
    close: () => socket.close(1000, 'closed'),
  };
}

/** A DOM MessagePort (renderer) or an Electron MessagePortMain (main, utility process). */
export type MessagePortLike =
  | {
      postMessage(message: unknown): void;
      start(): void;
      close(): void;
      addEventListener(type: 'message' | 'close', listener: (event: { data?: unknown }) => void): void;
      removeEventListener(type: 'message' | 'close', listener: (event: { data?: unknown }) => void): void;
    }
  | {
      postMessage(message: unknown): void;
      start(): void;
      close(): void;
      on(event: 'message' | 'close', listener: (event: { data?: unknown }) => void): unknown;
      off(event: 'message' | 'close', listener: (event: { data?: unknown }) => void): unknown;
    };

export function messagePortChannel(port: MessagePortLike): Channel {
  const listen = (type: 'message' | 'close', handler: (event: { data?: unknown }) => void): Unsubscribe => {
    if ('on' in port) {
      port.on(type, handler);
      return () => port.off(type, handler);
    }
    port.addEventListener(type, handler);
    return () => port.removeEventListener(type, handler);
  };
  return {
    send: (message) => port.postMessage(message),
    onMessage(listener) {
      const stop = listen('message', (event) => listener(event.data));
      port.start(); // ports queue messages until started, so nothing sent early is lost
      return stop;
    },
    onClose: (listener) => listen('close', () => listener()),
    close: () => port.close(),
  };
}

/** A Node child process seen from its parent, or `process` seen from the child (IPC channel). */
export interface ProcessLike {
  send?(message: unknown, callback: (error: Error | null) => void): boolean;
  readonly connected?: boolean;
  disconnect?(): void;
  on(event: 'message' | 'disconnect', listener: (message: unknown) => void): unknown;
  off(event: 'message' | 'disconnect', listener: (message: unknown) => void): unknown;
}

export function processChannel(proc: ProcessLike): Channel {
  return {
    send(message) {
      if (!proc.send || !proc.connected) throw new Error('the process channel is closed');
      // With a callback, a send that fails after the peer died is reported here, not as a crash.
      proc.send(message, () => {});
    },
    onMessage(listener) {
      proc.on('message', listener);
      return () => proc.off('message', listener);
    },
    onClose(listener) {
      if (proc.connected === false) {
        queueMicrotask(listener);
        return () => {};
      }
      const handler = () => listener();
      proc.on('disconnect', handler);
      return () => proc.off('disconnect', handler);
    },
    close() {
      if (proc.connected) proc.disconnect?.(); // disconnecting twice is an 'error' event in Node
    },
  };
}
