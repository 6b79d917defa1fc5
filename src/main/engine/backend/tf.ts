// tfjs-core as the engine uses it: with its gradients and chained tensor methods (x.add(y)).
// The package's Node entry registers neither. Both live only in its ES-module tree, whose
// extensionless relative imports Node's loader refuses, so esbuild bundles the two registration
// modules into one script (~0.1 s) that runs against the same global engine and registries.
// A bundled build (electron-vite) or the full tfjs package may have registered them already.
import * as tf from '@tensorflow/tfjs-core';
// Types only: the declarations of the chained methods that the bundle below registers.
import type {} from '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import { buildSync } from 'esbuild';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function registerGradientsAndChainedOps(): void {
  const modules = ['register_all_gradients.js', 'public/chained_ops/register_all_chained_ops.js'];
  const entry = modules.map((m) => `import ${JSON.stringify(require.resolve(`@tensorflow/tfjs-core/dist/${m}`))};`).join('\n');
  const bundle = buildSync({ stdin: { contents: entry, resolveDir: process.cwd() }, bundle: true, format: 'cjs', platform: 'node', write: false, logLevel: 'error' });
  const module = { exports: {} };
  new Function('require', 'module', 'exports', bundle.outputFiles[0]!.text)(require, module, module.exports);
}

if (tf.getGradient(tf.Abs) == null || typeof (tf.Tensor.prototype as { add?: unknown }).add !== 'function') registerGradientsAndChainedOps();

export * from '@tensorflow/tfjs-core';
