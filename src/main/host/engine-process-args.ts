// What a parent tells the engine process: its options as JSON in argv[2] (the same for a Node fork
// and an Electron utilityProcess), and the parent-port message that hands it a MessagePort.
import type { EngineOptions } from './engine-host';

/** Posted by Electron main on the utility process's parent port, with the port to serve. */
export const CONNECT_MESSAGE = 'connect';

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
