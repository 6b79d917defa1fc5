// Three builds: Electron main (plus the engine's utility-process entry), the sandboxed preload
// (CommonJS: sandboxed preloads cannot load ES modules) and the Svelte renderer, which web mode
// serves as is. Paths hang off this file's folder so a build started from elsewhere still works.
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'electron-vite';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleTfjsRegistrations } from './scripts/bundle-tfjs-registrations.js';
import { metaContentSecurityPolicy } from './src/shared/csp';

const root = fileURLToPath(new URL('.', import.meta.url));
const at = (path: string) => resolve(root, path);
/** Rolldown's report of slow plugins (the Svelte compile on a small machine) reads to a first-run user as a fault. */
const quiet = { checks: { bundlerTimings: false } };

export default defineConfig({
  main: {
    // tfjs's gradient and chained-op registrations, bundled now so the app compiles nothing at start.
    plugins: [{ name: 'tfjs-registrations', buildStart: () => bundleTfjsRegistrations() }],
    build: {
      outDir: at('out/main'),
      emptyOutDir: true,
      rollupOptions: {
        ...quiet,
        input: { index: at('src/main/electron/index.ts'), 'engine-process': at('src/main/host/engine-process.ts') },
      },
    },
  },
  preload: {
    build: {
      outDir: at('out/preload'),
      emptyOutDir: true,
      rollupOptions: {
        ...quiet,
        input: { index: at('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: at('src/renderer'),
    build: {
      outDir: at('out/renderer'),
      emptyOutDir: true,
      rollupOptions: { ...quiet, input: at('src/renderer/index.html') },
    },
    plugins: [
      svelte(),
      // The page's CSP from the one definition in src/shared/csp.ts.
      { name: 'content-security-policy', transformIndexHtml: (html) => html.replace('%LATENT_EXPLORER_CSP%', metaContentSecurityPolicy()) },
    ],
  },
});
