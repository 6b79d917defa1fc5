// Registers tfjs's gradient functions, which @tensorflow/tfjs-core's Node entry leaves out.
//
// They live only in the package's ES-module tree, whose extensionless relative imports Node's
// loader refuses (a bundler would resolve them; tsx does so only through its slow require hook,
// ~1.3 s). esbuild bundles that tree into one script in ~0.1 s, which runs against the same global
// engine and registries as the rest of tfjs. Importing this module is enough.
import * as tf from '@tensorflow/tfjs-core';
import { buildSync } from 'esbuild';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function registerAllGradients(): void {
  const entry = require.resolve('@tensorflow/tfjs-core/dist/register_all_gradients.js');
  const bundle = buildSync({ entryPoints: [entry], bundle: true, format: 'cjs', platform: 'node', write: false, logLevel: 'error' });
  const module = { exports: {} };
  new Function('require', 'module', 'exports', bundle.outputFiles[0]!.text)(require, module, module.exports);
}

// Already there when a bundled build (or the full tfjs package) registered them.
if (tf.getGradient(tf.Abs) == null) registerAllGradients();
