import { sql } from 'drizzle-orm';
import { createRouter } from '../context.ts';

export const health = createRouter().get('/health', (c) => {
  c.var.deps.db.get(sql`select 1`);
  return c.json({ ok: true, time: c.var.deps.clock.now().toISOString() });
});
