// The built app ships with production dependencies only (electron-builder packs `dependencies`):
// nothing under out/ may need a devDependency, and the built engine entry must run from a copy of
// out/ beside an `npm install --omit=dev` of our package.json. `npm test` builds out/ first.
import assert from 'node:assert/strict';
import { execFileSync, fork } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { base64ToBytes } from '../../src/shared/image8';
import { createRpcClient, processChannel } from '../../src/shared/rpc';

const ROOT = join(import.meta.dirname, '..', '..');
const OUT = join(ROOT, 'out');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
const shipped = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {})]);
/**
 * Packages the built code names but resolves with another package's own require, as that package's
 * dependency (so they ship with it): backend/native.ts finds the tfjs union where tfjs-node's entry
 * would, to answer it with tfjs-core, and never loads it.
 */
const RESOLVED_FOR: Record<string, string> = { '@tensorflow/tfjs': '@tensorflow/tfjs-node' };
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dependencies?: Record<string, string> }> };
const shipsWith = (name: string) => {
  const carrier = RESOLVED_FOR[name];
  return !!carrier && shipped.has(carrier) && !!lock.packages[`node_modules/${carrier}`]?.dependencies?.[name];
};
const home = mkdtempSync(join(tmpdir(), 'le-prod-'));
after(() => rmSync(home, { recursive: true, force: true }));

/** The package a bare specifier names ('@scope/name/sub' → '@scope/name'), or null for relative paths and builtins. */
function packageOf(specifier: string): string | null {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:') || specifier.startsWith('data:')) return null;
  const name = specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
  return builtinModules.includes(name) ? null : name;
}

/** Module specifiers in built code: static and dynamic imports, re-exports and require calls (any require function). */
function specifiersIn(code: string): string[] {
  const found: string[] = [];
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|[rR]equire(?:\.resolve)?\s*\(\s*)(["'])([^"'\n]+)\1/g;
  for (const match of code.matchAll(pattern)) found.push(match[2]!);
  return found;
}

test('nothing under out/main or out/preload needs a devDependency', () => {
  const files = ['main', 'preload'].flatMap((dir) =>
    readdirSync(join(OUT, dir), { recursive: true, encoding: 'utf8' })
      .filter((name) => /\.(c?js|mjs)$/.test(name))
      .map((name) => join(OUT, dir, name))
  );
  const needed = new Map<string, string>();
  for (const file of files) for (const specifier of specifiersIn(readFileSync(file, 'utf8'))) {
    const name = packageOf(specifier);
    if (name) needed.set(name, file);
  }
  assert.ok(needed.has('@tensorflow/tfjs-core'), `the scan sees the engine's imports: ${[...needed.keys()].join(', ')}`);
  const unshipped = [...needed].filter(([name]) => name !== 'electron' && !shipped.has(name) && !shipsWith(name));
  assert.deepEqual(unshipped, [], 'packages the built app needs that are not production dependencies');
});

test('the built engine runs from a copy of out/ with production dependencies only', { timeout: 300_000 }, async () => {
  const app = join(home, 'app');
  mkdirSync(app);
  cpSync(join(OUT, 'main'), join(app, 'out', 'main'), { recursive: true });
  for (const file of ['package.json', 'package-lock.json']) cpSync(join(ROOT, file), join(app, file));
  // From npm's cache where it can (CI's `npm install` just filled it); no install scripts, as the
  // built app needs none of them.
  execFileSync('npm', ['install', '--omit=dev', '--omit=optional', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], {
    cwd: app,
    stdio: 'pipe',
  });
  const installed = readdirSync(join(app, 'node_modules'));
  assert.ok(!installed.includes('electron') && !installed.includes('vite') && !installed.includes('svelte'), 'no devDependency was installed');

  const modelsDir = join(home, 'models');
  const engine = fork(join(app, 'out', 'main', 'engine-process.js'), [JSON.stringify({ modelsDir, bundledDir: join(ROOT, 'resources', 'models') })], {
    cwd: app,
    execArgv: [],
    env: { ...process.env, NODE_OPTIONS: '' },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  engine.stderr!.on('data', (chunk) => (stderr += chunk));
  const client = createRpcClient(processChannel(engine));
  try {
    const info = await client.call('engine.info', {});
    assert.equal(info.modelsDir, modelsDir);
    const { images } = await client.call('model.decode', { id: 'bundled/mnist-vae-2d', z: [[0, 0]] });
    assert.equal(base64ToBytes(images[0]!).length, 784);
  } catch (error) {
    assert.fail(`${String(error)}\nengine stderr: ${stderr}`);
  } finally {
    client.close();
    engine.kill();
  }
});
