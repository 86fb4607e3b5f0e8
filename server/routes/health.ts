import { sql } from 'drizzle-orm';
import { first } from '../../db/raw.ts';
import { probeWritable } from '../../db/write-probe.ts';
import { doc } from '../lib/openapi.ts';
import { createRouter } from '../context.ts';

export const health = createRouter().get('/health', doc('Health', 'token', 'Liveness, with a database read and a write that is rolled back.'), async (c) => {
  const { db, clock, log } = c.get('deps');
  await first(db, sql`select 1`);
  const probe = await probeWritable(db)();
  const time = clock.now().toISOString();
  if (!probe.writable) {
    log('database not writable', { error: probe.error });
    return c.json({ ok: false, time, database: { writable: false } }, 503);
  }
  return c.json({ ok: true, time, database: { writable: true } });
});
