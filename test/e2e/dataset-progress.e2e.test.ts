// End to end in Chromium against web mode: training on an own image folder the engine has never
// seen shows the folder's load as it happens (which pass, files done of all, a progress bar and
// Cancel), and the dataset then loads and trains; a second model on it loads at once.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Result } from '../../src/shared/contract';
import { writeImageFolder } from '../engine/image-folder-fixture';
import { seenValues, until, useWebApp, watchAttribute, type WebApp } from './web-app';

const TRAIN_TIMEOUT_MS = 300_000;
const CLASSES = 4;
const PER_CLASS = 100;

let app: WebApp;
useWebApp((started) => (app = started));

test('a first load of an image folder shows its progress in the window, then the dataset loads and trains', { timeout: TRAIN_TIMEOUT_MS }, async () => {
  const folder = join(app.home, 'progress-folder');
  await writeImageFolder(folder, CLASSES, PER_CLASS, { width: 48, height: 48, channels: 3 });
  const { page } = app;
  await page.goto(`${app.server.url}#/training`);
  // Every state the banner goes through is recorded, however fast the load runs (leaving the path's
  // field starts it: the form checks the folder as soon as its path is entered).
  await watchAttribute(page, '[data-dataset-progress]', 'data-dataset-progress');
  await page.getByRole('combobox', { name: 'Dataset' }).selectOption({ label: 'Own images or IDX files…' });
  await page.getByRole('textbox', { name: 'Dataset path' }).fill(`${folder}#16`);
  await page.getByRole('combobox', { name: 'Recipe' }).selectOption('vae-mlp-2');
  const form = page.getByRole('form', { name: 'New model' });
  for (const [name, value] of Object.entries({ Epochs: '1', 'Batch size': '32' })) await form.getByRole('spinbutton', { name }).fill(value);
  await page.getByRole('textbox', { name: 'Model name' }).fill('e2e progress');
  await page.getByRole('button', { name: 'Train', exact: true }).click();

  const banner = page.getByRole('status', { name: 'Loading progress-folder#16' });
  await until(async () => (await seenValues(page)).length > 0 && !(await banner.isVisible()), 120_000, 'the load to be shown, then end');
  const seen = await seenValues(page);
  const total = CLASSES * PER_CLASS;
  assert.ok(seen.length >= 1, 'the progress was shown');
  for (const value of seen) assert.match(value, new RegExp(`^(reading sizes|decoding) \\d+/${total}$`), value);
  const decoding = seen.filter((v) => v.startsWith('decoding')).map((v) => Number(v.split(' ')[1]!.split('/')[0]));
  assert.deepEqual(decoding, [...decoding].sort((a, b) => a - b), 'decoding counts never go back');

  const modelId = 'user/e2e progress';
  await until(async () => ((await app.server.engine.call('models.list', {})) as Result<'models.list'>).some((m) => m.id === modelId && m.status === 'done'), TRAIN_TIMEOUT_MS, 'the model to train');
  const info = (await app.server.engine.call('data.describe', { dataset: `${folder}#16` })) as Result<'data.describe'>;
  assert.equal(info.train + info.test, total, 'the whole folder loaded');
  assert.equal(await page.locator('[data-dataset-progress]').count(), 0, 'a loaded folder answers without a banner');
  assert.deepEqual(app.pageErrors, []);
});

test('an own folder is checked when its path is entered: a summary, or the one-line reason and no Train', async () => {
  const { page } = app;
  await page.goto(`${app.server.url}#/training`);
  await page.getByRole('combobox', { name: 'Dataset' }).selectOption({ label: 'Own images or IDX files…' });
  const path = page.getByRole('textbox', { name: 'Dataset path' });
  const train = page.getByRole('button', { name: 'Train', exact: true });

  await path.fill(join(app.home, 'no-such-folder'));
  await path.press('Enter');
  const problem = page.getByRole('form', { name: 'New model' }).getByRole('alert').filter({ hasText: 'no-such-folder' });
  await problem.waitFor({ timeout: 30_000 });
  assert.equal((await problem.innerText()).trim().split('\n').length, 1, 'one line');
  assert.equal(await train.isDisabled(), true, 'no Train for a folder that cannot load');

  const folder = join(app.home, 'checked-folder');
  await writeImageFolder(folder, 3, 10, { width: 20, height: 20, channels: 1 });
  await path.fill(folder);
  await path.press('Enter');
  await until(async () => /\d+ train · \d+ test · 3 classes · 20×20 gray/.test(await page.getByRole('form', { name: 'New model' }).innerText()), 60_000, 'the folder summary');
  assert.deepEqual(app.pageErrors, []);
});
