// A SIMULATION of Electron, not Electron: the Electron binary cannot be downloaded on our machines,
// so the desktop test runs the BUILT app (out/main, out/preload) against this stand-in for the
// documented API it uses. Main-process side: app, BrowserWindow, webContents, ipcMain, session,
// shell, utilityProcess (a real Node child with a simulated `process.parentPort`, see
// utility-process-bootstrap.mjs) and MessageChannelMain (ports that can be transferred to that
// child). Renderer side: the sandboxed preload's `require('electron')` (contextBridge, ipcRenderer)
// and the page's window, which receives the engine port as a DOM-style MessagePort.
// What it cannot show: a real window, the GPU process, the OS sandbox, asar packaging.
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Where the simulated app keeps its files; set by the test before it loads the built main. */
export interface SimulationConfig {
  /** app.getAppPath(): the project root (bundled models under resources/models). */
  appPath: string;
  /** app.getPath('userData'). */
  userData: string;
  /** Where shell.trashItem moves what it is given. */
  trashDir: string;
}

type Listener = (...args: any[]) => unknown;

/** What the simulation saw the app do, for the test to check. */
export const simulation = {
  config: null as SimulationConfig | null,
  windows: [] as BrowserWindow[],
  utilityProcesses: [] as SimulatedUtilityProcess[],
  sandboxEnabled: false,
  trashed: [] as string[],
  shownInFolder: [] as string[],
  headerHandlers: [] as Listener[],
  /** Programs the engine process started (it should start none). */
  spawnedByEngine: [] as string[],
};

export function configureSimulation(config: SimulationConfig): void {
  simulation.config = config;
}

function configured(): SimulationConfig {
  if (!simulation.config) throw new Error('electron simulation: configureSimulation() was not called before the app started');
  return simulation.config;
}

// ---------------------------------------------------------------- MessageChannelMain

/** One end of a simulated MessageChannelMain: messages are structured-cloned to the entangled end, queued until start(). */
export class SimulatedMessagePortMain extends EventEmitter {
  peer: SimulatedMessagePortMain | null = null;
  private started = false;
  private readonly queue: unknown[] = [];
  /** Replaced when the port is transferred to a utility process: messages for it then cross the process boundary. */
  deliver: (data: unknown) => void = (data) => {
    if (this.started) this.emit('message', { data, ports: [] });
    else this.queue.push(data);
  };

  postMessage(data: unknown): void {
    this.peer?.deliver(structuredClone(data));
  }

  start(): void {
    this.started = true;
    for (const data of this.queue.splice(0)) this.emit('message', { data, ports: [] });
  }

  close(): void {
    const peer = this.peer;
    this.peer = null;
    this.emit('close');
    if (peer?.peer) {
      peer.peer = null;
      peer.emit('close');
    }
  }
}

export class MessageChannelMain {
  readonly port1 = new SimulatedMessagePortMain();
  readonly port2 = new SimulatedMessagePortMain();
  constructor() {
    this.port1.peer = this.port2;
    this.port2.peer = this.port1;
  }
}

/** A main-process port as the page sees it after Electron hands it over: a DOM MessagePort. */
export interface RendererMessagePort {
  postMessage(data: unknown): void;
  start(): void;
  close(): void;
  addEventListener(type: 'message' | 'close', listener: (event: { data?: unknown }) => void): void;
  removeEventListener(type: 'message' | 'close', listener: (event: { data?: unknown }) => void): void;
}

function toRendererPort(port: SimulatedMessagePortMain): RendererMessagePort {
  return {
    postMessage: (data) => port.postMessage(data),
    start: () => port.start(),
    close: () => port.close(),
    addEventListener: (type, listener) => void port.on(type, listener),
    removeEventListener: (type, listener) => void port.off(type, listener),
  };
}

// ---------------------------------------------------------------- utilityProcess

const BOOTSTRAP = new URL('./utility-process-bootstrap.mjs', import.meta.url);

/** Messages between this stand-in and the bootstrap in the child (over Node's IPC channel). */
export type UtilityWire =
  | { kind: 'parent-message'; data: unknown; ports: number[] }
  | { kind: 'port-message'; id: number; data: unknown }
  | { kind: 'port-close'; id: number }
  /** The child started a program (see the bootstrap). */
  | { kind: 'spawned'; command: string }
  /** Sent by a test: the child exits with this code, as the engine does on its own after a backend fault. */
  | { kind: 'exit'; code: number };

let nextPortId = 1;

export class SimulatedUtilityProcess extends EventEmitter {
  readonly pid: number | undefined;
  readonly child: ChildProcess;
  private readonly ports = new Map<number, SimulatedMessagePortMain>();

  constructor(
    readonly modulePath: string,
    readonly args: string[],
    readonly options: { serviceName?: string; stdio?: 'inherit' | 'pipe' | 'ignore' }
  ) {
    super();
    // Plain Node, without the test runner's TypeScript loader: the built engine must run as shipped.
    this.child = fork(BOOTSTRAP, [modulePath, ...args], {
      execArgv: [],
      env: { ...process.env, NODE_OPTIONS: '' },
      serialization: 'advanced',
      stdio: ['ignore', options.stdio ?? 'inherit', options.stdio ?? 'inherit', 'ipc'],
    });
    this.pid = this.child.pid;
    this.child.on('spawn', () => this.emit('spawn'));
    this.child.on('exit', (code) => this.emit('exit', code ?? 1));
    this.child.on('message', (wire: UtilityWire) => {
      if (wire.kind === 'parent-message') this.emit('message', wire.data);
      else if (wire.kind === 'port-message') this.ports.get(wire.id)?.peer?.deliver(wire.data);
      else if (wire.kind === 'port-close') this.ports.get(wire.id)?.close();
      else if (wire.kind === 'spawned') simulation.spawnedByEngine.push(wire.command);
    });
  }

  /** Like Electron's: `transfer` ports move to the child, which gets them as `event.ports`. */
  postMessage(message: unknown, transfer: SimulatedMessagePortMain[] = []): void {
    const ids = transfer.map((port) => {
      const id = nextPortId++;
      this.ports.set(id, port);
      port.deliver = (data) => void this.child.send({ kind: 'port-message', id, data } satisfies UtilityWire);
      return id;
    });
    this.child.send({ kind: 'parent-message', data: structuredClone(message), ports: ids } satisfies UtilityWire);
  }

  kill(): boolean {
    return this.child.kill('SIGTERM');
  }

  /** Readable when forked with stdio 'pipe', as Electron's. */
  get stdout() {
    return this.child.stdout;
  }

  get stderr() {
    return this.child.stderr;
  }

  /** The command lines of the programs this process runs right now (a service a library started and kept, say). */
  liveChildren(): string[] {
    if (this.pid === undefined) return [];
    if (!existsSync('/proc/self/stat')) {
      // No /proc (macOS): pgrep lists the children; it exits 1 when there are none.
      try {
        return execFileSync('pgrep', ['-l', '-P', String(this.pid)], { encoding: 'utf8' }).trim().split('\n');
      } catch {
        return [];
      }
    }
    const children: string[] = [];
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      try {
        // Fields after the parenthesised command: state, then the parent's pid.
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (ppid === this.pid) children.push(readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' ').trim());
      } catch {
        // The process ended while we looked.
      }
    }
    return children;
  }
}

export const utilityProcess = {
  fork(modulePath: string, args: string[] = [], options: SimulatedUtilityProcess['options'] = {}): SimulatedUtilityProcess {
    const proc = new SimulatedUtilityProcess(modulePath, args, options);
    simulation.utilityProcesses.push(proc);
    return proc;
  },
};

// ---------------------------------------------------------------- app, session, shell

class SimulatedApp extends EventEmitter {
  readonly isPackaged = false;
  exitCode: number | null = null;
  getVersion(): string {
    return '0.0.0-simulation';
  }
  exit(code = 0): void {
    this.exitCode = code;
  }
  whenReady(): Promise<void> {
    return Promise.resolve();
  }
  getPath(name: string): string {
    if (name === 'userData') return configured().userData;
    if (name === 'logs') return join(configured().userData, 'logs');
    throw new Error(`electron simulation: app.getPath('${name}') is not simulated`);
  }
  getAppPath(): string {
    return configured().appPath;
  }
  enableSandbox(): void {
    simulation.sandboxEnabled = true;
  }
  /** Like Electron's: 'before-quit' first (the app stops its engine there), then the windows close. */
  quit(): void {
    this.emit('before-quit', { preventDefault() {} });
  }
}

export const app = new SimulatedApp();

export const session = {
  defaultSession: {
    webRequest: { onHeadersReceived: (handler: Listener) => void simulation.headerHandlers.push(handler) },
    setPermissionRequestHandler() {},
    setPermissionCheckHandler() {},
    setDevicePermissionHandler() {},
  },
};

export const shell = {
  showItemInFolder: (path: string) => void simulation.shownInFolder.push(path),
  /** Moves the item into the simulation's trash folder, as the OS trash would. */
  async trashItem(path: string): Promise<void> {
    if (!existsSync(path)) throw new Error(`no such file or folder: ${path}`);
    const { trashDir } = configured();
    mkdirSync(trashDir, { recursive: true });
    renameSync(path, join(trashDir, `${simulation.trashed.length}-${basename(path)}`));
    simulation.trashed.push(path);
  },
};

// ---------------------------------------------------------------- windows and IPC

interface IpcEvent {
  sender: SimulatedWebContents;
  senderFrame: { url: string; parent: null };
  ports: RendererMessagePort[];
}

const ipcListeners = new Map<string, Listener[]>();
const ipcHandlers = new Map<string, Listener>();

export const ipcMain = {
  on(channel: string, listener: Listener) {
    ipcListeners.set(channel, [...(ipcListeners.get(channel) ?? []), listener]);
  },
  handle(channel: string, handler: Listener) {
    if (ipcHandlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    ipcHandlers.set(channel, handler);
  },
};

let nextContentsId = 1;

export class SimulatedWebContents extends EventEmitter {
  readonly id = nextContentsId++;
  readonly mainFrame = { url: 'about:blank', parent: null };
  /** The page's side: what the preload registered with ipcRenderer.on. */
  private readonly rendererListeners = new Map<string, Listener[]>();
  windowOpenHandler: Listener | null = null;

  setWindowOpenHandler(handler: Listener): void {
    this.windowOpenHandler = handler;
  }

  send(channel: string, ...args: unknown[]): void {
    this.toRenderer(channel, [], args.map((a) => structuredClone(a)));
  }

  postMessage(channel: string, message: unknown, transfer: SimulatedMessagePortMain[] = []): void {
    this.toRenderer(channel, transfer.map(toRendererPort), [structuredClone(message)]);
  }

  private toRenderer(channel: string, ports: RendererMessagePort[], args: unknown[]): void {
    for (const listener of this.rendererListeners.get(channel) ?? []) listener({ sender: null, ports }, ...args);
  }

  private event(): IpcEvent {
    return { sender: this, senderFrame: this.mainFrame, ports: [] };
  }

  /** The `require('electron')` a sandboxed preload of this window gets: contextBridge and ipcRenderer. */
  preloadElectron(page: SimulatedPage): unknown {
    return {
      contextBridge: {
        exposeInMainWorld: (key: string, api: unknown) => void (page.world[key] = api),
      },
      ipcRenderer: {
        send: (channel: string, ...args: unknown[]) => {
          for (const listener of ipcListeners.get(channel) ?? []) listener(this.event(), ...args.map((a) => structuredClone(a)));
        },
        invoke: async (channel: string, ...args: unknown[]) => {
          const handler = ipcHandlers.get(channel);
          if (!handler) throw new Error(`Error invoking remote method '${channel}': No handler registered for '${channel}'`);
          try {
            return structuredClone(await handler(this.event(), ...args.map((a) => structuredClone(a))));
          } catch (error) {
            throw new Error(`Error invoking remote method '${channel}': ${String(error)}`);
          }
        },
        on: (channel: string, listener: Listener) => {
          this.rendererListeners.set(channel, [...(this.rendererListeners.get(channel) ?? []), listener]);
        },
        off: (channel: string, listener: Listener) => {
          this.rendererListeners.set(channel, (this.rendererListeners.get(channel) ?? []).filter((l) => l !== listener));
        },
      },
    };
  }
}

/** The page in a window: its global object (what the preload exposes lands there) and window messages. */
export class SimulatedPage {
  readonly world: Record<string, unknown> = {};
  private readonly messageListeners = new Set<(event: { data: unknown; source: unknown; ports: RendererMessagePort[] }) => void>();
  /** The preload's `window`: posting to it dispatches a message event on the page's own window. */
  readonly window = {
    postMessage: (data: unknown, _targetOrigin: string, transfer: RendererMessagePort[] = []) => {
      const event = { data: structuredClone(data), source: this.window, ports: [...transfer] };
      queueMicrotask(() => {
        for (const listener of this.messageListeners) listener(event);
      });
    },
    addEventListener: (_type: 'message', listener: (event: { data: unknown; source: unknown; ports: RendererMessagePort[] }) => void) =>
      void this.messageListeners.add(listener),
    removeEventListener: (_type: 'message', listener: (event: { data: unknown; source: unknown; ports: RendererMessagePort[] }) => void) =>
      void this.messageListeners.delete(listener),
  };

  constructor(readonly contents: SimulatedWebContents) {}

  /**
   * Runs a built preload as a sandboxed renderer does: a CommonJS script whose `require` knows only
   * 'electron' (and the few modules Electron polyfills, none of which ours uses).
   */
  runPreload(path: string): void {
    const sandboxRequire = (name: string) => {
      if (name === 'electron') return this.contents.preloadElectron(this);
      throw new Error(`module not found: ${name} (a sandboxed preload can only require 'electron')`);
    };
    const module = { exports: {} };
    new Function('require', 'module', 'exports', 'window', readFileSync(path, 'utf8'))(sandboxRequire, module, module.exports, this.window);
  }
}

export class BrowserWindow extends EventEmitter {
  static getAllWindows(): BrowserWindow[] {
    return simulation.windows;
  }

  readonly webContents = new SimulatedWebContents();
  loadedFile: string | null = null;
  shown = false;

  constructor(readonly options: { webPreferences?: Record<string, unknown> } & Record<string, unknown>) {
    super();
    simulation.windows.push(this);
    app.emit('web-contents-created', {}, this.webContents);
  }

  async loadFile(path: string): Promise<void> {
    if (!existsSync(path)) throw new Error(`ERR_FILE_NOT_FOUND (-6) loading '${pathToFileURL(path).href}'`);
    this.loadedFile = path;
    this.webContents.mainFrame.url = pathToFileURL(path).href;
    this.emit('ready-to-show');
  }

  async loadURL(url: string): Promise<void> {
    this.webContents.mainFrame.url = url;
    this.emit('ready-to-show');
  }

  show(): void {
    this.shown = true;
  }
}

export const webContents = {
  getAllWebContents: () => simulation.windows.map((w) => w.webContents),
};
