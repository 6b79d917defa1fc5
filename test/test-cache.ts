// Loaded by `npm test` before any test (node --import): every test process, and whatever it spawns,
// keeps its cache in the clone's .cache/test instead of the user's cache folder. A calibration made
// under the suite's load, or a test's few-step bench, must not become this machine's backend choice
// for the user's own runs; and no test then depends on what the user's runs cached before it.
import { join } from 'node:path';

process.env.LATENT_EXPLORER_CACHE = join(import.meta.dirname, '..', '.cache', 'test');
