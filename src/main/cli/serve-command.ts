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
      await ensureRendererBuilt();
      const server = await startWebServer({
        port: options.port,
        host: options.host,
        allowRemote: options.allowRemote,
        backend: options.backend,
        modelsDir: resolve(options.models),
      });
      // Listening for Ctrl-C before the URL is out: whoever reads it may stop us at once, and the
      // engine process must stop with us rather than be orphaned by the default signal action.
      const stopped = new Promise<void>((done) => {
        const stop = () => void server.close().finally(done);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      console.log(`Latent Explorer (web mode) is ready. Open this URL in a browser:\n\n  ${server.url}${fragment}\n\nModels: ${resolve(options.models)}. Press Ctrl-C to stop.`);
      await stopped;
    });
}
