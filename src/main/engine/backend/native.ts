// Loads tfjs-node or tfjs-node-gpu (the 'tensorflow' backend) without the noise and the false
// claims they make on their own: TensorFlow's C++ start-up lines on stderr, ~300 "kernel … already
// registered" warnings after a GPU package fails half-way, and a GPU package that loads on a machine
// where TensorFlow has no GPU device (it then computes on the CPU while calling itself the GPU package).
import * as tf from '@tensorflow/tfjs-core';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { dirname, join } from 'node:path';
import { UserError } from '../errors';
import { leanTensorFlowKernels } from './tensorflow-kernels';
import { THREADS_ENV, wantedThreads } from './wasm-threads';

/** What a loaded native package computes on. */
export interface NativeLoad {
  /** True only when TensorFlow lists a GPU device, where it places work by default. */
  gpuDevice: boolean;
  /** Why there is no GPU: no device, or the CUDA/cuDNN the loaded library needs. Set when gpuDevice is false. */
  whyNoGpu?: string;
}

/** The library a package's deps/ holds: recorded by scripts/setup-native-backend.js, else tfjs-node 4.22's own download. */
interface LibraryStamp {
  tensorflow?: string;
  is_cuda_build?: string;
  cuda_version?: string;
  cudnn_version?: string;
}

/**
 * Silences TensorFlow's C++ logging (start-up banners, CPU feature notes, CUDA library probes)
 * before the library loads: those lines would reach the user's terminal and break the one-line
 * errors. A level the user set (TF_CPP_MIN_LOG_LEVEL) is kept, so they can still ask for the logs.
 */
export function quietTensorFlowLogs(env: NodeJS.ProcessEnv = process.env): void {
  if (env.TF_CPP_MIN_LOG_LEVEL === undefined || env.TF_CPP_MIN_LOG_LEVEL === '') env.TF_CPP_MIN_LOG_LEVEL = '3';
}

/**
 * TensorFlow's threads per op (TF_NUM_INTRAOP_THREADS, read once as the library loads) from
 * LATENT_EXPLORER_THREADS, the knob the wasm backend's threads already follow: on a small or shared
 * machine one thread runs small dense layers faster than TensorFlow's default of one per core
 * (BENCHMARKS.md). A count the user gave TensorFlow itself is kept; with neither, its default.
 * Throws a UserError for a value that is not a thread count.
 */
export function tensorFlowThreads(env: NodeJS.ProcessEnv = process.env): void {
  if ((env.TF_NUM_INTRAOP_THREADS ?? '') !== '') return;
  const threads = tensorFlowThreadCount(env);
  if (threads !== undefined) env.TF_NUM_INTRAOP_THREADS = String(threads);
}

/**
 * TensorFlow's threads per op in this process as `tensorFlowThreads` hands them to the library:
 * TF_NUM_INTRAOP_THREADS, else LATENT_EXPLORER_THREADS; undefined for TensorFlow's default.
 * Throws a UserError where either is not a thread count (TensorFlow would ignore a bad one quietly).
 */
export function tensorFlowThreadCount(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env.TF_NUM_INTRAOP_THREADS ?? '';
  if (raw === '') return (env[THREADS_ENV] ?? '') === '' ? undefined : wantedThreads(env);
  const threads = Number(raw);
  if (!/^\d+$/.test(raw) || threads < 1) throw new UserError(`TF_NUM_INTRAOP_THREADS=${raw} is not a thread count: use a whole number from 1 up, or leave it unset for TensorFlow's default`);
  return threads;
}

/**
 * Where node-pre-gyp puts a package's binding: `binary.module_path` with the highest N-API version
 * the package builds for that this Node supports (what node-pre-gyp's `find` answers).
 */
function bindingPath(manifestPath: string): string {
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    binary: { module_name: string; module_path: string; napi_versions: number[] };
  };
  const napi = Math.max(...manifest.binary.napi_versions.filter((v) => v <= Number(process.versions.napi)));
  const dir = manifest.binary.module_path.replace('{napi_build_version}', String(napi));
  return join(dirname(manifestPath), dir, `${manifest.binary.module_name}.node`);
}

/**
 * Why this machine has no GPU that TensorFlow could use, or undefined where it may have one: on
 * Linux an NVIDIA driver makes /dev/nvidiactl (under WSL2 the GPU is /dev/dxg); macOS has no CUDA
 * GPU. Elsewhere only loading CUDA could tell. `platform` and `exists` are Node's by default (tests
 * hand in others).
 */
export function noGpuDevice(platform: NodeJS.Platform = process.platform, exists: (path: string) => boolean = existsSync): string | undefined {
  if (platform === 'darwin') return 'no GPU device TensorFlow can use (no CUDA on macOS)';
  if (platform !== 'linux' || exists('/dev/nvidiactl') || exists('/dev/dxg')) return undefined;
  return 'no GPU device (no NVIDIA driver device in /dev)';
}

/** Why TensorFlow found no GPU: is there a device at all, and what the loaded library needs. */
function whyNoGpu(manifestPath: string): string {
  const stampPath = join(dirname(manifestPath), 'deps', 'latent-explorer-native.json');
  const stamp: LibraryStamp = existsSync(stampPath) ? (JSON.parse(readFileSync(stampPath, 'utf8')) as LibraryStamp) : {};
  // tfjs-node-gpu 4.22 downloads libtensorflow 2.9.1, built for CUDA 11.2 and cuDNN 8.1.
  const needs = !stamp.tensorflow
    ? 'libtensorflow 2.9.1 needs CUDA 11.2 and cuDNN 8.1'
    : stamp.is_cuda_build === 'True'
      ? `TensorFlow ${stamp.tensorflow} needs CUDA ${stamp.cuda_version} and cuDNN ${stamp.cudnn_version}`
      : `its TensorFlow ${stamp.tensorflow} is a CPU-only build`;
  const noDevice = noGpuDevice();
  return noDevice ? `${noDevice}; ${needs}` : `TensorFlow found no usable GPU device; ${needs}`;
}

/**
 * Registers the package's 'tensorflow' backend and kernels without the rest of what its entry
 * loads: that entry imports the whole tfjs union (layers, converter, data, the WebGL backend:
 * ~0.5 s, ~1 s on a loaded machine) for its model-saving and training-callback extras, while its
 * kernels and backend use only tfjs-core, which the union re-exports. So the union is answered
 * by tfjs-core while they load (a require.cache entry, removed again), and the backend is
 * registered as the entry does. False where the package is not laid out as tfjs-node 4.22 is.
 */
function loadBackendOnly(pkg: string, manifestPath: string, binding: string): boolean {
  const dist = join(dirname(manifestPath), 'dist');
  const backendFile = join(dist, 'nodejs_kernel_backend.js');
  if (!existsSync(backendFile) || !existsSync(join(dist, 'register_all_kernels.js'))) return false;
  const packageRequire = createRequire(manifestPath);
  const union = packageRequire.resolve('@tensorflow/tfjs');
  const cache = packageRequire.cache;
  const stub = Object.assign(new Module(union), { filename: union, loaded: true, exports: packageRequire('@tensorflow/tfjs-core') as unknown });
  const had = cache[union];
  cache[union] = stub;
  try {
    packageRequire(join(dist, 'register_all_kernels.js'));
    const { NodeJSKernelBackend } = packageRequire(backendFile) as { NodeJSKernelBackend: new (binding: unknown, packageName: string) => tf.KernelBackend };
    const bindings: unknown = packageRequire(binding);
    tf.registerBackend('tensorflow', () => new NodeJSKernelBackend(bindings, pkg), 3);
  } finally {
    if (had) cache[union] = had;
    else delete cache[union];
  }
  return true;
}

/**
 * Loads a native package (`@tensorflow/tfjs-node` or `-node-gpu`), which registers the
 * 'tensorflow' backend, and then says whether TensorFlow has a GPU device (call after
 * `tf.setBackend('tensorflow')` via `gpuVerdict`). `req` resolves the package (the engine's own
 * require; tests hand in another).
 * Throws when the package is not installed ("Cannot find module"), when its binding was never
 * built (checked before loading, so nothing is registered), or when loading fails; in the last
 * case the kernels it registered before failing are removed, so a second package can register
 * its own without a warning per kernel.
 */
export function loadNativePackage(pkg: string, req: NodeJS.Require): string {
  const manifestPath = req.resolve(`${pkg}/package.json`);
  const binding = bindingPath(manifestPath);
  if (!existsSync(binding)) {
    const gpu = pkg.endsWith('-gpu') ? ' --gpu' : '';
    throw new Error(`its native binding was never built (libtensorflow could not be downloaded at install time): run node scripts/setup-native-backend.js${gpu}`);
  }
  quietTensorFlowLogs();
  tensorFlowThreads();
  const before = new Set(tf.getKernelsForBackend('tensorflow').map((k) => k.kernelName));
  try {
    if (!loadBackendOnly(pkg, manifestPath, binding)) req(pkg);
  } catch (error) {
    for (const kernel of tf.getKernelsForBackend('tensorflow')) {
      if (!before.has(kernel.kernelName)) tf.unregisterKernel(kernel.kernelName, 'tensorflow');
    }
    throw error;
  }
  leanTensorFlowKernels();
  loadedManifest = manifestPath;
  return manifestPath;
}

/** The package.json of the native package that registered the 'tensorflow' backend. */
let loadedManifest: string | null = null;

/**
 * TensorFlow's protobuf messages (SavedModel, GraphDef, NodeDef, AttrValue, Tensor, …) as
 * google-protobuf classes, from the loaded native package, which ships them compiled for reading
 * SavedModels (its dist/proto/api_pb.js). Throws where no native package is loaded.
 */
export function tensorFlowProtos(): TensorFlowProtos {
  if (!loadedManifest) throw new Error('TensorFlow protos: no native TensorFlow package is loaded');
  return createRequire(loadedManifest)(join(dirname(loadedManifest), 'dist', 'proto', 'api_pb.js')) as TensorFlowProtos;
}

/** The message classes `tensorFlowProtos` returns, typed loosely (generated google-protobuf code). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TensorFlowProtos = Record<string, any>;

/**
 * Whether the active 'tensorflow' backend computes on a GPU: tfjs-node's binding asks TensorFlow's
 * eager context for its devices, and a GPU device there is where TensorFlow places work by default.
 * `manifestPath` is what `loadNativePackage` returned, used to say why there is no GPU.
 */
export function gpuVerdict(manifestPath: string): NativeLoad {
  const backend = tf.findBackend('tensorflow') as (tf.KernelBackend & { isUsingGpuDevice?: boolean }) | null;
  if (backend?.isUsingGpuDevice === true) return { gpuDevice: true };
  return { gpuDevice: false, whyNoGpu: whyNoGpu(manifestPath) };
}

/**
 * What identifies an installed native package, for caches that must be redone when it changes:
 * its version, the library it was set up with, and when its binding was built; '' when absent.
 */
export function nativeIdentity(pkg: string, req: NodeJS.Require): string {
  try {
    const manifestPath = req.resolve(`${pkg}/package.json`);
    const binding = bindingPath(manifestPath);
    if (!existsSync(binding)) return '';
    const stampPath = join(dirname(manifestPath), 'deps', 'latent-explorer-native.json');
    const stamp = existsSync(stampPath) ? readFileSync(stampPath, 'utf8') : '';
    const version = (JSON.parse(readFileSync(manifestPath, 'utf8')) as { version: string }).version;
    return `${pkg}@${version} ${statSync(binding).mtimeMs} ${stamp.replace(/\s+/g, '')}`;
  } catch {
    return '';
  }
}
