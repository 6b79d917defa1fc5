// The engine in an Electron utilityProcess: started with the app, handed one MessagePort per
// window connection (renderer ↔ engine directly, no hop through main), watched for crashes and
// restarted on request, or at once after a fault in the compute backend (as web mode's supervisor
// does: the fault left that process's backend unusable, not the user's work). The same engine entry runs under Node in web mode. Main also moves
// deleted models to the OS trash for it (shell.trashItem exists in main only).
import { shell, utilityProcess, type MessagePortMain, type UtilityProcess } from 'electron';
import type { Events } from '../../shared/contract';
import { BACKEND_FAULT_EXIT_CODE, CONNECT_MESSAGE, encodeEngineArgs, isTrashRequest, type TrashReply } from '../host/engine-process-args';
import type { EngineOptions } from '../host/engine-host';
import { logLine, logOutput } from './main-log';
import { modelFolderWithin } from './model-folders';

export interface EngineUtility {
  /** Hands `port` to the engine; false while no engine runs. */
  connect(port: MessagePortMain): boolean;
  restart(): Promise<void>;
  stop(): Promise<void>;
  readonly lastExit: Events['engine.exited'] | null;
}

/** Trashes a user model's folder for the engine; anything outside the models folder is refused. */
async function answerTrash(engine: UtilityProcess, id: number, path: string, modelsDir: string): Promise<void> {
  const folder = modelFolderWithin(path, [modelsDir]);
  let reply: TrashReply = { type: 'trashed', id };
  try {
    if (!folder) throw new Error('not a folder inside the models folder');
    await shell.trashItem(folder);
  } catch (error) {
    reply = { type: 'trashed', id, error: error instanceof Error ? error.message : String(error) };
  }
  engine.postMessage(reply);
}

export interface EngineUtilityListeners {
  /** The engine stopped and waits for a restart. */
  onExit(exit: Events['engine.exited']): void;
  /** The engine stopped after a backend fault and a fresh one runs: windows connect again. */
  onRestarted(notice: Events['engine.log']): void;
}

export function createEngineUtility(entry: string, options: EngineOptions, { onExit, onRestarted }: EngineUtilityListeners): EngineUtility {
  let proc: UtilityProcess | null = null;
  let lastExit: Events['engine.exited'] | null = null;

  const start = () => {
    const started = utilityProcess.fork(entry, encodeEngineArgs(options), { serviceName: 'Latent Explorer engine', stdio: 'pipe' });
    started.stdout?.on('data', (chunk: Buffer) => logOutput(chunk, process.stdout));
    started.stderr?.on('data', (chunk: Buffer) => logOutput(chunk, process.stderr));
    started.on('message', (message: unknown) => {
      if (isTrashRequest(message)) void answerTrash(started, message.id, message.path, options.modelsDir);
    });
    started.once('exit', (code) => {
      if (proc !== started) return; // stopped on purpose
      proc = null;
      if (code === BACKEND_FAULT_EXIT_CODE) {
        const notice = { level: 'warn', message: 'the engine restarted after a fault in the compute backend; models saved so far are kept' } as const;
        logLine(notice.message);
        start();
        onRestarted(notice);
        return;
      }
      lastExit = { code, signal: null, message: `the engine process stopped (exit code ${code}); models saved so far are kept` };
      logLine(lastExit.message);
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
