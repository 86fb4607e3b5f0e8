import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import { chromiumLaunch } from '../e2e/chromium.ts';
import { BENCH_ROOT, freePort, startProcess, stop } from './lib.ts';

const LOADS = 5;
const CHUNK = /\/widget\/form\.[0-9a-f]{10}\.js$/;

interface Load {
  /** From the request for widget.js to the first frame with the form (sold out) or to the config answer (in stock). */
  ms: number;
  chunkRequests: number;
}

/**
 * One cold load (a fresh browser context, so nothing cached) on a 4× slowed
 * CPU. The page marks the first animation frame in which the form is in the
 * DOM; times are the page's own clock, from widget.js's request start.
 */
async function load(browser: Browser, url: string, soldOut: boolean): Promise<Load> {
  const context = await browser.newContext();
  const page = await context.newPage();
  let chunkRequests = 0;
  page.on('request', (r) => CHUNK.test(r.url()) && chunkRequests++);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  // A string, not a function: tsx keeps function names with a helper the page does not have.
  await page.addInitScript(`(function tick() {
    if (document.querySelector('waitline-form')?.shadowRoot?.querySelector('form')) window.shown = performance.now();
    else requestAnimationFrame(tick);
  })();`);
  const config = page.waitForResponse((r) => r.url().includes('/v1/storefront/config'));
  await page.goto(url);
  await config;
  if (soldOut) await page.waitForFunction(() => (window as unknown as { shown?: number }).shown !== undefined, undefined, { timeout: 20_000 });
  else await page.waitForTimeout(1000); // long enough for a chunk request to show, were there one
  const ms = await page.evaluate((sold) => {
    const entries = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
    const start = entries.find((e) => e.name.endsWith('/widget.js'))!.startTime;
    const end = sold ? (window as unknown as { shown: number }).shown : entries.find((e) => e.name.includes('/v1/storefront/config'))!.responseEnd;
    return end - start;
  }, soldOut);
  await context.close();
  return { ms, chunkRequests };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * The wall time a shopper waits, in real Chromium on a 4× throttled CPU,
 * against a real server started here: an in-stock page (which must not fetch
 * the form chunk) and a sold-out page (script start to form visible), the
 * median of 5 cold loads each.
 */
export async function widgetTime(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'waitline-bench-'));
  const port = await freePort();
  const api = `http://127.0.0.1:${port}`;
  const server = await startProcess(
    'server/index.ts',
    { PORT: String(port), WAITLINE_DB: join(dir, 'bench.db'), WAITLINE_ADMIN_TOKEN: BENCH_ROOT, WAITLINE_DEMO: '0', RESEND_API_KEY: '', TWILIO_ACCOUNT_SID: '' },
    `${api}/health`,
  );
  let key = '';
  const page = (variant: string) =>
    `<!doctype html><html lang="en"><body><h1>Desk Lamp</h1><p>$40.00</p><button data-waitline-variant="${variant}">Add to cart</button><p>Ships in two days.</p><script src="${api}/widget.js" data-key="${key}" defer></script></body></html>`;
  const store = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(page(req.url === '/sold-out' ? 'lamp-out' : 'lamp-in'));
  });
  await new Promise<void>((resolve) => store.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(store.address() as AddressInfo).port}`;
  const browser = await chromium.launch(chromiumLaunch);
  try {
    const shop = await fetch(`${api}/v1/shops`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_ROOT}` },
      body: JSON.stringify({ name: 'Bench', settings: { allowedOrigins: [origin] } }),
    }).then((r) => r.json() as Promise<{ publishableKey: string; secretKey: string }>);
    key = shop.publishableKey;
    for (const [id, inventory] of [['lamp-in', 5], ['lamp-out', 0]] as const) {
      const res = await fetch(`${api}/v1/admin/variants/${id}`, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${shop.secretKey}` }, body: JSON.stringify({ title: 'Lamp', inventory }) });
      if (!res.ok) throw new Error(`variant ${id}: ${res.status}`);
    }
    const inStock: Load[] = [];
    const soldOut: Load[] = [];
    for (let i = 0; i < LOADS; i++) {
      inStock.push(await load(browser, `${origin}/in-stock`, false));
      soldOut.push(await load(browser, `${origin}/sold-out`, true));
    }
    const fetchedOnInStock = inStock.reduce((n, l) => n + l.chunkRequests, 0);
    if (fetchedOnInStock > 0) throw new Error(`the in-stock page requested the form chunk ${fetchedOnInStock} times`);
    if (soldOut.some((l) => l.chunkRequests !== 1)) throw new Error(`a sold-out page requested the form chunk ${soldOut.map((l) => l.chunkRequests)} times`);
    const ms = (xs: Load[]) => `median ${Math.round(median(xs.map((l) => l.ms)))} ms (${xs.map((l) => Math.round(l.ms)).join(', ')})`;
    return [
      `widget time (Chromium, CPU 4× throttled, ${LOADS} cold loads each): in-stock page, widget.js request to config answered ${ms(inStock)}; form chunk requested 0 times`,
      `widget time: sold-out page, widget.js request to form visible ${ms(soldOut)}; form chunk requested once per load`,
    ].join('\n');
  } finally {
    await browser.close();
    await new Promise<void>((resolve) => store.close(() => resolve()));
    await stop(server);
    rmSync(dir, { recursive: true, force: true });
  }
}
