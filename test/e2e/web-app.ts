// What every end-to-end run needs: today's renderer built into a temporary home, web mode serving
// it with a real engine process (a fresh user models folder; the checkout's bundled models), and
// Debian's Chromium driven by playwright-core. The benchmarks drive the app the same way.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startWebServer, type WebServer } from '../../src/main/host/web-server';
import { buildRenderer } from './build-renderer';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SHOTS = join(import.meta.dirname, '..', '..', 'docs', 'screenshots');

export interface WebApp {
  home: string;
  server: WebServer;
  browser: Browser;
  page: Page;
  /** Uncaught errors of the page, for a final "none" assertion. */
  pageErrors: string[];
  close(): Promise<void>;
}

type Viewport = { width: number; height: number };

/** Headless Chromium with one page; uncaught page errors are collected. */
export async function launchBrowser(viewport: Viewport = { width: 1400, height: 860 }): Promise<{ browser: Browser; page: Page; pageErrors: string[] }> {
  assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}: install Debian's (apt-get install -y chromium) or set CHROMIUM_PATH`);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const page = await browser.newPage({ viewport, acceptDownloads: true });
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return { browser, page, pageErrors };
}

export async function startWebApp(options: { viewport?: Viewport } = {}): Promise<WebApp> {
  const home = await mkdtemp(join(tmpdir(), 'latent-explorer-e2e-'));
  await buildRenderer(join(home, 'renderer'));
  const server = await startWebServer({ port: 0, modelsDir: join(home, 'models'), rendererDir: join(home, 'renderer') });
  const { browser, page, pageErrors } = await launchBrowser(options.viewport);
  await mkdir(SHOTS, { recursive: true });
  return {
    home,
    server,
    browser,
    page,
    pageErrors,
    async close() {
      await browser.close();
      await server.close();
      await rm(home, { recursive: true, force: true });
    },
  };
}

/** One web app for a test file's tests: started before them (handed to `started`), closed after them. */
export function useWebApp(started: (app: WebApp) => void, options: { viewport?: Viewport } = {}): void {
  let app: WebApp | undefined;
  before(async () => {
    app = await startWebApp(options);
    started(app);
  });
  after(async () => {
    await app?.close();
  });
}

/** Polls from the test side: the page's CSP (rightly) forbids the string eval waitForFunction uses. */
export async function until(condition: () => Promise<boolean>, timeoutMs: number, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

/**
 * Records every value an attribute takes, from inside the page, so no quick change is missed;
 * read them back with `seenValues`. Sent as source text: functions compiled by tsx carry helpers
 * the page does not have.
 */
export async function watchAttribute(page: Page, selector: string, attribute: string): Promise<void> {
  await page.evaluate(`(() => {
    const seen = (window.__seen = []);
    const record = () => {
      const value = document.querySelector(${JSON.stringify(selector)})?.getAttribute(${JSON.stringify(attribute)});
      if (value != null && seen[seen.length - 1] !== value) seen.push(value);
    };
    new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: [${JSON.stringify(attribute)}] });
    record();
  })()`);
}

export async function seenValues(page: Page): Promise<string[]> {
  return (await page.evaluate('window.__seen')) as string[];
}
