// End to end in Chromium against web mode: the library tells a model whose own-data folder has
// moved, and "Locate dataset" points it at the folder's new place.
import assert from 'node:assert/strict';
import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import type { Events } from '../../src/shared/contract';
import { smallDataset } from '../reliability/fixtures';
import { useWebApp, type WebApp } from './web-app';

let app: WebApp;
let page: Page;

useWebApp((started) => ({ page } = app = started));

const NAME = 'moved model';

test('a model whose dataset folder moved says so in the library; "Locate dataset" points it at the new place', async () => {
  const data = smallDataset(join(app.home, 'own data'));
  const ended = new Promise<Events['train.end']>((done) => {
    const stop = app.server.engine.onEvent((event, payload) => event === 'train.end' && (stop(), done(payload as Events['train.end'])));
  });
  await app.server.engine.call('train.start', { name: NAME, recipe: 'ae-mlp-8', dataset: data, settings: { epochs: 1, batch: 64 } });
  assert.equal((await ended).status, 'done');
  const moved = join(app.home, 'own data, moved');
  renameSync(data, moved);

  await page.goto(`${app.server.url}#/library`);
  const item = page.getByRole('list', { name: 'Models' }).getByRole('listitem').filter({ hasText: NAME });
  const missing = item.getByText('The dataset folder it was trained on is missing');
  await missing.waitFor({ timeout: 60_000 });
  await item.getByRole('button', { name: 'Locate dataset' }).click();
  await item.getByRole('textbox', { name: `New place of the dataset of ${NAME}` }).fill(moved);
  await item.getByRole('button', { name: 'Use this folder' }).click();
  await missing.waitFor({ state: 'detached', timeout: 60_000 });
  assert.match(await item.innerText(), new RegExp(moved.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  assert.deepEqual(app.pageErrors, [], 'no uncaught errors in the page');
});
