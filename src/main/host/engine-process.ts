// Entry of the engine's own process: an Electron utilityProcess in the app, a forked Node child in
// web mode. Training then never blocks the window or the server. It hosts one engine and answers
// RPC on every channel it is handed: MessagePorts from Electron main (one per window connection),
// or the IPC channel to the Node parent.
import { messagePortChannel, processChannel, serveRpc, type MessagePortLike, type RpcHost } from '../../shared/rpc';
import { BACKEND_FAULT_EXIT_CODE, CONNECT_MESSAGE, decodeEngineArgs, isTrashReply, type TrashRequest } from './engine-process-args';
import type { EngineOptions } from './engine-host';
import { UserError } from '../engine/errors';
import type { MoveToTrash } from './model-library';

/** Time for the answer to the failed request to leave before the process exits. */
const REPLY_FLUSH_MS = 200;

/** What Electron gives a utility process as `process.parentPort`. */
interface ParentPortLike {
  on(event: 'message', listener: (event: { data: unknown; ports: MessagePortLike[] }) => void): unknown;
  postMessage(message: unknown): void;
}

/**
 * Deletion in the app: Electron's shell.trashItem, which only main can call, asked for over the
 * parent port. The `trash` package's helper binaries cannot run from inside a packaged app's asar.
 */
function trashThroughMain(parentPort: ParentPortLike): MoveToTrash {
  const pending = new Map<number, { resolve(): void; reject(error: Error): void }>();
  let nextId = 0;
  parentPort.on('message', ({ data }) => {
    if (!isTrashReply(data)) return;
    const waiting = pending.get(data.id);
    pending.delete(data.id);
    if (data.error === undefined) waiting?.resolve();
    else waiting?.reject(new UserError(`could not move the model to the trash (${data.error}): delete its folder by hand`, 'unavailable'));
  });
  return (path) =>
    new Promise<void>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      parentPort.postMessage({ type: 'trash', id, path } satisfies TrashRequest);
    });
}

/**
 * Answers as soon as it is called; requests that arrive while the engine loads wait for it. If it
 * cannot load at all, every request says why instead of the process dying without a word.
 */
function lazyHost(options: EngineOptions): { host: RpcHost; dispose(): Promise<void> } {
  // 'unavailable': the window shows the engine as stopped, with this reason, rather than waiting on it.
  const ready = import('./engine-host')
    .then(({ createEngineHost }) => createEngineHost(options))
    .catch((error: unknown) => {
      throw new UserError(`the engine could not start: ${error instanceof UserError ? error.message : String(error)}`, 'unavailable');
    });
  ready.catch((error: UserError) => console.error(`latent-explorer engine: ${error.message}`));
  return {
    host: {
      call: async (method, params) => (await ready).call(method, params),
      onEvent(listener) {
        let stop: () => void = () => {};
        let stopped = false;
        ready.then(
          (engine) => {
            if (!stopped) stop = engine.onEvent(listener);
          },
          () => {}
        );
        return () => {
          stopped = true;
          stop();
        };
      },
    },
    dispose: () => ready.then((engine) => engine.dispose(), () => {}),
  };
}

function main(): void {
  const parentPort = (process as { parentPort?: ParentPortLike }).parentPort;
  const engine = lazyHost({
    ...decodeEngineArgs(process.argv.slice(2)),
    ...(parentPort ? { moveToTrash: trashThroughMain(parentPort) } : {}),
    // A backend that faulted cannot be trusted again: a fresh process is the only clean state.
    onBackendFault: () => {
      console.error('latent-explorer engine: the compute backend faulted; exiting for a fresh start');
      setTimeout(() => process.exit(BACKEND_FAULT_EXIT_CODE), REPLY_FLUSH_MS);
    },
  });
  const onInternalError = (method: string, error: unknown) => console.error(`latent-explorer engine: ${method} failed:`, error);
  const shutDown = () => void engine.dispose().finally(() => process.exit(0));
  process.once('SIGTERM', shutDown);

  if (parentPort) {
    parentPort.on('message', ({ data, ports }) => {
      if (data === CONNECT_MESSAGE && ports[0]) serveRpc(messagePortChannel(ports[0]), engine.host, { onInternalError });
    });
  } else if (process.send) {
    serveRpc(processChannel(process), engine.host, { onInternalError });
    // An engine whose parent is gone would train for nobody: stop with it.
    process.once('disconnect', shutDown);
  } else {
    throw new Error('engine-process.ts runs as a child process (fork or Electron utilityProcess), not on its own');
  }
}

main();
