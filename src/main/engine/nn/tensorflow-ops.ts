// Single TensorFlow calls where tfjs-node would make several, for the 'tensorflow' backend
// (tfjs-node / -node-gpu). tfjs's matMul reshapes 2-D operands to 3-D and back, and on tfjs-node
// every reshape is a TensorFlow call plus a new shape tensor; its fused matMul is that matMul plus
// an add and an activation. TensorFlow's own MatMul takes 2-D operands with transpose flags, so the
// dense layer's three products need no reshape and no transpose.
import * as tf from '../backend/tf';
import type { TensorFlowBackend } from '../backend/tensorflow-kernels';

const MATMUL = 'LatentExplorerMatMul2D';
const ACTIVATION_GRAD = 'LatentExplorerActivationGrad';

tf.registerKernel({
  kernelName: MATMUL,
  backendName: 'tensorflow',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { binding, executeSingleOutput } = backend as unknown as TensorFlowBackend;
    const flags = attrs as { transposeA: boolean; transposeB: boolean };
    return executeSingleOutput.call(
      backend,
      'MatMul',
      [
        { name: 'T', type: binding.TF_ATTR_TYPE, value: binding.TF_FLOAT },
        { name: 'transpose_a', type: binding.TF_ATTR_BOOL, value: flags.transposeA },
        { name: 'transpose_b', type: binding.TF_ATTR_BOOL, value: flags.transposeB },
      ],
      [inputs.a!, inputs.b!]
    );
  },
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
    return executeSingleOutput.call(backend, op, [{ name: 'T', type: binding.TF_ATTR_TYPE, value: binding.TF_FLOAT }], operands);
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
