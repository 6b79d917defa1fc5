// Layer widths of the MLP recipes, as ../shared/models.md gives them. AE, DAE, dropout AE and MAE
// share these networks; only what they feed in and what they compare against differ.
import type { Activation } from '../nn/dense';

export interface MlpNet {
  encoder: number[];
  decoder: number[];
  /** Activation of the decoder's last layer ('linear' where the loss works on logits or the recipe has none). */
  output: Activation;
  /** ae-mlp-64 initialises weights from N(0, 0.05); others use PyTorch's nn.Linear default. */
  initStd?: number;
}

const PIXELS = 784;

export function mlpNet(recipe: string, latent: number): MlpNet {
  switch (recipe) {
    case 'ae-mlp-2':
      return { encoder: [PIXELS, 256, latent], decoder: [latent, 256, PIXELS], output: 'linear' };
    case 'ae-mlp-64':
      return { encoder: [PIXELS, 256, latent], decoder: [latent, 256, PIXELS], output: 'sigmoid', initStd: 0.05 };
    case 'ae-mlp-128-fashion':
      return { encoder: [PIXELS, 512, 256, latent], decoder: [latent, 256, 512, PIXELS], output: 'linear' };
    case 'mae-mlp-mixed':
      return { encoder: [PIXELS, 512, 256, latent], decoder: [latent, 256, 512, PIXELS], output: 'sigmoid' };
    default: // ae-mlp-8, mae-mlp-8, dae-mlp-8, dropout-ae-mlp-8
      return { encoder: [PIXELS, 128, 32, latent], decoder: [latent, 32, 128, PIXELS], output: 'sigmoid' };
  }
}
