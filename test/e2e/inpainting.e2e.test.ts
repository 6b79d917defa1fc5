// End to end in Chromium against web mode: the inpainting view on the bundled MNIST MAE. A brush
// stroke over the digit hides pixels, and the masked input and the inpainted output change while
// painting; undo/redo, whole-mask operations and a hand-drawn digit work through the window.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { imageFrames, imagePixels } from './image-pixels';
import { SHOTS, until, useWebApp, type WebApp } from './web-app';

const MAE = 'bundled/mnist-mae';

let app: WebApp;
let page: Page;

useWebApp((started) => ({ page } = app = started));

const painter = () => page.getByRole('figure', { name: 'Mask painter' });
const hiddenPixels = async () => Number((await page.locator('dt', { hasText: 'Hidden pixels' }).locator('xpath=following-sibling::dd').innerText()).split(' ')[0]);
const mse = () => page.getByLabel('Hidden-pixel MSE', { exact: true }).innerText();

/**
 * Drags the brush across the painter between two points given as fractions of its side; `midway`
 * runs halfway along, with the button still held.
 */
async function stroke(from: [number, number], to: [number, number], steps = 24, midway?: () => Promise<void>): Promise<void> {
  const box = (await painter().boundingBox())!;
  const at = ([fx, fy]: [number, number]) => [box.x + fx * box.width, box.y + fy * box.height] as const;
  await page.mouse.move(...at(from));
  await page.mouse.down();
  for (let i = 1; i <= steps; i++) {
    const t = i / steps;
    await page.mouse.move(...at([from[0] + (to[0] - from[0]) * t, from[1] + (to[1] - from[1]) * t]));
    if (i === Math.floor(steps / 2)) await midway?.();
  }
  await page.mouse.up();
}

async function settled(): Promise<void> {
  await until(async () => (await page.getByRole('region', { name: 'Result' }).getAttribute('aria-busy')) === 'false', 15_000, 'inpainting answered');
}

test('the inpainting view opens on the bundled MAE with a test digit and nothing hidden', async () => {
  await page.goto(`${app.server.url}#/inpainting`);
  const nav = page.getByRole('navigation', { name: 'Views' });
  await nav.getByRole('link', { name: 'Inpainting' }).waitFor();
  assert.equal(await nav.getByRole('link', { name: 'Inpainting' }).getAttribute('aria-current'), 'page');
  await until(async () => (await page.getByRole('combobox', { name: 'Model', exact: true }).inputValue()) === MAE, 15_000, 'MAE chosen');
  await painter().waitFor();
  await settled();
  await until(async () => (await mse()) === '—', 15_000, 'first answer');
  assert.equal(await hiddenPixels(), 0);
  assert.equal(await imagePixels(page, 'Masked input'), await imagePixels(page, 'Original'), 'with nothing hidden the model sees the original');
});

test('painting a stroke over the digit changes the masked input and the inpainted output while painting', async () => {
  await page.getByRole('slider', { name: 'Brush size' }).fill('3');
  const masked = await imagePixels(page, 'Masked input');
  const inpainted = await imagePixels(page, 'Inpainted image');
  const framesBefore = await imageFrames(page, 'Inpainted image');

  // Test image 0 is a 7: its top bar lies about a third of the way down; paint along it.
  // Paced by the app, not the clock: halfway along the stroke, before the button is released, the
  // inpainted output must already have been repainted.
  let duringStroke = 0;
  await stroke([0.3, 0.33], [0.75, 0.33], 40, async () => {
    await until(async () => (await imageFrames(page, 'Inpainted image')) > framesBefore, 30_000, 'a repaint during the stroke');
    duringStroke = (await imageFrames(page, 'Inpainted image')) - framesBefore;
  });
  await settled();

  assert.ok((await hiddenPixels()) > 20, `the stroke hides pixels (${await hiddenPixels()})`);
  assert.notEqual(await imagePixels(page, 'Masked input'), masked, 'the masked input changes');
  assert.notEqual(await imagePixels(page, 'Inpainted image'), inpainted, 'the inpainted output changes');
  const frames = (await imageFrames(page, 'Inpainted image')) - framesBefore;
  assert.ok(duringStroke >= 1 && frames > duringStroke, `the output updates during the stroke and again after it (${duringStroke} paints during, ${frames} in all)`);
  const error = Number(await mse());
  assert.ok(Number.isFinite(error) && error >= 0 && error < 1, `hidden-pixel MSE is shown (${error})`);
});

test('undo and redo a stroke with the keyboard and the buttons', async () => {
  const afterFirst = await imagePixels(page, 'Masked input');
  const hiddenAfterFirst = await hiddenPixels();
  await stroke([0.5, 0.15], [0.5, 0.85]);
  await settled();
  const afterSecond = await imagePixels(page, 'Masked input');
  assert.ok((await hiddenPixels()) > hiddenAfterFirst);

  await page.keyboard.press('Control+z');
  await settled();
  assert.equal(await hiddenPixels(), hiddenAfterFirst, 'Ctrl+Z takes back the last stroke');
  await until(async () => (await imagePixels(page, 'Masked input')) === afterFirst, 5000, 'masked input back to the first stroke');

  await page.keyboard.press('Control+Shift+z');
  await settled();
  await until(async () => (await imagePixels(page, 'Masked input')) === afterSecond, 5000, 'Ctrl+Shift+Z redoes');
  await page.mouse.move(0, 0);
  await page.evaluate('document.activeElement?.blur()');
  await page.screenshot({ path: join(SHOTS, 'inpainting.png') });

  await page.getByRole('button', { name: 'Undo' }).click();
  await settled();
  assert.equal(await hiddenPixels(), hiddenAfterFirst);
});

test('invert, random masks and clear', async () => {
  const hidden = await hiddenPixels();
  await page.getByRole('button', { name: 'Invert' }).click();
  assert.equal(await hiddenPixels(), 784 - hidden);

  await page.getByRole('slider', { name: 'Random mask ratio' }).fill('0.5');
  await page.getByRole('button', { name: 'Random blocks' }).click();
  const blocks = await hiddenPixels();
  assert.equal(blocks, Math.round(0.5 * 49) * 16, '4×4 blocks: a multiple of 16 pixels');
  await page.getByRole('button', { name: 'Random pixels' }).click();
  assert.equal(await hiddenPixels(), Math.round(0.5 * 784));
  await settled();
  assert.notEqual(await mse(), '—');

  await page.getByRole('button', { name: 'Clear', exact: true }).click();
  assert.equal(await hiddenPixels(), 0);
  await page.getByRole('button', { name: 'Undo' }).click();
  assert.equal(await hiddenPixels(), Math.round(0.5 * 784), 'operations are undo steps too');
});

test('a digit drawn by hand is inpainted like a test image', async () => {
  const testImage = await imagePixels(page, 'Original');
  await page.getByRole('radio', { name: 'Draw' }).click();
  await page.getByRole('button', { name: 'Clear drawing' }).click();
  const box = (await page.getByLabel(/Drawing canvas/).boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.2);
  await page.mouse.down();
  for (let i = 1; i <= 20; i++) await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * (0.2 + i * 0.03));
  await page.mouse.up();
  await settled();
  assert.notEqual(await imagePixels(page, 'Original'), testImage, 'the drawn digit is the image now');

  // Hide the middle of the drawn stroke: the model fills it in.
  await page.getByRole('button', { name: 'Clear', exact: true }).click();
  await stroke([0.45, 0.5], [0.55, 0.5], 6);
  await settled();
  assert.ok((await hiddenPixels()) > 0);
  assert.notEqual(await imagePixels(page, 'Inpainted image'), await imagePixels(page, 'Masked input'));
  await page.getByRole('radio', { name: 'Test set' }).click();
  await until(async () => (await imagePixels(page, 'Original')) === testImage, 5000, 'back to the test image');
  assert.deepEqual(app.pageErrors, []);
});
