// Records what a piece of tfjs code asks of TensorFlow, as graph nodes: the ops tfjs-node's binding
// runs for it and the constants it makes. Run once on real tensors, this yields a graph that
// computes the same thing from new inputs, so long as the code's work does not depend on the
// values it computes (no read-back to JavaScript) and it touches no tensor made before it, except
// the inputs it names.
import * as tf from '@tensorflow/tfjs-core';
import type { GraphBuilder, TensorValue } from './tensorflow-graph';
import type { HandleInfo, OpAttr, TensorFlowBackend } from './tensorflow-kernels';

/** Why some code cannot be recorded as a graph (it reads values back, or uses tensors it was not given). */
export class NotTraceable extends Error {}

type Binding = TensorFlowBackend['binding'];

/** What traced code is handed: `input` makes a tensor whose value changes from run to run (a placeholder), `refuse` says why it cannot be a graph. */
export interface TraceHooks {
  /** `make()`, run unrecorded; its result stands for the graph's placeholder `name` (which the caller adds). */
  input<T extends tf.Tensor>(name: string, make: () => T): T;
  /** Marks the trace as failed (NotTraceable with `reason` once `fn` returns): throwing mid-gradient would leak the tape's saved tensors. */
  refuse(reason: string): void;
}

/**
 * Runs `fn` once on the active 'tensorflow' backend while recording its TensorFlow ops into
 * `graph` (nodes named `${prefix}${op}_k`), and returns the graph names of the tensors `fn` returns,
 * in order, then frees them. `sources` names the tensors made before the trace that `fn` may use
 * (graph names: placeholders, variable reads); `fn` makes the tensors whose values change from run
 * to run with `hooks.input`; every other tensor it makes becomes a constant. Everything
 * `fn` allocates is freed again. Throws NotTraceable when `fn` reads a tensor back to JavaScript
 * (its work could then depend on values), uses a tensor that is neither its own nor a source, or
 * calls `hooks.refuse`.
 */
export function traceOps(graph: GraphBuilder, prefix: string, sources: [tf.Tensor, string][], fn: (hooks: TraceHooks) => tf.Tensor[]): string[] {
  const backend = tf.backend() as unknown as TensorFlowBackend;
  const real = backend.binding;
  const names = new Map<number, string>();
  backend.getInputTensorIds(sources.map(([tensor]) => tensor)).forEach((id, i) => names.set(id, sources[i]![1]));
  let problem: string | null = null;
  let recording = true;
  let count = 0;
  const recorder: Binding = Object.create(real);
  const methods: Partial<Binding> = {
    executeOp(op: string, attrs: OpAttr[], inputIds: number[], outputs: number): HandleInfo[] {
      if (!recording) return real.executeOp(op, attrs, inputIds, outputs);
      const inputs = inputIds.map((id) => names.get(id) ?? ((problem ??= `the op ${op} uses a tensor made before the step that is not one of its inputs`), ''));
      const handles = real.executeOp(op, attrs, inputIds, outputs);
      const node = graph.add(`${prefix}${op}_${count++}`, op, inputs, attrs.map((attr) => ({ ...attr })));
      handles.forEach((handle, i) => names.set(handle.id, i === 0 ? node : `${node}:${i}`));
      return handles;
    },
    createTensor(shape: number[], dtype: number, data: ArrayLike<number>): number {
      const id = real.createTensor(shape, dtype, data);
      if (!recording) return id;
      if (dtype !== real.TF_FLOAT && dtype !== real.TF_INT32 && dtype !== real.TF_BOOL) problem ??= `a constant of TensorFlow dtype ${dtype}`;
      else names.set(id, graph.constant(`${prefix}Const_${count++}`, { shape: [...shape], dtype, data: (data as TensorValue['data']).slice() }));
      return id;
    },
    tensorDataSync(id: number): ArrayLike<number> {
      if (recording) problem ??= 'it reads a tensor back to JavaScript';
      return real.tensorDataSync(id);
    },
  };
  for (const [key, value] of Object.entries(methods)) Object.defineProperty(recorder, key, { value });
  const hooks: TraceHooks = {
    input: (name, make) => {
      recording = false;
      try {
        const tensor = make();
        names.set(backend.getInputTensorIds([tensor])[0]!, name);
        return tensor;
      } finally {
        recording = true;
      }
    },
    refuse: (reason) => void (problem ??= reason),
  };
  return tf.tidy(() => {
    backend.binding = recorder;
    let outputs: tf.Tensor[];
    try {
      outputs = fn(hooks);
    } finally {
      backend.binding = real;
    }
    try {
      const found = backend.getInputTensorIds(outputs).map((id) => names.get(id));
      if (!problem && found.includes(undefined)) problem = 'it returns a tensor made before the step that is not one of its inputs';
      if (problem) throw new NotTraceable(problem);
      return found as string[];
    } finally {
      tf.dispose(outputs); // kept ones too
    }
  });
}
