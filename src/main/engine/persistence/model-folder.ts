// A model on disk is a folder: manifest.json + one weights file (+ history.csv for people).
// Crash safety: the weights go to a new file name, then the manifest naming it is renamed into
// place, then old weights are removed. Whenever the process dies, manifest.json names a complete
// weights file, so the last completed save always loads.
import * as tf from '../backend/tf';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { EpochRecord } from '../../../shared/contract';
import type { Autoencoder } from '../models/autoencoder';
import { buildModel, requireRecipe } from '../models/build';
import { UserError } from '../errors';
import { readRegularFile } from '../data/regular-file';
import { historyCsv } from './history-csv';
import { HISTORY_CSV, Manifest, MANIFEST_FILE, MANIFEST_FORMAT } from './manifest';

/** Writes `data` to `path` atomically: a temporary sibling, fsync, rename. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const temp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const fd = openSync(temp, 'w');
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
}

function syncDirectory(dir: string): void {
  // Makes the renames durable; not possible on Windows, where rename is already journaled.
  if (process.platform === 'win32') return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export type ManifestMeta = Omit<Manifest, 'format' | 'weights' | 'family' | 'recipe' | 'settings' | 'image'>;

/** Saves the model's current weights with `meta`; `dir` must exist. Returns the manifest written. */
export function saveModelFolder(dir: string, model: Autoencoder, meta: ManifestMeta): Manifest {
  const { names, variables } = model.params;
  const total = variables.reduce((n, v) => n + v.size, 0);
  const values = new Float32Array(total);
  const tensors: Manifest['weights']['tensors'] = [];
  let offset = 0;
  variables.forEach((variable, i) => {
    values.set(variable.dataSync() as Float32Array, offset);
    tensors.push({ name: names[i]!, shape: variable.shape, offset });
    offset += variable.size;
  });
  const bytes = new Uint8Array(values.buffer);
  const file = `weights-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}.bin`;
  writeFileAtomic(join(dir, file), bytes);
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    ...meta,
    family: model.family,
    recipe: model.recipe.name,
    settings: model.settings,
    image: model.recipe.image,
    weights: { file, bytes: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex'), tensors },
  };
  writeFileAtomic(join(dir, MANIFEST_FILE), JSON.stringify(manifest, null, 1));
  writeFileAtomic(join(dir, HISTORY_CSV), historyCsv(manifest.history));
  syncDirectory(dir);
  for (const name of readdirSync(dir)) {
    if ((name.startsWith('weights-') && name !== file) || name.includes('.tmp-')) rmSync(join(dir, name), { force: true });
  }
  return manifest;
}

/** manifest.json parsed but not yet validated, with its path; a message naming the file when it cannot be read. */
export function readManifestJson(dir: string): { path: string; raw: unknown } {
  const path = join(dir, MANIFEST_FILE);
  if (!existsSync(dir)) throw new UserError(`model folder ${dir} does not exist`, 'not-found');
  if (!statSync(dir).isDirectory()) throw new UserError(`${dir} is a file, not a model folder: give the folder a model was saved to (train --out)`, 'not-found');
  if (!existsSync(path)) throw new UserError(`${path} is missing: ${dir} is not a saved Latent Explorer model (or its first epoch never finished)`, 'not-found');
  let raw: unknown;
  try {
    raw = JSON.parse(readRegularFile(path).toString('utf8'));
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code ? `cannot be read (${(error as Error).message})` : `is corrupt (not valid JSON: ${(error as Error).message})`;
    throw new UserError(`${path} ${why}`);
  }
  return { path, raw };
}

/** Parses a manifest with `schema`, refusing a newer format, with a message naming the file and the problem. */
export function validateManifest<T>(path: string, raw: unknown, schema: { safeParse(raw: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }): T {
  const format = (raw as { format?: unknown })?.format;
  if (typeof format === 'number' && format > MANIFEST_FORMAT) {
    throw new UserError(`${path} has format ${format}, made by a newer Latent Explorer (this one reads format ${MANIFEST_FORMAT}): update the app`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UserError(`${path} is invalid: ${issue.path.join('.') || 'root'}: ${issue.message}`);
  }
  return parsed.data;
}

/** Rewrites a saved model's manifest with `change` applied (atomically), keeping its weights as they are. */
export function updateManifest(dir: string, change: (manifest: Manifest) => Manifest): Manifest {
  const manifest = { ...change(readManifest(dir)), updatedAt: new Date().toISOString() };
  writeFileAtomic(join(dir, MANIFEST_FILE), JSON.stringify(manifest, null, 1));
  return manifest;
}

/** Reads and validates the manifest of a model trained here, with a message naming the file and the problem. */
export function readManifest(dir: string): Manifest {
  const { path, raw } = readManifestJson(dir);
  if ((raw as { kind?: unknown })?.kind === 'imported') {
    throw new UserError(`${dir} holds a model imported from ONNX, not one trained here: this needs a model trained by Latent Explorer (its layers and weights)`);
  }
  return validateManifest(path, raw, Manifest);
}

export interface LoadedModel {
  model: Autoencoder;
  manifest: Manifest;
}

/** Rebuilds the model from its manifest and loads weights, checking every tensor's name and shape. */
export function loadModelFolder(dir: string): LoadedModel {
  const manifest = readManifest(dir);
  let recipe: ReturnType<typeof requireRecipe>;
  try {
    recipe = requireRecipe(manifest.recipe);
  } catch (error) {
    throw new UserError(`${join(dir, MANIFEST_FILE)}: ${(error as Error).message}`); // which model, not only which recipe
  }
  if (recipe.family !== manifest.family) {
    throw new UserError(`${join(dir, MANIFEST_FILE)}: family "${manifest.family}" does not match recipe ${recipe.name} (family ${recipe.family})`);
  }
  const weightsPath = join(dir, manifest.weights.file);
  let bytes: Buffer;
  try {
    bytes = readRegularFile(weightsPath);
  } catch (error) {
    throw new UserError(`weights file ${weightsPath} cannot be read: ${(error as Error).message}`, 'not-found');
  }
  if (bytes.byteLength !== manifest.weights.bytes) {
    throw new UserError(`weights file ${weightsPath} is truncated or damaged: expected ${manifest.weights.bytes} bytes, found ${bytes.byteLength}`);
  }
  if (createHash('sha256').update(bytes).digest('hex') !== manifest.weights.sha256) {
    throw new UserError(`weights file ${weightsPath} is corrupt: its checksum does not match the manifest`);
  }
  let model: Autoencoder;
  try {
    model = buildModel(recipe, manifest.settings, manifest.image ?? recipe.image);
  } catch (error) {
    throw new UserError(`${join(dir, MANIFEST_FILE)}: ${(error as Error).message}`);
  }
  try {
    assignWeights(model, manifest, new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4), weightsPath);
  } catch (error) {
    model.params.dispose();
    throw error;
  }
  return { model, manifest };
}

function assignWeights(model: Autoencoder, manifest: Manifest, values: Float32Array, weightsPath: string): void {
  const { names, variables } = model.params;
  const saved = new Map(manifest.weights.tensors.map((t) => [t.name, t]));
  const problems: string[] = [];
  names.forEach((name, i) => {
    const entry = saved.get(name);
    const expected = variables[i]!.shape;
    if (!entry) problems.push(`${name} missing`);
    else if (entry.shape.join('×') !== expected.join('×')) problems.push(`${name} has shape [${entry.shape}] but the recipe needs [${expected}]`);
    else if (entry.offset + variables[i]!.size > values.length) problems.push(`${name} lies past the end of the weights file`);
  });
  for (const name of saved.keys()) if (!names.includes(name)) problems.push(`${name} is not a parameter of ${model.recipe.name}`);
  if (problems.length > 0) throw new UserError(`weights in ${weightsPath} do not match recipe ${model.recipe.name}: ${problems.join('; ')}`);
  names.forEach((name, i) => {
    const entry = saved.get(name)!;
    const variable = variables[i]!;
    const value = tf.tensor(values.subarray(entry.offset, entry.offset + variable.size), variable.shape);
    variable.assign(value);
    value.dispose();
  });
}

/** Latest epoch's figures, for the manifest's `metrics`. */
export function metricsOf(history: EpochRecord[]): Manifest['metrics'] {
  const last = history.at(-1);
  return last ? { testLoss: last.testLoss, terms: last.testTerms } : null;
}
