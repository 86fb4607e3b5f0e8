import { sqliteTable, text, integer, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { shops } from './shops.ts';

/** What a person may do in the dashboard; the secret key acts as an owner. */
export const ROLES = ['owner', 'staff', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/**
 * A person on a shop's team, signing in by an emailed link. The email is
 * normalised (trimmed, lower-cased) and one person has one place per shop.
 * `contactId` is the contact the links are sent to, so they go through the
 * shop's own transport and outbox like every other message.
 */
export const members = sqliteTable(
  'members',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    shopId: text('shop_id')
      .notNull()
      .references(() => shops.id),
    email: text('email').notNull(),
    name: text('name'),
    role: text('role', { enum: ROLES }).notNull(),
    contactId: integer('contact_id').notNull(),
    /** Who added them, as the audit log names actors. */
    invitedBy: text('invited_by').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    lastSignInAt: integer('last_sign_in_at', { mode: 'timestamp_ms' }),
  },
  (t) => [uniqueIndex('members_email_idx').on(t.shopId, t.email), index('members_by_email_idx').on(t.email)],
);

/**
 * A single-use sign-in link, kept only as the SHA-256 of its token: the token
 * itself exists in the email alone. An invite is a link that lives longer.
 */
export const memberLinks = sqliteTable(
  'member_links',
  {
    tokenHash: text('token_hash').primaryKey(),
    shopId: text('shop_id')
      .notNull()
      .references(() => shops.id),
    memberId: integer('member_id').notNull(),
    purpose: text('purpose', { enum: ['invite', 'sign_in'] }).notNull(),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
    usedAt: integer('used_at', { mode: 'timestamp_ms' }),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('member_links_member_idx').on(t.memberId)],
);

/** A signed-in browser: the cookie holds the token, the row its SHA-256. */
export const memberSessions = sqliteTable(
  'member_sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    shopId: text('shop_id')
      .notNull()
      .references(() => shops.id),
    memberId: integer('member_id').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('member_sessions_member_idx').on(t.memberId)],
);

/**
 * One row per admin action that changed something: who (a person, or the
 * secret key), what (method and route), on what, and the record before and
 * after where the action has one. Secrets in bodies are stored redacted.
 */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    shopId: text('shop_id')
      .notNull()
      .references(() => shops.id),
    actor: text('actor').notNull(),
    actorKind: text('actor_kind', { enum: ['member', 'key'] }).notNull(),
    memberId: integer('member_id'),
    role: text('role', { enum: ROLES }).notNull(),
    action: text('action').notNull(),
    target: text('target'),
    status: integer('status').notNull(),
    request: text('request', { mode: 'json' }).$type<unknown>(),
    before: text('before', { mode: 'json' }).$type<unknown>(),
    after: text('after', { mode: 'json' }).$type<unknown>(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('audit_log_shop_idx').on(t.shopId, t.id)],
);

export type Member = typeof members.$inferSelect;
export type AuditEntry = typeof auditLog.$inferSelect;
