import { sqliteTable, text, integer, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { CHANNELS } from './messages.ts';
import { shops } from './shops.ts';

export const REPLY_INTENTS = ['chargeback', 'cancel', 'refund', 'call', 'stop', 'angry', 'question', 'thanks', 'other'] as const;
export type ReplyIntent = (typeof REPLY_INTENTS)[number];
/** What Waitline did with a reply: nothing beyond the record, an escalation (new or joined), the cancel link, an opt-out. */
export const REPLY_ACTIONS = ['recorded', 'escalated', 'cancel_link', 'unsubscribed'] as const;
export type ReplyAction = (typeof REPLY_ACTIONS)[number];

/**
 * A customer's answer to one of our messages, by email (Resend inbound, routed
 * by the Reply-To of the message it answers) or by SMS: what they wrote in
 * their own words, how it read, and what was done. It shows in the customer's
 * timeline and in the escalation it opened or joined. `providerId` (Resend's
 * email id, Twilio's message sid) makes it one row however often it arrives.
 */
export const replies = sqliteTable(
  'replies',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    shopId: text('shop_id')
      .notNull()
      .references(() => shops.id),
    channel: text('channel', { enum: CHANNELS }).notNull(),
    providerId: text('provider_id').notNull(),
    /** The sender's address or E.164 number, as the provider gave it. */
    from: text('from').notNull(),
    /** Null when the sender matches no contact of the shop. */
    contactId: integer('contact_id'),
    /** The message this answers, when the reply came to its Reply-To. */
    messageId: integer('message_id'),
    signupId: integer('signup_id'),
    backorderId: integer('backorder_id'),
    orderId: text('order_id'),
    subject: text('subject'),
    /** The sender's own words: quoted history and signature cut, at most 4,000 characters. */
    text: text('text').notNull(),
    intent: text('intent', { enum: REPLY_INTENTS }).notNull(),
    intents: text('intents', { mode: 'json' }).$type<ReplyIntent[]>().notNull(),
    sentiment: integer('sentiment').notNull(),
    action: text('action', { enum: REPLY_ACTIONS }).notNull(),
    escalationId: integer('escalation_id'),
    receivedAt: integer('received_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    uniqueIndex('replies_provider_idx').on(t.channel, t.providerId),
    index('replies_contact_idx').on(t.shopId, t.contactId, t.id),
    index('replies_escalation_idx').on(t.escalationId),
  ],
);

export type Reply = typeof replies.$inferSelect;
