// Any model of the library, trained here or imported from ONNX: its manifest, and the model
// opened for the latent views (LatentModel) with the family-specific one where there is one.
import type { Autoencoder } from '../models/autoencoder';
import { latentModelOf, type LatentModel } from '../explore/latent-model';
import { ImportedManifest } from '../imported/imported-manifest';
import { OnnxAutoencoder } from '../imported/onnx-autoencoder';
import type { Manifest } from './manifest';
import { loadModelFolder, readManifest, readManifestJson, validateManifest } from './model-folder';

export type LibraryManifest = ({ kind?: undefined } & Manifest) | ImportedManifest;

/** The manifest of a trained or an imported model's folder, validated by its own schema. */
export function readLibraryManifest(dir: string): LibraryManifest {
  const { path, raw } = readManifestJson(dir);
  return (raw as { kind?: unknown })?.kind === 'imported' ? validateManifest(path, raw, ImportedManifest) : readManifest(dir);
}

export type OpenedModel =
  | { kind: 'trained'; model: Autoencoder; manifest: Manifest; latent: LatentModel }
  | { kind: 'imported'; model: OnnxAutoencoder; manifest: ImportedManifest; latent: LatentModel };

/** Opens a model folder: a trained model's weights into tfjs, or an imported model's graphs into ONNX Runtime. */
export async function openModelFolder(dir: string): Promise<OpenedModel> {
  const manifest = readLibraryManifest(dir);
  if (manifest.kind === 'imported') {
    const model = await OnnxAutoencoder.open(dir, manifest);
    return { kind: 'imported', model, manifest, latent: model };
  }
  const { model } = loadModelFolder(dir);
  return { kind: 'trained', model, manifest, latent: latentModelOf(model) };
}

/** Frees what an opened model holds: tfjs variables, or ONNX Runtime sessions. */
export function closeModel(opened: OpenedModel): void {
  if (opened.kind === 'imported') void opened.model.release();
  else opened.model.params.dispose();
}
