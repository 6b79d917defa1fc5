// Builds the `latent-explorer` command into plain JavaScript (esbuild), so that a run starts without
// compiling TypeScript: through tsx, importing the CLI's sources took ~1.5 s of every run; the built
// one loads in a fraction of that. Made by `npm install` (postinstall) and rebuilt by
// bin/latent-explorer.js when a source file changed since (~0.5 s), so it is never stale.
//
// Layout: out/cli/<build id>/main.js (+ one chunk per command, loaded only by that command, with
// only the packages it imports) and out/cli/current.json, which names the build and the mtime of
// every source file in it. A build writes a new folder and then replaces current.json in one rename,
// so CLI processes running at the same time (a test suite) each see a whole build; folders of
// builds over an hour old are removed.
//
// Packages stay outside the bundle (resolved from node_modules at run time: native bindings, wasm
// files and tfjs's global registries stay as they are). Paths that sources take relative to
// themselves (`import.meta.url`, `import.meta.dirname`) are fixed to the source file's own place.
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Where builds and current.json live (out/ is ignored by git). */
export const CLI_OUT = join(ROOT, 'out', 'cli');
const CURRENT = join(CLI_OUT, 'current.json');
const ENTRY = join(ROOT, 'src', 'main', 'cli', 'main.ts');
/** Builds older than this that current.json no longer names are removed (a long-running `serve` may still load chunks of its own). */
const KEEP_OLD_MS = 60 * 60 * 1000;

/**
 * The built entry to import, or null when there is none or a source file in it changed since
 * (mtime differs, file gone, the clone moved). Costs one stat per source file (~100). `outDir`:
 * where the builds are (tests use another).
 */
export function freshCliBuild(outDir = CLI_OUT) {
  try {
    const current = JSON.parse(readFileSync(join(outDir, 'current.json'), 'utf8'));
    for (const [file, mtimeMs] of Object.entries(current.inputs)) {
      if (statSync(file).mtimeMs !== mtimeMs) return null;
    }
    const entry = join(outDir, current.id, 'main.js');
    return existsSync(entry) ? entry : null;
  } catch {
    return null;
  }
}

/** Rewrites a source's `import.meta.url` / `import.meta.dirname` to its own location (see above). */
const sourcePlaces = {
  name: 'source-places',
  setup(builder) {
    builder.onLoad({ filter: /\.ts$/ }, ({ path }) => {
      if (path.includes(`${join('node_modules', '')}`)) return undefined;
      const contents = readFileSync(path, 'utf8')
        .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(path).href))
        .replaceAll('import.meta.dirname', JSON.stringify(dirname(path)));
      return { contents, loader: 'ts' };
    });
  },
};

/** Builds the CLI into a new out/cli/<id>/ and makes it current; returns its entry file. */
export async function buildCli() {
  const id = `${Date.now().toString(36)}-${process.pid}`;
  const dir = join(CLI_OUT, id);
  // Imported here: a run whose build is fresh does not load esbuild.
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: { main: ENTRY },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    outdir: dir,
    metafile: true,
    logLevel: 'error',
    // The generated tfjs registrations are CommonJS: bundled into ESM, their require() needs one.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    plugins: [sourcePlaces],
  });
  const inputs = Object.fromEntries(Object.keys(result.metafile.inputs).map((file) => [resolve(ROOT, file), statSync(resolve(ROOT, file)).mtimeMs]));
  const tmp = `${CURRENT}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ id, inputs }, null, 1)}\n`);
  renameSync(tmp, CURRENT);
  for (const old of readdirSync(CLI_OUT)) {
    const path = join(CLI_OUT, old);
    if (old !== id && !old.endsWith('.json') && !old.endsWith('.tmp') && Date.now() - statSync(path).mtimeMs > KEEP_OLD_MS) rmSync(path, { recursive: true, force: true });
  }
  return join(dir, 'main.js');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildCli();
