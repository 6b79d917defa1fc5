// Micro-benchmarks behind the nn building blocks: which tfjs primitives are fast on the backend,
// what our dense layer saves over autograd, and training throughput of two reference recipes.
//
//   node --import tsx bench/nn-microbench.ts [primitives] [layer] [optimizer] [train] [conv] [--backend wasm|cpu]
//
// Times are medians over several rounds; the machine is shared, so rerun before trusting a 10% gap.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { Adam } from '../src/main/engine/nn/adam';
import { bceWithLogitsPerSample } from '../src/main/engine/nn/bce';
import { conv2d, conv2dTranspose } from '../src/main/engine/nn/conv';
import { meanSquaredError } from '../src/main/engine/nn/mse';
import { dense, type Activation } from '../src/main/engine/nn/dense';
import { linearBiasInit, linearWeightInit } from '../src/main/engine/nn/init';
import { transpose2d } from '../src/main/engine/nn/transpose';

const BATCH = 128;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Median milliseconds per call of `f` (its result is disposed), over `rounds` rounds of `reps` calls. */
function msPerCall(f: () => tf.TensorContainer, reps = 50, rounds = 5): number {
  for (let i = 0; i < 5; i++) tf.dispose(f());
  const rounds_: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) tf.dispose(f());
    rounds_.push((performance.now() - t0) / reps);
  }
  return median(rounds_);
}

function report(name: string, ms: number, extra = ''): void {
  console.log(`  ${name.padEnd(58)} ${ms.toFixed(3).padStart(8)} ms ${extra}`);
}

/** A tensor whose dataId is new, as a weight is after every optimiser step. */
function fresh<T extends tf.Tensor>(t: T): T {
  return tf.add(t, 0) as T;
}

function primitives(): void {
  console.log('primitives (batch 128, the 784↔128 layers of ae-mlp-8)');
  const x = tf.randomUniform([BATCH, 784]) as tf.Tensor2D;
  const w = tf.randomUniform([784, 128]) as tf.Tensor2D;
  const dy = tf.randomUniform([BATCH, 128]) as tf.Tensor2D;
  const gflops = (ms: number) => `${((2 * BATCH * 784 * 128) / ms / 1e6).toFixed(1)} GFLOP/s`;
  let ms = msPerCall(() => tf.matMul(x, w));
  report('matMul x·W, W reused (XNNPACK op cached)', ms, gflops(ms));
  ms = msPerCall(() => tf.tidy(() => tf.matMul(x, fresh(w))));
  report('matMul x·W, W new each call (XNNPACK repacks W)', ms, gflops(ms));
  ms = msPerCall(() => tf.matMul(dy, w, false, true));
  report('matMul dy·Wᵀ via transposeB (autograd dx)', ms, gflops(ms));
  ms = msPerCall(() => tf.matMul(x, dy, true, false));
  report('matMul xᵀ·dy via transposeA (autograd dW)', ms, gflops(ms));
  ms = msPerCall(() => tf.tidy(() => tf.matMul(dy, transpose2d(fresh(w)))));
  report('dx = dy·transpose2d(W), W new each call', ms, gflops(ms));
  ms = msPerCall(() => tf.tidy(() => tf.matMul(transpose2d(fresh(x)), dy)));
  report('dW = transpose2d(x)·dy, x new each call', ms, gflops(ms));
  for (const t of [x, w]) {
    report(`tf.transpose [${t.shape}]`, msPerCall(() => tf.transpose(t)));
    report(`transpose2d  [${t.shape}]`, msPerCall(() => transpose2d(t as tf.Tensor2D)));
  }
  const dz = tf.randomUniform([BATCH, 784]) as tf.Tensor2D;
  report('bias grad: tf.sum(dz [128,784], 0)', msPerCall(() => tf.sum(dz, 0)));
  report('bias grad: ones[1,128]·dz (dz new each call)', msPerCall(() => tf.tidy(() => tf.matMul(tf.ones([1, BATCH]), fresh(dz)))));
  report('bias grad: tf.sum(transpose2d(dz), 1)', msPerCall(() => tf.tidy(() => tf.sum(transpose2d(dz), 1))));
  report('relu grad: dy·step(y) [128,784]', msPerCall(() => tf.tidy(() => tf.mul(dz, tf.step(dz)))));
  report('sigmoid grad: dy·y·(1−y) [128,784]', msPerCall(() => tf.tidy(() => tf.mul(dz, tf.mul(dz, tf.sub(1, dz))))));
  for (const [name, op] of [['sigmoid', tf.sigmoid], ['exp', tf.exp], ['log', tf.log], ['softplus', tf.softplus], ['relu', tf.relu], ['square', tf.square]] as const) {
    report(`${name} [128,784]`, msPerCall(() => op(dz)));
  }
  report('add [128,784]', msPerCall(() => tf.add(dz, x)));
  report('mean [128,784]', msPerCall(() => tf.mean(dz)));
  const images = 10_000;
  const resident = tf.randomUniform([images, 784]);
  const pixels = Uint8Array.from({ length: images * 784 }, (_, i) => (i * 2654435761) % 256);
  const idx = tf.tensor1d(Array.from({ length: BATCH }, (_, i) => (i * 7919) % images), 'int32');
  report(`batch: tf.gather 128 rows of a resident [${images},784] tensor`, msPerCall(() => tf.gather(resident, idx)));
  report(`batch: tf.slice 128 rows of a resident [${images},784] tensor`, msPerCall(() => tf.slice(resident, [640, 0], [BATCH, 784]), 5, 3));
  const buf = new Float32Array(BATCH * 784);
  report('batch: gather 128 rows of a Uint8Array in JS, then tf.tensor2d', msPerCall(() => {
    for (let r = 0; r < BATCH; r++) {
      const src = ((r * 7919) % images) * 784;
      for (let j = 0; j < 784; j++) buf[r * 784 + j] = pixels[src + j]! / 255;
    }
    return tf.tensor2d(buf, [BATCH, 784]);
  }));
  tf.dispose([x, w, dy, dz, resident, idx]);
}

// ---------------------------------------------------------------------------------------------
// Layers and models, each in two forms: the plain formula under tfjs autograd, and nn/dense.

type Linear = (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, activation: Activation) => tf.Tensor2D;

const plainLinear: Linear = (x, w, b, activation) => {
  const z = tf.add(tf.matMul(x, w), b) as tf.Tensor2D;
  return activation === 'relu' ? tf.relu(z) : activation === 'sigmoid' ? tf.sigmoid(z) : z;
};

/** Binary cross-entropy on logits summed per sample, written out as a straightforward model would. */
type Bce = (logits: tf.Tensor2D, x: tf.Tensor2D) => tf.Tensor1D;

const plainBce: Bce = (logits, x) => tf.sum(tf.add(tf.sub(tf.relu(logits), tf.mul(logits, x)), tf.softplus(tf.neg(tf.abs(logits)))), 1);

type Mse = (a: tf.Tensor, b: tf.Tensor) => tf.Scalar;

const plainMse: Mse = (a, b) => tf.mean(tf.squaredDifference(a, b));

/** One way to build and train the models: layers, loss pieces and optimiser. */
interface Stack {
  name: string;
  linear: Linear;
  bce: Bce;
  mse: Mse;
  optimizer(): tf.Optimizer;
}

const tfAdam = () => tf.train.adam(1e-3, 0.9, 0.999, 1e-8);

const STACKS: Stack[] = [
  { name: 'autograd, tf.train.adam', linear: plainLinear, bce: plainBce, mse: plainMse, optimizer: tfAdam },
  { name: 'nn/dense, tf.train.adam', linear: dense, bce: plainBce, mse: plainMse, optimizer: tfAdam },
  {
    name: 'nn: dense, bce|mse, adam',
    linear: dense,
    bce: bceWithLogitsPerSample,
    mse: meanSquaredError,
    optimizer: () => new Adam({ lr: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 }),
  },
];

interface Layer {
  w: tf.Variable;
  b: tf.Variable;
  activation: Activation;
}

function layer(inSize: number, outSize: number, activation: Activation, seed: number): Layer {
  return {
    w: tf.variable(linearWeightInit([inSize, outSize], seed)),
    b: tf.variable(linearBiasInit(inSize)([outSize], seed + 1)),
    activation,
  };
}

function apply(linear: Linear, l: Layer, x: tf.Tensor2D): tf.Tensor2D {
  return linear(x, l.w as tf.Tensor2D, l.b as tf.Tensor1D, l.activation);
}

function layerBench(): void {
  console.log('one layer 784→128 ReLU, forward + backward by tf.variableGrads');
  const x = tf.randomUniform([BATCH, 784]) as tf.Tensor2D;
  for (const [name, linear] of [['autograd', plainLinear], ['nn/dense', dense]] as const) {
    const l = layer(784, 128, 'relu', 1);
    const xVar = tf.variable(x);
    for (const [what, input] of [['x constant', x], ['x trainable', xVar]] as const) {
      report(`${name}, ${what}`, msPerCall(() => tf.variableGrads(() => tf.sum(apply(linear, l, input as tf.Tensor2D)) as tf.Scalar).grads));
    }
    tf.dispose([l.w, l.b, xVar]);
  }
  x.dispose();
}

interface Model {
  name: string;
  layers: Layer[];
  loss(stack: Stack, x: tf.Tensor2D, seed: number): tf.Scalar;
}

/** ae-mlp-8: 784→128→32→8→32→128→784, ReLU between, no activation on the code, sigmoid out, MSE. */
function aeMlp8(): Model {
  const sizes = [784, 128, 32, 8, 32, 128, 784];
  const acts: Activation[] = ['relu', 'relu', 'linear', 'relu', 'relu', 'sigmoid'];
  const layers = acts.map((a, i) => layer(sizes[i]!, sizes[i + 1]!, a, 10 * i));
  return {
    name: 'ae-mlp-8',
    layers,
    loss: ({ linear, mse }, x) => mse(layers.reduce((h, l) => apply(linear, l, h), x), x),
  };
}

/** vae-mlp-20: 784→400→(μ, log σ²)×20, 20→400→784 sigmoid; BCE summed over pixels + KL, summed over the batch. */
function vaeMlp20(): Model {
  const [enc, mu, logVar, dec, out] = [layer(784, 400, 'relu', 1), layer(400, 20, 'linear', 3), layer(400, 20, 'linear', 5), layer(20, 400, 'relu', 7), layer(400, 784, 'linear', 9)];
  return {
    name: 'vae-mlp-20',
    layers: [enc, mu, logVar, dec, out],
    loss: ({ linear, bce }, x, seed) => {
      const h = apply(linear, enc, x);
      const m = apply(linear, mu, h);
      const lv = apply(linear, logVar, h);
      const z = tf.add(m, tf.mul(tf.exp(tf.mul(lv, 0.5)), tf.randomNormal(m.shape, 0, 1, 'float32', seed)));
      const logits = apply(linear, out, apply(linear, dec, z as tf.Tensor2D));
      const kl = tf.mul(-0.5, tf.sum(tf.sub(tf.sub(tf.add(1, lv), tf.square(m)), tf.exp(lv))));
      return tf.add(tf.sum(bce(logits, x)), kl) as tf.Scalar;
    },
  };
}

function paramsOf(model: Model): tf.Variable[] {
  return model.layers.flatMap((l) => [l.w, l.b]);
}

function optimizerBench(): void {
  console.log('optimiser step alone (gradients precomputed), ae-mlp-8 parameters');
  const model = aeMlp8();
  const vars = paramsOf(model);
  const grads: tf.NamedTensorMap = Object.fromEntries(vars.map((v) => [v.name, tf.randomNormal(v.shape, 0, 1e-3)]));
  console.log(`  ${vars.length} tensors, ${vars.reduce((n, v) => n + v.size, 0)} parameters`);
  const adam = tf.train.adam(1e-3);
  // Its signature asks for variables; any tensors work, as variableGrads returns them.
  report('tf.train.adam applyGradients', msPerCall(() => adam.applyGradients(grads as Parameters<typeof adam.applyGradients>[0]) ?? []));
  const fused = new Adam({ lr: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 });
  report('nn/adam applyGradients (one fused pass per tensor)', msPerCall(() => fused.applyGradients(grads) ?? []));
  const sgd = tf.train.sgd(1e-3);
  report('tf.train.sgd applyGradients (floor: one op per tensor)', msPerCall(() => sgd.applyGradients(grads as Parameters<typeof sgd.applyGradients>[0]) ?? []));
  tf.dispose([...vars, ...Object.values(grads)]);
}

/** A resident set of random images as bytes, with seeded batches copied out in JS (the engine's way). */
function makeBatcher(images: number): () => tf.Tensor2D {
  const pixels = Uint8Array.from({ length: images * 784 }, (_, i) => ((i * 2654435761) >>> 0) % 256);
  const buf = new Float32Array(BATCH * 784);
  let next = 0;
  return () => {
    for (let r = 0; r < BATCH; r++) {
      const src = ((next++ * 7919) % images) * 784;
      for (let j = 0; j < 784; j++) buf[r * 784 + j] = pixels[src + j]! / 255;
    }
    return tf.tensor2d(buf, [BATCH, 784]);
  };
}

/** A model trained by one stack, one step at a time. */
function trainer(make: () => Model, stack: Stack): { model: Model; step: () => tf.Scalar; dispose: () => void } {
  const model = make();
  const optimizer = stack.optimizer();
  const batch = makeBatcher(10_000);
  let seed = 0;
  return {
    model,
    step: () => {
      const x = batch();
      const cost = optimizer.minimize(() => model.loss(stack, x, seed++), true, paramsOf(model))!;
      x.dispose();
      return cost;
    },
    dispose: () => {
      tf.dispose(paramsOf(model));
      optimizer.dispose();
    },
  };
}

/**
 * Training samples/s of each stack: a warm-up, then timed spans taken in turn (stack A, B, C, A,
 * B, C, …) so that load from elsewhere on the machine hits them alike; the median span counts.
 */
function compareStacks(make: () => Model, spans = 7, stepsPerSpan = 30): void {
  const runs = STACKS.map((stack) => ({ stack, ...trainer(make, stack), rates: [] as number[], cpuRates: [] as number[] }));
  for (const run of runs) for (let i = 0; i < 15; i++) run.step().dispose();
  const before = tf.memory().numTensors;
  for (let s = 0; s < spans; s++) {
    for (const run of runs) {
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      for (let i = 0; i < stepsPerSpan; i++) {
        const cost = run.step();
        if (i === stepsPerSpan - 1) cost.dataSync(); // waits for the span's work on asynchronous backends
        cost.dispose();
      }
      const cpu = process.cpuUsage(cpu0);
      run.rates.push((stepsPerSpan * BATCH) / ((performance.now() - t0) / 1000));
      run.cpuRates.push((stepsPerSpan * BATCH) / ((cpu.user + cpu.system) / 1e6));
    }
  }
  if (tf.memory().numTensors !== before) throw new Error(`tensors grew from ${before} to ${tf.memory().numTensors}`);
  for (const run of runs) {
    const rate = median(run.rates);
    // Per CPU second too: on a shared machine it moves less than the wall-clock figure.
    const cpuRate = median(run.cpuRates);
    console.log(`  ${`${run.model.name}, ${run.stack.name}`.padEnd(58)} ${rate.toFixed(0).padStart(8)} samples/s (${((BATCH / rate) * 1000).toFixed(2)} ms/step), ${cpuRate.toFixed(0)} per CPU-second`);
    run.dispose();
  }
}

function trainBench(): void {
  console.log('training throughput, batch 128, Adam 1e-3, random images resident as bytes');
  compareStacks(aeMlp8);
  compareStacks(vaeMlp20);
}

/**
 * The VQ-VAE's convolutions (batch 128). tfjs's own wasm kernels for a transposed convolution (also
 * conv2d's input gradient) are a plain loop, and it has no filter gradient at all, so those rows
 * compare nn/conv with the tfjs kernel where one exists.
 */
function convBench(): void {
  console.log('VQ-VAE convolutions, batch 128 (tfjs: its own kernel; nn/conv: forward + backward)');
  type Shape4 = [number, number, number, number];
  const layers: { name: string; x: Shape4; w: Shape4; stride: number; out?: Shape4 }[] = [
    { name: 'conv 4×4/2 1→32, 28→14', x: [BATCH, 28, 28, 1], w: [4, 4, 1, 32], stride: 2 },
    { name: 'conv 4×4/2 32→64, 14→7', x: [BATCH, 14, 14, 32], w: [4, 4, 32, 64], stride: 2 },
    { name: 'conv 3×3/1 16→64, 7→7', x: [BATCH, 7, 7, 16], w: [3, 3, 16, 64], stride: 1 },
    { name: 'convT 4×4/2 64→32, 7→14', x: [BATCH, 7, 7, 64], w: [4, 4, 32, 64], stride: 2, out: [BATCH, 14, 14, 32] },
    { name: 'convT 4×4/2 32→1, 14→28', x: [BATCH, 14, 14, 32], w: [4, 4, 1, 32], stride: 2, out: [BATCH, 28, 28, 1] },
  ];
  for (const l of layers) {
    const x = tf.randomNormal(l.x) as tf.Tensor4D;
    const xVar = tf.variable(x);
    const w = tf.variable(tf.randomNormal(l.w, 0, 0.1));
    const b = tf.variable(tf.zeros([l.out ? l.w[2] : l.w[3]]));
    const ours = () => (l.out ? conv2dTranspose(xVar as tf.Tensor4D, w as tf.Tensor4D, b as tf.Tensor1D, l.out, l.stride, 'relu') : conv2d(xVar as tf.Tensor4D, w as tf.Tensor4D, b as tf.Tensor1D, l.stride, 'relu'));
    const y = tf.tidy(ours);
    const dy = tf.randomNormal(y.shape) as tf.Tensor4D;
    if (l.out) {
      report(`${l.name}: tfjs conv2dTranspose forward`, msPerCall(() => tf.conv2dTranspose(x, w as tf.Tensor4D, l.out!, l.stride, 'same'), 3, 3));
    } else {
      report(`${l.name}: tfjs conv2d forward`, msPerCall(() => tf.conv2d(x, w as tf.Tensor4D, l.stride, 'same'), 3, 3));
      report(`${l.name}: tfjs input gradient (Conv2DBackpropInput)`, msPerCall(() => tf.conv2dTranspose(dy, w as tf.Tensor4D, l.x, l.stride, 'same'), 3, 3));
    }
    report(`${l.name}: nn/conv forward`, msPerCall(() => tf.tidy(ours), 3, 3));
    report(`${l.name}: nn/conv forward + dx, dW, db`, msPerCall(() => tf.variableGrads(() => tf.sum(tf.mul(ours(), dy)) as tf.Scalar).grads, 3, 3));
    tf.dispose([x, xVar, w, b, y, dy]);
  }
}

const SECTIONS: Record<string, () => void> = { primitives, layer: layerBench, optimizer: optimizerBench, train: trainBench, conv: convBench };

const args = process.argv.slice(2);
const backendAt = args.indexOf('--backend');
const backend = backendAt >= 0 ? args.splice(backendAt, 2)[1]! : 'wasm';
await tf.setBackend(backend);
await tf.ready();
console.log(`backend ${tf.getBackend()}, tfjs ${tf.version_core}, node ${process.version}`);
const chosen = args.length > 0 ? args : Object.keys(SECTIONS);
for (const name of chosen) {
  const section = SECTIONS[name];
  if (!section) throw new Error(`unknown section ${name}; choose from ${Object.keys(SECTIONS).join(', ')}`);
  section();
}
