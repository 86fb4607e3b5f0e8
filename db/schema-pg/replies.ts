import { pgTable, text, json, index, uniqueIndex } from 'drizzle-orm/pg-core';
import { CHANNELS } from '../schema/messages.ts';
import { REPLY_ACTIONS, REPLY_INTENTS, type ReplyIntent } from '../schema/replies.ts';
import { int64, timestampMs } from './columns.ts';
import { shops } from './shops.ts';

/** The Postgres twin of db/schema/replies.ts. */
export const replies = pgTable(
  'replies',
  {
    id: int64('id').primaryKey().generatedByDefaultAsIdentity(),
    shopId: text('shop_id')
      .notNull()
      .references(() => shops.id),
    channel: text('channel', { enum: CHANNELS }).notNull(),
    providerId: text('provider_id').notNull(),
    from: text('from').notNull(),
    contactId: int64('contact_id'),
    messageId: int64('message_id'),
    signupId: int64('signup_id'),
    backorderId: int64('backorder_id'),
    orderId: text('order_id'),
    subject: text('subject'),
    text: text('text').notNull(),
    intent: text('intent', { enum: REPLY_INTENTS }).notNull(),
    intents: json('intents').$type<ReplyIntent[]>().notNull(),
    sentiment: int64('sentiment').notNull(),
    action: text('action', { enum: REPLY_ACTIONS }).notNull(),
    escalationId: int64('escalation_id'),
    receivedAt: timestampMs('received_at').notNull(),
  },
  (t) => [
    uniqueIndex('replies_provider_idx').on(t.channel, t.providerId),
    index('replies_contact_idx').on(t.shopId, t.contactId, t.id),
    index('replies_escalation_idx').on(t.escalationId),
  ],
);
