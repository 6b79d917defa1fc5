// End to end in Chromium against web mode: the UMAP and t-SNE maps of a wide latent (the bundled
// DAE's 8-D codes). Switching the map to UMAP shows the fit's progress, then the map; hovering a
// sample shows its image and the model's decoding of it; moving the probe on the UMAP plane decodes
// the latent the engine's inverse gives, and the probe panel says how far that latent lies from the
// data; the Dimensions tool's traversal rows follow the UMAP axes; a fit can be cancelled. The
// t-SNE map does the same through the same inverse. A UMAP map shown while a model trains is
// fitted again when an epoch changes the weights.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Result } from '../../src/shared/contract';
import type { Page } from 'playwright-core';
import { findSample, framesSeen, map, probe, watchDecodedFrames } from './latent-page';
import { until, useWebApp, type WebApp } from './web-app';

let app: WebApp;
let page: Page;

useWebApp((started) => {
  app = started;
  page = started.page;
});

/** Opens the bundled DAE (8-D codes) and switches its map to `name`: the fit's progress, then a map of `points` points within `timeoutMs`. */
async function showMap(name: string, points: number, timeoutMs: number): Promise<void> {
  await page.goto(app.server.url);
  await page.getByRole('combobox', { name: 'Model', exact: true }).selectOption('bundled/mnist-dae');
  await map(page).and(page.locator('[data-points="10000"]')).waitFor({ timeout: 60_000 });
  await page.getByRole('radiogroup', { name: 'Map' }).getByRole('radio', { name }).click();
  await page.getByRole('status', { name: `${name} progress` }).waitFor({ timeout: 10_000 });
  assert.equal(await page.getByRole('combobox', { name: `${name} points` }).inputValue(), String(points));
  await map(page).and(page.locator(`[data-points="${points}"]`)).waitFor({ timeout: timeoutMs });
}

/**
 * Moves the probe on the `name` map shown with the keyboard: a decode follows, and the probe panel
 * says how far the inverse's latent lies from the data. Returns that readout.
 */
async function probeDecodesOnMap(name: string) {
  await watchDecodedFrames(page);
  await probe(page).focus();
  for (let step = 0; step < 3; step++) await page.keyboard.press('Shift+ArrowRight');
  await until(async () => (await framesSeen(page)).frames >= 1, 30_000, `a decode of the probe moved on the ${name} plane`);
  const readout = page.locator('[data-latent-distance]');
  await readout.waitFor({ timeout: 30_000 });
  assert.ok(Number(await readout.getAttribute('data-latent-distance')) >= 0, 'the panel gives the latent distance to the data');
  assert.match(await readout.innerText(), new RegExp(`On the ${name} map: the latent of this point lies [\\d.]+ from test #\\d+`));
  return readout;
}

test('the UMAP map appears with progress, hovering decodes, the probe decodes on the UMAP plane, a fit can be cancelled', { timeout: 240_000 }, async () => {
  await showMap('UMAP', 2000, 180_000);
  await page.getByRole('spinbutton', { name: 'Probe UMAP 1' }).waitFor();

  const sample = await findSample(page);
  const card = page.getByRole('tooltip');
  await card.getByRole('img', { name: `Reconstruction of test image ${sample.index}` }).waitFor({ timeout: 10_000 });

  const readout = await probeDecodesOnMap('UMAP');
  // The header counts the points drawn, and the manifold says its grid stays on the PCA plane.
  assert.match(await page.getByRole('region', { name: 'Latent map' }).innerText(), /\b2,000 points projected/);
  await page.getByRole('tablist', { name: 'Tools' }).getByRole('tab', { name: 'Manifold' }).click();
  assert.match(await page.getByRole('tabpanel', { name: 'Manifold' }).innerText(), /The UMAP map is not a plane of the latent space.*PC1\/PC2 plane's last visible region/s);

  // Traversal rows along the UMAP map's axes: the inverse of points either side of the probe's.
  await page.getByRole('tablist', { name: 'Tools' }).getByRole('tab', { name: 'Dimensions' }).click();
  const dimensions = page.getByRole('tabpanel', { name: 'Dimensions' });
  await dimensions.getByRole('radiogroup', { name: 'Traversal rows' }).getByRole('radio', { name: 'Map axes' }).click();
  const tiles = dimensions.getByRole('region', { name: 'Traversal' }).getByRole('img');
  await until(async () => (await tiles.count()) === 18 && /^UMAP 1 = /.test((await tiles.first().getAttribute('alt')) ?? ''), 60_000, 'a row per UMAP axis');
  assert.ok(new Set(await Promise.all((await tiles.all()).map((t) => t.getAttribute('src')))).size > 1, 'the images change along the UMAP axes');

  // Picking a sample on the UMAP map puts the probe on that sample's own point: its latent, at distance 0.
  await page.mouse.click(sample.x, sample.y);
  await until(async () => (await readout.getAttribute('data-latent-distance')) === '0', 10_000, 'the probe on the picked sample');

  // A larger map starts a new fit; Cancel stops it and the view goes back to the PCA plane.
  await page.getByRole('combobox', { name: 'UMAP points' }).selectOption('5000');
  await page.getByRole('status', { name: 'UMAP progress' }).waitFor({ timeout: 10_000 });
  await page.getByRole('button', { name: 'Cancel' }).click();
  await page.getByRole('radiogroup', { name: 'Map' }).getByRole('radio', { name: 'PCA', checked: true }).waitFor({ timeout: 10_000 });
  await map(page).and(page.locator('[data-points="10000"]')).waitFor({ timeout: 10_000 });
  assert.deepEqual(app.pageErrors, [], 'no uncaught errors in the page');
});

test('the t-SNE map appears with progress, hovering decodes, and the probe decodes on it through the inverse', { timeout: 400_000 }, async () => {
  // The smallest t-SNE map first.
  await showMap('t-SNE', 500, 360_000);
  await page.getByRole('spinbutton', { name: 'Probe t-SNE 1' }).waitFor();

  const sample = await findSample(page);
  await page.getByRole('tooltip').getByRole('img', { name: `Reconstruction of test image ${sample.index}` }).waitFor({ timeout: 10_000 });

  const readout = await probeDecodesOnMap('t-SNE');

  // On a sample's own point the inverse gives that sample's latent: distance 0.
  await page.mouse.click(sample.x, sample.y);
  await until(async () => (await readout.getAttribute('data-latent-distance')) === '0', 10_000, 'the probe on the picked sample');
  assert.deepEqual(app.pageErrors, [], 'no uncaught errors in the page');
});

test('a UMAP map shown while its model trains is fitted again when an epoch changes the weights', { timeout: 600_000 }, async () => {
  const name = 'e2e umap refit';
  // What the engine reports, in order: epochs of this run, and map fits (started, ended).
  const seen: { kind: 'epoch' | 'fit' | 'end'; jobId?: string; status?: string }[] = [];
  const off = app.server.engine.onEvent((event, payload) => {
    const p = payload as { modelId?: string; jobId?: string; status?: string };
    if (event === 'train.epoch') seen.push({ kind: 'epoch' });
    else if (event === 'neighbourMap.progress' && !seen.some((s) => s.kind === 'fit' && s.jobId === p.jobId)) seen.push({ kind: 'fit', jobId: p.jobId });
    else if (event === 'neighbourMap.end') seen.push({ kind: 'end', jobId: p.jobId, status: p.status });
  });
  const { runId, modelId } = (await app.server.engine.call('train.start', {
    name,
    recipe: 'vae-mlp-8',
    dataset: 'mnist',
    settings: { epochs: 2, limit: 3000, batch: 50 },
  })) as Result<'train.start'>;
  const epochs = async () => ((await app.server.engine.call('models.list', {})) as Result<'models.list'>).find((m) => m.id === modelId)?.epochs ?? 0;
  // Held after its first epoch, so the map is shown before the second one ends.
  await until(async () => (await epochs()) >= 1, 300_000, 'the first epoch');
  await app.server.engine.call('train.pause', { runId });
  assert.equal(await epochs(), 1, 'paused before the last epoch');

  await page.goto(app.server.url);
  await page.getByRole('combobox', { name: 'Model', exact: true }).selectOption(modelId);
  await map(page).and(page.locator('[data-points="10000"]')).waitFor({ timeout: 60_000 });
  await page.getByRole('radiogroup', { name: 'Map' }).getByRole('radio', { name: 'UMAP' }).click();
  await map(page).and(page.locator('[data-points="2000"]')).waitFor({ timeout: 240_000 });

  await app.server.engine.call('train.resume', { runId });
  // After the last epoch the view asks for the new weights' map: a fit that starts after it, shows its progress, ends done, and is drawn.
  const lastEpoch = () => seen.findLastIndex((s) => s.kind === 'epoch');
  await until(async () => seen.filter((s) => s.kind === 'epoch').length === 2, 300_000, 'the second epoch');
  await until(async () => seen.slice(lastEpoch()).some((s) => s.kind === 'fit'), 120_000, 'a fit started after the last epoch');
  const refit = seen.slice(lastEpoch()).find((s) => s.kind === 'fit')!.jobId;
  assert.ok(!seen.slice(0, lastEpoch()).some((s) => s.jobId === refit), 'a new fit, not one started before the epoch');
  await until(async () => seen.some((s) => s.kind === 'end' && s.jobId === refit && s.status === 'done'), 300_000, 'the refit to end');
  await page.getByRole('status', { name: 'UMAP progress' }).waitFor({ state: 'detached', timeout: 60_000 });
  await map(page).and(page.locator('[data-points="2000"]')).waitFor({ timeout: 60_000 });
  await page.getByRole('radiogroup', { name: 'Map' }).getByRole('radio', { name: 'UMAP', checked: true }).waitFor();
  off();
  assert.deepEqual(app.pageErrors, [], 'no uncaught errors in the page');
});
