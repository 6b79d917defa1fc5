// Stand-in native packages in a scratch node_modules, for tests of how the engine loads and
// chooses backends: the real packages need libtensorflow, and no GPU is lent to our machines.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import type { LoadedBackend } from '../../src/main/engine/backend/backend';
import type { Calibration } from '../../src/main/engine/backend/fastest';

const here = createRequire(import.meta.url);
export const scratch = mkdtempSync(join(tmpdir(), 'native-backend-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** A folder whose node_modules holds one stand-in package named `pkg`, with `index` as its entry. */
export function standIn(folder: string, pkg: string, index: string, stamp?: object): NodeJS.Require {
  const dir = join(scratch, folder, 'node_modules', ...pkg.split('/'));
  mkdirSync(join(dir, 'lib', 'napi-v8'), { recursive: true });
  const binary = { module_name: 'tfjs_binding', module_path: './lib/napi-v{napi_build_version}', napi_versions: [3, 8] };
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: pkg, version: '4.22.0', main: 'index.js', binary }));
  writeFileSync(join(dir, 'lib', 'napi-v8', 'tfjs_binding.node'), ''); // present: the engine checks it exists
  writeFileSync(join(dir, 'index.js'), index);
  if (stamp) {
    mkdirSync(join(dir, 'deps'), { recursive: true });
    writeFileSync(join(dir, 'deps', 'latent-explorer-native.json'), JSON.stringify(stamp));
  }
  return createRequire(join(scratch, folder, 'entry.js'));
}

/** tfjs-core and the cpu backend as a stand-in's source code names them. */
export const core = JSON.stringify(here.resolve('@tensorflow/tfjs-core'));
export const cpuBackend = JSON.stringify(here.resolve('@tensorflow/tfjs-backend-cpu'));

/** A calibration that answers `rates[name]` span by span, logging what was asked and on which tfjs backend. */
export function scripted(rates: Record<string, number[]>, log: string[]) {
  return (backend: LoadedBackend): Calibration => {
    let span = 0;
    return {
      warmUp: () => void log.push(`warm ${backend.name} on ${tf.getBackend()}`),
      span: () => {
        log.push(`span ${backend.name} on ${tf.getBackend()}`);
        return rates[backend.name]![span++]!;
      },
      dispose: () => void log.push(`dispose ${backend.name} on ${tf.getBackend()}`),
    };
  };
}
