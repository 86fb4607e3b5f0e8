import { readFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const BUDGET = 10 * 1024;

/** SPEC §7: widget.js ≤ 10 KB gzipped, all of it. Run after `npm run build`. */
export function widgetSize(): string {
  const file = readFileSync(new URL('../dist/widget.js', import.meta.url));
  const gzip = gzipSync(file, { level: 9 }).length;
  const brotli = brotliCompressSync(file, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  const verdict = gzip <= BUDGET ? 'within' : 'OVER';
  return `widget: ${file.length} B raw, ${gzip} B gzip, ${brotli} B brotli; budget 10240 B gzip (${verdict}, ${Math.round((gzip / BUDGET) * 100)}%)`;
}
