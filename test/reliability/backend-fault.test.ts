// A request that faults inside the compute backend must not leave the engine broken. The fault is
// recognised as the backend's (a real one here: a kernel that runs out of wasm memory), the
// request is answered with what happened, and in web mode the engine process exits with
// BACKEND_FAULT_EXIT_CODE and its supervisor starts a fresh one at once, saying so.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { createEngineSupervisor } from '../../src/main/host/engine-supervisor';
import { BACKEND_FAULT_EXIT_CODE } from '../../src/main/host/engine-process-args';
import { isBackendFault } from '../../src/main/engine/backend/backend';
import { UserError } from '../../src/main/engine/errors';
import type { Events } from '../../src/shared/contract';
import { RpcError } from '../../src/shared/rpc';
import { scratch } from './fixtures';

const ROOT = resolve(import.meta.dirname, '..', '..');
const home = scratch('backend-fault');
after(() => home.remove());

test('a kernel that runs out of wasm memory is told apart from our own errors', () => {
  // In a child: the fault leaves that process's backend unusable.
  const script = `
    const { initBackend, isBackendFault } = await import(${JSON.stringify(join(ROOT, 'src/main/engine/backend/backend.ts'))});
    const tf = await import(${JSON.stringify(join(ROOT, 'src/main/engine/backend/tf.ts'))});
    await initBackend('wasm');
    try { tf.diag(tf.zeros([784, 784])); console.log('no fault'); } catch (error) { console.log(JSON.stringify({ fault: isBackendFault(error), message: error.message })); }`;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  const result = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { fault: boolean; message: string };
  assert.equal(result.fault, true, result.message);
  for (const ours of [new UserError('bad setting'), new RangeError('Invalid array length'), new Error('Aborted because')]) assert.equal(isBackendFault(ours), false, ours.message);
});

test('web mode: an engine that exits after a backend fault is restarted at once, and the user is told', async () => {
  // A stand-in engine process that answers like the real one after a fault: the failed request's
  // reply, then exit with BACKEND_FAULT_EXIT_CODE (engine-process.ts).
  const entry = join(home.dir, 'faulting-engine.ts');
  writeFileSync(
    entry,
    `import { processChannel, serveRpc } from ${JSON.stringify(join(ROOT, 'src/shared/rpc.ts'))};
     import { UserError } from ${JSON.stringify(join(ROOT, 'src/main/engine/errors.ts'))};
     serveRpc(processChannel(process), {
       call: async (method) => {
         if (method !== 'model.codebook') return { pid: process.pid };
         setTimeout(() => process.exit(${BACKEND_FAULT_EXIT_CODE}), 200);
         throw new UserError('model.codebook failed inside the compute backend (memory access out of bounds); the engine restarts itself', 'unavailable');
       },
       onEvent: () => () => {},
     });`
  );
  const supervisor = createEngineSupervisor({ modelsDir: join(home.dir, 'models'), bundledDir: join(home.dir, 'bundled'), entry });
  const events: Array<[string, unknown]> = [];
  supervisor.onEvent((event, payload) => events.push([event, payload]));
  const restarted = new Promise<void>((done) => supervisor.onEvent((event) => event === 'engine.restarted' && done()));
  try {
    const first = (await supervisor.call('engine.info', {})) as unknown as { pid: number };
    await assert.rejects(supervisor.call('model.codebook', { id: 'user/x', limit: 1 }), (e: unknown) => e instanceof RpcError && e.code === 'unavailable' && /compute backend/.test(e.message));
    await restarted;
    const second = (await supervisor.call('engine.info', {})) as unknown as { pid: number };
    assert.notEqual(second.pid, first.pid, 'a fresh engine process answers');
    const log = events.find(([event]) => event === 'engine.log')?.[1] as Events['engine.log'] | undefined;
    assert.match(log?.message ?? '', /restarted after a fault in the compute backend; models saved so far are kept/);
    assert.equal(events.some(([event]) => event === 'engine.exited'), false, 'not left for the user to restart');
  } finally {
    await supervisor.dispose();
  }
});
