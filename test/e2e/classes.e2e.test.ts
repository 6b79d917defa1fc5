// End to end in Chromium against web mode: a model of an own IDX folder with 47 classes
// (EMNIST-balanced-like). The latent map's legend names every class with its own count, the counts
// add up to the points the map says it shows, and points of every class are drawn. An image folder
// of 300 classes (labels past one byte) lists all 300 with their counts.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Result } from '../../src/shared/contract';
import { initBackend } from '../../src/main/engine/backend/backend';
import { writeIdxFolder } from '../engine/idx-fixture';
import { writeImageFolder } from '../engine/image-folder-fixture';
import { saveUntrainedModel } from '../engine/saved-model-fixture';
import { map } from './latent-page';
import { SHOTS, until, useWebApp, type WebApp } from './web-app';

const TRAIN_TIMEOUT_MS = 180_000;
const CLASSES = 47;
const TEST_IMAGES = 1000;

let app: WebApp;
useWebApp((started) => (app = started));

test('47 classes: the legend shows every class with its own count, and every class is drawn', { timeout: TRAIN_TIMEOUT_MS }, async () => {
  const data = join(app.home, 'idx-47');
  await mkdir(data);
  writeIdxFolder(data, 940, TEST_IMAGES, false, CLASSES);
  const { modelId } = (await app.server.engine.call('train.start', {
    name: 'e2e 47 classes',
    recipe: 'vae-mlp-2',
    dataset: data,
    settings: { epochs: 1, batch: 47 },
  })) as Result<'train.start'>;
  await until(async () => ((await app.server.engine.call('models.list', {})) as Result<'models.list'>).some((m) => m.id === modelId && m.status === 'done'), TRAIN_TIMEOUT_MS, 'the 47-class model');

  const { page } = app;
  await page.goto(app.server.url);
  await page.getByRole('combobox', { name: 'Model', exact: true }).selectOption(modelId);
  await map(page).and(page.locator(`[data-points="${TEST_IMAGES}"]`)).waitFor({ timeout: 60_000 });
  const legend = map(page).getByRole('list', { name: 'Classes' }).getByRole('button');
  // The folder's own classes arrive with its description: all 47, named by their label values.
  await until(async () => (await legend.count()) === CLASSES && (await legend.last().textContent())?.includes('46') === true, 30_000, 'the 47-class legend');

  const entries = await legend.evaluateAll((buttons) =>
    buttons.map((b) => ({ text: b.textContent!.replace(/\s+/g, ' ').trim(), drawn: Number(b.getAttribute('data-drawn')), color: b.querySelector('.swatch')?.getAttribute('style') ?? '' }))
  );
  const expected = new Array(CLASSES).fill(0);
  for (let i = 0; i < TEST_IMAGES; i++) expected[(i * 3) % CLASSES] += 1;
  entries.forEach((entry, c) => {
    assert.equal(entry.text, `${c} ${expected[c]}`, `legend entry ${c}`);
    assert.ok(entry.drawn > 0, `points of class ${c} are drawn (${entry.drawn})`);
  });
  const counts = entries.map((e) => Number(e.text.split(' ').at(-1)));
  assert.equal(counts.reduce((a, b) => a + b, 0), TEST_IMAGES, 'the legend counts add up to the points shown');
  assert.equal(new Set(entries.map((e) => e.color)).size, CLASSES, 'each class has a colour of its own');
  await page.screenshot({ path: join(SHOTS, 'latent-47-classes.png') });
  assert.deepEqual(app.pageErrors, []);
});

test('300 classes (labels past one byte): the legend lists every class with its own count', { timeout: TRAIN_TIMEOUT_MS }, async () => {
  const folder = join(app.home, 'folder-300');
  await writeImageFolder(folder, 300, 5, { width: 8, height: 8, channels: 1 });
  await initBackend('wasm');
  // Untrained: the legend is about the dataset's classes, not what the model learnt.
  (await saveUntrainedModel(join(app.home, 'models'), 'e2e 300 classes', 'vae-mlp-2', folder)).params.dispose();
  const { page } = app;
  await page.goto(app.server.url);
  await page.getByRole('combobox', { name: 'Model', exact: true }).selectOption('user/e2e 300 classes');
  await map(page).and(page.locator('[data-points="300"]')).waitFor({ timeout: 60_000 });
  const legend = map(page).getByRole('list', { name: 'Classes' }).getByRole('button');
  await until(async () => (await legend.count()) === 300, 30_000, 'the 300-class legend');
  const entries = await legend.evaluateAll((buttons) => buttons.map((b) => b.textContent!.replace(/\s+/g, ' ').trim()));
  assert.deepEqual(entries.map((e) => e.split(' ').at(-1)), new Array(300).fill('1'), 'one test image per class, each counted under its own class');
  assert.equal(new Set(entries.map((e) => e.split(' ')[0])).size, 300, 'each class its own name');
  assert.ok(entries.some((e) => e.startsWith('class-299 ')));
  assert.deepEqual(app.pageErrors, []);
});
