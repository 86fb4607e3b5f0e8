import { pgTable, text, index, uniqueIndex, json } from 'drizzle-orm/pg-core';
import { ROLES } from '../schema/people.ts';
import { int64, timestampMs } from './columns.ts';
import { shops } from './shops.ts';

/** The Postgres twins of db/schema/people.ts. */
export const members = pgTable(
  'members',
  {
    id: int64('id').primaryKey().generatedByDefaultAsIdentity(),
    shopId: text('shop_id')
      .notNull()
      .references(() => shops.id),
    email: text('email').notNull(),
    name: text('name'),
    role: text('role', { enum: ROLES }).notNull(),
    contactId: int64('contact_id').notNull(),
    invitedBy: text('invited_by').notNull(),
    createdAt: timestampMs('created_at').notNull(),
    lastSignInAt: timestampMs('last_sign_in_at'),
  },
  (t) => [uniqueIndex('members_email_idx').on(t.shopId, t.email), index('members_by_email_idx').on(t.email)],
);

export const memberLinks = pgTable(
  'member_links',
  {
    tokenHash: text('token_hash').primaryKey(),
    shopId: text('shop_id')
      .notNull()
      .references(() => shops.id),
    memberId: int64('member_id').notNull(),
    purpose: text('purpose', { enum: ['invite', 'sign_in'] }).notNull(),
    expiresAt: timestampMs('expires_at').notNull(),
    usedAt: timestampMs('used_at'),
    createdAt: timestampMs('created_at').notNull(),
  },
  (t) => [index('member_links_member_idx').on(t.memberId)],
);

export const memberSessions = pgTable(
  'member_sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    shopId: text('shop_id')
      .notNull()
      .references(() => shops.id),
    memberId: int64('member_id').notNull(),
    createdAt: timestampMs('created_at').notNull(),
    expiresAt: timestampMs('expires_at').notNull(),
  },
  (t) => [index('member_sessions_member_idx').on(t.memberId)],
);

export const auditLog = pgTable(
  'audit_log',
  {
    id: int64('id').primaryKey().generatedByDefaultAsIdentity(),
    shopId: text('shop_id')
      .notNull()
      .references(() => shops.id),
    actor: text('actor').notNull(),
    actorKind: text('actor_kind', { enum: ['member', 'key'] }).notNull(),
    memberId: int64('member_id'),
    role: text('role', { enum: ROLES }).notNull(),
    action: text('action').notNull(),
    target: text('target'),
    status: int64('status').notNull(),
    request: json('request').$type<unknown>(),
    before: json('before').$type<unknown>(),
    after: json('after').$type<unknown>(),
    createdAt: timestampMs('created_at').notNull(),
  },
  (t) => [index('audit_log_shop_idx').on(t.shopId, t.id)],
);
