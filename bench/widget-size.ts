import { readdirSync, readFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { BUDGET } from '../widget/budget.ts';

const dist = new URL('../dist/', import.meta.url);

/** The built loader and form chunk (run after `npm run build`): the chunk is the one widget/form.<hash>.js. */
export function builtWidget() {
  const chunk = readdirSync(new URL('widget/', dist)).find((f) => /^form\.[0-9a-f]{10}\.js$/.test(f));
  if (!chunk) throw new Error('no form chunk in dist/widget: run `npm run build`');
  return { loader: readFileSync(new URL('widget.js', dist)), form: readFileSync(new URL(`widget/${chunk}`, dist)), chunk: `widget/${chunk}` };
}

const gzip = (b: Buffer) => gzipSync(b, { level: 9 }).length;
const brotli = (b: Buffer) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const verdict = (size: number, budget: number) => `budget ${budget} B (${size <= budget ? 'within' : 'OVER'}, ${Math.round((size / budget) * 100)}%)`;

/** SPEC §7: the loader (every product page) ≤ 3 KB gzipped; the loader plus the form chunk (sold-out pages) ≤ 10 KB. */
export function widgetSize(): string {
  const { loader, form, chunk } = builtWidget();
  const total = gzip(loader) + gzip(form);
  return [
    `widget: loader widget.js ${loader.length} B raw, ${gzip(loader)} B gzip, ${brotli(loader)} B brotli; ${verdict(gzip(loader), BUDGET.loader)}`,
    `widget: form chunk ${chunk} ${form.length} B raw, ${gzip(form)} B gzip, ${brotli(form)} B brotli`,
    `widget: loader + form ${total} B gzip; ${verdict(total, BUDGET.total)}`,
  ].join('\n');
}
