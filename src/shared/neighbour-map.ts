// The neighbour maps (UMAP, t-SNE) a wide latent's map can show besides its PCA plane: their
// names and how many test images each may cover, shared by the engine, the contract and the views.

export const NEIGHBOUR_METHODS = ['umap', 'tsne'] as const;
export type NeighbourMethod = (typeof NEIGHBOUR_METHODS)[number];

/** Display names. */
export const METHOD_NAMES: Record<NeighbourMethod, string> = { umap: 'UMAP', tsne: 't-SNE' };

/**
 * The most points a t-SNE map takes: the library fits exact t-SNE, whose affinity matrices are
 * n × n doubles (2 × 32 MB at 2,000) and whose iterations each cost O(n²).
 */
export const TSNE_MAX_POINTS = 2000;

/** Test-image counts a map may cover, per method: a fit takes longer the more there are. */
export const MAP_POINT_CHOICES: Record<NeighbourMethod, number[]> = { umap: [2000, 5000, 10_000], tsne: [500, 1000, TSNE_MAX_POINTS] };

/** Whether a map kind (or any name) is one of the neighbour maps. */
export function isNeighbourMethod(kind: string): kind is NeighbourMethod {
  return (NEIGHBOUR_METHODS as readonly string[]).includes(kind);
}
