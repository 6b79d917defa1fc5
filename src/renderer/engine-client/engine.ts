// The renderer's one connection to the engine. It picks the transport once: the Electron preload's
// MessagePort when the page runs in the app window, else a WebSocket back to the web-mode server
// that served this page (token taken from the page URL). Views only see `engine`.
import type { Events, EventName, Method, Result } from '../../shared/contract';
import { ENGINE_PORT_MESSAGE, type PreloadApi } from '../../shared/preload-api';
import {
  RpcError,
  createRpcClient,
  messagePortChannel,
  webSocketChannel,
  type CallParams,
  type Channel,
  type RpcClient,
} from '../../shared/rpc';

declare global {
  interface Window {
    latentExplorer?: PreloadApi;
  }
}

/**
 * 'connecting': opening the channel; 'open': engine answering; 'engine-exited': the engine process
 * died and waits for `restart()`; 'closed': the web-mode server is unreachable (retrying).
 */
export type ConnectionState = 'connecting' | 'open' | 'engine-exited' | 'closed';

export interface ConnectionStatus {
  state: ConnectionState;
  mode: 'electron' | 'web';
  /** engine.info of the engine now answering (backend in use and why), once known. */
  info: Result<'engine.info'> | null;
  /** Why the engine process last stopped, while state is 'engine-exited'. */
  exit: Events['engine.exited'] | null;
}

interface Transport {
  mode: ConnectionStatus['mode'];
  open(): Promise<Channel>;
  /** Asks for a fresh engine process; the transport's own connection may go away with the old one. */
  restart(client: RpcClient | null): Promise<void>;
  /** Electron's main says when the engine dies; over a WebSocket that arrives as an event. */
  onExited(listener: (exit: Events['engine.exited']) => void): void;
  /** Electron's main restarted the engine by itself (after a backend fault); over a WebSocket that arrives as events. */
  onRestarted(listener: (notice: Events['engine.log']) => void): void;
}

function electronTransport(api: PreloadApi): Transport {
  return {
    mode: 'electron',
    open: () =>
      new Promise<Channel>((resolve, reject) => {
        const receive = (event: MessageEvent) => {
          // Only the preload posts to this window itself; frames or other sources are ignored.
          if (event.source !== window || event.data?.type !== ENGINE_PORT_MESSAGE || !event.ports[0]) return;
          stop();
          resolve(messagePortChannel(event.ports[0]));
        };
        // Main answers a connect with an exit notice instead of a port while the engine is down.
        const stopExited = api.onEngineExited((exit) => {
          stop();
          reject(new RpcError('unavailable', exit.message));
        });
        const stop = () => {
          window.removeEventListener('message', receive);
          stopExited();
        };
        window.addEventListener('message', receive);
        api.connect();
      }),
    restart: () => api.restartEngine(),
    onExited: (listener) => void api.onEngineExited(listener),
    onRestarted: (listener) => void api.onEngineRestarted(listener),
  };
}

function webSocketTransport(token: string): Transport {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const url = `${scheme}://${location.host}/rpc?token=${encodeURIComponent(token)}`;
  return {
    mode: 'web',
    open: () =>
      new Promise<Channel>((resolve, reject) => {
        const socket = new WebSocket(url);
        socket.addEventListener('open', () => resolve(webSocketChannel(socket)), { once: true });
        socket.addEventListener('close', () => reject(new RpcError('unavailable', 'could not connect to the engine server')), { once: true });
      }),
    restart: async (client) => {
      if (!client) throw new RpcError('unavailable', 'not connected to the engine server');
      await client.call('engine.restart', {});
    },
    onExited: () => {},
    onRestarted: () => {},
  };
}

const RETRY_MS = [500, 1000, 2000, 5000];

class EngineConnection {
  private client: RpcClient | null = null;
  private status: ConnectionStatus;
  private readonly statusListeners = new Set<(status: ConnectionStatus) => void>();
  private readonly eventListeners = new Map<EventName, Set<(payload: never) => void>>();
  private ready: Promise<void> = Promise.resolve();
  private attempts = 0;

  constructor(private readonly transport: Transport) {
    this.status = { state: 'connecting', mode: transport.mode, info: null, exit: null };
    transport.onExited((exit) => this.engineExited(exit));
    transport.onRestarted((notice) => void this.reconnectAfterRestart(notice));
    this.connect();
  }

  /** Sends one request; while the first connection is being opened, it waits for it. */
  async call<M extends Method>(method: M, params: CallParams<M>): Promise<Result<M>> {
    if (method === 'engine.restart') {
      await this.restart();
      return { restarted: true } as Result<M>;
    }
    if (this.status.state === 'connecting') await this.ready;
    if (!this.client || this.status.state !== 'open') throw this.unavailable();
    return this.client.call(method, params);
  }

  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
    const set = this.eventListeners.get(event) ?? new Set();
    this.eventListeners.set(event, set);
    set.add(listener as (payload: never) => void);
    return () => set.delete(listener as (payload: never) => void);
  }

  /** Svelte store contract: `$engineStatus` in a component follows the connection. */
  subscribe(run: (status: ConnectionStatus) => void): () => void {
    this.statusListeners.add(run);
    run(this.status);
    return () => this.statusListeners.delete(run);
  }

  get current(): ConnectionStatus {
    return this.status;
  }

  /** The app-only actions of the Electron window (reveal in the file manager); null in a browser. */
  get app(): Pick<PreloadApi, 'revealPath'> | null {
    const api = window.latentExplorer;
    return api ? { revealPath: (path) => api.revealPath(path) } : null;
  }

  /** Starts a fresh engine process and reconnects to it. */
  async restart(): Promise<void> {
    await this.transport.restart(this.client);
    if (this.transport.mode === 'web') return; // the server broadcasts engine.restarted itself
    this.client?.close();
    this.client = null;
    await this.connect();
    this.emit('engine.restarted', {});
  }

  /** The old port died with the faulted engine: connect to the fresh one, and say what happened. */
  private async reconnectAfterRestart(notice: Events['engine.log']): Promise<void> {
    this.client?.close();
    this.client = null;
    await this.connect();
    this.emit('engine.log', notice);
    this.emit('engine.restarted', {});
  }

  private unavailable(): RpcError {
    const { state, exit } = this.status;
    if (state === 'engine-exited') return new RpcError('unavailable', `${exit?.message ?? 'the engine stopped'}; restart it to continue`);
    return new RpcError('unavailable', 'not connected to the engine');
  }

  private setStatus(patch: Partial<ConnectionStatus>): void {
    this.status = { ...this.status, ...patch };
    for (const listener of [...this.statusListeners]) listener(this.status);
  }

  private emit<E extends EventName>(event: E, payload: Events[E]): void {
    for (const listener of [...(this.eventListeners.get(event) ?? [])]) {
      try {
        (listener as (payload: Events[E]) => void)(payload);
      } catch (error) {
        console.error(`listener for ${event} failed:`, error);
      }
    }
  }

  private connect(): Promise<void> {
    this.setStatus({ state: 'connecting' });
    this.ready = this.transport.open().then(
      (channel) => {
        const client = createRpcClient(channel);
        this.client = client;
        this.attempts = 0;
        client.onAnyEvent((event, payload) => this.received(event, payload));
        channel.onClose(() => this.channelClosed(client));
        return this.fetchInfo();
      },
      () => this.channelClosed(null)
    );
    return this.ready;
  }

  private received<E extends EventName>(event: E, payload: Events[E]): void {
    if (event === 'engine.exited') this.engineExited(payload as Events['engine.exited']);
    else if (event === 'engine.restarted') void this.fetchInfo();
    this.emit(event, payload);
  }

  private async fetchInfo(): Promise<void> {
    try {
      const info = await this.client!.call('engine.info', {});
      this.setStatus({ state: 'open', info, exit: null });
    } catch (error) {
      // A supervisor whose engine is down answers 'unavailable' until it is restarted.
      if (error instanceof RpcError && error.code === 'unavailable' && !this.client?.closed) {
        this.setStatus({ state: 'engine-exited', exit: this.status.exit ?? { code: null, signal: null, message: error.message } });
      }
    }
  }

  private engineExited(exit: Events['engine.exited']): void {
    if (this.transport.mode === 'electron') {
      this.client?.close(); // the port died with the process: fail what was waiting on it
      this.client = null;
      this.emit('engine.exited', exit);
    }
    this.setStatus({ state: 'engine-exited', exit });
  }

  private channelClosed(client: RpcClient | null): void {
    if (client !== this.client || this.status.state === 'engine-exited') return;
    this.client = null;
    this.setStatus({ state: 'closed' });
    if (this.transport.mode === 'web') {
      const delay = RETRY_MS[Math.min(this.attempts++, RETRY_MS.length - 1)];
      setTimeout(() => void this.connect(), delay);
    }
  }
}

function pickTransport(): Transport {
  if (window.latentExplorer) return electronTransport(window.latentExplorer);
  return webSocketTransport(new URLSearchParams(location.search).get('token') ?? '');
}

export type { EngineConnection };
export const engine = new EngineConnection(pickTransport());
