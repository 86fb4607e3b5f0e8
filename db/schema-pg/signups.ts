import { sql } from 'drizzle-orm';
import { pgSequence, pgTable, text, index, uniqueIndex } from 'drizzle-orm/pg-core';
import { SIGNUP_KINDS, SIGNUP_STATUSES } from '../schema/signups.ts';
import { int64, timestampMs } from './columns.ts';
import { shops } from './shops.ts';
import { contacts } from './contacts.ts';

/**
 * Where a new place's `seq` comes from on PostgreSQL (db/sql/pg/locks.ts
 * `nextSeqs`): unique without a lock, and one call numbers a whole batch. SQLite
 * numbers from max(seq) + 1 instead, its writer being alone. Cache 1, so every
 * replica draws from the one counter: a line's numbers then rise in the order
 * its count row's lock is handed over, which is commit order.
 */
export const signupSeq = pgSequence('signup_seq', { startWith: 1, cache: 1 });

/** The Postgres twin of db/schema/signups.ts; `queue_counts` follows it by trigger (see db/migrations-pg). */
export const signups = pgTable(
  'signups',
  {
    id: int64('id').primaryKey().generatedByDefaultAsIdentity(),
    shopId: text('shop_id').notNull().references(() => shops.id),
    variantId: text('variant_id').notNull(),
    contactId: int64('contact_id').notNull().references(() => contacts.id),
    seq: int64('seq').notNull(),
    kind: text('kind', { enum: SIGNUP_KINDS }).notNull().default('waitlist'),
    quantity: int64('quantity').notNull().default(1),
    status: text('status', { enum: SIGNUP_STATUSES }).notNull(),
    token: text('token').notNull().unique(),
    locale: text('locale').notNull().default('en'),
    createdAt: timestampMs('created_at').notNull(),
    updatedAt: timestampMs('updated_at').notNull(),
    renewedAt: timestampMs('renewed_at'),
    lapseNoticeAt: timestampMs('lapse_notice_at'),
  },
  (t) => [
    index('signups_queue_idx').on(t.shopId, t.variantId, t.status, t.seq),
    index('signups_fit_idx').on(t.shopId, t.variantId, t.quantity, t.seq).where(sql`${t.status} = 'waiting'`),
    index('signups_shop_created_idx').on(t.shopId, t.createdAt, t.variantId),
    index('signups_shop_seq_idx').on(t.shopId, t.seq),
    index('signups_contact_idx').on(t.contactId),
    index('signups_lapse_idx').on(t.shopId, t.lapseNoticeAt).where(sql`${t.lapseNoticeAt} is not null`),
    uniqueIndex('signups_one_active_idx')
      .on(t.shopId, t.variantId, t.contactId)
      .where(sql`${t.status} in ('pending', 'waiting', 'offered')`),
  ],
);
