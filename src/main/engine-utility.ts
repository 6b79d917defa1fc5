// The engine in an Electron utilityProcess: started with the app, handed one MessagePort per
// window connection (renderer ↔ engine directly, no hop through main), watched for crashes and
// restarted on request. The same engine entry runs under Node in web mode.
import { utilityProcess, type MessagePortMain, type UtilityProcess } from 'electron';
import type { Events } from '../shared/contract';
import { BACKEND_FAULT_EXIT_CODE, CONNECT_MESSAGE, encodeEngineArgs } from './engine/engine-process-args';
import type { EngineOptions } from './engine/host';

export interface EngineUtility {
  /** Hands `port` to the engine; false while no engine runs. */
  connect(port: MessagePortMain): boolean;
  restart(): Promise<void>;
  stop(): Promise<void>;
  readonly lastExit: Events['engine.exited'] | null;
}

export function createEngineUtility(entry: string, options: EngineOptions, onExit: (exit: Events['engine.exited']) => void): EngineUtility {
  let proc: UtilityProcess | null = null;
  let lastExit: Events['engine.exited'] | null = null;

  const start = () => {
    const started = utilityProcess.fork(entry, encodeEngineArgs(options), { serviceName: 'Latent Explorer engine', stdio: 'inherit' });
    started.once('exit', (code) => {
      if (proc !== started) return; // stopped on purpose
      proc = null;
      const why = code === BACKEND_FAULT_EXIT_CODE ? 'after a fault in the compute backend' : `(exit code ${code})`;
      lastExit = { code, signal: null, message: `the engine process stopped ${why}; models saved so far are kept` };
      onExit(lastExit);
    });
    proc = started;
    lastExit = null;
  };

  const stop = async () => {
    const running = proc;
    proc = null;
    if (!running?.pid) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill();
    await exited;
  };

  start();
  return {
    connect(port) {
      if (!proc) return false;
      proc.postMessage(CONNECT_MESSAGE, [port]);
      return true;
    },
    async restart() {
      await stop();
      start();
    },
    stop,
    get lastExit() {
      return lastExit;
    },
  };
}
