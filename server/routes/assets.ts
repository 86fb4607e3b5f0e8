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

export const assetRoutes = createRouter()
  .get('/widget.js', doc('Assets', 'token', 'The storefront widget (one IIFE, ≤ 10 KB gzipped).', { 200: { description: 'JavaScript' } }), (c) => {
    const body = widget();
    if (body === null) return c.text('// widget.js is not built: run `npm run build`', 404);
    return c.body(body, 200, {
      'Content-Type': 'application/javascript; charset=utf-8',
      'Cache-Control': 'public, max-age=300',
      'Access-Control-Allow-Origin': '*',
    });
  })
  .get('/demo', doc('Assets', 'token', 'A demo storefront running the real widget.', { 200: { description: 'HTML page' } }), (c) => {
    const html = renderDemoPage(c.get('deps'));
    if (!html) return c.text('The demo shop is off (WAITLINE_DEMO=0)', 404);
    return c.html(html);
  });
