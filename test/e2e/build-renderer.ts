// Builds the renderer exactly as electron.vite.config.ts describes it, into a folder of the
// test's own, so the end-to-end tests always run today's sources and never touch out/.
import { build, type InlineConfig } from 'vite';
import config from '../../electron.vite.config';

export async function buildRenderer(outDir: string): Promise<void> {
  const renderer = (config as { renderer: InlineConfig }).renderer;
  await build({
    ...renderer,
    configFile: false,
    logLevel: 'warn',
    base: './',
    build: { ...renderer.build, outDir, emptyOutDir: true },
  });
}
