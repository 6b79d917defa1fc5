// `latent-explorer eval DIR`: what a saved model is, and its test-set loss in training units.
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { describeBackend, initBackend } from '../engine/backend/backend';
import { loadModelDataset } from '../engine/data/datasets';
import { loadModelFolder } from '../engine/persistence/model-folder';
import { runStatus } from '../engine/persistence/run-lock';
import { evaluate } from '../engine/training/trainer';

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description("print a saved model's recipe, layers and test-set loss")
    .argument('<dir>', 'model folder')
    .option('--json', 'print one JSON object')
    .option('--backend <name>', 'compute backend: gpu, node, wasm or cpu')
    .option('--dataset <path>', 'where the dataset folder the model was trained on lies now, if it has moved')
    .action(async (dir: string, options: { json?: boolean; backend?: string; dataset?: string }) => {
      const backend = await initBackend(options.backend);
      const { model, manifest } = loadModelFolder(resolve(dir));
      const dataset = await loadModelDataset(manifest.dataset, options.dataset);
      const test = evaluate(model, dataset.test, manifest.settings.seed);
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
          })
        );
        return;
      }
      console.log(describeBackend(backend));
      console.log(`${manifest.name}: ${manifest.recipe} (${manifest.family}) on ${manifest.dataset.title}, ${manifest.history.length} epochs, trained on ${manifest.backend}, ${runStatus(resolve(dir), manifest.status)}`);
      console.log('\nlayer'.padEnd(34) + 'output shape'.padEnd(22) + 'params');
      for (const layer of layers) console.log(layer.name.padEnd(33) + `[${layer.outputShape.map((d) => d ?? 'B').join(', ')}]`.padEnd(22) + layer.params);
      console.log(`${'total'.padEnd(55)}${totalParams}`);
      console.log(`\ntest loss ${test.loss.toPrecision(6)} per sample  (${Object.entries(test.terms).map(([k, v]) => `${k} ${v.toPrecision(6)}`).join(', ')})`);
    });
}
