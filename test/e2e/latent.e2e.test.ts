// End to end in Chromium against web mode: the latent space explorer on the bundled models. The
// app must land on it ready; dragging the probe must repaint the decoded image many times within
// one drag; clicking a sample moves the probe to it; manifold, interpolation, sampling,
// reconstructions, exports, the AE vs VAE comparison, a live training map and a wide latent.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import type { Result } from '../../src/shared/contract';
import { decodedImage, findSample, framesSeen, map, plotBox, probe, watchDecodedFrames } from './latent-page';
import { SHOTS, until, useWebApp, type WebApp } from './web-app';

const VAE = 'bundled/mnist-vae-2d';
const TRAIN_TIMEOUT_MS = 180_000;

let app: WebApp;
let page: Page;

useWebApp((started) => ({ page } = app = started));

const tools = () => page.getByRole('tablist', { name: 'Tools' });
const spin = (name: string) => page.getByRole('spinbutton', { name, exact: true });
const shot = (name: string) => page.screenshot({ path: join(SHOTS, `latent-${name}.png`) });

async function probeCoords(): Promise<[number, number]> {
  return [Number(await spin('Probe z₁').inputValue()), Number(await spin('Probe z₂').inputValue())];
}

async function encodings(id: string): Promise<Result<'model.encode'>> {
  return (await app.server.engine.call('model.encode', { id, split: 'test', limit: 10_000 })) as Result<'model.encode'>;
}

test('the app lands on a ready latent space explorer with the bundled MNIST VAE', async () => {
  // Interactive at all, within generous time-outs; how fast is measured by the benchmarks, not here.
  await page.goto(app.server.url);
  await map(page).and(page.locator('[data-ready="true"]')).waitFor({ timeout: 60_000 });
  await until(async () => Number(await decodedImage(page).getAttribute('data-frame')) >= 1, 60_000, 'first decoded image');

  const nav = page.getByRole('navigation', { name: 'Views' });
  assert.equal(await nav.getByRole('link', { name: 'Latent space' }).getAttribute('aria-current'), 'page');
  assert.equal(await page.getByRole('combobox', { name: 'Model', exact: true }).inputValue(), VAE);
  // The first answer shows part of the test set at once; the whole 10,000 follow.
  await map(page).and(page.locator('[data-points="10000"]')).waitFor({ timeout: 30_000 });
  for (const digit of ['0', '9']) await map(page).getByRole('button', { name: new RegExp(`^${digit} \\d+`) }).waitFor();
  await shot('space');
});

test('dragging the probe across the map repaints the decoded image many times during the drag', async () => {
  const box = await plotBox(page);
  const start = (await probe(page).boundingBox())!;
  const before = await probeCoords();
  await watchDecodedFrames(page);

  await page.mouse.move(start.x + start.width / 2, start.y + start.height / 2);
  await page.mouse.down();
  const [x0, x1, y] = [box.x + box.width * 0.15, box.x + box.width * 0.85, box.y + box.height * 0.4];
  // Paced by the app's answers, not by the clock: after each leg of the drag (the button still
  // held) a new decoded image must appear, however long a loaded machine takes to answer.
  const legs = 6;
  for (let leg = 1; leg <= legs; leg++) {
    for (let i = (leg - 1) * 10; i <= leg * 10; i++) await page.mouse.move(x0 + ((x1 - x0) * i) / (legs * 10), y + Math.sin(i / 8) * box.height * 0.2);
    await until(async () => (await framesSeen(page)).distinct >= leg, 30_000, `a new decoded image during leg ${leg} of the drag`);
  }
  const during = await framesSeen(page);
  await shot('drag');
  await page.mouse.up();

  assert.ok(during.distinct >= legs, `the decoded image should change during the drag; it showed ${during.distinct} different images in ${during.frames} paints`);
  const after = await probeCoords();
  assert.ok(Math.hypot(after[0] - before[0], after[1] - before[1]) > 0.5, `the probe moved (${before} → ${after})`);
});

test('the probe moves with the arrow keys and from its coordinate fields', async () => {
  await probe(page).focus();
  const before = await probeCoords();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Shift+ArrowUp');
  const after = await probeCoords();
  assert.ok(after[0] > before[0] && after[1] > before[1], `arrow keys move the probe right and up (${before} → ${after})`);

  await watchDecodedFrames(page);
  await spin('Probe z₁').fill('0.5');
  await spin('Probe z₂').fill('-0.25');
  await spin('Probe z₂').press('Enter');
  assert.deepEqual(await probeCoords(), [0.5, -0.25]);
  assert.match((await probe(page).getAttribute('aria-valuetext'))!, /z₁ 0\.50, z₂ -0\.25/);
  await until(async () => (await framesSeen(page)).frames >= 1, 5000, 'a decode of the typed position');
});

test('hovering shows the nearest sample and its reconstruction; clicking it moves the probe to its encoding', async () => {
  const { points } = await encodings(VAE);
  const sample = await findSample(page);
  const card = page.getByRole('tooltip');
  await card.getByRole('img', { name: `Test image ${sample.index}`, exact: true }).waitFor();
  await card.getByRole('img', { name: `Reconstruction of test image ${sample.index}` }).waitFor();
  await shot('hover');
  await page.mouse.click(sample.x, sample.y);
  const [u, v] = await probeCoords();
  const [eu, ev] = [points[sample.index * 2]!, points[sample.index * 2 + 1]!];
  assert.ok(Math.abs(u - eu) < 1e-3 && Math.abs(v - ev) < 1e-3, `probe at (${u}, ${v}), test #${sample.index} encodes to (${eu}, ${ev})`);
});

test('the manifold shows n×n decodings of the visible region, and at Gaussian quantiles', async () => {
  const figure = page.getByRole('figure', { name: 'Manifold' });
  await spin('Grid size n').fill('7');
  await figure.and(page.locator('[data-n="7"]')).waitFor();
  assert.equal(await figure.getByRole('img').count(), 49);

  await page.getByRole('radio', { name: 'Gaussian quantiles' }).click();
  await spin('Grid size n').fill('15');
  await figure.and(page.locator('[data-n="15"]')).waitFor();
  assert.equal(await figure.getByRole('img').count(), 225);
  await until(async () => /quantiles/.test(await figure.innerText()), 5000, 'quantile caption');
  await shot('manifold');

  await page.getByRole('radio', { name: 'Visible region' }).click();
  await page.getByRole('checkbox', { name: 'Over the map' }).check();
  await page.waitForTimeout(300);
  await shot('manifold-overlay');
  await page.getByRole('checkbox', { name: 'Over the map' }).uncheck();
});

test('interpolation between two picked samples shows k decoded steps and the path on the map', async () => {
  await tools().getByRole('tab', { name: 'Interpolation' }).click();
  await spin('Steps k').fill('8');
  await page.getByRole('button', { name: 'Pick two samples' }).click();
  const box = await plotBox(page);
  const a = await findSample(page, { near: { x: box.x + box.width * 0.3, y: box.y + box.height * 0.35 } });
  await page.mouse.click(a.x, a.y);
  const b = await findSample(page, { near: { x: box.x + box.width * 0.7, y: box.y + box.height * 0.65 }, avoid: [a] });
  await page.mouse.click(b.x, b.y);

  const figure = page.getByRole('figure', { name: 'Interpolation' });
  await until(async () => new RegExp(`from test #${a.index} .* to test #${b.index}`).test(await figure.innerText()), 10_000, 'the picked ends');
  await figure.and(page.locator('[data-steps="8"]')).waitFor();
  assert.equal(await figure.getByRole('img').count(), 8);
  assert.equal(await map(page).locator('circle.step').count(), 8, 'the path on the map has a dot per step');

  await page.getByRole('radio', { name: 'Slerp' }).click();
  await until(async () => /great circle/.test(await figure.innerText()), 5000, 'slerp caption');
  await page.mouse.move(box.x + 2, box.y + 2);
  await shot('interpolation');
});

test('sampling shows a seeded grid of prior samples; Resample rolls a new one', async () => {
  await tools().getByRole('tab', { name: 'Samples' }).click();
  const figure = page.getByRole('figure', { name: 'Samples' });
  await figure.and(page.locator('[data-samples="36"]')).waitFor();
  const caption = await figure.innerText();
  await page.getByRole('button', { name: 'Resample' }).click();
  await until(async () => (await figure.innerText()) !== caption, 5000, 'a new seed');
  assert.equal(await figure.getByRole('img').count(), 36);
  await shot('samples');
});

test('reconstructions show a batch of test images above their reconstructions', async () => {
  await tools().getByRole('tab', { name: 'Reconstructions' }).click();
  const figure = page.getByRole('figure', { name: 'Reconstructions' });
  await figure.getByRole('img', { name: 'Test image 0', exact: true }).waitFor();
  assert.equal(await figure.getByRole('img', { name: /^Test image \d+$/ }).count(), 8);
  assert.equal(await figure.getByRole('img', { name: /^Reconstruction of test image/ }).count(), 8);
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await figure.getByRole('img', { name: 'Test image 8', exact: true }).waitFor();
  await shot('reconstructions');
});

test('exports the map as PNG and the encodings as CSV', async () => {
  const [png] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export PNG' }).click()]);
  const pngBytes = await readFile((await png.path())!);
  assert.deepEqual([...pngBytes.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], 'a PNG file');
  assert.match(png.suggestedFilename(), /\.png$/);

  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Encodings CSV' }).click()]);
  const lines = (await readFile((await csv.path())!, 'utf8')).trim().split('\n');
  assert.equal(lines[0], 'index,label,class,z1,z2');
  assert.equal(lines.length, 10_001);
  const { points, labels } = await encodings(VAE);
  const [index, label, , z1, z2] = lines[1]!.split(',');
  assert.deepEqual([Number(index), Number(label)], [0, labels[0]]);
  assert.ok(Math.abs(Number(z1) - points[0]!) < 1e-6 && Math.abs(Number(z2) - points[1]!) < 1e-6);
});

test('AE vs VAE: both latent maps side by side, the same prior codes decoded by each', async () => {
  await page.getByRole('tab', { name: 'AE vs VAE' }).click();
  for (const kind of ['AE', 'VAE']) {
    await page.getByRole('figure', { name: `Latent space of the ${kind}`, exact: true }).and(page.locator('[data-ready="true"]')).waitFor({ timeout: 30_000 });
    await page.getByRole('figure', { name: `${kind} samples`, exact: true }).and(page.locator('[data-samples="64"]')).waitFor();
  }
  assert.equal(await page.getByRole('figure', { name: 'Latent space of the AE', exact: true }).locator('path.marker').count(), 64);
  await page.setViewportSize({ width: 1400, height: 1060 });
  await page.mouse.move(10, 10);
  await shot('ae-vs-vae');
  await page.setViewportSize({ width: 1400, height: 860 });
  await page.getByRole('tab', { name: 'Explore' }).click();
});

test('Fashion-MNIST shows its class names', async () => {
  await page.getByRole('combobox', { name: 'Model', exact: true }).selectOption('bundled/fashion-vae-2d');
  await map(page).getByRole('button', { name: /^Ankle boot \d+/ }).waitFor();
  await map(page).and(page.locator('[data-points="10000"]')).waitFor({ timeout: 30_000 });
  await tools().getByRole('tab', { name: 'Manifold' }).click();
  await page.getByRole('figure', { name: 'Manifold' }).and(page.locator('[data-n="15"]')).waitFor();
  await page.mouse.move(10, 10);
  await shot('fashion');
});

test('while a 2-D model trains, its latent map refreshes after every epoch', { timeout: TRAIN_TIMEOUT_MS }, async () => {
  const name = 'e2e live latent';
  await app.server.engine.call('train.start', { name, recipe: 'vae-mlp-2', dataset: 'mnist', settings: { epochs: 4, limit: 3000, batch: 32 } });
  const watch = page.getByRole('button', { name: 'Watch its latent space' });
  await watch.waitFor({ timeout: TRAIN_TIMEOUT_MS });
  await watch.click();
  await page.getByRole('combobox', { name: 'Model', exact: true }).and(page.locator(`:has(option[value="user/${name}"]:checked)`)).waitFor();

  const live = page.locator('[data-epoch]');
  await live.waitFor();
  const epochs = new Set<number>();
  let shown = false;
  await until(
    async () => {
      // Read in one step: the chip can vanish between a count and a read when the run ends.
      const shownEpochs = await live.evaluateAll((chips) => chips.map((chip) => chip.getAttribute('data-epoch')));
      if (shownEpochs.length === 0) return true; // the run has ended
      epochs.add(Number(shownEpochs[0]));
      if (!shown && epochs.size >= 2) {
        shown = true;
        await shot('training');
      }
      return epochs.has(4);
    },
    TRAIN_TIMEOUT_MS,
    'training to end'
  );
  const seen = [...epochs].filter((e) => e > 0);
  assert.ok(seen.length >= 2, `the map should show at least two successive epochs while training; saw epochs ${seen.join(', ')}`);
  await until(async () => ((await app.server.engine.call('models.list', {})) as Result<'models.list'>).some((m) => m.name === name && m.epochs === 4), TRAIN_TIMEOUT_MS, 'the run to finish');
});

test('a latent wider than 2 is shown on its PCA plane, with a slider per dimension', { timeout: TRAIN_TIMEOUT_MS }, async () => {
  const name = 'e2e wide latent';
  const { modelId } = (await app.server.engine.call('train.start', {
    name,
    recipe: 'vae-mlp-8',
    dataset: 'mnist',
    settings: { epochs: 1, limit: 1000, batch: 50 },
  })) as Result<'train.start'>;
  await until(async () => ((await app.server.engine.call('models.list', {})) as Result<'models.list'>).some((m) => m.id === modelId && m.epochs === 1), TRAIN_TIMEOUT_MS, 'the wide model');
  await page.reload();
  await page.getByRole('combobox', { name: 'Model', exact: true }).selectOption(modelId);
  await map(page).and(page.locator('[data-points="10000"]')).waitFor({ timeout: 30_000 });
  assert.equal(await page.getByRole('slider', { name: /^Latent dimension \d+$/ }).count(), 8);
  await spin('Probe PC1').waitFor();

  await watchDecodedFrames(page);
  const slider = page.getByRole('slider', { name: 'Latent dimension 3' });
  const box = (await slider.boundingBox())!;
  await page.mouse.click(box.x + box.width * 0.9, box.y + box.height / 2);
  await until(async () => (await framesSeen(page)).frames >= 1, 5000, 'a decode after moving a dimension');

  // Dragging moves the probe along the plane: its plane coordinates change, and so does the image.
  const before = await planeCoords();
  const start = (await probe(page).boundingBox())!;
  await watchDecodedFrames(page);
  await page.mouse.move(start.x + start.width / 2, start.y + start.height / 2);
  await page.mouse.down();
  await page.mouse.move(start.x + 60, start.y - 40, { steps: 8 });
  await page.mouse.up();
  assert.notDeepEqual(await planeCoords(), before);
  await until(async () => (await framesSeen(page)).distinct >= 2, 5000, 'decodes along the plane');

  // A bar of the Dimensions tool puts its dimension on the map's x axis: the map is then the plane of two latent dimensions.
  await page.getByRole('tablist', { name: 'Tools' }).getByRole('tab', { name: 'Dimensions' }).click();
  const dimensions = page.getByRole('tabpanel', { name: 'Dimensions' });
  await dimensions.getByRole('radiogroup', { name: 'A bar click' }).getByRole('radio', { name: /x axis/ }).click();
  const bar = dimensions.getByRole('region', { name: 'Per-dimension statistics' }).getByRole('button').last();
  const dimension = (await bar.locator('.label').innerText()).trim();
  await bar.click();
  await spin(`Probe ${dimension}`).waitFor({ timeout: 10_000 });
  // The other axis keeps z2, unless the bar was z2's: then the two swap.
  const expected = dimension === 'z2' ? 'z2 × z1' : `${dimension} × z2`;
  assert.equal(await page.getByRole('radiogroup', { name: 'Map' }).getByRole('radio', { checked: true }).innerText(), expected);

  // The screenshot shows a trained wide model when the checkout bundles one (the DAE's 8-D codes).
  const models = (await app.server.engine.call('models.list', {})) as Result<'models.list'>;
  if (models.some((m) => m.id === 'bundled/mnist-dae')) {
    await page.getByRole('combobox', { name: 'Model', exact: true }).selectOption('bundled/mnist-dae');
    await map(page).and(page.locator('[data-points="10000"]')).waitFor({ timeout: 30_000 });
  }
  await page.mouse.move(10, 10);
  await shot('wide');
  assert.deepEqual(app.pageErrors, [], 'no uncaught errors in the page');
});

async function planeCoords(): Promise<[number, number]> {
  return [Number(await spin('Probe PC1').inputValue()), Number(await spin('Probe PC2').inputValue())];
}
