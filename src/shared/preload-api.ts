// The narrow API the Electron preload exposes to the window as `window.latentExplorer`. Only
// types and one message name live here: the preload implements it, the renderer calls it.
import type { Events } from './contract';

/** The window message (posted by the preload to its own window) that carries the engine port. */
export const ENGINE_PORT_MESSAGE = 'latent-explorer:engine-port';

export interface PreloadApi {
  /** Asks main for a fresh MessagePort to the engine; it arrives as an ENGINE_PORT_MESSAGE window message. */
  connect(): void;
  /** Starts a fresh engine process (after a crash, or on demand); connect again afterwards. */
  restartEngine(): Promise<void>;
  onEngineExited(listener: (exit: Events['engine.exited']) => void): () => void;
  /** Main started a fresh engine by itself (after a fault in the compute backend); connect again. */
  onEngineRestarted(listener: (notice: Events['engine.log']) => void): () => void;
  /** Shows a model folder in the OS file manager (only folders under the models folders). */
  revealPath(path: string): Promise<void>;
}

/** ipcMain/ipcRenderer channel names; main checks the sender of every one. */
export const IPC = {
  connect: 'engine:connect',
  port: 'engine:port',
  restart: 'engine:restart',
  exited: 'engine:exited',
  restarted: 'engine:restarted',
  reveal: 'app:reveal',
} as const;
