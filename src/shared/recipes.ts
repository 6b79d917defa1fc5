// The recipe catalogue: what a user can train, with each setting's default and valid range, and
// each recipe's network as data. Shared so that the CLI, the engine's schema and the renderer's
// new-model form agree.
import { denseStack, MNIST_SHAPE, type ImageShape, type LayerActivation, type LayerSpec, type NetworkSpec } from './network';

export const FAMILIES = ['ae', 'vae', 'mae', 'dae', 'dropout-ae', 'vqvae'] as const;
export type Family = (typeof FAMILIES)[number];
/** Families exported to PyTorch as a module: an encoder and a decoder alone (a VQ-VAE's codebook quantisation is not written as one). */
export const PYTORCH_EXPORT_FAMILIES: readonly Family[] = ['ae', 'dae', 'mae', 'dropout-ae', 'vae'];

/** Each family's name as users read it (form headings, error messages). */
export const FAMILY_TITLES: Record<Family, string> = {
  ae: 'Autoencoder',
  vae: 'Variational AE',
  mae: 'Masked AE',
  dae: 'Denoising AE',
  'dropout-ae': 'Dropout AE',
  vqvae: 'VQ-VAE',
};

/** "an Autoencoder", "a VQ-VAE": the family's title with its indefinite article. */
export function familyWithArticle(family: Family): string {
  const title = FAMILY_TITLES[family];
  return `${/^[AEIOU]/.test(title) ? 'an' : 'a'} ${title}`;
}

export const MASK_KINDS = ['pixel', 'block', 'mixed'] as const;
export type MaskKind = (typeof MASK_KINDS)[number];

/** Every setting a training run can take. Family-specific ones are ignored by other families. */
export interface TrainSettings {
  epochs: number;
  batch: number;
  lr: number;
  latent: number;
  seed: number;
  /** Train on the first N training images only (0 = all). */
  limit: number;
  /** Stop when the test loss has not improved for this many epochs (0 = never). */
  patience: number;
  /** VAE: weight of the KL term (β). */
  klWeight: number;
  /** MAE: fraction of pixels (or blocks) hidden. */
  maskRatio: number;
  maskKind: MaskKind;
  /** DAE: standard deviation of the Gaussian input noise, in [0, 1] pixel units. */
  noiseSigma: number;
  /** Dropout AE: drop probability in encoder and decoder. */
  dropoutRate: number;
  /** VQ-VAE: number of codebook entries, their dimension, and the commitment weight β. */
  codebookSize: number;
  codeDim: number;
  commitment: number;
  /** Adam weight decay (L2 added to the gradient, as torch.optim.Adam does). */
  weightDecay: number;
  adamBeta1: number;
  adamBeta2: number;
}

export type SettingKey = keyof TrainSettings;

export interface NumericSettingSpec {
  key: Exclude<SettingKey, 'maskKind'>;
  label: string;
  min: number;
  max: number;
  integer: boolean;
  /** The lower bound is exclusive (lr > 0). */
  minExclusive?: boolean;
  /** Why the excluded bound itself is refused: what it would make of the family's objective. */
  whyAboveMin?: string;
}

/**
 * Valid ranges, one place. Upper bounds keep a request from asking for absurd allocations; a lower
 * bound is exclusive where the bound itself would make a family's objective meaningless (a 0 mask
 * ratio leaves the MAE loss at 0), and `whyAboveMin` is the reason given to the user.
 */
export const SETTING_SPECS: Record<Exclude<SettingKey, 'maskKind'>, NumericSettingSpec> = {
  epochs: { key: 'epochs', label: 'Epochs', min: 1, max: 1000, integer: true },
  batch: { key: 'batch', label: 'Batch size', min: 1, max: 4096, integer: true },
  lr: { key: 'lr', label: 'Learning rate', min: 0, max: 1, integer: false, minExclusive: true, whyAboveMin: 'with a learning rate of 0 the weights never move' },
  latent: { key: 'latent', label: 'Latent dimensions', min: 1, max: 512, integer: true },
  seed: { key: 'seed', label: 'Seed', min: 0, max: 2 ** 31 - 1, integer: true },
  limit: { key: 'limit', label: 'Training images (0 = all)', min: 0, max: 10_000_000, integer: true },
  patience: { key: 'patience', label: 'Early-stopping patience (0 = off)', min: 0, max: 1000, integer: true },
  klWeight: {
    key: 'klWeight',
    label: 'KL weight β',
    min: 0,
    max: 100,
    integer: false,
    minExclusive: true,
    whyAboveMin: 'with β = 0 nothing pulls the codes toward the prior N(0, I), so samples from the prior mean nothing (for a plain AE train ae-mlp-2 or ae-mlp-8)',
  },
  maskRatio: {
    key: 'maskRatio',
    label: 'Mask ratio',
    min: 0,
    max: 0.99,
    integer: false,
    minExclusive: true,
    whyAboveMin: 'a mask ratio of 0 hides no pixel, and the MAE loss counts hidden pixels only, so it is always 0 and the weights never move',
  },
  noiseSigma: {
    key: 'noiseSigma',
    label: 'Noise σ',
    min: 0,
    max: 2,
    integer: false,
    minExclusive: true,
    whyAboveMin: 'σ = 0 adds no noise, so the denoising AE has nothing to remove and is a plain AE (train ae-mlp-8 for that)',
  },
  dropoutRate: {
    key: 'dropoutRate',
    label: 'Dropout rate',
    min: 0,
    max: 0.95,
    integer: false,
    minExclusive: true,
    whyAboveMin: 'a rate of 0 drops nothing, so the dropout AE is a plain AE (train ae-mlp-8 for that)',
  },
  codebookSize: { key: 'codebookSize', label: 'Codebook size', min: 2, max: 4096, integer: true },
  codeDim: { key: 'codeDim', label: 'Code dimension', min: 1, max: 256, integer: true },
  commitment: { key: 'commitment', label: 'Commitment β', min: 0, max: 10, integer: false },
  weightDecay: { key: 'weightDecay', label: 'Weight decay', min: 0, max: 1, integer: false },
  adamBeta1: { key: 'adamBeta1', label: 'Adam β1', min: 0, max: 0.9999, integer: false },
  adamBeta2: { key: 'adamBeta2', label: 'Adam β2', min: 0, max: 0.99999, integer: false },
};

/** A setting's valid range in words ("a whole number from 1 to 1000"), for the form and every refusal. */
export function settingRange(spec: NumericSettingSpec): string {
  return `${spec.integer ? 'a whole number' : 'a number'} ${spec.minExclusive ? 'above' : 'from'} ${spec.min} to ${spec.max}`;
}

export const DEFAULT_SETTINGS: TrainSettings = {
  epochs: 10,
  batch: 128,
  lr: 1e-3,
  latent: 8,
  seed: 1,
  limit: 0,
  patience: 0,
  klWeight: 1,
  maskRatio: 0.8,
  maskKind: 'pixel',
  noiseSigma: 0.5,
  dropoutRate: 0.2,
  codebookSize: 64,
  codeDim: 16,
  commitment: 0.25,
  weightDecay: 0,
  adamBeta1: 0.9,
  adamBeta2: 0.999,
};


/** 784→128→32→z→32→128→784, sigmoid output, MSE: ae-mlp-8's network, shared by its MAE, DAE and dropout variants. */
const MLP_8: NetworkSpec = {
  encoder: denseStack([128, 32, 'latent'], 'relu', 'linear'),
  decoder: denseStack([32, 128, 'pixels'], 'relu', 'sigmoid'),
  reconstruction: 'mse',
};

export interface RecipeInfo {
  name: string;
  family: Family;
  description: string;
  /**
   * The images the recipe was made for (MNIST's). A model takes its dataset's shape instead: an MLP
   * any, a convolutional recipe gray or RGB with sides a multiple of `sideMultiple`; the model's
   * own is in its manifest.
   */
  image: ImageShape;
  /** Convolutional recipes: image sides must be a multiple of this (two stride-2 convolutions: 4). */
  sideMultiple?: number;
  /** Encoder, decoder, reconstruction term and init: built by src/main/engine/models/network.ts. */
  network: NetworkSpec;
  /** Data range the network sees: [0, 1], or [-1, 1] (normalised with mean 0.5, std 0.5). */
  dataRange: 'unit' | 'symmetric';
  /**
   * 'dynamic': every batch is binarized afresh, each pixel 1 with probability its intensity
   * (dynamically binarized MNIST, as Burda et al. train), and the test loss is taken on a binarized
   * test set; absent: the images as they are.
   */
  binarize?: 'dynamic';
  defaultDataset: string;
  /** The recipe's own values; anything not listed comes from DEFAULT_SETTINGS. */
  defaults: Partial<TrainSettings>;
  /** Settings a user may change for this recipe (shown in the new-model form). */
  settings: SettingKey[];
  /** Whether the latent width is fixed by the recipe's architecture. */
  fixedLatent: boolean;
}

const COMMON: SettingKey[] = ['epochs', 'batch', 'lr', 'seed', 'limit', 'patience'];

/** The conv recipes' decoder input: 64 channels at a quarter of the image's sides (7×7 for MNIST). */
const CONV_MAP = { stride: 4, filters: 64 };

/** The conv recipes' encoder stem: the image, conv 32 → conv 64 (3×3, stride 2), flattened. */
const CONV_STEM: LayerSpec[] = [
  { kind: 'reshape', to: 'image' },
  { kind: 'conv', name: 'conv1', kernel: 3, stride: 2, filters: 32, activation: 'relu' },
  { kind: 'conv', name: 'conv2', kernel: 3, stride: 2, filters: 64, activation: 'relu' },
  { kind: 'flatten' },
];

/** The conv recipes' decoder tail: CONV_MAP → two transposed convs back to the image's size → its channels, flattened. */
function convTail(output: LayerActivation): LayerSpec[] {
  return [
    { kind: 'reshape', to: CONV_MAP },
    { kind: 'conv-transpose', name: 'deconv1', kernel: 3, stride: 2, filters: 64, activation: 'relu' },
    { kind: 'conv-transpose', name: 'deconv2', kernel: 3, stride: 2, filters: 32, activation: 'relu' },
    { kind: 'conv', name: 'conv_out', kernel: 3, stride: 1, filters: 'channels', activation: output },
    { kind: 'flatten' },
  ];
}

/**
 * The conv autoencoder shared by ae-conv, mae-conv and dae-conv (and, with posterior heads, vae-conv):
 * conv 32 → conv 64 (3×3, stride 2) → dense 256 → the code, and the mirror image back with
 * transposed convolutions; sigmoid output and MSE, or logits and BCE.
 */
function convNetwork(posterior: boolean, reconstruction: 'mse' | 'bce'): NetworkSpec {
  return {
    encoder: [
      ...CONV_STEM,
      { kind: 'dense', name: 'dense', units: 256, activation: 'relu' },
      ...(posterior ? [] : [{ kind: 'dense', name: 'code', units: 'latent', activation: 'linear' } as const]),
    ],
    ...(posterior ? { posterior: 'heads' as const } : {}),
    decoder: [
      { kind: 'dense', name: 'dense1', units: 256, activation: 'relu' },
      { kind: 'dense', name: 'dense2', units: CONV_MAP, activation: 'relu' },
      ...convTail(reconstruction === 'mse' ? 'sigmoid' : 'linear'),
    ],
    reconstruction,
  };
}

export const RECIPES: readonly RecipeInfo[] = [
  {
    name: 'ae-mlp-8',
    family: 'ae',
    description: 'Plain AE 784→128→32→8→32→128→784, sigmoid output, MSE (the classic tutorial).',
    image: MNIST_SHAPE,
    network: MLP_8,
    dataRange: 'unit',
    defaultDataset: 'mnist',
    defaults: { latent: 8, batch: 128, epochs: 10 },
    settings: [...COMMON, 'latent'],
    fixedLatent: false,
  },
  {
    name: 'ae-mlp-2',
    family: 'ae',
    description: 'Plain AE with a 2-D code, 784→256→2→256→784, BCE: the AE half of "AE vs VAE".',
    image: MNIST_SHAPE,
    network: { encoder: denseStack([256, 'latent'], 'relu', 'linear'), decoder: denseStack([256, 'pixels'], 'relu', 'linear'), reconstruction: 'bce' },
    dataRange: 'unit',
    defaultDataset: 'mnist',
    defaults: { latent: 2, batch: 64, epochs: 10 },
    settings: [...COMMON],
    fixedLatent: true,
  },
  {
    name: 'ae-mlp-64',
    family: 'ae',
    description: 'Plain AE 784→256→64→256→784, weights initialised N(0, 0.05), MSE.',
    image: MNIST_SHAPE,
    network: { encoder: denseStack([256, 'latent'], 'relu', 'linear'), decoder: denseStack([256, 'pixels'], 'relu', 'sigmoid'), reconstruction: 'mse', initStd: 0.05 },
    dataRange: 'unit',
    defaultDataset: 'mnist',
    defaults: { latent: 64 },
    settings: [...COMMON, 'latent'],
    fixedLatent: false,
  },
  {
    name: 'ae-mlp-128-fashion',
    family: 'ae',
    description: 'AE 784→512→256→128 and back, no output activation, data in [-1, 1], Adam β1 0.5.',
    image: MNIST_SHAPE,
    network: { encoder: denseStack([512, 256, 'latent'], 'relu', 'linear'), decoder: denseStack([256, 512, 'pixels'], 'relu', 'linear'), reconstruction: 'mse' },
    dataRange: 'symmetric',
    defaultDataset: 'fashion-mnist',
    defaults: { latent: 128, epochs: 20, adamBeta1: 0.5 },
    settings: [...COMMON, 'latent'],
    fixedLatent: false,
  },
  {
    name: 'vae-mlp-20',
    family: 'vae',
    description: 'VAE 784→400→(μ, log σ²)×20, BCE-sum + KL per sample (the widely reproduced example).',
    image: MNIST_SHAPE,
    network: { encoder: denseStack([400], 'relu', 'relu'), posterior: 'heads', decoder: denseStack([400, 'pixels'], 'relu', 'linear'), reconstruction: 'bce' },
    dataRange: 'unit',
    defaultDataset: 'mnist',
    defaults: { latent: 20 },
    settings: [...COMMON, 'latent', 'klWeight'],
    fixedLatent: false,
  },
  {
    name: 'vae-mlp-50-binarized',
    family: 'vae',
    description: 'VAE 784→200→200→(μ, log σ²)×50 on dynamically binarized MNIST, Bernoulli decoder: the set-up of published test NLLs.',
    image: MNIST_SHAPE,
    network: {
      encoder: denseStack([200, 200], 'relu', 'relu'),
      posterior: 'heads',
      decoder: denseStack([200, 200, 'pixels'], 'relu', 'linear'),
      reconstruction: 'bce',
    },
    dataRange: 'unit',
    binarize: 'dynamic',
    defaultDataset: 'mnist',
    defaults: { latent: 50, batch: 100, epochs: 100 },
    settings: [...COMMON, 'latent', 'klWeight'],
    fixedLatent: false,
  },
  {
    name: 'vae-mlp-2',
    family: 'vae',
    description: 'VAE 784→256→(μ, log σ²)×2, BCE-sum + β·KL, batch 64, weight decay 1e-5: a 2-D map.',
    image: MNIST_SHAPE,
    network: { encoder: denseStack([256], 'relu', 'relu'), posterior: 'heads', decoder: denseStack([256, 'pixels'], 'relu', 'linear'), reconstruction: 'bce' },
    dataRange: 'unit',
    defaultDataset: 'mnist',
    defaults: { latent: 2, batch: 64, adamBeta2: 0.99, weightDecay: 1e-5, patience: 5 },
    settings: [...COMMON, 'klWeight'],
    fixedLatent: true,
  },
  {
    name: 'vae-mlp-8',
    family: 'vae',
    description: 'VAE 784→128→32→16 split into (μ, log σ²)×8, decoder as ae-mlp-8, MSE-sum + KL.',
    image: MNIST_SHAPE,
    network: { encoder: denseStack([128, 32, 'latent*2'], 'relu', 'linear'), posterior: 'split', decoder: denseStack([32, 128, 'pixels'], 'relu', 'linear'), reconstruction: 'mse' },
    dataRange: 'unit',
    defaultDataset: 'mnist',
    defaults: { latent: 8 },
    settings: [...COMMON, 'latent', 'klWeight'],
    fixedLatent: false,
  },
  {
    name: 'vae-conv-2',
    family: 'vae',
    description: 'Convolutional VAE with a 2-D latent (conv 32→64, stride 2), BCE-sum + KL.',
    image: MNIST_SHAPE,
    network: {
      encoder: [...CONV_STEM, { kind: 'dense', name: 'dense', units: 16, activation: 'relu' }],
      posterior: 'heads',
      decoder: [{ kind: 'dense', name: 'dense', units: CONV_MAP, activation: 'relu' }, ...convTail('linear')],
      reconstruction: 'bce',
    },
    dataRange: 'unit',
    defaultDataset: 'mnist',
    defaults: { latent: 2, epochs: 30 },
    settings: [...COMMON, 'klWeight'],
    fixedLatent: true,
    sideMultiple: 4,
  },
  {
    name: 'vae-conv',
    family: 'vae',
    description: 'Convolutional β-VAE for any image size and colour (conv 32→64 stride 2, dense 256, latent 16), BCE-sum + β·KL.',
    image: MNIST_SHAPE,
    network: convNetwork(true, 'bce'),
    dataRange: 'unit',
    defaultDataset: 'sprites',
    defaults: { latent: 16, epochs: 20 },
    settings: [...COMMON, 'latent', 'klWeight'],
    fixedLatent: false,
    sideMultiple: 4,
  },
  {
    name: 'ae-conv',
    family: 'ae',
    description: 'Convolutional AE for any image size and colour (conv 32→64 stride 2, dense 256, latent 32), sigmoid output, MSE.',
    image: MNIST_SHAPE,
    network: convNetwork(false, 'mse'),
    dataRange: 'unit',
    defaultDataset: 'sprites',
    defaults: { latent: 32, epochs: 20 },
    settings: [...COMMON, 'latent'],
    fixedLatent: false,
    sideMultiple: 4,
  },
  {
    name: 'mae-mlp-8',
    family: 'mae',
    description: 'Masked AE: ae-mlp-8 fed x·mask, 80% of pixels hidden, MSE on the hidden pixels.',
    image: MNIST_SHAPE,
    network: MLP_8,
    dataRange: 'unit',
    defaultDataset: 'mnist',
    defaults: { latent: 8, maskRatio: 0.8, maskKind: 'pixel' },
    settings: [...COMMON, 'latent', 'maskRatio', 'maskKind'],
    fixedLatent: false,
  },
  {
    name: 'mae-mlp-mixed',
    family: 'mae',
    description: 'Masked AE 784→512→256→64 trained on pixel and 4×4-block masks alike: inpaints painted blobs.',
    image: MNIST_SHAPE,
    network: { encoder: denseStack([512, 256, 'latent'], 'relu', 'linear'), decoder: denseStack([256, 512, 'pixels'], 'relu', 'sigmoid'), reconstruction: 'mse' },
    dataRange: 'unit',
    defaultDataset: 'mnist',
    defaults: { latent: 64, maskRatio: 0.5, maskKind: 'mixed', epochs: 15 },
    settings: [...COMMON, 'latent', 'maskRatio', 'maskKind'],
    fixedLatent: false,
  },
  {
    name: 'dae-mlp-8',
    family: 'dae',
    description: 'Denoising AE: ae-mlp-8 trained on clip(x + N(0, σ²)) with the clean x as target.',
    image: MNIST_SHAPE,
    network: MLP_8,
    dataRange: 'unit',
    defaultDataset: 'mnist',
    defaults: { latent: 8, noiseSigma: 0.5 },
    settings: [...COMMON, 'latent', 'noiseSigma'],
    fixedLatent: false,
  },
  {
    name: 'dae-conv',
    family: 'dae',
    description: 'Convolutional denoising AE (the ae-conv network) trained on clip(x + N(0, σ²)), any image size and colour.',
    image: MNIST_SHAPE,
    network: convNetwork(false, 'mse'),
    dataRange: 'unit',
    defaultDataset: 'sprites',
    defaults: { latent: 32, noiseSigma: 0.3, epochs: 20 },
    settings: [...COMMON, 'latent', 'noiseSigma'],
    fixedLatent: false,
    sideMultiple: 4,
  },
  {
    name: 'mae-conv',
    family: 'mae',
    description: 'Convolutional masked AE (the ae-conv network) on pixel and 4×4-block masks, any image size and colour: inpaints colour images.',
    image: MNIST_SHAPE,
    network: convNetwork(false, 'mse'),
    dataRange: 'unit',
    defaultDataset: 'sprites',
    defaults: { latent: 64, maskRatio: 0.5, maskKind: 'mixed', epochs: 20 },
    settings: [...COMMON, 'latent', 'maskRatio', 'maskKind'],
    fixedLatent: false,
    sideMultiple: 4,
  },
  {
    name: 'dropout-ae-mlp-8',
    family: 'dropout-ae',
    description: 'Dropout AE: ae-mlp-8 with dropout after every hidden layer, off at inference.',
    image: MNIST_SHAPE,
    network: { ...MLP_8, encoder: denseStack([128, 32, 'latent'], 'relu', 'linear', { dropout: true }), decoder: denseStack([32, 128, 'pixels'], 'relu', 'sigmoid', { dropout: true }) },
    dataRange: 'unit',
    defaultDataset: 'mnist',
    defaults: { latent: 8, dropoutRate: 0.2 },
    settings: [...COMMON, 'latent', 'dropoutRate'],
    fixedLatent: false,
  },
  {
    name: 'vqvae-conv',
    family: 'vqvae',
    description: 'VQ-VAE: conv encoder to a 7×7 map of code vectors, nearest-codebook quantisation, straight-through.',
    image: MNIST_SHAPE,
    network: {
      encoder: [
        { kind: 'reshape', to: 'image' },
        { kind: 'conv', name: 'conv1', kernel: 4, stride: 2, filters: 32, activation: 'relu' },
        { kind: 'conv', name: 'conv2', kernel: 4, stride: 2, filters: 64, activation: 'relu' },
        { kind: 'conv', name: 'to_code', kernel: 1, stride: 1, filters: 'codeDim', activation: 'linear' },
      ],
      decoder: [
        { kind: 'conv', name: 'conv_in', kernel: 3, stride: 1, filters: 64, activation: 'relu' },
        { kind: 'conv-transpose', name: 'deconv1', kernel: 4, stride: 2, filters: 32, activation: 'relu' },
        { kind: 'conv-transpose', name: 'deconv2', kernel: 4, stride: 2, filters: 'channels', activation: 'sigmoid' },
        { kind: 'flatten' },
      ],
      reconstruction: 'mse',
    },
    dataRange: 'unit',
    defaultDataset: 'mnist',
    defaults: { codebookSize: 64, codeDim: 16, commitment: 0.25, epochs: 10 },
    settings: [...COMMON, 'codebookSize', 'codeDim', 'commitment'],
    fixedLatent: true,
    sideMultiple: 4,
  },
];

export function findRecipe(name: string): RecipeInfo | undefined {
  return RECIPES.find((r) => r.name === name);
}

export function recipeDefaults(recipe: RecipeInfo): TrainSettings {
  return { ...DEFAULT_SETTINGS, ...recipe.defaults };
}
