// `latent-explorer export DIR --format safetensors`: a model trained here as PyTorch weights that
// load with load_state_dict into its recipe's reference class, or into a module written beside
// them (README, "Take a model to PyTorch").
import type { Command } from 'commander';
import { mkdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { initBackend } from '../engine/backend/backend';
import { UserError } from '../engine/errors';
import { loadModelFolder, writeFileAtomic } from '../engine/persistence/model-folder';
import { pytorchSafetensors } from '../engine/persistence/pytorch-export';
import { backendOption } from './settings-options';

export function registerExport(program: Command): void {
  program
    .command('export')
    .description("write a model trained here as PyTorch weights (safetensors) for its recipe's reference class, or with a PyTorch module (.py) written for it")
    .argument('<dir>', 'model folder')
    .option('--format <format>', 'safetensors (onnx: see the README for why not)', 'safetensors')
    .option('--out <file>', 'file to write (default: <model name>.safetensors here)')
    .addOption(backendOption())
    .action(async (dir: string, options: { format: string; out?: string; backend?: string }) => {
      if (options.format === 'onnx') {
        throw new UserError(
          '--format onnx is not offered: no maintained ONNX writer runs here, and a hand-written graph would be checked only against itself; export --format safetensors and call torch.onnx.export on the reference class that loads it'
        );
      }
      if (options.format !== 'safetensors') throw new UserError(`--format must be safetensors, got "${options.format}"`);
      await initBackend(options.backend);
      const { model, manifest } = loadModelFolder(resolve(dir));
      try {
        const out = resolve(options.out ?? `${basename(resolve(dir))}.safetensors`);
        const { bytes, construct, source, module } = pytorchSafetensors(model, basename(out));
        mkdirSync(dirname(out), { recursive: true });
        if (module) writeFileAtomic(join(dirname(out), module.fileName), module.text);
        writeFileAtomic(out, bytes);
        const written = module ? `${out} and ${join(dirname(out), module.fileName)}` : out;
        const from = module ? `from ${module.fileName.replace(/\.py$/, '')} import Model; ` : '';
        console.log(`${manifest.name} (${manifest.recipe}) → ${written}\nIn PyTorch (${source} has the class): ${from}model = ${construct}; model.load_state_dict(safetensors.torch.load_file("${basename(out)}"))`);
      } finally {
        model.params.dispose();
      }
    });
}
