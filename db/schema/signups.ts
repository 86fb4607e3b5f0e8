import { sql } from 'drizzle-orm';
import { sqliteTable, text, integer, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { shops } from './shops.ts';
import { contacts } from './contacts.ts';

export const SIGNUP_KINDS = ['waitlist', 'preorder'] as const;
export type SignupKind = (typeof SIGNUP_KINDS)[number];
export const SIGNUP_STATUSES = [
  'pending',
  'waiting',
  'offered',
  'purchased',
  'expired',
  'cancelled',
  'unsubscribed',
  'lapsed',
] as const;
export type SignupStatus = (typeof SIGNUP_STATUSES)[number];
/** Statuses that hold a place in line; one per contact and variant. */
export const ACTIVE_SIGNUP_STATUSES = ['pending', 'waiting', 'offered'] as const;

/**
 * One place in one variant's queue. `seq` is the server-assigned FIFO order
 * (never client time); the queue index makes "the head of the line" a range read.
 */
export const signups = sqliteTable(
  'signups',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    shopId: text('shop_id').notNull().references(() => shops.id),
    variantId: text('variant_id').notNull(),
    contactId: integer('contact_id').notNull().references(() => contacts.id),
    seq: integer('seq').notNull(),
    kind: text('kind', { enum: SIGNUP_KINDS }).notNull().default('waitlist'),
    quantity: integer('quantity').notNull().default(1),
    status: text('status', { enum: SIGNUP_STATUSES }).notNull(),
    token: text('token').notNull().unique(),
    locale: text('locale').notNull().default('en'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
    /** "Keep my place" restarts the `signupTtl` clock (the place itself never moves). */
    renewedAt: integer('renewed_at', { mode: 'timestamp_ms' }),
    /** When the last "still interested?" went out; the signup lapses a grace period later unless renewed. */
    lapseNoticeAt: integer('lapse_notice_at', { mode: 'timestamp_ms' }),
  },
  (t) => [
    index('signups_queue_idx').on(t.shopId, t.variantId, t.status, t.seq),
    // Finds the first waiting signup of a given quantity: allocation's jump past those that do not fit.
    // Waiting rows only: a restock marking 10,000 offered writes no entry here for them.
    index('signups_fit_idx').on(t.shopId, t.variantId, t.quantity, t.seq).where(sql`${t.status} = 'waiting'`),
    // variant_id rides along so analytics filtered by variant count from the index alone.
    index('signups_shop_created_idx').on(t.shopId, t.createdAt, t.variantId),
    // Also the tail of the shop's sequence: nextSeq() reads max(seq) from its end.
    index('signups_shop_seq_idx').on(t.shopId, t.seq),
    index('signups_contact_idx').on(t.contactId),
    index('signups_lapse_idx').on(t.shopId, t.lapseNoticeAt).where(sql`${t.lapseNoticeAt} is not null`),
    uniqueIndex('signups_one_active_idx')
      .on(t.shopId, t.variantId, t.contactId)
      .where(sql`${t.status} in ('pending', 'waiting', 'offered')`),
  ],
);

export type Signup = typeof signups.$inferSelect;
