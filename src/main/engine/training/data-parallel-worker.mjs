// Starts a data-parallel worker from its TypeScript source: worker threads do not inherit the
// parent's tsx loader, so each registers its own (as bin/latent-explorer.js does for the CLI).
import { register } from 'tsx/esm/api';

register();
await import('./data-parallel-worker.ts');
