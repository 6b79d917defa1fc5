// What a parent tells the engine process: its options as JSON in argv[2] (the same for a Node fork
// and an Electron utilityProcess), the parent-port message that hands it a MessagePort, and the
// one request the engine makes of Electron main: move a deleted model to the OS trash.
import type { EngineOptions } from './engine-host';

/** Posted by Electron main on the utility process's parent port, with the port to serve. */
export const CONNECT_MESSAGE = 'connect';

/**
 * The engine process's exit code after a fault inside the compute backend (see isBackendFault):
 * the engine cannot go on, so it answers the request that failed, then exits for a fresh start.
 */
export const BACKEND_FAULT_EXIT_CODE = 70;

/** Engine → main: move `path` to the trash (Electron's shell.trashItem, main process only). */
export interface TrashRequest {
  type: 'trash';
  id: number;
  path: string;
}

/** Main → engine: the answer to the TrashRequest of the same id; `error` says why it failed. */
export interface TrashReply {
  type: 'trashed';
  id: number;
  error?: string;
}

function isRecord(message: unknown): message is Record<string, unknown> {
  return typeof message === 'object' && message !== null;
}

export function isTrashRequest(message: unknown): message is TrashRequest {
  return isRecord(message) && message.type === 'trash' && typeof message.id === 'number' && typeof message.path === 'string';
}

export function isTrashReply(message: unknown): message is TrashReply {
  return isRecord(message) && message.type === 'trashed' && typeof message.id === 'number';
}

export function encodeEngineArgs(options: EngineOptions): string[] {
  return [JSON.stringify({ modelsDir: options.modelsDir, bundledDir: options.bundledDir, backend: options.backend })];
}

export function decodeEngineArgs(argv: readonly string[]): EngineOptions {
  const config = JSON.parse(argv[0] ?? '{}') as Partial<EngineOptions>;
  if (typeof config.modelsDir !== 'string' || typeof config.bundledDir !== 'string') {
    throw new Error('the engine process needs {"modelsDir", "bundledDir"} as JSON in its first argument');
  }
  return { modelsDir: config.modelsDir, bundledDir: config.bundledDir, backend: config.backend };
}
