// Four of tfjs-node's kernels do work TensorFlow does not need, several times per training step:
// Cast and Reshape run a TensorFlow op (Reshape also makes a shape tensor) where the tensor already
// has the dtype or shape asked for (tfjs's gradients cast float32 operands to float32 and reshape
// every broadcast operand's gradient to its shape; the cpu and wasm backends return the same
// data), Mean casts its input to float32 even when it is float32 already, and GatherV2 reads its
// indices back to JavaScript to check they are in range (a read-back stalls the step: on a GPU it
// waits for everything queued before it), which TensorFlow's own GatherV2 checks anyway (an
// out-of-range index still fails, with TensorFlow's message). A fifth, ExpandDims, leaves its type
// attributes for eager TensorFlow to infer, which a graph does not (backend/tensorflow-trace.ts
// records ops as graph nodes): here they are given. Replaced after the native package loads; other
// dtypes go to tfjs-node's own kernel.
import * as tf from '@tensorflow/tfjs-core';

/** An attribute of a TensorFlow op, in tfjs-node's form. */
export type OpAttr = { name: string; type: number; value: unknown };

/** A TensorFlow tensor handle in tfjs-node's binding: its id there, shape and dtype (TF's enum). */
export interface HandleInfo {
  id: number;
  shape: number[];
  dtype: number;
}

/** The part of tfjs-node's backend our TensorFlow code uses (here and in nn/): TensorFlow eager ops by name. */
export interface TensorFlowBackend {
  binding: {
    TF_ATTR_TYPE: number;
    TF_ATTR_INT: number;
    TF_ATTR_BOOL: number;
    TF_ATTR_STRING: number;
    TF_ATTR_SHAPE: number;
    TF_ATTR_FLOAT: number;
    TF_FLOAT: number;
    TF_INT32: number;
    TF_BOOL: number;
    /** One op on handles by id; the outputs are new handles, owned by the caller. */
    executeOp(op: string, attrs: OpAttr[], inputIds: number[], outputs: number): HandleInfo[];
    deleteTensor(id: number): void;
    /** A new handle holding `data` (float32 and int32 as their typed arrays, bool as bytes). */
    createTensor(shape: number[], dtype: number, data: ArrayLike<number>): number;
    /** A handle's data, read back to JavaScript. */
    tensorDataSync(id: number): ArrayLike<number>;
    /** Loads the SavedModel in `dir` with its meta-graph tagged `tags` (comma-separated) as a session; its id. */
    loadSavedModel(dir: string, tags: string): number;
    /** Runs a session: handles fed to "node:i" names, outputs of "node:i" names fetched (comma-separated). */
    runSavedModel(session: number, inputIds: number[], inputNames: string, outputNames: string): HandleInfo[];
    deleteSavedModel(session: number): void;
  };
  /** The binding's handle ids of tfjs tensors (their data is written to TensorFlow first if need be). */
  getInputTensorIds(inputs: tf.TensorInfo[]): number[];
  /** A tfjs tensor that owns a handle the binding returned. */
  createOutputTensor(handle: HandleInfo): tf.Tensor;
  executeSingleOutput(op: string, attrs: OpAttr[], inputs: tf.TensorInfo[]): tf.Tensor;
  /** Runs an op with `outputs` outputs (0 for one that only updates resources). */
  executeMultipleOutputs(op: string, attrs: OpAttr[], inputs: tf.TensorInfo[], outputs: number): tf.Tensor[];
  createReductionOpAttrs(x: tf.TensorInfo, keepDims: boolean): OpAttr[];
  incRef(dataId: tf.DataId): void;
}

/** TensorFlow's dtype enum for a tfjs dtype the graph and kernels here pass (float32, int32, bool); throws for another. */
export function tensorFlowDtype(binding: TensorFlowBackend['binding'], dtype: tf.DataType): number {
  if (dtype === 'float32') return binding.TF_FLOAT;
  if (dtype === 'int32') return binding.TF_INT32;
  if (dtype === 'bool') return binding.TF_BOOL;
  throw new Error(`no TensorFlow dtype is passed here for tfjs's ${dtype}`);
}

/** Marks a kernel as ours, so loading a second native package does not wrap it twice. */
const LEAN = Symbol('latent-explorer lean kernel');

/** Replaces `name`'s 'tensorflow' kernel by `lean`, which may hand a call to the original. */
function replace(name: string, lean: (original: tf.KernelFunc) => tf.KernelFunc): void {
  const original = tf.getKernel(name, 'tensorflow');
  if (!original || (original.kernelFunc as { [LEAN]?: true })[LEAN]) return;
  const kernelFunc = Object.assign(lean(original.kernelFunc), { [LEAN]: true as const });
  tf.unregisterKernel(name, 'tensorflow');
  tf.registerKernel({ ...original, kernelFunc });
}

/** `x`'s data under a second tensor, counted by the backend (as the cpu and wasm backends' identity). */
function sameData(x: tf.TensorInfo, backend: unknown): tf.TensorInfo {
  (backend as TensorFlowBackend).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/**
 * Swaps tfjs-node's Cast, Reshape, Mean, GatherV2 and ExpandDims kernels for ones without the
 * needless ops and read-back, and with every attribute a graph needs (see above). Call once the 'tensorflow' backend's kernels are registered; a no-op when
 * they are not.
 */
export function leanTensorFlowKernels(): void {
  replace('Cast', (original) => (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    return (args.attrs as unknown as { dtype: tf.DataType }).dtype === x.dtype ? sameData(x, args.backend) : original(args);
  });
  replace('Reshape', (original) => (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    const shape = tf.util.inferFromImplicitShape((args.attrs as unknown as { shape: number[] }).shape, tf.util.sizeFromShape(x.shape));
    return tf.util.arraysEqual(shape, x.shape) ? sameData(x, args.backend) : original(args);
  });
  replace('Mean', (original) => (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    if (x.dtype !== 'float32') return original(args);
    const backend = args.backend as unknown as TensorFlowBackend;
    const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
    const axes = tf.tensor1d(tf.util.parseAxisParam(axis, x.shape), 'int32');
    try {
      return backend.executeSingleOutput('Mean', backend.createReductionOpAttrs(x, keepDims), [x, axes]);
    } finally {
      axes.dispose();
    }
  });
  replace('ExpandDims', (original) => (args) => {
    const x = args.inputs.input as tf.TensorInfo;
    if (x.dtype !== 'float32' && x.dtype !== 'int32') return original(args);
    const backend = args.backend as unknown as TensorFlowBackend;
    const { binding } = backend;
    const dim = tf.scalar((args.attrs as unknown as { dim: number }).dim, 'int32');
    try {
      return backend.executeSingleOutput(
        'ExpandDims',
        [
          { name: 'T', type: binding.TF_ATTR_TYPE, value: tensorFlowDtype(binding, x.dtype) },
          { name: 'Tdim', type: binding.TF_ATTR_TYPE, value: binding.TF_INT32 },
        ],
        [x, dim]
      );
    } finally {
      dim.dispose();
    }
  });
  replace('GatherV2', (original) => (args) => {
    const { x, indices } = args.inputs as { x: tf.TensorInfo; indices: tf.TensorInfo };
    if (x.dtype !== 'float32' || indices.dtype !== 'int32') return original(args);
    const backend = args.backend as unknown as TensorFlowBackend;
    const { axis, batchDims } = args.attrs as unknown as { axis: number; batchDims: number };
    tf.backend_util.segment_util.collectGatherOpShapeInfo(x as tf.Tensor, indices as tf.Tensor, axis, batchDims);
    const { binding } = backend;
    const axisTensor = tf.scalar(axis, 'int32');
    try {
      return backend.executeSingleOutput(
        'GatherV2',
        [
          { name: 'batch_dims', type: binding.TF_ATTR_INT, value: batchDims },
          { name: 'Tparams', type: binding.TF_ATTR_TYPE, value: binding.TF_FLOAT },
          { name: 'Tindices', type: binding.TF_ATTR_TYPE, value: binding.TF_INT32 },
          { name: 'Taxis', type: binding.TF_ATTR_TYPE, value: binding.TF_INT32 },
        ],
        [x, indices, axisTensor]
      );
    } finally {
      axisTensor.dispose();
    }
  });
}
