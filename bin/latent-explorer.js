#!/usr/bin/env node
// The CLI runs from TypeScript sources through tsx, so `npx latent-explorer` needs no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/main/cli/main.ts');
