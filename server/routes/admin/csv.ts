import { doc } from '../../lib/openapi.ts';
import { stream } from 'hono/streaming';
import { z } from 'zod';
import { SIGNUP_STATUSES } from '../../../db/schema/index.ts';
import { createRouter } from '../../context.ts';
import { Invalid } from '../../lib/errors.ts';
import { csvRows, readingCsv } from '../../lib/csv.ts';
import { variantId } from '../../lib/fields.ts';
import { validate } from '../../lib/validate.ts';
import { signupsCsv } from '../../services/csv/export.ts';
import { importSignups, mapHeader } from '../../services/csv/import.ts';

const exportQuery = z.object({ variantId: variantId.optional(), status: z.enum(SIGNUP_STATUSES).optional() });

export const csvRoutes = createRouter()
  .get('/signups.csv', doc('Signups', 'secret', 'Streams the signups in FIFO order as CSV (email, phone, variant, created_at, status, position, kind, quantity, locale).', { 200: { description: 'text/csv' } }), validate('query', exportQuery), (c) => {
    c.header('Content-Type', 'text/csv; charset=utf-8');
    c.header('Content-Disposition', `attachment; filename="waitline-signups.csv"`);
    const { db } = c.get('deps');
    const shopId = c.get('shop').id;
    const filter = c.req.valid('query');
    return stream(c, async (out) => {
      for await (const chunk of signupsCsv(db, shopId, filter)) await out.write(chunk);
    });
  })
  .post('/signups/import', doc('Signups', 'secret', 'Imports a CSV (text/csv) of email, phone, variant, created_at: file order kept, duplicates skipped, bad rows reported by number. Quiet: no messages.'), async (c) => {
    let unknown: string[] = [];
    const rows = csvRows(inSmallChunks(c.req.raw), (header) => {
      const mapped = header.map((h) => mapHeader(h));
      unknown = header.filter((_, i) => !mapped[i]);
      if (!mapped.includes('variant') || !(mapped.includes('email') || mapped.includes('phone'))) {
        throw Invalid(`The header needs a variant column and an email or phone column; found: ${header.join(', ')}`, 'header');
      }
      return mapped.map((m) => m ?? false);
    });
    const report = await readingCsv(() => importSignups(c.get('deps'), c.get('shop'), rows));
    return c.json({ ...report, ignoredColumns: unknown });
  });

const CHUNK = 64 * 1024;

/**
 * The request with its body cut into chunks of at most 64 KiB. The parser
 * turns each chunk it is given into records at once, and a body that arrived
 * while the import was writing reaches it as one chunk: a 7 MB file then sat
 * in memory as 100,000 parsed records. (Belongs in server/lib/csv.ts.)
 */
function inSmallChunks(req: Request): Request {
  if (!req.body) return req;
  const body = req.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, out) {
        for (let at = 0; at < chunk.length; at += CHUNK) out.enqueue(chunk.subarray(at, at + CHUNK));
      },
    }),
  );
  return new Request(req.url, { method: req.method, headers: req.headers, body, duplex: 'half' } as RequestInit);
}
