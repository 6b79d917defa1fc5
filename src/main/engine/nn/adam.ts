// torch.optim.Adam (betas, eps, L2 weight decay added to the gradient) as a tfjs Optimizer, with
// the update of each parameter fused into one pass over memory on the CPU backends.
//
// tf.train.adam runs ~14 separate ops per parameter tensor, each a full pass plus an allocation;
// for ae-mlp-8 that is a quarter of a training step on wasm. Here the wasm and cpu backends update
// in one pass over the tensors' own storage (wasm: a SIMD loop; the moments in place, as only this
// optimizer holds them); any other backend (TensorFlow's) gets the same arithmetic as tensor ops
// over all parameters concatenated into one vector.
import * as tf from '../backend/tf';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { WasmMemory } from '../backend/webassembly';
import { adamKernelFor } from './wasm-adam';
import { onTensorFlow } from './tensorflow-ops';
import { TensorFlowAdam } from './tensorflow-adam';

export interface AdamSettings {
  lr: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** L2 penalty added to the gradient (torch's weight_decay), not decoupled (AdamW). */
  weightDecay: number;
}

interface Moments {
  m: tf.Tensor;
  v: tf.Tensor;
}

/** Coefficients of step t, folded so the loop does no bias-correction work. */
interface StepScalars {
  beta1: number;
  beta2: number;
  weightDecay: number;
  /** lr / (1 − β1^t) */
  stepSize: number;
  /** 1 / √(1 − β2^t) */
  invRootCorrection2: number;
  epsilon: number;
}

/** Updates m and v in place and writes the new parameter into `out`, all as float32 arrays. */
function loopUpdate(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, out: Float32Array, s: StepScalars, from = 0): void {
  const { beta1, beta2, weightDecay, stepSize, invRootCorrection2, epsilon } = s;
  for (let i = from; i < out.length; i++) {
    const gi = g[i]! + weightDecay * p[i]!;
    const mi = beta1 * m[i]! + (1 - beta1) * gi;
    const vi = beta2 * v[i]! + (1 - beta2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    out[i] = p[i]! - (stepSize * mi) / (Math.sqrt(vi) * invRootCorrection2 + epsilon);
  }
}

/** (param, grad, moments, out) → the update, where the backend's storage is reachable from here. */
type FusedUpdate = (views: Float32Array[], s: StepScalars) => void;
type Storage = { view: (t: tf.Tensor) => Float32Array; update: FusedUpdate };

function storageOfBackend(): Storage | null {
  const name = tf.getBackend();
  if (name === 'wasm') {
    // The single-threaded build exports its memory; the multi-threaded one imports it.
    const backend = tf.backend() as unknown as BackendWasm & { wasm: { wasmMemory?: WasmMemory; asm: { memory?: WasmMemory } } };
    const kernel = adamKernelFor((backend.wasm.wasmMemory ?? backend.wasm.asm.memory)!);
    return {
      // A view on the wasm heap: taken after the last allocation, as growing the heap detaches it.
      view: (t) => backend.typedArrayFromHeap(t) as Float32Array,
      update: ([p, g, m, v, out], s) => {
        const simd = kernel ? out!.length - (out!.length % 4) : 0;
        kernel?.(p!.byteOffset, g!.byteOffset, m!.byteOffset, v!.byteOffset, out!.byteOffset, simd * 4, s.beta1, s.beta2, s.weightDecay, s.stepSize, s.invRootCorrection2, s.epsilon);
        loopUpdate(p!, g!, m!, v!, out!, s, simd);
      },
    };
  }
  if (name === 'cpu') {
    const backend = tf.backend() as unknown as MathBackendCPU;
    return {
      view: (t) => backend.data.get(t.dataId).values as Float32Array,
      update: ([p, g, m, v, out], s) => loopUpdate(p!, g!, m!, v!, out!, s),
    };
  }
  return null;
}

function fusedUpdate(storage: Storage, param: tf.Tensor, grad: tf.Tensor, state: Moments, s: StepScalars): tf.Tensor {
  // A new tensor for the parameter (wasm caches packed weights per tensor, so it must not change
  // in place); zerosLike gives fresh storage on every backend, and the update overwrites all of it.
  const next = tf.zerosLike(param);
  storage.update([param, grad, state.m, state.v, next].map(storage.view), s);
  return next;
}

/** The constant scalars of `opsUpdate` as tensors, made once and kept. */
interface ScalarTensors {
  beta1: tf.Scalar;
  oneMinusBeta1: tf.Scalar;
  beta2: tf.Scalar;
  oneMinusBeta2: tf.Scalar;
  weightDecay: tf.Scalar;
}

function keptScalars(s: AdamSettings): ScalarTensors {
  const kept = (value: number) => tf.keep(tf.scalar(value));
  return { beta1: kept(s.beta1), oneMinusBeta1: kept(1 - s.beta1), beta2: kept(s.beta2), oneMinusBeta2: kept(1 - s.beta2), weightDecay: kept(s.weightDecay) };
}

/**
 * The update as tensor ops, for a backend with neither a fused loop nor TensorFlow's kernel.
 * p − stepSize·m / (√v·c + ε) with c = 1/√(1 − β2^t) is written p − (stepSize/c)·m / (√v + ε/c):
 * the same value, with two step-dependent scalars instead of three.
 */
function opsUpdate(param: tf.Tensor, grad: tf.Tensor, state: Moments, s: StepScalars, k: ScalarTensors): tf.Tensor {
  return tf.tidy(() => {
    const g = s.weightDecay > 0 ? tf.add(grad, tf.mul(param, k.weightDecay)) : grad;
    const m = tf.add(tf.mul(state.m, k.beta1), tf.mul(g, k.oneMinusBeta1));
    const v = tf.add(tf.mul(state.v, k.beta2), tf.mul(tf.square(g), k.oneMinusBeta2));
    tf.dispose([state.m, state.v]);
    state.m = tf.keep(m);
    state.v = tf.keep(v);
    const scaledStep = tf.scalar(s.stepSize / s.invRootCorrection2);
    const scaledEpsilon = tf.scalar(s.epsilon / s.invRootCorrection2);
    return tf.sub(param, tf.div(tf.mul(m, scaledStep), tf.add(tf.sqrt(v), scaledEpsilon)));
  });
}

export class Adam extends tf.Optimizer {
  private readonly moments = new Map<string, Moments>();
  private step = 0;
  /** The update's constant scalars as kept tensors (made at the first tensor-op step). */
  private scalars: ScalarTensors | null = null;
  /** TensorFlow's fused update and its resource variables (made at the first step there). */
  private tensorFlow: TensorFlowAdam | null = null;

  constructor(private readonly settings: AdamSettings) {
    super();
  }

  /** One step for every variable named in `grads` (the map tf.variableGrads returns). */
  applyGradients(grads: tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[]): void {
    const pairs = Array.isArray(grads) ? grads.map((g) => [g.name, g.tensor] as const) : Object.entries(grads);
    this.step++;
    const variables = pairs.map(([name]) => {
      const variable = tf.engine().registeredVariables[name];
      if (!variable) throw new Error(`Adam: no variable named ${name}`);
      return variable;
    });
    const storage = storageOfBackend();
    if (!storage && onTensorFlow()) {
      this.tensorFlow ??= new TensorFlowAdam();
      this.tensorFlow.step(pairs.map(([name, grad], i) => ({ name, grad, variable: variables[i]! })), { ...this.settings, t: this.step });
    } else {
      const { lr, beta1, beta2, epsilon, weightDecay } = this.settings;
      const scalars: StepScalars = {
        beta1,
        beta2,
        weightDecay,
        epsilon,
        stepSize: lr / (1 - beta1 ** this.step),
        invRootCorrection2: 1 / Math.sqrt(1 - beta2 ** this.step),
      };
      // One parameter at a time: the fused loop where the backend's memory is reachable, else tensor ops.
      const update = storage
        ? (p: tf.Tensor, g: tf.Tensor, m: Moments) => fusedUpdate(storage, p, g, m, scalars)
        : (p: tf.Tensor, g: tf.Tensor, m: Moments) => opsUpdate(p, g, m, scalars, (this.scalars ??= keptScalars(this.settings)));
      pairs.forEach(([name, grad], i) => {
        const variable = variables[i]!;
        const next = update(variable, grad, this.momentsOf(name, variable.shape));
        variable.assign(next);
        next.dispose();
      });
    }
    this.incrementIterations();
  }

  /** The moments kept under the variable `name`, zeros of `shape` at first. */
  private momentsOf(name: string, shape: number[]): Moments {
    let state = this.moments.get(name);
    if (!state) {
      state = { m: tf.keep(tf.zeros(shape)), v: tf.keep(tf.zeros(shape)) };
      this.moments.set(name, state);
    }
    return state;
  }

  dispose(): void {
    for (const { m, v } of this.moments.values()) tf.dispose([m, v]);
    this.moments.clear();
    if (this.scalars) tf.dispose(Object.values(this.scalars));
    this.scalars = null;
    this.tensorFlow?.dispose();
    this.tensorFlow = null;
  }

  getConfig(): tf.serialization.ConfigDict {
    return { ...this.settings };
  }

  static className = 'LatentExplorerAdam';
}
