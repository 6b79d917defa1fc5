// One colour per class, the same in every latent map, legend and export: Tableau 10, which stays
// distinguishable on the dark theme and for most colour-vision deficiencies.
import { schemeTableau10 } from 'd3';

export function classColor(index: number): string {
  return schemeTableau10[((index % schemeTableau10.length) + schemeTableau10.length) % schemeTableau10.length]!;
}
