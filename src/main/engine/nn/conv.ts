// 2-D convolutions ('same' padding, NHWC) whose forward and backward passes all run as the
// backend's fast Conv2D (XNNPACK on wasm). TensorFlow's backend has fast kernels for all of them,
// so there the transposed convolution and the gradients are its own.
//
// On wasm, tfjs's Conv2DBackpropInput — which is both conv2dTranspose and the input gradient of
// conv2d — is a plain C++ loop ~10× slower than Conv2D, the filter gradient Conv2DBackpropFilter
// is missing, and its 3-D stand-in gives wrong results. So:
// - a transposed convolution of stride s is computed as s² stride-1 convolutions at once (one per
//   output phase, stacked as channels) followed by depthToSpace — the sub-pixel identity;
// - a filter gradient is one dilated convolution with the batch and channel axes swapped.
import * as tf from '../backend/tf';
import { applyUnfused, fusedPart, preActivationGrad, type Activation } from './activation';
import { defineOp } from './custom-op';
import { sumRows } from './dense';
import { onTensorFlow } from './tensorflow-ops';

type Shape4 = [number, number, number, number];
/** Explicit NHWC padding, as tf.conv2d takes it. */
type Padding = [[number, number], [number, number], [number, number], [number, number]];

/** TF's 'same' padding along one axis: [before, after]. */
function samePadding(inSize: number, kernel: number, stride: number): [number, number] {
  const outSize = Math.ceil(inSize / stride);
  const total = Math.max((outSize - 1) * stride + kernel - inSize, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/**
 * Where each element of the phase filter comes from: W [k, k, C, O] zero-padded to k' = M·s, seen
 * as [M, s, M, s, C, O] (k = m·s + r), m reversed, permuted to [M, M, O, s, s, C] = [M, M, O,
 * s²·C] so that phase (ry, rx) is output channel block ry·s + rx. An index of k·k·C·O (one past
 * the filter) stands for a padding zero (reading past the end gives undefined, taken as 0).
 */
function phaseFilterIndices(k: number, s: number, channels: number, outChannels: number): Int32Array {
  const m = Math.ceil(k / s);
  const indices = new Int32Array(m * m * outChannels * s * s * channels);
  let i = 0;
  for (let a = 0; a < m; a++)
    for (let b = 0; b < m; b++)
      for (let o = 0; o < outChannels; o++)
        for (let ry = 0; ry < s; ry++)
          for (let rx = 0; rx < s; rx++)
            for (let c = 0; c < channels; c++) {
              const ky = (m - 1 - a) * s + ry;
              const kx = (m - 1 - b) * s + rx;
              indices[i++] = ky < k && kx < k ? ((ky * k + kx) * channels + c) * outChannels + o : k * k * channels * outChannels;
            }
  return indices;
}

const phaseIndexCache = new Map<string, Int32Array>();

/**
 * The s² stride-1 sub-kernels of W as one filter [M, M, O, s²·C]. tfjs's pad, reverse and 6-D
 * transpose took ~2 ms for a 4×4×32×64 filter on wasm, on every call, and its gather ~1 ms; a
 * copy permuted in JavaScript takes ~0.05 ms (on a GPU backend it costs one small readback).
 */
function phaseFilter(w: tf.Tensor4D, stride: number): tf.Tensor4D {
  const [k, , channels, outChannels] = w.shape;
  const key = `${k}:${stride}:${channels}:${outChannels}`;
  let indices = phaseIndexCache.get(key);
  if (!indices) {
    indices = phaseFilterIndices(k, stride, channels, outChannels);
    phaseIndexCache.set(key, indices);
  }
  const m = Math.ceil(k / stride);
  const shape: Shape4 = [m, m, outChannels, stride * stride * channels];
  const source = w.dataSync();
  const values = new Float32Array(indices.length);
  for (let i = 0; i < values.length; i++) values[i] = source[indices[i]!] ?? 0;
  return tf.tensor4d(values, shape);
}

/**
 * conv2dTranspose(dy, W, outShape, stride, 'same') for W [k, k, C, O] (tf's transposed-conv
 * layout), without the slow kernel. Output pixel j = q·s + r − pad gathers dy[q − m]·W[r + m·s]
 * for m = 0..M−1 (M = ⌈k/s⌉), a stride-1 correlation of dy with the spatially reversed sub-kernel
 * of phase r. All s² phases run as one convolution with s²·C output channels; depthToSpace
 * interleaves them, and a crop drops the padding rows.
 */
function transposedConv(dy: tf.Tensor4D, w: tf.Tensor4D, outShape: Shape4, stride: number): tf.Tensor4D {
  // TensorFlow's own kernel is fast, and the detour below reads the filter back to JavaScript.
  if (onTensorFlow()) return tf.conv2dTranspose(dy, w, outShape, stride, 'same');
  const [k, , channels] = w.shape;
  const [, height, width] = outShape;
  const [, dyHeight, dyWidth] = dy.shape;
  const [padTop] = samePadding(height, k, stride);
  const [padLeft] = samePadding(width, k, stride);
  const m = Math.ceil(k / stride);
  // Rows of phase outputs needed: q = 0 … ⌊(size − 1 + pad)/s⌋.
  const rows = Math.floor((height - 1 + padTop) / stride) + 1;
  const cols = Math.floor((width - 1 + padLeft) / stride) + 1;
  const filter = phaseFilter(w, stride);
  const padding: Padding = [[0, 0], [m - 1, Math.max(0, rows - dyHeight)], [m - 1, Math.max(0, cols - dyWidth)], [0, 0]];
  const phases = tf.conv2d(dy, filter, 1, padding);
  filter.dispose();
  const full = stride > 1 ? depthToSpace(phases, stride) : phases;
  const [, fullHeight, fullWidth] = full.shape;
  if (padTop === 0 && padLeft === 0 && fullHeight === height && fullWidth === width) return full;
  // stridedSlice, not slice: wasm's slice first copies the whole source out of the heap.
  return tf.stridedSlice(full, [0, padTop, padLeft, 0], [outShape[0], padTop + height, padLeft + width, channels], [1, 1, 1, 1]) as tf.Tensor4D;
}

/**
 * tf.depthToSpace (channel block ry·s + rx → pixel offset (ry, rx)) as one 4-D transpose:
 * [B·H, W, s, s·C] → [B·H, s, W, s·C]. wasm's own depthToSpace runs ~100× slower.
 */
function depthToSpace(x: tf.Tensor4D, s: number): tf.Tensor4D {
  const [batch, height, width, depth] = x.shape;
  const moved = tf.transpose(tf.reshape(x, [batch * height, width, s, depth / s]), [0, 2, 1, 3]);
  return tf.reshape(moved, [batch, height * s, width * s, depth / (s * s)]);
}

/**
 * dL/dW [k, k, C, O] of conv2d(x, W, stride, 'same') for x [B, H, W, C] and dL/dy [B, H', W', O]:
 * dW[ky, kx, c, o] = Σ x[b, i·s + ky − pad, j·s + kx − pad, c]·dy[b, i, j, o], which is a
 * convolution of x with channels and batch swapped ([C, H, W, B]) by dy as the filter
 * ([H', W', B, O]) at dilation s.
 */
function filterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, k: number, stride: number): tf.Tensor4D {
  if (onTensorFlow()) {
    const attrs = { strides: [stride, stride], pad: 'same', dataFormat: 'NHWC', filterShape: [k, k, x.shape[3], dy.shape[3]] };
    return tf.engine().runKernel<tf.Tensor4D>(tf.Conv2DBackpropFilter, { x, dy }, attrs);
  }
  const [, height, width] = x.shape;
  const padding: Padding = [[0, 0], samePadding(height, k, stride), samePadding(width, k, stride), [0, 0]];
  const grad = tf.conv2d(tf.transpose(x, [3, 1, 2, 0]), tf.transpose(dy, [1, 2, 0, 3]), 1, padding, 'NHWC', stride);
  // The window spans k rows unless 'same' needed no padding and leaves rows unused (e.g. 1×1/2).
  const exact = grad.shape[1] === k && grad.shape[2] === k ? grad : tf.slice(grad, [0, 0, 0, 0], [-1, k, k, -1]);
  return tf.transpose(exact, [1, 2, 0, 3]);
}

function biasGrad(dz: tf.Tensor4D): tf.Tensor1D {
  if (onTensorFlow()) return tf.sum(dz, [0, 1, 2]);
  return sumRows(tf.reshape(dz, [-1, dz.shape[3]]));
}

interface ConvAttrs extends Record<string, unknown> {
  stride: number;
  activation: Activation;
}

const convOp = defineOp<ConvAttrs>({
  name: 'LatentExplorerConv2d',
  inputsToSave: ['x', 'w'],
  forward: (inputs, { stride, activation }) => {
    const { x, w, b } = inputs as { x: tf.Tensor4D; w: tf.Tensor4D; b: tf.Tensor1D };
    // The fused kernel itself: tf.fused.conv2d would split ReLU off while a gradient is recorded.
    const z = tf.engine().runKernel<tf.Tensor4D>(
      tf.FusedConv2D,
      { x, filter: w, bias: b },
      { strides: [stride, stride], pad: 'same', dataFormat: 'NHWC', dilations: [1, 1], activation: fusedPart(activation) }
    );
    return applyUnfused(z, activation);
  },
  gradient: (dy, saved, { stride, activation }) => {
    const [x, w, y] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
    const dz = preActivationGrad(dy as tf.Tensor4D, y, activation);
    return {
      x: () => transposedConv(dz, w, x.shape, stride),
      w: () => filterGrad(x, dz, w.shape[0], stride),
      b: () => biasGrad(dz),
    };
  },
});

interface ConvTransposeAttrs extends ConvAttrs {
  outShape: Shape4;
}

const convTransposeOp = defineOp<ConvTransposeAttrs>({
  name: 'LatentExplorerConv2dTranspose',
  inputsToSave: ['x', 'w'],
  forward: (inputs, { stride, activation, outShape }) => {
    const { x, w, b } = inputs as { x: tf.Tensor4D; w: tf.Tensor4D; b: tf.Tensor1D };
    const z = tf.add(transposedConv(x, w, outShape, stride), b) as tf.Tensor4D;
    return applyUnfused(activation === 'relu' ? tf.relu(z) : z, activation);
  },
  gradient: (dy, saved, { stride, activation }) => {
    const [x, w, y] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
    const dz = preActivationGrad(dy as tf.Tensor4D, y, activation);
    // A transposed convolution is the input gradient of conv2d(·, W), so the roles swap.
    return {
      x: () => tf.conv2d(dz, w, stride, 'same'),
      w: () => filterGrad(dz, x, w.shape[0], stride),
      b: () => biasGrad(dz),
    };
  },
});

/** act(conv2d(x, W) + b) with 'same' padding; x NHWC, W [kh, kw, in, out] (square kernels). */
export function conv2d(x: tf.Tensor4D, w: tf.Tensor4D, b: tf.Tensor1D, stride: number, activation: Activation): tf.Tensor4D {
  return convOp({ x, w, b }, { stride, activation }) as tf.Tensor4D;
}

/**
 * act(conv2dTranspose(x, W) + b) to `outShape` [B, H, W, C] with 'same' padding; W [kh, kw, out,
 * in] as tf.conv2dTranspose takes it (PyTorch's ConvTranspose2d weight [in, out, kh, kw] permuted).
 */
export function conv2dTranspose(x: tf.Tensor4D, w: tf.Tensor4D, b: tf.Tensor1D, outShape: Shape4, stride: number, activation: Activation): tf.Tensor4D {
  return convTransposeOp({ x, w, b }, { stride, activation, outShape }) as tf.Tensor4D;
}
