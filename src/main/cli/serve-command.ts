// `latent-explorer serve`: web mode. Builds the renderer if needed, starts the engine in a child
// process behind a token-guarded WebSocket on 127.0.0.1, prints the URL to open, and runs until
// Ctrl-C.
import { InvalidArgumentError, type Command } from 'commander';
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { MAX_SCENE_FILE_BYTES, parseScene, sceneLinkFragment } from '../../shared/scene';
import { wantedBackend } from '../engine/backend/backend-names';
import { UserError } from '../engine/errors';
import { defaultModelsDir } from '../host/app-paths';
import { ensureRendererBuilt } from '../host/app-build';
import { assertHostAllowed, startWebServer } from '../host/web-server';
import { backendOption } from './settings-options';

interface ServeOptions {
  port: number;
  host: string;
  allowRemote?: boolean;
  backend?: string;
  models: string;
  scene?: string;
}

/** The `#scene=…` fragment for a scene file, checked before the server starts; one-line errors. */
function sceneFragment(file: string): string {
  let text: string;
  try {
    if (!statSync(file).isFile()) throw new UserError(`${file} is not a file: give a scene file saved by Latent Explorer.`);
    if (statSync(file).size > MAX_SCENE_FILE_BYTES) throw new UserError(`${file} is too large to be a scene file.`);
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`cannot read the scene file ${file}: ${(error as Error).message}`);
  }
  try {
    return `#scene=${sceneLinkFragment(parseScene(text))}`;
  } catch (error) {
    throw new UserError(`${file}: ${(error as Error).message}`);
  }
}

/**
 * SIGINT and SIGTERM caught from now on: `stopped` resolves at the first, `received` says whether one
 * came. Caught before anything starts, not only once the URL is out: their default action would
 * orphan the engine process (and read as a failure under `npm start`), and a stop that came before
 * the URL means that none should be announced.
 */
function stopSignal(): { stopped: Promise<void>; readonly received: boolean } {
  let received = false;
  const stopped = new Promise<void>((done) => {
    const stop = () => {
      received = true;
      done();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return {
    stopped,
    get received() {
      return received;
    },
  };
}

function portNumber(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new InvalidArgumentError('expected a port number from 0 to 65535 (0: any free port).');
  return port;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('open the app in a browser (web mode): the renderer and the engine on 127.0.0.1, guarded by a token in the printed URL')
    .option('--port <n>', 'port to listen on (0: any free port)', portNumber, 0)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--allow-remote', 'allow a --host other than loopback: anyone who can reach it and has the URL can use the engine')
    .addOption(backendOption())
    .option('--models <dir>', 'folder of your models', defaultModelsDir())
    .option('--scene <file>', 'a scene file (saved from the app) to open: the printed URL opens it')
    .action(async (options: ServeOptions) => {
      // Before a build the user would wait for in vain, and before an engine that could not start.
      assertHostAllowed(options.host, options.allowRemote);
      wantedBackend(options.backend);
      const fragment = options.scene ? sceneFragment(resolve(options.scene)) : '';
      const stop = stopSignal();
      // The build runs in this process and cannot be cut short; nothing else runs yet, so a stop ends it at once.
      await Promise.race([ensureRendererBuilt(), stop.stopped]);
      if (stop.received) process.exit(0);
      const server = await startWebServer({
        port: options.port,
        host: options.host,
        allowRemote: options.allowRemote,
        backend: options.backend,
        modelsDir: resolve(options.models),
      });
      // Stopped while the server started: no URL is announced, and the engine process stops with us.
      if (!stop.received) {
        console.log(`Latent Explorer (web mode) is ready. Open this URL in a browser:\n\n  ${server.url}${fragment}\n\nModels: ${resolve(options.models)}. Press Ctrl-C to stop.`);
        await stop.stopped;
      }
      await server.close();
    });
}
