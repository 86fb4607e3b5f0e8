import { pgTable, text, json, index } from 'drizzle-orm/pg-core';
import { JOB_STATUSES } from '../schema/jobs.ts';
import { int64, timestampMs } from './columns.ts';

/** The Postgres twin of db/schema/jobs.ts. */
export const jobs = pgTable(
  'jobs',
  {
    id: int64('id').primaryKey().generatedByDefaultAsIdentity(),
    kind: text('kind').notNull(),
    payload: json('payload').$type<Record<string, unknown>>().notNull(),
    key: text('key').notNull().unique(),
    status: text('status', { enum: JOB_STATUSES }).notNull().default('pending'),
    runAt: timestampMs('run_at').notNull(),
    leaseUntil: timestampMs('lease_until'),
    attempts: int64('attempts').notNull().default(0),
    maxAttempts: int64('max_attempts').notNull().default(8),
    lastError: text('last_error'),
    createdAt: timestampMs('created_at').notNull(),
    finishedAt: timestampMs('finished_at'),
  },
  (t) => [index('jobs_due_idx').on(t.status, t.runAt, t.id)],
);
