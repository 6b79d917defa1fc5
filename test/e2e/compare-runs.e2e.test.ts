// End to end in Chromium against web mode: the training view's run comparison. Picking the bundled
// 2-D AE and 2-D VAE overlays their loss curves (one legend entry and a train and a test curve
// each) and lists their settings side by side, the ones that differ marked.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { until, useWebApp, type WebApp } from './web-app';

let app: WebApp;
let page: Page;

useWebApp((started) => {
  app = started;
  page = started.page;
});

test('the training view overlays the loss curves of picked runs with their settings in a table', async () => {
  await page.goto(`${app.server.url}#/training`);
  const compare = page.getByRole('region', { name: 'Compare runs' });
  const picks = compare.getByRole('list', { name: 'Runs to compare' });
  await picks.waitFor({ timeout: 30_000 });
  await picks.getByRole('checkbox', { name: /^mnist-ae-2d/ }).check();
  await picks.getByRole('checkbox', { name: /^mnist-vae-2d/ }).check();

  const chart = compare.getByRole('figure', { name: 'Compared loss curves' });
  await chart.waitFor({ timeout: 30_000 });
  await until(async () => (await chart.getByRole('list', { name: 'Runs' }).getByRole('button').count()) === 2, 30_000, 'a legend entry per run');
  await until(async () => (await chart.locator('path.line').count()) === 4, 30_000, 'a train and a test curve per run');
  assert.ok(Number(await chart.getAttribute('data-points')) > 4, 'the curves have their epochs');

  const table = compare.getByRole('table', { name: 'Compared settings' });
  assert.equal(await table.getByRole('rowheader').count(), 2);
  assert.deepEqual((await table.getByRole('rowheader').allInnerTexts()).sort(), ['mnist-ae-2d', 'mnist-vae-2d']);
  assert.match(await table.innerText(), /ae-mlp-2[\s\S]*vae-mlp-2|vae-mlp-2[\s\S]*ae-mlp-2/);

  // Dropping a run takes its curves away.
  await picks.getByRole('checkbox', { name: /^mnist-ae-2d/ }).uncheck();
  await until(async () => (await chart.locator('path.line').count()) === 2, 30_000, 'one run left');
  assert.deepEqual(app.pageErrors, [], 'no uncaught errors in the page');
});
