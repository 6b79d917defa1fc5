// The second half of `npm test`: the engine and layer tests again on every compute backend that
// loads on this machine, each forced with LATENT_EXPLORER_BACKEND (wasm always; node and gpu where
// the native packages are set up, e.g. by scripts/setup-native-backend.js), so that the native path
// and the WebAssembly one are both proven wherever both exist. Ends with one line naming the
// backends covered and why any other was not.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BACKENDS = ['gpu', 'node', 'wasm'];
/** The engine and layer tests: every nn building block, the losses, the families, training, inference. */
const FILES = readdirSync(join(ROOT, 'test', 'engine'))
  .filter((f) => /^(nn-.*|losses|models|trainer|training-step|explore)\.test\.ts$/.test(f))
  .map((f) => join('test', 'engine', f));

/** Loads one backend in a fresh process: undefined when it loads, else the reason it does not. */
function probe(name) {
  const code = `const { initBackend } = await import('./src/main/engine/backend/backend.ts');
    try { await initBackend(process.argv[1]); } catch (e) { console.log(e.message); process.exit(3); }`;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code, name], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, LATENT_EXPLORER_BACKEND: '' },
  });
  if (run.status === 0) return undefined;
  return (run.stdout.trim() || run.stderr.trim().split('\n').at(-1) || `exit ${run.status}`).replace(/^backend "\w+" could not be loaded: /, '');
}

const covered = [];
const notCovered = [];
for (const name of BACKENDS) {
  const problem = probe(name);
  if (problem) {
    notCovered.push(`${name} (${problem})`);
    continue;
  }
  console.log(`\n# engine and layer tests on the ${name} backend (LATENT_EXPLORER_BACKEND=${name})`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--import', './test/test-cache.ts', '--test', ...FILES], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, LATENT_EXPLORER_BACKEND: name },
  });
  if (run.status !== 0) {
    console.error(`test-backends: the engine and layer tests failed on the ${name} backend`);
    process.exit(1);
  }
  covered.push(name);
}
console.log(`\n# backends covered by the engine and layer tests: ${covered.join(', ')}${notCovered.length ? `; not covered: ${notCovered.join('; ')}` : ''}`);
