// The house's import rules (ARCHITECTURE.md, "Import rules"), checked over every import specifier in
// src/: each folder imports only the folders below it, the renderer reaches the engine only over
// RPC, nothing below the Electron glue loads Electron, and no two files import each other in a
// circle. A rule broken anywhere fails this test with the file, the specifier and the rule.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';

const ROOT = resolve(import.meta.dirname, '..', '..');
const SOURCE_EXTENSIONS = ['.ts', '.svelte'];

/** The rooms of the house, most specific first; a file belongs to the first whose prefix it has. */
const ROOMS = [
  'src/main/engine',
  'src/main/host',
  'src/main/cli',
  'src/main/electron',
  'src/main',
  'src/preload',
  'src/renderer',
  'src/shared',
] as const;
type Room = (typeof ROOMS)[number];

interface Rule {
  /** The rooms whose files this room may import (its own is always allowed). */
  rooms: Room[];
  /** May it load Electron? */
  electron: boolean;
  /** May it load Node's built-in modules (node:fs, …)? */
  nodeBuiltins: boolean;
  /** Files of allowed rooms it still may not import. */
  except?: string[];
}

/** Imports only go down: electron glue → host → engine → shared; cli → host, engine → shared. */
const RULES: Record<Room, Rule> = {
  'src/shared': { rooms: [], electron: false, nodeBuiltins: false },
  // The engine uses the contract's types but knows no channel: the RPC layer is its hosts' business.
  'src/main/engine': { rooms: ['src/shared'], electron: false, nodeBuiltins: true, except: ['src/shared/rpc.ts'] },
  'src/main/host': { rooms: ['src/main/engine', 'src/shared'], electron: false, nodeBuiltins: true },
  'src/main/cli': { rooms: ['src/main/host', 'src/main/engine', 'src/shared'], electron: false, nodeBuiltins: true },
  'src/main/electron': { rooms: ['src/main/host', 'src/shared'], electron: true, nodeBuiltins: true },
  // Nothing lives loose in src/main: a file there has no room, so it may import nothing of ours.
  'src/main': { rooms: [], electron: false, nodeBuiltins: false },
  'src/preload': { rooms: ['src/shared'], electron: true, nodeBuiltins: false },
  'src/renderer': { rooms: ['src/shared'], electron: false, nodeBuiltins: false },
};

const BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

function roomOf(path: string): Room | null {
  return ROOMS.find((room) => path === room || path.startsWith(`${room}/`)) ?? null;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return SOURCE_EXTENSIONS.some((ext) => entry.endsWith(ext)) ? [path] : [];
  });
}

/** Every specifier in static imports and exports (type-only ones too) and in dynamic import() calls. */
function importSpecifiers(source: string): string[] {
  const pattern = /(?:^|[\s;])(?:import|export)\s[^'";]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;])import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm;
  return [...source.matchAll(pattern)].map((m) => (m[1] ?? m[2] ?? m[3])!);
}

/** The repository-relative file a relative specifier names, or null when it names none. */
function resolveRelative(fromFile: string, specifier: string): string | null {
  const base = resolve(ROOT, dirname(fromFile), specifier);
  const candidates = [base, ...SOURCE_EXTENSIONS.map((ext) => base + ext), base.replace(/\.js$/, '.ts'), join(base, 'index.ts')];
  const found = candidates.find((path) => existsSync(path) && statSync(path).isFile());
  return found ? relative(ROOT, found) : null;
}

/** What is wrong with `file` (repository-relative) importing `specifier`, or null when it may. */
function violation(file: string, specifier: string): string | null {
  const room = roomOf(file);
  if (!room) return null;
  const rule = RULES[room];
  if (specifier.startsWith('.')) {
    const target = resolveRelative(file, specifier) ?? relative(ROOT, resolve(ROOT, dirname(file), specifier));
    if (target === 'package.json') return null; // the app's name and version, readable anywhere
    if (rule.except?.includes(target)) return `${room} must not import ${target}`;
    const targetRoom = roomOf(target);
    if (targetRoom === room || (targetRoom && rule.rooms.includes(targetRoom))) return null;
    return `${room} may import only ${[room, ...rule.rooms].join(', ')}, not ${targetRoom ?? target}`;
  }
  const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
  if (name === 'electron' && !rule.electron) return `${room} must not load electron`;
  if (BUILTINS.has(specifier) && !rule.nodeBuiltins) return `${room} must not load Node's ${specifier}`;
  return null;
}

/** Each import circle among the files, as the list of files around it. */
function circles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return found;
}

const files = sourceFiles(join(ROOT, 'src')).map((path) => relative(ROOT, path));
const imports = new Map(files.map((file) => [file, importSpecifiers(readFileSync(join(ROOT, file), 'utf8'))]));

test('every import in src/ follows the import rules', () => {
  const broken = files.flatMap((file) =>
    imports.get(file)!.flatMap((specifier) => {
      const why = violation(file, specifier);
      return why ? [`${file}: '${specifier}': ${why}`] : [];
    })
  );
  assert.deepEqual(broken, []);
});

test('no file in src/ lies outside the rooms the rules name', () => {
  assert.deepEqual(
    files.filter((file) => roomOf(file) === 'src/main'),
    []
  );
});

test('no import circles in src/', () => {
  const graph = new Map(
    files.map((file) => [file, imports.get(file)!.filter((s) => s.startsWith('.')).flatMap((s) => resolveRelative(file, s) ?? [])])
  );
  assert.deepEqual(circles(graph).map((circle) => circle.join(' → ')), []);
});

test('the rules refuse what ARCHITECTURE.md forbids', () => {
  const refused: [string, string][] = [
    ['src/renderer/App.svelte', '../main/engine/backend/tf'],
    ['src/renderer/App.svelte', 'electron'],
    ['src/renderer/App.svelte', 'node:fs'],
    ['src/main/engine/explore/explore.ts', 'electron'],
    ['src/main/engine/explore/explore.ts', '../../host/model-cache'],
    ['src/main/engine/models/build.ts', '../../cli/main'],
    ['src/main/engine/explore/explore.ts', '../../../shared/rpc'],
    ['src/main/host/engine-host.ts', 'electron'],
    ['src/main/host/engine-host.ts', '../cli/main'],
    ['src/main/cli/main.ts', 'electron'],
    ['src/main/electron/index.ts', '../engine/backend/tf'],
    ['src/shared/contract.ts', '../main/engine/errors'],
    ['src/shared/contract.ts', '../renderer/lib/format'],
  ];
  for (const [file, specifier] of refused) assert.ok(violation(file, specifier), `${file} importing ${specifier} should be refused`);
  assert.equal(violation('src/main/cli/serve-command.ts', '../host/web-server'), null);
  assert.equal(violation('src/main/host/engine-host.ts', '../engine/explore/explore'), null);
  assert.equal(violation('src/main/electron/index.ts', 'electron'), null);
});
