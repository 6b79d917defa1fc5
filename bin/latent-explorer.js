#!/usr/bin/env node
// The CLI runs from TypeScript sources through tsx, so `npx latent-explorer` needs no build step.
import { existsSync } from 'node:fs';
import { register } from 'tsx/esm/api';

// Made by `npm install` (scripts/bundle-tfjs-registrations.js); without it no model can train.
if (!existsSync(new URL('../src/main/engine/backend/tfjs-registrations.generated.cjs', import.meta.url))) {
  console.error("latent-explorer: error: tfjs's gradient registrations are not built: run `npm install` (or `node scripts/bundle-tfjs-registrations.js`)");
  process.exit(2);
}
register();
await import('../src/main/cli/main.ts');
