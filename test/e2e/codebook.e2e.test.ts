// End to end in Chromium against web mode: the codebook view on the bundled MNIST VQ-VAE. One
// tile per code; choosing a code highlights exactly its cells in the image's code map and lists
// the test images that use it most; painting a different code into the map changes the decoded
// image, and undo brings it back.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import type { Result } from '../../src/shared/contract';
import { imagePixels } from './image-pixels';
import { SHOTS, until, useWebApp, type WebApp } from './web-app';

const VQ = 'bundled/mnist-vqvae';

let app: WebApp;
let page: Page;

useWebApp((started) => ({ page } = app = started));

const codebook = () => page.getByRole('region', { name: 'Codebook', exact: true });
const codeMap = () => page.getByRole('figure', { name: 'Code map' });
const cells = () => codeMap().locator('[data-code]');
const codeButton = (code: number) => codebook().getByRole('button', { name: `Code ${code}`, exact: true });

async function mapCodes(): Promise<number[]> {
  return (await cells().evaluateAll((els) => els.map((el) => el.getAttribute('data-code')))).map(Number);
}

async function highlighted(): Promise<boolean[]> {
  return (await cells().evaluateAll((els) => els.map((el) => el.getAttribute('data-highlighted')))).map((v) => v === 'true');
}

test('the codebook shows one tile per code, usage, perplexity and dead codes', async () => {
  const { settings } = (await app.server.engine.call('models.describe', { id: VQ })) as Result<'models.describe'>;
  const size = (settings as { codebookSize: number }).codebookSize;
  await page.goto(`${app.server.url}#/codebook`);
  await until(async () => (await page.getByRole('combobox', { name: 'Model', exact: true }).inputValue()) === VQ, 15_000, 'VQ-VAE chosen');
  await codebook().waitFor({ timeout: 60_000 });
  assert.equal(await codebook().getByRole('button', { name: /^Code \d+$/ }).count(), size, 'one tile per code');
  assert.equal(await page.getByRole('figure', { name: 'Code usage' }).getAttribute('data-codes'), String(size));
  const perplexity = Number(await page.getByLabel('Perplexity', { exact: true }).innerText());
  assert.ok(perplexity >= 1 && perplexity <= size, `perplexity ${perplexity}`);
  assert.match(await page.getByLabel('Dead codes', { exact: true }).innerText(), /^\d+$/);

  // Sorting by index puts the tiles in code order; by usage, the most used first.
  await page.getByRole('radio', { name: 'By index' }).click();
  const labels = await codebook().getByRole('button').evaluateAll((els) => els.map((el) => el.getAttribute('aria-label')));
  assert.deepEqual(labels, Array.from({ length: size }, (_, i) => `Code ${i}`));
  await page.getByRole('radio', { name: 'By usage' }).click();
});

test('the code map shows the image’s 49 codes; hovering a cell names its code', async () => {
  await until(async () => (await cells().count()) === 49, 15_000, '7×7 code map');
  const codes = await mapCodes();
  const { images } = (await app.server.engine.call('data.images', { dataset: 'mnist', split: 'test', indices: [0] })) as Result<'data.images'>;
  const quantized = (await app.server.engine.call('model.quantize', { id: VQ, image: images[0]! })) as Result<'model.quantize'>;
  assert.deepEqual(codes, quantized.codes, 'the map holds the model’s codes for test image 0');

  const box = (await codeMap().boundingBox())!;
  await page.mouse.move(box.x + box.width * (3.5 / 7), box.y + box.height * (2.5 / 7));
  assert.match(await page.locator('.readout').innerText(), new RegExp(`row 3, column 4 · code ${codes[17]}$`));
});

test('clicking a code highlights its cells in the code map and lists the test images that use it most', async () => {
  const codes = await mapCodes();
  const code = codes[24]!; // the centre cell
  await codeButton(code).click();
  assert.equal(await codeButton(code).getAttribute('aria-pressed'), 'true');
  assert.deepEqual(await highlighted(), codes.map((c) => c === code), 'exactly the cells holding the code are highlighted');

  const users = page.getByRole('region', { name: 'Code users' });
  await users.getByRole('button', { name: new RegExp(`^Test image \\d+: code ${code} in \\d+ cells$`) }).first().waitFor({ timeout: 30_000 });
  const expected = (await app.server.engine.call('model.codeUsers', { id: VQ, code, count: 8 })) as Result<'model.codeUsers'>;
  assert.equal(await users.getByRole('button').count(), expected.indices.length);
  await page.mouse.move(0, 0);
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(SHOTS, 'codebook.png') });

  // Another code moves the highlight.
  const other = codes.find((c) => c !== code)!;
  await codeButton(other).click();
  assert.deepEqual(await highlighted(), codes.map((c) => c === other));
  await codeButton(code).click();
});

test('painting a different code into the map changes the decoded image; undo restores it', async () => {
  const codes = await mapCodes();
  const code = codes[24]!;
  const decoded = await imagePixels(page, 'Decoded image');
  assert.equal(decoded, await imagePixels(page, 'Quantized'), 'unedited, the decoded image is the quantized one');

  // Paint the centre cell's code along the top row, which holds other codes (background).
  await page.getByRole('radio', { name: 'Paint', exact: true }).click();
  const box = (await codeMap().boundingBox())!;
  const y = box.y + box.height * (0.5 / 7);
  await page.mouse.move(box.x + box.width * (0.5 / 7), y);
  await page.mouse.down();
  for (let i = 1; i <= 12; i++) await page.mouse.move(box.x + box.width * ((0.5 + (6 * i) / 12) / 7), y);
  await page.mouse.up();

  const painted = await mapCodes();
  assert.deepEqual(painted.slice(0, 7), Array(7).fill(code), 'the whole top row now holds the code');
  assert.deepEqual(painted.slice(7), codes.slice(7), 'the rest of the map is untouched');
  await until(async () => (await imagePixels(page, 'Decoded image')) !== decoded, 10_000, 'decoded image changes');
  await page.getByRole('button', { name: /^Reset \(\d+ edited\)$/ }).waitFor();

  await page.keyboard.press('Control+z');
  assert.deepEqual(await mapCodes(), codes);
  await until(async () => (await imagePixels(page, 'Decoded image')) === decoded, 10_000, 'undo restores the decoded image');
  await page.keyboard.press('Control+Shift+z');
  assert.deepEqual((await mapCodes()).slice(0, 7), Array(7).fill(code));
  await page.getByRole('button', { name: /^Reset/ }).click();
  assert.deepEqual(await mapCodes(), codes);
});

test('a test image from the code users becomes the chosen image', async () => {
  const users = page.getByRole('region', { name: 'Code users' });
  const first = users.getByRole('button').first();
  const index = Number((await first.getAttribute('aria-label'))!.match(/^Test image (\d+)/)![1]);
  const before = await mapCodes();
  await first.click();
  assert.equal(await page.getByRole('spinbutton', { name: 'Test image index' }).inputValue(), String(index));
  if (index !== 0) await until(async () => JSON.stringify(await mapCodes()) !== JSON.stringify(before), 10_000, 'new code map');
  assert.deepEqual(app.pageErrors, []);
});
