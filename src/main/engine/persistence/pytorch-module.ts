// A model trained here as the source of a PyTorch module: its recipe's network as data
// (src/shared/network.ts) written out layer by layer as nn.Linear, nn.Conv2d and
// nn.ConvTranspose2d, so that any recipe without a hand-written reference class (the conv
// recipes, any image shape) loads its exported weights with load_state_dict and computes what the
// engine computes. The engine's convolutions are TensorFlow's 'same'-padded NHWC ones: the module
// pads (and crops transposed convolutions) the way TensorFlow does, and flattens channels last.
import { mapShape, type ImageShape, type LayerSpec } from '../../../shared/network';
import { PYTORCH_EXPORT_FAMILIES } from '../../../shared/recipes';
import type { Autoencoder } from '../models/autoencoder';
import { UserError } from '../errors';

/** TensorFlow's 'same' padding along one side of `size`: [before, after], the odd pixel after (TF's convention). */
function samePadding(size: number, kernel: number, stride: number): [number, number] {
  const total = Math.max((Math.ceil(size / stride) - 1) * stride + kernel - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

const ACTIVATIONS = { linear: (h: string) => h, relu: (h: string) => `F.relu(${h})`, sigmoid: (h: string) => `torch.sigmoid(${h})` };

/** One half (encoder or decoder) as a Python class: its constructor lines and forward lines. */
interface PythonPart {
  init: string[];
  forward: string[];
}

/**
 * The layers of `prefix` as PyTorch code. `shapeOf` gives a parameter's shape by its saved name;
 * `input` is one sample's input shape ([units] flat, [height, width, channels] a map); inside, maps
 * are NCHW and `h` holds the running value. Throws for a layer kind PyTorch code is not written for.
 */
function writePart(model: Autoencoder, prefix: string, layers: readonly LayerSpec[], input: number[], shapeOf: (name: string) => number[]): PythonPart {
  const image: ImageShape = model.recipe.image;
  const init: string[] = [];
  const forward: string[] = [];
  let shape = input;
  for (const spec of layers) {
    switch (spec.kind) {
      case 'dense': {
        const [inSize, outSize] = shapeOf(`${prefix}/${spec.name}/kernel`) as [number, number];
        init.push(`self.${spec.name} = nn.Linear(${inSize}, ${outSize})`);
        forward.push(`h = ${ACTIVATIONS[spec.activation](`self.${spec.name}(h)`)}`);
        shape = [outSize];
        break;
      }
      case 'conv': {
        const [k, , inC, outC] = shapeOf(`${prefix}/${spec.name}/kernel`) as [number, number, number, number];
        const [height, width] = shape as [number, number, number];
        const [top, bottom] = samePadding(height, k, spec.stride);
        const [left, right] = samePadding(width, k, spec.stride);
        init.push(`self.${spec.name} = nn.Conv2d(${inC}, ${outC}, ${k}, stride=${spec.stride})`);
        const padded = top + bottom + left + right > 0 ? `F.pad(h, (${left}, ${right}, ${top}, ${bottom}))` : 'h';
        forward.push(`h = ${ACTIVATIONS[spec.activation](`self.${spec.name}(${padded})`)}`);
        shape = [Math.ceil(height / spec.stride), Math.ceil(width / spec.stride), outC];
        break;
      }
      case 'conv-transpose': {
        // TF's transposed 'same' conv is the full transposed conv cropped to stride× the input, from the padding its forward conv would use.
        const [k, , outC, inC] = shapeOf(`${prefix}/${spec.name}/kernel`) as [number, number, number, number];
        const [height, width] = shape as [number, number, number];
        const [outH, outW] = [height * spec.stride, width * spec.stride];
        const [top] = samePadding(outH, k, spec.stride);
        const [left] = samePadding(outW, k, spec.stride);
        init.push(`self.${spec.name} = nn.ConvTranspose2d(${inC}, ${outC}, ${k}, stride=${spec.stride})`);
        forward.push(`h = ${ACTIVATIONS[spec.activation](`self.${spec.name}(h)[:, :, ${top}:${top + outH}, ${left}:${left + outW}]`)}`);
        shape = [outH, outW, outC];
        break;
      }
      case 'dropout':
        forward.push(`h = F.dropout(h, ${model.settings.dropoutRate}, self.training)`);
        break;
      case 'reshape': {
        const to = spec.to === 'image' ? [image.height, image.width, image.channels] : Array.isArray(spec.to) ? spec.to : mapShape(image, spec.to);
        forward.push(`h = h.reshape(-1, ${to.join(', ')}).permute(0, 3, 1, 2)  # channels last, as the engine keeps them, to NCHW`);
        shape = [...to];
        break;
      }
      case 'flatten':
        if (shape.length === 3) forward.push('h = h.permute(0, 2, 3, 1).flatten(1)  # channels last, as the engine flattens');
        shape = [shape.reduce((n, d) => n * d, 1)];
        break;
    }
  }
  return { init, forward };
}

const indent = (lines: string[], depth: number) => lines.map((line) => `${' '.repeat(depth)}${line}`).join('\n');

function pythonClass(name: string, doc: string, part: PythonPart, result: string): string {
  return `class ${name}(nn.Module):
    """${doc}"""

    def __init__(self):
        super().__init__()
${indent(part.init, 8)}

    def forward(self, h):
${indent([...part.forward, `return ${result}`], 8)}
`;
}

/**
 * The Python source of `Model`, an nn.Module with the model's parameters under their saved names
 * (`encoder/conv1/kernel` → `encoder.conv1.weight`), and `encode(x)` (μ for a VAE), `decode(z)` and
 * `forward(x)` that take and give images as the engine does: [batch, height·width·channels],
 * channels last, in [0, 1]. `file` is the name the weights are saved under (for the usage note).
 * Throws a UserError for the VQ-VAE.
 */
export function pytorchModuleSource(model: Autoencoder, file: string): string {
  const { recipe } = model;
  if (!PYTORCH_EXPORT_FAMILIES.includes(recipe.family)) {
    throw new UserError(`recipe ${recipe.name} (${recipe.family}) has no PyTorch export: its codebook quantisation is not written as a module; export an AE, DAE, MAE or VAE recipe`);
  }
  const shapes = new Map(model.params.names.map((name, i) => [name, model.params.variables[i]!.shape]));
  const shapeOf = (name: string) => shapes.get(name) ?? [];
  const { height, width, channels } = recipe.image;
  const pixels = height * width * channels;
  const network = recipe.network;
  const encoder = writePart(model, 'encoder', network.encoder, [pixels], shapeOf);
  const isVae = recipe.family === 'vae';
  let posterior = 'h';
  if (isVae && network.posterior === 'heads') {
    const [hidden, latent] = shapeOf('encoder/mu/kernel') as [number, number];
    encoder.init.push(`self.mu = nn.Linear(${hidden}, ${latent})`, `self.logvar = nn.Linear(${hidden}, ${latent})`);
    posterior = 'self.mu(h), self.logvar(h)';
  } else if (isVae) {
    posterior = 'h.chunk(2, dim=1)  # (μ, log σ²): the halves of the last layer';
  }
  const decoder = writePart(model, 'decoder', network.decoder, [model.latentDim], shapeOf);
  const symmetric = recipe.dataRange === 'symmetric';
  // The engine's decode: a sigmoid over logits (every VAE, a BCE AE); an AE's back to [0, 1] from [-1, 1].
  const logits = isVae || network.reconstruction === 'bce';
  const output = logits ? 'torch.sigmoid(self.decoder(z))' : 'self.decoder(z)';
  const decoded = symmetric && !isVae ? `((${output} + 1) / 2).clamp(0, 1)` : output;
  const encodeInput = symmetric && !isVae ? 'x * 2 - 1' : 'x';
  return `"""${recipe.name} (${recipe.family}), trained in Latent Explorer, as a PyTorch module for ${height}×${width}×${channels} images.

Written by \`latent-explorer export\`. Images are flat and channels last, [batch, ${pixels}] in [0, 1],
as the app keeps them (from PyTorch's NCHW: images.permute(0, 2, 3, 1).flatten(1)). Convolutions pad
as TensorFlow's 'same' does (the engine's), the odd pixel at the bottom and right.

    import safetensors.torch
    model = Model()
    model.load_state_dict(safetensors.torch.load_file("${file}"))
    model.eval()
    z = model.encode(x)          # [batch, ${model.latentDim}]${isVae ? ' (μ; model.encoder(x) gives μ and log σ²)' : ''}
    images = model.decode(z)     # [batch, ${pixels}]
"""
import torch
import torch.nn.functional as F
from torch import nn


${pythonClass('Encoder', isVae ? 'Images → (μ, log σ²) of q(z|x).' : 'Images → the code z.', encoder, posterior)}

${pythonClass('Decoder', logits ? 'z → the logits of the image.' : 'z → the image.', decoder, 'h')}

class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = Encoder()
        self.decoder = Decoder()

    def encode(self, x):
        ${isVae ? 'return self.encoder(x)[0]' : `return self.encoder(${encodeInput})`}

    def decode(self, z):
        return ${decoded}

    def forward(self, x):
        return self.decode(self.encode(x))
`;
}
