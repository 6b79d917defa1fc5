// Loading an image folder: 10,000 PNG images of 64×64 RGB in 10 class sub-folders (written once
// into a scratch folder), loaded by `latent-explorer dataset --json` into a fresh cache folder
// (first load: every image read and decoded) and again (cached load), each in its own process,
// with the process's peak RSS. Usage: node --import tsx bench/image-folder-load.ts [folder]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeImageFolder } from '../test/engine/image-folder-fixture';

const COUNT = 10_000;
const CLASSES = 10;
const folder = resolve(process.argv[2] ?? join(tmpdir(), 'latent-explorer-bench-10k-png64'));
if (!existsSync(join(folder, 'class-09'))) {
  console.error(`writing ${COUNT} PNGs of 64×64 RGB into ${folder} …`);
  await writeImageFolder(folder, CLASSES, COUNT / CLASSES, { width: 64, height: 64, channels: 3 });
}
const cache = mkdtempSync(join(tmpdir(), 'le-bench-cache-'));
const load = (what: string) => {
  const result = spawnSync(process.execPath, [resolve('bin/latent-explorer.js'), 'dataset', folder, '--json'], { encoding: 'utf8', env: { ...process.env, LATENT_EXPLORER_CACHE: cache } });
  if (result.status !== 0) throw new Error(`${what}: ${result.stderr}`);
  return JSON.parse(result.stdout) as { loadSeconds: number; train: number; test: number; bytes: number; peakRssMiB: number };
};
try {
  const first = load('first load');
  const cached = load('cached load');
  console.log(
    JSON.stringify({ folder, images: first.train + first.test, bytes: first.bytes, first: { seconds: first.loadSeconds, peakRssMiB: first.peakRssMiB }, cached: { seconds: cached.loadSeconds, peakRssMiB: cached.peakRssMiB } })
  );
} finally {
  rmSync(cache, { recursive: true, force: true });
}
