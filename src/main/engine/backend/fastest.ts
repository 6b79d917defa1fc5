// The default backend is the fastest for the work at hand on this machine, measured rather than
// assumed: on a 2-core machine the threaded wasm backend beats TensorFlow's CPU build on small MLPs
// while TensorFlow wins on convolutions (BENCHMARKS.md), and another machine may differ. Each kind
// of work (a recipe at a batch size) is timed once and remembered in the cache folder, until the
// installed backends change (package versions, native library, threads, CPU, Node).
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { BackendInfo } from '../../../shared/contract';
import { defaultCacheDir } from '../cache-dir';
import { initBackend, loadedAlternatives, switchBackend, type LoadedBackend } from './backend';
import { nativeIdentity } from './native';

// Not named `require`: electron-vite's ESM shim declares `require` in every chunk that calls it.
const nodeRequire = createRequire(import.meta.url);

const CACHE_FILE = 'backend-choice.json';

interface Choice {
  /** Samples/s per backend name. */
  rates: Record<string, number>;
  measuredAt: string;
}

interface ChoiceCache {
  fingerprint: string;
  choices: Record<string, Choice>;
}

/** What the measurements depend on besides the work: a change means they are redone. */
function fingerprint(backends: readonly LoadedBackend[]): string {
  const wasmVersion = (JSON.parse(readFileSync(nodeRequire.resolve('@tensorflow/tfjs-backend-wasm/package.json'), 'utf8')) as { version: string }).version;
  return [
    backends.map((b) => `${b.name}:${b.threads ?? ''}:${b.note ?? ''}`).join(','),
    nativeIdentity('@tensorflow/tfjs-node', nodeRequire),
    nativeIdentity('@tensorflow/tfjs-node-gpu', nodeRequire),
    `wasm@${wasmVersion}`,
    `${cpus()[0]?.model ?? '?'} ×${cpus().length}`,
    process.version,
  ].join(' | ');
}

function readCache(file: string, print: string): ChoiceCache {
  try {
    const cache = JSON.parse(readFileSync(file, 'utf8')) as ChoiceCache;
    if (cache.fingerprint === print && cache.choices && typeof cache.choices === 'object') return cache;
  } catch {
    // absent or unreadable: measured afresh
  }
  return { fingerprint: print, choices: {} };
}

function writeCache(file: string, cache: ChoiceCache): void {
  try {
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(`${file}.tmp`, `${JSON.stringify(cache, null, 2)}\n`);
    renameSync(`${file}.tmp`, file);
  } catch {
    // A read-only cache only costs the next run a measurement.
  }
}

const perSecond = (rate: number) => `${Math.round(rate).toLocaleString('en-US')} samples/s`;

/**
 * Switches to the loaded CPU backend that trains `work` (e.g. "vae-mlp-20@128") fastest here and
 * says why, with each other backend's figure. `measure` times the work on the active backend
 * (samples/s); it runs once per backend when the cache in `cacheDir` has no figure for this work
 * and these backends. A forced backend, a GPU or a single loaded backend is returned unchanged.
 */
export async function chooseFastest(work: string, measure: (backend: LoadedBackend) => number, cacheDir = defaultCacheDir()): Promise<BackendInfo> {
  const backends = loadedAlternatives();
  if (backends.length < 2) return initBackend();
  const file = join(cacheDir, CACHE_FILE);
  const print = fingerprint(backends);
  const cache = readCache(file, print);
  let choice = cache.choices[work];
  const fresh = !choice || backends.some((b) => !(choice!.rates[b.name]! > 0));
  if (fresh) {
    const rates: Record<string, number> = {};
    for (const backend of backends) {
      await switchBackend(backend.name, 'being measured', []);
      rates[backend.name] = measure(backend);
    }
    choice = { rates, measuredAt: new Date().toISOString() };
    cache.choices[work] = choice;
    writeCache(file, cache);
  }
  const ranked = [...backends].sort((a, b) => choice!.rates[b.name]! - choice!.rates[a.name]!);
  const best = ranked[0]!;
  const when = fresh ? 'measured now' : `measured ${choice!.measuredAt.slice(0, 10)}, cached`;
  return switchBackend(
    best.name,
    `fastest here for ${work}: ${perSecond(choice!.rates[best.name]!)} (${when})`,
    ranked.slice(1).map((b) => ({ name: b.name, reason: `slower for ${work}: ${perSecond(choice!.rates[b.name]!)}` }))
  );
}
