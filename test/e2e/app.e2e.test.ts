// End to end in real Chromium (Debian's, driven by playwright-core) against web mode: the page,
// the WebSocket and a real engine process training a real model on a small slice of MNIST.
// Each test continues where the previous one left off, as a user would. Screenshots of the main
// views go to docs/screenshots for the README.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import type { Result } from '../../src/shared/contract';
import type { RpcHost } from '../../src/shared/rpc';
import type { WebServer } from '../../src/main/host/web-server';
import { SHOTS, seenValues, until, useWebApp, watchAttribute, type WebApp } from './web-app';

const FIRST_MODEL = 'e2e vae 2d';
const TRAIN_TIMEOUT_MS = 180_000;

let app: WebApp;
let server: WebServer;
let page: Page;

useWebApp((started) => ({ server, page } = app = started));

async function fillSettings(settings: Record<string, string>): Promise<void> {
  for (const [label, value] of Object.entries(settings)) await page.getByRole('spinbutton', { name: label, exact: true }).fill(value);
}

const progressbar = () => page.getByRole('progressbar', { name: 'Training progress' });
const modelsList = () => page.getByRole('list', { name: 'Models' });

test('the page needs its token, then shows the views and the backend in the status bar', async () => {
  const withoutToken = await fetch(new URL('/', server.url));
  assert.ok([401, 403].includes(withoutToken.status), `page without token answered ${withoutToken.status}`);

  await page.goto(server.url);
  const nav = page.getByRole('navigation', { name: 'Views' });
  for (const name of ['Library', 'Training', 'Latent space', 'Inpainting', 'Denoising', 'Codebook']) {
    await nav.getByRole('link', { name, exact: true }).waitFor();
  }
  const status = page.getByRole('status').filter({ hasText: /Backend: \w/ });
  await status.waitFor();
  const { backend } = (await server.engine.call('engine.info', {})) as Result<'engine.info'>;
  assert.match(await status.innerText(), new RegExp(`Backend: ${backend.name}`));

  // The backend's reasons, and why each other one was skipped, are one click away.
  await status.getByRole('button', { name: `Backend: ${backend.name}` }).click();
  const details = page.locator('#backend-details');
  for (const { name, reason } of [backend, ...backend.skipped]) {
    assert.ok((await details.innerText()).includes(reason), `backend details name ${name}: ${reason}`);
  }
  if (backend.threads) assert.match(await details.innerText(), new RegExp(`${backend.threads} compute threads?`));
  await page.screenshot({ path: join(SHOTS, 'status-backend.png') });
  await page.keyboard.press('Escape');
  await details.waitFor({ state: 'detached' });
  // The app lands on the latent space explorer; the library is one click away.
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Library' }).click();
  await modelsList().waitFor({ state: 'attached' });
});

test('trains a vae-mlp-2 model for one epoch: progress advances, the loss curves gain points', { timeout: TRAIN_TIMEOUT_MS }, async () => {
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Training' }).click();
  await page.getByRole('combobox', { name: 'Dataset' }).selectOption('mnist');
  await page.getByRole('combobox', { name: 'Recipe' }).selectOption('vae-mlp-2');
  // Only the recipe's own settings are offered, with its defaults and the shared valid ranges.
  const form = page.getByRole('form', { name: 'New model' });
  assert.equal(await form.getByRole('spinbutton', { name: 'Batch size' }).inputValue(), '64', 'vae-mlp-2 trains with batch 64');
  assert.equal(await form.getByRole('spinbutton', { name: 'Latent dimensions' }).count(), 0, 'vae-mlp-2 has a fixed 2-D latent');
  assert.equal(await form.getByRole('spinbutton', { name: 'Learning rate' }).getAttribute('max'), '1');
  await fillSettings({ 'Learning rate': '0' });
  assert.equal(await page.getByRole('button', { name: 'Train', exact: true }).isDisabled(), true, 'lr 0 is refused before sending');
  await form.getByText('A number above 0 to 1: with a learning rate of 0 the weights never move.').waitFor();
  // All 60,000 images (3,750 steps): an epoch long enough for progress reports (every 100 ms) on
  // the fastest backend; on a TensorFlow graph step 512 images took under 0.1 s.
  await fillSettings({ 'Learning rate': '0.001', Epochs: '1', 'Batch size': '16', 'Training images (0 = all)': '0' });
  await page.getByRole('textbox', { name: 'Model name' }).fill(FIRST_MODEL);

  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await progressbar().waitFor();
  await watchAttribute(page, '[role="progressbar"]', 'aria-valuenow');
  const figure = page.getByRole('figure', { name: 'Loss curves' });
  const pointsBefore = Number(await figure.getAttribute('data-points'));

  await page.getByRole('alert').filter({ hasText: 'Finished' }).waitFor({ timeout: TRAIN_TIMEOUT_MS });
  const values = (await seenValues(page)).map(Number);
  const within = values.filter((v) => v > 0 && v < 100);
  assert.ok(within.length >= 2, `progress should advance within the epoch; saw ${values.join(', ')}`);
  assert.deepEqual(within, [...within].sort((a, b) => a - b), 'progress never goes back');
  assert.equal(await progressbar().getAttribute('aria-valuenow'), '100');

  const pointsAfter = Number(await figure.getAttribute('data-points'));
  assert.ok(pointsAfter > pointsBefore, `loss curves should gain points (${pointsBefore} → ${pointsAfter})`);
  assert.ok((await figure.locator('circle').count()) >= 2, 'the epoch has a train and a test point');
  await page.screenshot({ path: join(SHOTS, 'training.png') });

  await page.getByRole('link', { name: 'Library' }).click();
  await modelsList().getByRole('listitem').filter({ hasText: FIRST_MODEL }).waitFor();
});

test('a second run pauses, resumes and cancels', { timeout: TRAIN_TIMEOUT_MS }, async () => {
  await page.getByRole('link', { name: 'Training' }).click();
  await fillSettings({ Epochs: '20', 'Batch size': '32', 'Training images (0 = all)': '1024' });
  await page.getByRole('textbox', { name: 'Model name' }).fill('e2e second run');
  await page.getByRole('button', { name: 'Train', exact: true }).click();

  // A few epochs in, for a screenshot that shows curves taking shape.
  await until(async () => Number(await progressbar().getAttribute('aria-valuenow')) >= 15, TRAIN_TIMEOUT_MS);
  await page.screenshot({ path: join(SHOTS, 'training-live.png') });
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.getByRole('button', { name: 'Resume' }).waitFor();
  const pausedAt = await progressbar().getAttribute('aria-valuenow');
  await page.waitForTimeout(500);
  assert.equal(await progressbar().getAttribute('aria-valuenow'), pausedAt, 'no progress while paused');
  await page.getByRole('button', { name: 'Resume' }).click();
  await page.getByRole('button', { name: 'Pause' }).waitFor();

  await page.getByRole('button', { name: 'Cancel training' }).click();
  await page.getByRole('alert').filter({ hasText: 'Cancelled' }).waitFor({ timeout: 30_000 });
  assert.equal(await page.getByRole('button', { name: 'Train', exact: true }).isEnabled(), true, 'the form is usable again');
});

test('when the engine process dies the window says so, restarts it, and the saved model is still there', async () => {
  const pid = (server.engine as RpcHost & { pid: number | null }).pid;
  assert.ok(pid, 'web mode runs the engine in its own process');
  process.kill(pid, 'SIGKILL');
  const banner = page.getByRole('alert').filter({ hasText: 'The engine stopped' });
  await banner.waitFor();
  assert.match(await page.getByRole('status').filter({ hasText: 'Backend: ' }).innerText(), /Engine stopped/);
  await page.screenshot({ path: join(SHOTS, 'engine-stopped.png') });

  await banner.getByRole('button', { name: 'Restart engine' }).click();
  await banner.waitFor({ state: 'detached', timeout: 30_000 });
  await page.getByRole('status').filter({ hasText: /Connected/ }).waitFor();
  await page.getByRole('link', { name: 'Library' }).click();
  await modelsList().getByRole('listitem').filter({ hasText: FIRST_MODEL }).waitFor();
});

test('after a reload the first model is in the library; rename and delete work', async () => {
  await page.reload();
  await page.getByRole('link', { name: 'Library' }).click();
  const item = modelsList().getByRole('listitem').filter({ hasText: FIRST_MODEL });
  await item.waitFor();
  assert.match(await item.innerText(), /vae-mlp-2/);

  // The finished run opened its model already, unless the cancelled run kept an epoch.
  const open = item.getByRole('button', { name: `Open ${FIRST_MODEL}` });
  if (await open.isEnabled()) await open.click();
  assert.equal(await item.getAttribute('aria-current'), 'true');
  await page.getByRole('complementary', { name: 'Open model' }).getByRole('table').first().waitFor();
  await page.screenshot({ path: join(SHOTS, 'library.png') });

  await item.getByRole('button', { name: `Rename ${FIRST_MODEL}` }).click();
  const renamed = `${FIRST_MODEL} renamed`;
  await page.getByRole('textbox', { name: `New name for ${FIRST_MODEL}` }).fill(renamed);
  await page.keyboard.press('Enter');
  const renamedItem = modelsList().getByRole('listitem').filter({ hasText: renamed });
  await renamedItem.waitFor();

  await renamedItem.getByRole('button', { name: `Delete ${renamed}` }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete model?' });
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await renamedItem.waitFor({ state: 'detached' });
  await page.reload();
  await page.locator('[aria-label="Models"][aria-busy="false"]').waitFor({ state: 'attached' });
  assert.equal(await modelsList().getByRole('listitem').filter({ hasText: renamed }).count(), 0, 'deleted for good');
  assert.deepEqual(app.pageErrors, [], 'no uncaught errors in the page');
});
