// A model trained here as PyTorch weights: each parameter under the name it has in the reference
// class of its recipe (bench/reference: AE's encoder/decoder nn.Sequential, pytorch/examples' VAE
// fc1, fc21, fc22, fc3, fc4), transposed to PyTorch's layout, so `load_state_dict` takes it.
import type { Autoencoder } from '../models/autoencoder';
import { UserError } from '../errors';
import { encodeSafetensors, type NamedTensor } from './safetensors';

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

/** Recipes whose network is exactly a reference class's (dropout layers would shift nn.Sequential's indices). */
export const PYTORCH_CLASSES: Record<string, PyTorchClass> = {
  'ae-mlp-8': MLP_AE,
  'dae-mlp-8': MLP_AE,
  'mae-mlp-8': MLP_AE,
  'vae-mlp-2': MLP_VAE,
  'vae-mlp-20': MLP_VAE,
};

/**
 * The model's weights as a safetensors file with PyTorch names and layouts (Linear weight
 * [out, in]), its reference class in the metadata; `source` is the file defining that class. Throws a UserError for a recipe without a
 * PyTorch counterpart.
 */
export function pytorchSafetensors(model: Autoencoder): { bytes: Uint8Array; construct: string; source: string } {
  const target = PYTORCH_CLASSES[model.recipe.name];
  if (!target) {
    throw new UserError(
      `recipe ${model.recipe.name} has no PyTorch reference class to load into: safetensors export is for ${Object.keys(PYTORCH_CLASSES).join(', ')} (classes in bench/reference/export_fixtures.py and recipes.py)`
    );
  }
  const tensors: NamedTensor[] = model.params.names.map((name, i) => {
    const variable = model.params.variables[i]!;
    const values = variable.dataSync() as Float32Array;
    const [layer, kind] = [name.slice(0, name.lastIndexOf('/')), name.slice(name.lastIndexOf('/') + 1)];
    const module = target.module(layer);
    if (kind === 'bias') return { name: `${module}.bias`, shape: variable.shape, values };
    // Our dense kernel is [in, out] (x·W); nn.Linear's weight is [out, in] (x·Wᵀ).
    const [rows, cols] = variable.shape as [number, number];
    const transposed = new Float32Array(values.length);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) transposed[c * rows + r] = values[r * cols + c]!;
    return { name: `${module}.weight`, shape: [cols, rows], values: transposed };
  });
  const construct = target.construct(model);
  return { bytes: encodeSafetensors(tensors, { recipe: model.recipe.name, class: construct, format: 'pt' }), construct, source: target.source };
}
