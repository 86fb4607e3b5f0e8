import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';

export const JOB_STATUSES = ['pending', 'running', 'done', 'dead'] as const;

/**
 * Durable work at a point in time (hold expiry, follow-ups, cadences).
 * A job is leased while it runs; a crash leaves the lease to run out and the
 * job is picked up again. Failures back off exponentially until `maxAttempts`.
 */
export const jobs = sqliteTable(
  'jobs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    kind: text('kind').notNull(),
    payload: text('payload', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    /** One job per key: scheduling the same event twice is a no-op. */
    key: text('key').notNull().unique(),
    status: text('status', { enum: JOB_STATUSES }).notNull().default('pending'),
    runAt: integer('run_at', { mode: 'timestamp_ms' }).notNull(),
    leaseUntil: integer('lease_until', { mode: 'timestamp_ms' }),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull().default(8),
    lastError: text('last_error'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    finishedAt: integer('finished_at', { mode: 'timestamp_ms' }),
  },
  (t) => [index('jobs_due_idx').on(t.status, t.runAt, t.id)],
);

export type Job = typeof jobs.$inferSelect;
