// `latent-explorer eval DIR`: what a saved model is, and its test-set loss in training units; for a
// VAE, on request, its per-dimension posterior statistics and its importance-weighted test NLL.
import type { Command } from 'commander';
import { resolve } from 'node:path';
import type { FactorScores, PosteriorStats } from '../../shared/contract';
import { initBackend } from '../engine/backend/backend';
import { bannerColumns, describeBackend } from './backend-banner';
import { loadModelDataset } from '../engine/data/datasets';
import { binarizeSet, importanceWeightedNll, type LikelihoodEstimate } from '../engine/explore/likelihood';
import { vaePosteriorStats } from '../engine/explore/posterior-stats';
import { modelFactorScores } from '../engine/explore/factor-scores';
import { loadModelFolder } from '../engine/persistence/model-folder';
import { runStatus } from '../engine/persistence/run-lock';
import { evaluate } from '../engine/training/trainer';
import { backendOption, wholeNumberFrom } from './settings-options';

interface EvalOptions {
  json?: boolean;
  backend?: string;
  dataset?: string;
  posterior?: boolean;
  nll?: boolean;
  factors?: boolean;
  samples: number;
  limit: number;
  seed: number;
}

function posteriorTable(stats: PosteriorStats): string {
  const rows = stats.kl.map((kl, d) => `${String(d).padEnd(6)}${kl.toFixed(4).padStart(10)}${stats.meanVariance[d]!.toFixed(4).padStart(12)}${stats.sigma[d]!.toFixed(4).padStart(10)}${stats.activeUnits.includes(d) ? '  active' : ''}`);
  return [
    `\nposterior over ${stats.count} test images: ${stats.activeUnits.length} of ${stats.kl.length} units active (Var_x μ > ${stats.threshold}), KL ${stats.kl.reduce((a, b) => a + b, 0).toFixed(3)} nats`,
    'dim   KL (nats)   Var_x(μ)   mean σ',
    ...rows,
  ].join('\n');
}

function factorTable(scores: FactorScores): string {
  const cell = (v: number) => v.toFixed(3).padStart(Math.max(9, ...scores.factors.map((f) => f.length + 2)));
  const width = cell(0).length;
  return [
    `\nnormalised mutual information I(z_d; factor) / H(factor) over ${scores.count} test images (posterior means in ${scores.bins} bins)`,
    'dim   ' + scores.factors.map((f) => f.padStart(width)).join(''),
    ...scores.mi.map((row, d) => String(d).padEnd(6) + row.map(cell).join('')),
    'gap   ' + scores.gaps.map(cell).join(''),
    `MIG ${scores.mig.toFixed(4)}  (Chen et al. 2018: mean over factors of the gap between the two most informative dimensions)`,
  ].join('\n');
}

const nllLine = (e: LikelihoodEstimate) =>
  `\nimportance-weighted NLL ${e.nll.toFixed(2)} nats  (K = ${e.samples}, ${e.count} binarized test images; −ELBO ${e.negElbo.toFixed(2)} from the same samples)`;

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description("print a saved model's recipe, layers and test-set loss")
    .argument('<dir>', 'model folder')
    .option('--json', 'print one JSON object')
    .addOption(backendOption())
    .option('--dataset <path>', 'where the dataset folder the model was trained on lies now, if it has moved')
    .option('--posterior', 'VAE: KL, posterior-mean variance (active units) and σ per latent dimension on the test set')
    .option('--nll', 'VAE with a Bernoulli decoder: importance-weighted test NLL in nats (Burda et al. 2016) on the binarized test set')
    .option('--factors', 'a dataset with known factors (sprites): mutual information of each latent dimension with each factor, and the MIG (Chen et al. 2018)')
    .option('--samples <k>', 'importance samples per image for --nll', wholeNumberFrom(1), 5000)
    .option('--limit <n>', 'test images for --posterior, --nll and --factors (default: all)', wholeNumberFrom(1), 10_000)
    .option('--seed <n>', 'seed of the test set binarization and the importance samples', wholeNumberFrom(0), 1)
    .action(async (dir: string, options: EvalOptions) => {
      const backend = await initBackend(options.backend);
      const { model, manifest } = loadModelFolder(resolve(dir));
      const dataset = await loadModelDataset(manifest.dataset, options.dataset);
      const test = evaluate(model, dataset.test, manifest.settings.seed);
      const posterior = options.posterior ? vaePosteriorStats(model, dataset.test, options.limit) : undefined;
      const factors = options.factors ? await modelFactorScores(model, dataset, dataset.test, options.limit) : undefined;
      const likelihood = options.nll ? importanceWeightedNll(model, binarizeSet(dataset.test, options.limit, options.seed), options.samples, options.seed) : undefined;
      const layers = model.layers();
      const totalParams = model.params.count;
      if (options.json) {
        console.log(
          JSON.stringify({
            recipe: manifest.recipe,
            family: manifest.family,
            dataset: manifest.dataset.name,
            trainedOn: manifest.backend,
            backend: backend.name,
            epochs: manifest.history.length,
            status: runStatus(resolve(dir), manifest.status),
            layers,
            totalParams,
            testLoss: test.loss,
            terms: test.terms,
            ...(posterior && { posterior }),
            ...(likelihood && { likelihood }),
            ...(factors && { factors }),
          })
        );
        return;
      }
      console.log(describeBackend(backend, bannerColumns(process.stdout)));
      console.log(`${manifest.name}: ${manifest.recipe} (${manifest.family}) on ${manifest.dataset.title}, ${manifest.history.length} epoch${manifest.history.length === 1 ? '' : 's'}, trained on ${manifest.backend}, ${runStatus(resolve(dir), manifest.status)}`);
      console.log('\nlayer'.padEnd(34) + 'output shape'.padEnd(22) + 'params');
      for (const layer of layers) console.log(layer.name.padEnd(33) + `[${layer.outputShape.map((d) => d ?? 'B').join(', ')}]`.padEnd(22) + layer.params);
      console.log(`${'total'.padEnd(55)}${totalParams}`);
      console.log(`\ntest loss ${test.loss.toPrecision(6)} per sample  (${Object.entries(test.terms).map(([k, v]) => `${k} ${v.toPrecision(6)}`).join(', ')})`);
      if (posterior) console.log(posteriorTable(posterior));
      if (likelihood) console.log(nllLine(likelihood));
      if (factors) console.log(factorTable(factors));
    });
}
