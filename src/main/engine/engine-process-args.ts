// What a parent tells the engine process: its options as JSON in argv[2] (the same for a Node fork
// and an Electron utilityProcess), and the parent-port message that hands it a MessagePort.
import type { EngineOptions } from './host';

/** Posted by Electron main on the utility process's parent port, with the port to serve. */
export const CONNECT_MESSAGE = 'connect';

/**
 * The engine process's exit code after a fault inside the compute backend (see isBackendFault):
 * the engine cannot go on, so it answers the request that failed, then exits for a fresh start.
 */
export const BACKEND_FAULT_EXIT_CODE = 70;

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
