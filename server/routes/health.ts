import { sql } from 'drizzle-orm';
import { doc } from '../lib/openapi.ts';
import { createRouter } from '../context.ts';

export const health = createRouter().get('/health', doc('Health', 'token', 'Liveness, with a database read.'), (c) => {
  c.get('deps').db.get(sql`select 1`);
  return c.json({ ok: true, time: c.get('deps').clock.now().toISOString() });
});
