// Single TensorFlow calls where tfjs-node would make several, for the 'tensorflow' backend
// (tfjs-node / -node-gpu). tfjs's matMul reshapes 2-D operands to 3-D and back, and on tfjs-node
// every reshape is a TensorFlow call plus a new shape tensor; its fused matMul is that matMul plus
// an add and an activation. TensorFlow's own MatMul takes 2-D operands with transpose flags, so the
// dense layer's three products need no reshape and no transpose.
//
// A dense layer's forward pass (MatMul, BiasAdd, activation) and the part of its backward pass
// that every layer needs (activation gradient, dW, db) are each one tfjs kernel whose TensorFlow
// ops pass handles to each other inside the binding: tfjs's bookkeeping (a tensor object, its
// tracking and disposal per result) is then paid once per kernel, not once per TensorFlow op.
import * as tf from '../backend/tf';
import type { HandleInfo, OpAttr, TensorFlowBackend } from '../backend/tensorflow-kernels';

const MATMUL = 'LatentExplorerMatMul2D';
const ACTIVATION_GRAD = 'LatentExplorerActivationGrad';
const DENSE = 'LatentExplorerDense2D';
const DENSE_GRAD = 'LatentExplorerDense2DGrad';

type TensorFlowActivation = 'linear' | 'relu' | 'sigmoid';

function floatType(binding: TensorFlowBackend['binding']): OpAttr {
  return { name: 'T', type: binding.TF_ATTR_TYPE, value: binding.TF_FLOAT };
}

function matMulAttrs(binding: TensorFlowBackend['binding'], transposeA: boolean, transposeB: boolean): OpAttr[] {
  return [
    floatType(binding),
    { name: 'transpose_a', type: binding.TF_ATTR_BOOL, value: transposeA },
    { name: 'transpose_b', type: binding.TF_ATTR_BOOL, value: transposeB },
  ];
}

/** One single-output op on handle ids; frees the handles in `consumed` (intermediates) after it. */
function runOnHandles(backend: TensorFlowBackend, op: string, attrs: OpAttr[], inputIds: number[], consumed: number[] = []): HandleInfo {
  try {
    return backend.binding.executeOp(op, attrs, inputIds, 1)[0]!;
  } finally {
    for (const id of consumed) backend.binding.deleteTensor(id);
  }
}

tf.registerKernel({
  kernelName: MATMUL,
  backendName: 'tensorflow',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { binding, executeSingleOutput } = backend as unknown as TensorFlowBackend;
    const flags = attrs as { transposeA: boolean; transposeB: boolean };
    return executeSingleOutput.call(backend, 'MatMul', matMulAttrs(binding, flags.transposeA, flags.transposeB), [inputs.a!, inputs.b!]);
  },
});

/**
 * Registers a 'tensorflow' kernel whose `body` runs TensorFlow ops on the binding's handles of the
 * inputs named in `inputNames` (in that order) and returns the handles that become its outputs.
 */
function registerHandleKernel(
  kernelName: string,
  inputNames: string[],
  body: (backend: TensorFlowBackend, ids: number[], activation: TensorFlowActivation) => HandleInfo[]
): void {
  tf.registerKernel({
    kernelName,
    backendName: 'tensorflow',
    kernelFunc: ({ inputs, backend: kernelBackend, attrs }) => {
      const backend = kernelBackend as unknown as TensorFlowBackend;
      const ids = backend.getInputTensorIds(inputNames.map((name) => inputs[name]!));
      const outputs = body(backend, ids, (attrs as unknown as { activation: TensorFlowActivation }).activation).map((handle) => backend.createOutputTensor(handle));
      return outputs.length === 1 ? outputs[0]! : outputs;
    },
  });
}

registerHandleKernel(DENSE, ['x', 'w', 'b'], (backend, [x, w, b], activation) => {
  const { binding } = backend;
  const product = runOnHandles(backend, 'MatMul', matMulAttrs(binding, false, false), [x!, w!]);
  const z = runOnHandles(backend, 'BiasAdd', [floatType(binding)], [product.id, b!], [product.id]);
  if (activation === 'linear') return [z];
  return [runOnHandles(backend, activation === 'relu' ? 'Relu' : 'Sigmoid', [floatType(binding)], [z.id], [z.id])];
});

registerHandleKernel(DENSE_GRAD, ['dy', 'y', 'x'], (backend, [dy, y, x], activation) => {
  const { binding } = backend;
  // ReluGrad(gradients, features) = gradients where features > 0 (y = relu(z) serves as z); SigmoidGrad(y, dy) = dy·y·(1−y).
  const dz =
    activation === 'linear' ? null : runOnHandles(backend, activation === 'relu' ? 'ReluGrad' : 'SigmoidGrad', [floatType(binding)], activation === 'relu' ? [dy!, y!] : [y!, dy!]);
  const dzId = dz?.id ?? dy!;
  const dw = runOnHandles(backend, 'MatMul', matMulAttrs(binding, true, false), [x!, dzId]);
  const db = runOnHandles(backend, 'BiasAddGrad', [floatType(binding)], [dzId]);
  return [dw, db, ...(dz ? [dz] : [])];
});

/** Whether the active backend is TensorFlow's, where `matMul2d` runs. */
export function onTensorFlow(): boolean {
  return tf.getBackend() === 'tensorflow';
}

/**
 * op(a)·op(b) for float32 matrices, op = transpose where its flag is set: [m, k]·[k, n] → [m, n]
 * after the flags. One TensorFlow MatMul; only on the 'tensorflow' backend (check `onTensorFlow`),
 * with no gradient of its own (it runs inside ops that define theirs).
 */
export function matMul2d(a: tf.Tensor2D, b: tf.Tensor2D, transposeA = false, transposeB = false): tf.Tensor2D {
  return tf.engine().runKernel(MATMUL, { a, b }, { transposeA, transposeB }) as tf.Tensor2D;
}

// tfjs-node's Step kernel (what tfjs's ReLU gradient multiplies by) is ~8 TensorFlow calls plus the
// constant tensors it creates (isNaN, greater, ones, fill, two selects), and the sigmoid's
// derivative y·(1−y) is three more: TensorFlow computes each as one op from the layer's output.
tf.registerKernel({
  kernelName: ACTIVATION_GRAD,
  backendName: 'tensorflow',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { binding, executeSingleOutput } = backend as unknown as TensorFlowBackend;
    const { op } = attrs as { op: 'ReluGrad' | 'SigmoidGrad' };
    // ReluGrad(gradients, features) = gradients where features > 0; SigmoidGrad(y, dy) = dy·y·(1−y).
    const operands = op === 'ReluGrad' ? [inputs.dy!, inputs.y!] : [inputs.y!, inputs.dy!];
    return executeSingleOutput.call(backend, op, [floatType(binding)], operands);
  },
});

/**
 * dL/dz from dL/dy and a ReLU's or sigmoid's output y (float32, any equal shapes), as one
 * TensorFlow op: ReLU passes dy where y > 0 (so y = relu(z) serves as z), the sigmoid multiplies by
 * y·(1−y). Only on the 'tensorflow' backend (check `onTensorFlow`); no gradient of its own.
 */
export function activationGrad<T extends tf.Tensor>(dy: T, y: T, activation: 'relu' | 'sigmoid'): T {
  return tf.engine().runKernel(ACTIVATION_GRAD, { dy, y }, { op: activation === 'relu' ? 'ReluGrad' : 'SigmoidGrad' }) as T;
}

/**
 * act(x·W + b) for x [batch, in], W [in, out], b [out] (float32) → [batch, out], as TensorFlow's
 * MatMul, BiasAdd and Relu/Sigmoid in one tfjs kernel. Only on the 'tensorflow' backend (check
 * `onTensorFlow`), with no gradient of its own (`denseGrad` is its backward pass).
 */
export function denseForward(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, activation: TensorFlowActivation): tf.Tensor2D {
  return tf.engine().runKernel(DENSE, { x, w, b }, { activation }) as tf.Tensor2D;
}

/**
 * The backward pass of `denseForward` but dx: from dL/dy [batch, out], the layer's output y and its
 * input x [batch, in], dL/dz = dL/dy·act'(z) [batch, out] (dL/dy itself for a linear layer),
 * dL/dW = xᵀ·dL/dz [in, out] and dL/db = Σ_batch dL/dz [out], in one tfjs kernel. dL/dx = dL/dz·Wᵀ
 * is left to the caller (`matMul2d(dz, w, false, true)`), which a first layer never needs.
 * Only on the 'tensorflow' backend.
 */
export function denseGrad(dy: tf.Tensor2D, y: tf.Tensor2D, x: tf.Tensor2D, activation: TensorFlowActivation): { dz: tf.Tensor2D; dw: tf.Tensor2D; db: tf.Tensor1D } {
  const [dw, db, dz] = tf.engine().runKernel(DENSE_GRAD, { dy, y, x }, { activation }) as unknown as [tf.Tensor2D, tf.Tensor1D, tf.Tensor2D?];
  return { dz: dz ?? dy, dw, db };
}
