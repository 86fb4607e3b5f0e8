import { readFileSync } from 'node:fs';
import { doc } from '../lib/openapi.ts';
import { join } from 'node:path';
import { createRouter } from '../context.ts';
import { renderDemoPage } from '../demo/page.ts';

const distDir = join(import.meta.dirname, '..', '..', 'dist');

/** Reads a built file on first use; a missing build is a clear 404, not a crash. */
function builtFile(name: string): () => string | null {
  let cached: string | null = null;
  return () => {
    if (cached === null) {
      try {
        cached = readFileSync(join(distDir, name), 'utf8');
      } catch {
        return null;
      }
    }
    return cached;
  };
}

const widget = builtFile('widget.js');
/** A source file, not a build output: the icon is there before any build. */
const favicon = readFileSync(join(import.meta.dirname, '..', 'pages', 'favicon.svg'), 'utf8');
const icon = { 'Content-Type': 'image/svg+xml', 'Cache-Control': 'public, max-age=86400' };
const chunks = new Map<string, () => string | null>();

/**
 * The form chunk, widget/form.<content hash>.js, which the loader imports (a
 * module script: CORS applies, hence the open Allow-Origin). Its name changes
 * with its content, so it is cached for good; widget.js, which names it, keeps
 * its five minutes. A name this build did not make is a 404.
 */
function chunk(file: string): string | null {
  if (!/^form\.[0-9a-f]{10}\.js$/.test(file)) return null;
  if (!chunks.has(file)) chunks.set(file, builtFile(`widget/${file}`));
  const body = chunks.get(file)!();
  if (body === null) chunks.delete(file);
  return body;
}

export const assetRoutes = createRouter()
  .get('/widget.js', doc('Assets', 'token', 'The storefront widget loader (an IIFE, ≤ 3 KB gzipped; with its form chunk ≤ 10 KB).', { 200: { description: 'JavaScript' } }), (c) => {
    const body = widget();
    if (body === null) return c.text('// widget.js is not built: run `npm run build`', 404);
    return c.body(body, 200, {
      'Content-Type': 'application/javascript; charset=utf-8',
      'Cache-Control': 'public, max-age=300',
      'Access-Control-Allow-Origin': '*',
    });
  })
  .get('/widget/:file', doc('Assets', 'token', "The widget's form chunk (an ES module named by its content hash), imported by widget.js when a form shows.", { 200: { description: 'JavaScript module' } }), (c) => {
    const body = chunk(c.req.param('file'));
    if (body === null) return c.text('Not found', 404, { 'Cache-Control': 'no-store' });
    return c.body(body, 200, {
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control': 'public, max-age=31536000, immutable',
      'Access-Control-Allow-Origin': '*',
      'X-Content-Type-Options': 'nosniff',
    });
  })
  .get('/favicon.svg', doc('Assets', 'token', 'The icon the dashboard and the demo page link to.', { 200: { description: 'SVG image' } }), (c) => c.body(favicon, 200, icon))
  // Browsers ask for /favicon.ico on pages that link no icon (the status pages, the API's JSON): the same SVG.
  .get('/favicon.ico', doc('Assets', 'token', 'The same icon, where browsers look by default.', { 200: { description: 'SVG image' } }), (c) => c.body(favicon, 200, icon))
  .get('/demo', doc('Assets', 'token', 'A demo storefront running the real widget.', { 200: { description: 'HTML page' } }), async (c) => {
    const html = await renderDemoPage(c.get('deps'));
    if (!html) return c.text('The demo shop is off (WAITLINE_DEMO, off by default under NODE_ENV=production)', 404);
    return c.html(html);
  });
