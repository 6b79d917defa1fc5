// The core gesture, measured end to end: `latent-explorer serve` (web mode, its own process, as a
// user starts it) with the bundled MNIST VAE 2-D, Debian's Chromium, and the pointer dragging the
// probe around the latent map without pause for ~5 s. Reports the decoded images the page actually
// paints per second (each paint bumps the canvas's data-frame), the decode round trip as the page
// sees it during the drag, time to interactive, and where the page's main thread spent its time.
// Run: node --import tsx bench/drag-fps.ts [--seconds 5]   (prints one JSON object)
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { framesSeen, map, plotBox, probe, watchDecodedFrames } from '../test/e2e/latent-page';
import { launchBrowser, until } from '../test/e2e/web-app';
import { quantile, round } from './figures';
import { serve } from './serve';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '5' } } });
const SECONDS = Number(values.seconds);
/** Pointer moves dispatched ahead of the page: a real pointer does not wait for the page either. */
const PIPELINE = 4;


/** Times each model.decode from the page's WebSocket send to its answer (installed before the app loads). */
const DECODE_TIMER = `(() => {
  const sent = new Map();
  window.__decodeMs = [];
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    if (!this.__timed) {
      this.__timed = true;
      this.addEventListener('message', (event) => {
        const id = /"id":(\\d+)/.exec(String(event.data))?.[1];
        if (id && sent.has(id)) window.__decodeMs.push(performance.now() - sent.get(id)), sent.delete(id);
      });
    }
    const text = String(data);
    if (text.includes('"model.decode"')) sent.set(/"id":(\\d+)/.exec(text)?.[1], performance.now());
    return send.call(this, data);
  };
})()`;

async function main(): Promise<void> {
  const modelsDir = await mkdtemp(join(tmpdir(), 'latent-explorer-bench-'));
  const server = await serve(modelsDir);
  const { browser, page, pageErrors } = await launchBrowser();
  try {
    await page.addInitScript(DECODE_TIMER);
    const started = Date.now();
    await page.goto(server.url);
    await map(page).and(page.locator('[data-ready="true"]')).waitFor({ timeout: 60_000 });
    await until(async () => Number(await page.getByRole('img', { name: 'Decoded image' }).getAttribute('data-frame')) >= 1, 60_000);
    const timeToInteractiveMs = Date.now() - started;
    await map(page).and(page.locator('[data-points="10000"]')).waitFor({ timeout: 60_000 });
    await page.getByRole('figure', { name: 'Manifold' }).getByRole('img').first().waitFor();

    // Drag the probe on a Lissajous curve over the middle of the map.
    const box = await plotBox(page);
    const start = (await probe(page).boundingBox())!;
    await page.mouse.move(start.x + start.width / 2, start.y + start.height / 2);
    await page.mouse.down();
    await watchDecodedFrames(page);
    await page.evaluate('window.__decodeMs = []');
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const metrics = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
    const before = await metrics();
    const [cx, cy, rx, ry] = [box.x + box.width / 2, box.y + box.height / 2, box.width * 0.35, box.height * 0.35];
    const t0 = Date.now();
    let moves = 0;
    const inFlight = new Set<Promise<void>>();
    while (Date.now() - t0 < SECONDS * 1000) {
      const t = (Date.now() - t0) / 1000;
      const move = page.mouse.move(cx + rx * Math.sin(t * 1.7), cy + ry * Math.sin(t * 2.3)).finally(() => inFlight.delete(move));
      inFlight.add(move);
      moves += 1;
      if (inFlight.size >= PIPELINE) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    const elapsed = (Date.now() - t0) / 1000;
    const seen = await framesSeen(page);
    const after = await metrics();
    const decodeMs = ((await page.evaluate('window.__decodeMs')) as number[]).sort((a, b) => a - b);
    await page.mouse.up();

    const busy = (name: string) => round(((after[name]! - before[name]!) / elapsed) * 100);
    const gaps = seen.times.slice(1).map((t, i) => t - seen.times[i]!).sort((a, b) => a - b);
    const backend = /Backend: (\S+)/.exec(await page.getByRole('status').filter({ hasText: 'Backend:' }).innerText())?.[1];
    console.log(
      JSON.stringify(
        {
          model: 'bundled/mnist-vae-2d',
          backend,
          timeToInteractiveMs,
          drag: {
            seconds: round(elapsed, 2),
            pointerMoves: moves,
            pointerMovesPerSec: round(moves / elapsed),
            imagesShown: seen.frames,
            distinctImages: seen.distinct,
            imagesPerSec: round(seen.frames / elapsed),
            frameGapMs: { p50: round(quantile(gaps, 0.5)), p95: round(quantile(gaps, 0.95)) },
            /** model.decode from the page's send to its answer, one in flight at a time. */
            decodeRoundTripMs: { count: decodeMs.length, p50: round(quantile(decodeMs, 0.5)), p95: round(quantile(decodeMs, 0.95)) },
            /** Share of the drag the page's main thread spent on each kind of work, %. */
            pageBusyPercent: { task: busy('TaskDuration'), script: busy('ScriptDuration'), layout: busy('LayoutDuration'), style: busy('RecalcStyleDuration') },
          },
          pageErrors,
        },
        null,
        2
      )
    );
  } finally {
    await browser.close();
    await server.stop();
    await rm(modelsDir, { recursive: true, force: true });
  }
}

await main();
