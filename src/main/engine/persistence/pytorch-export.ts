// A model trained here as PyTorch weights: each parameter under the name it has in the reference
// class of its recipe (bench/reference: AE's encoder/decoder nn.Sequential, pytorch/examples' VAE
// fc1, fc21, fc22, fc3, fc4), or, for the other recipes and other image shapes, in a module
// written for it (pytorch-module.ts), transposed to PyTorch's layout, so `load_state_dict` takes it.
import { MNIST_SHAPE } from '../../../shared/network';
import type { Autoencoder } from '../models/autoencoder';
import { encodeSafetensors, type NamedTensor } from './safetensors';
import { pytorchModuleSource } from './pytorch-module';

interface PyTorchClass {
  /** The class and the constructor arguments that rebuild this model's layout. */
  construct(model: Autoencoder): string;
  /** Our parameter's layer ("encoder/dense1") → the PyTorch module's name ("encoder.0"). */
  module(layer: string): string;
  /** The file that defines the class. */
  source: string;
}

/** nn.Sequential of Linear and ReLU: our dense layer k sits at index 2(k − 1). */
const sequentialIndex = (layer: string) => layer.replace(/^(encoder|decoder)\/dense(\d+)$/, (_, part: string, k: string) => `${part}.${2 * (Number(k) - 1)}`);

const MLP_AE: PyTorchClass = {
  construct: (model) => `AE(latent=${model.latentDim})`,
  module: sequentialIndex,
  source: 'bench/reference/export_fixtures.py',
};

const VAE_MODULES: Record<string, string> = { 'encoder/dense1': 'fc1', 'encoder/mu': 'fc21', 'encoder/logvar': 'fc22', 'decoder/dense1': 'fc3', 'decoder/dense2': 'fc4' };
const MLP_VAE: PyTorchClass = {
  construct: (model) => `VAE(hidden=${model.params.variables[0]!.shape[1]}, latent=${model.latentDim})`,
  module: (layer) => VAE_MODULES[layer] ?? layer,
  source: 'bench/reference/recipes.py',
};

/** A module written for the model: our names with dots (`encoder/conv1/kernel` → `encoder.conv1.weight`). */
const WRITTEN_MODULE = (layer: string) => layer.replace(/\//g, '.');

/** Recipes whose network, at MNIST's 28×28 gray, is exactly a reference class's (dropout layers would shift nn.Sequential's indices). */
export const PYTORCH_CLASSES: Record<string, PyTorchClass> = {
  'ae-mlp-8': MLP_AE,
  'dae-mlp-8': MLP_AE,
  'mae-mlp-8': MLP_AE,
  'vae-mlp-2': MLP_VAE,
  'vae-mlp-20': MLP_VAE,
};

/** PyTorch's layout of one of our kernels: dense [in, out] → [out, in]; conv [k, k, in, out] → [out, in, k, k] and transposed [k, k, out, in] → [in, out, k, k]. */
function toPytorchLayout(values: Float32Array, shape: number[]): { shape: number[]; values: Float32Array } {
  const out = new Float32Array(values.length);
  if (shape.length === 2) {
    const [rows, cols] = shape as [number, number];
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c]!;
    return { shape: [cols, rows], values: out };
  }
  const [kh, kw, a, b] = shape as [number, number, number, number];
  for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) for (let i = 0; i < a; i++) for (let j = 0; j < b; j++) out[((j * a + i) * kh + y) * kw + x] = values[((y * kw + x) * a + i) * b + j]!;
  return { shape: [b, a, kh, kw], values: out };
}

/** What `pytorchSafetensors` writes: the weights, how to build the class that loads them, and, for a written module, its source. */
export interface PyTorchExport {
  bytes: Uint8Array;
  /** The constructor call, e.g. "VAE(hidden=256, latent=2)" or "Model()". */
  construct: string;
  /** The file that defines the class: a reference script, or `module.fileName`. */
  source: string;
  /** The module written for this model (recipes without a reference class, or other image shapes), to save beside the weights. */
  module?: { fileName: string; text: string };
}

/**
 * The model's weights as a safetensors file named `fileName`, with PyTorch names and layouts
 * (Linear weight [out, in], Conv2d [out, in, k, k], ConvTranspose2d [in, out, k, k]), its class in
 * the metadata: a reference class where the recipe has one at 28×28 gray, else the `Model` of a
 * module written for it (`<fileName stem>.py`). Throws a UserError for the VQ-VAE.
 */
export function pytorchSafetensors(model: Autoencoder, fileName = `${model.recipe.name}.safetensors`): PyTorchExport {
  const { height, width, channels } = model.recipe.image;
  const mnistShaped = height === MNIST_SHAPE.height && width === MNIST_SHAPE.width && channels === MNIST_SHAPE.channels;
  const reference = mnistShaped ? PYTORCH_CLASSES[model.recipe.name] : undefined;
  // A Python module name: the weights' file name without extension, as an identifier.
  const moduleName = fileName.replace(/\.[^.]*$/, '').replace(/\W/g, '_').replace(/^(\d)/, '_$1');
  const module = reference ? undefined : { fileName: `${moduleName}.py`, text: pytorchModuleSource(model, fileName) };
  const rename = reference ? reference.module : WRITTEN_MODULE;
  const tensors: NamedTensor[] = model.params.names.map((name, i) => {
    const variable = model.params.variables[i]!;
    const values = variable.dataSync() as Float32Array;
    const [layer, kind] = [name.slice(0, name.lastIndexOf('/')), name.slice(name.lastIndexOf('/') + 1)];
    if (kind === 'bias') return { name: `${rename(layer)}.bias`, shape: variable.shape, values };
    return { name: `${rename(layer)}.weight`, ...toPytorchLayout(values, variable.shape) };
  });
  const construct = reference ? reference.construct(model) : 'Model()';
  const source = reference ? reference.source : module!.fileName;
  const metadata = { recipe: model.recipe.name, class: construct, format: 'pt', ...(module ? { module: module.fileName } : {}) };
  return { bytes: encodeSafetensors(tensors, metadata), construct, source, ...(module ? { module } : {}) };
}
