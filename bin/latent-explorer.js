#!/usr/bin/env node
// The CLI runs from the JavaScript build of its sources (scripts/build-cli.js: made by `npm install`,
// rebuilt here when a source changed since), which starts ~1 s sooner than compiling TypeScript;
// where the build cannot be made, from the TypeScript sources through tsx.
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

// Made by `npm install` (scripts/bundle-tfjs-registrations.js); without it no model can train.
if (!existsSync(new URL('../src/main/engine/backend/tfjs-registrations.generated.cjs', import.meta.url))) {
  console.error("latent-explorer: error: tfjs's gradient registrations are not built: run `npm install` (or `node scripts/bundle-tfjs-registrations.js`)");
  process.exit(2);
}

const { buildCli, freshCliBuild } = await import('../scripts/build-cli.js');
let entry = freshCliBuild();
if (!entry) {
  try {
    entry = await buildCli();
  } catch {
    // A source that does not compile (mid-edit) or no esbuild: tsx reports the problem where it is.
    entry = null;
  }
}
if (entry) {
  await import(pathToFileURL(entry).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main/cli/main.ts');
}
