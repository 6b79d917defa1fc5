// Electron's own postinstall downloads its binary from outside the npm registry. It is denied in
// allowScripts and run here instead, so that an offline machine still finishes `npm install`
// (web mode and the CLI need no Electron binary) while a connected one gets the binary as usual.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
let installer;
try {
  installer = require.resolve('electron/install.js');
} catch {
  process.exit(0); // electron is a dev dependency: absent in a production install
}
// Its error output is kept back: a failed download is one line of ours, not the downloader's stack.
const result = spawnSync(process.execPath, [installer], { stdio: ['inherit', 'inherit', 'pipe'], encoding: 'utf8', timeout: 300_000 });
if (result.status !== 0 || !existsSync(join(dirname(installer), 'path.txt'))) {
  const why = (result.stderr ?? '').split('\n').find((line) => line.trim() !== '') ?? result.error?.message ?? 'no reason given';
  console.warn(
    `latent-explorer: the Electron binary could not be downloaded (${why.trim()}); the CLI and web mode work ` +
      'without it (`npm start` will serve web mode). Run `node node_modules/electron/install.js` when online.'
  );
}
