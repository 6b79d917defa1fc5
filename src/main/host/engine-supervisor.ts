// Keeps the engine in a child process for web mode (the Electron app does the same with a
// utilityProcess in src/main/electron): forks it, relays requests and events, notices when it dies and
// starts a fresh one on request. To the web server it looks like any other engine host.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Requests, type EventName, type Events, type Method, type Result } from '../../shared/contract';
import { RpcError, createRpcClient, processChannel, type EventListener, type RpcClient } from '../../shared/rpc';
import { BACKEND_FAULT_EXIT_CODE, encodeEngineArgs } from './engine-process-args';
import type { EngineHost, EngineOptions } from './engine-host';

export interface SupervisorOptions extends EngineOptions {
  /** The engine's entry file; default engine-process.ts beside this file. */
  entry?: string;
  /** Node flags for the child; default loads tsx so the TypeScript entry runs as is. */
  execArgv?: string[];
}

export interface EngineSupervisor extends EngineHost {
  /** Stops the running engine process (if any) and starts a fresh one. */
  restart(): Promise<void>;
  /** The running engine process's id, or null while none runs. */
  readonly pid: number | null;
}

const STOP_GRACE_MS = 5000;

function exitMessage(code: number | null, signal: string | null): string {
  const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
  return `the engine process ${how}; models saved so far are kept`;
}

export function createEngineSupervisor(options: SupervisorOptions): EngineSupervisor {
  const entry = options.entry ?? fileURLToPath(new URL('./engine-process.ts', import.meta.url));
  // tsx resolved from here, not from the working directory, so a serve started anywhere finds it.
  const execArgv = options.execArgv ?? ['--import', import.meta.resolve('tsx')];
  const listeners = new Set<EventListener>();
  let child: ChildProcess | null = null;
  let client: RpcClient | null = null;
  let lastExit: Events['engine.exited'] | null = null;
  let queue: Promise<void> = Promise.resolve();

  const emit = <E extends EventName>(event: E, payload: Events[E]) => {
    for (const listener of [...listeners]) listener(event, payload);
  };

  const start = () => {
    const proc = fork(entry, encodeEngineArgs(options), { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'json' });
    const procClient = createRpcClient(processChannel(proc));
    procClient.onAnyEvent(emit);
    let ended = false;
    const onEnd = (code: number | null, signal: string | null, message = exitMessage(code, signal)) => {
      if (ended) return;
      ended = true;
      procClient.close();
      if (child !== proc) return; // stopped on purpose: not news
      child = null;
      client = null;
      if (code === BACKEND_FAULT_EXIT_CODE) {
        // The engine stopped itself after a fault in the compute backend: start a fresh one at once.
        emit('engine.log', { level: 'warn', message: 'the engine restarted after a fault in the compute backend; models saved so far are kept' });
        void restart();
        return;
      }
      lastExit = { code, signal, message };
      emit('engine.exited', lastExit);
    };
    proc.once('exit', (code, signal) => onEnd(code, signal));
    proc.once('error', (error) => onEnd(null, null, `the engine process could not run: ${error.message}`));
    child = proc;
    client = procClient;
    lastExit = null;
  };

  const stop = async () => {
    const proc = child;
    child = null;
    client = null;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  };

  /** Restarts and disposal run one after another, never interleaved. */
  const serially = (work: () => Promise<void>) => (queue = queue.then(work, work));

  const restart = () =>
    serially(async () => {
      await stop();
      start();
      emit('engine.restarted', {});
    });

  start();
  return {
    async call<M extends Method>(method: M, params: unknown): Promise<Result<M>> {
      if (method === 'engine.restart') {
        // Answered here, not by the engine: so checked here, like every request at the engine's door.
        if (!Requests['engine.restart'].safeParse(params).success) throw new RpcError('bad-request', 'invalid parameters for engine.restart: expected {}');
        await restart();
        return { restarted: true } as Result<M>;
      }
      // Parameters are checked at the engine's own door, in the child; this process loads no engine code.
      if (!client || client.closed) {
        throw new RpcError('unavailable', lastExit ? `${lastExit.message}; restart the engine to continue` : 'the engine is not running');
      }
      return client.call(method, params as never);
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    restart,
    dispose: () => serially(stop),
    get pid() {
      return child?.pid ?? null;
    },
  };
}
