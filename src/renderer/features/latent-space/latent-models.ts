// Which models the latent views show: any with a continuous latent vector, landing on the bundled
// MNIST VAE 2-D unless the user has opened another such model.
import type { ModelSummary } from '../../../shared/contract';

export const DEFAULT_LATENT_MODEL = 'bundled/mnist-vae-2d';
/** The pair the AE vs VAE comparison opens with. */
export const DEFAULT_COMPARISON = { ae: 'bundled/mnist-ae-2d', vae: 'bundled/mnist-vae-2d' } as const;

/** Models whose latent space is a continuous vector (a VQ-VAE's is a code map: the Codebook view). */
export function hasLatentView(model: ModelSummary): boolean {
  return model.family !== 'vqvae';
}

/** The open model if it has a latent view, else the bundled MNIST VAE 2-D, else any 2-D one, else any. */
export function preferredLatentModel(models: ModelSummary[], currentId: string | null): ModelSummary | null {
  const usable = models.filter(hasLatentView);
  return (
    usable.find((m) => m.id === currentId) ??
    usable.find((m) => m.id === DEFAULT_LATENT_MODEL) ??
    usable.find((m) => m.latent === 2) ??
    usable[0] ??
    null
  );
}

/** The 2-D models that can stand on one side of the comparison: VAEs, or autoencoders without a prior. */
export function comparisonCandidates(models: ModelSummary[], side: 'ae' | 'vae'): ModelSummary[] {
  return models.filter((m) => m.latent === 2 && hasLatentView(m) && (m.family === 'vae') === (side === 'vae'));
}

/** The model one side of the comparison opens with: the bundled one, else the first candidate. */
export function comparisonModel(models: ModelSummary[], side: 'ae' | 'vae'): ModelSummary | null {
  const candidates = comparisonCandidates(models, side);
  return candidates.find((m) => m.id === DEFAULT_COMPARISON[side]) ?? candidates[0] ?? null;
}
