import Sentiment from 'sentiment';
import { and, asc, desc, eq } from 'drizzle-orm';
import { backorders, contacts, shops } from '../../../db/schema/index.ts';
import { transaction } from '../../../db/transaction.ts';
import type { Deps } from '../../context.ts';
import { sha256 } from '../../lib/tokens.ts';
import { openEscalation } from './open.ts';

const analyzer = new Sentiment();
/** Scores at or below this (AFINN sum) read as unhappy: "this is ridiculous" is -3. */
export const NEGATIVE_AT = -2;
const CALL = /\b(call me|phone me|ring me|give me a (call|ring)|can (you|someone|somebody) (call|phone|ring)|speak to (a|someone|somebody|a real) (person|human|manager))\b/i;

export interface InboundReply {
  shopId: string;
  channel: 'sms' | 'email';
  /** E.164 phone or email address of the sender. */
  from: string;
  text: string;
}

/**
 * A customer's reply (an SMS, or an email reply through a provider webhook):
 * an unhappy one, or one asking for a call, goes to a person with the order it
 * is about. STOP and START keywords are the SMS webhook's business, not this.
 */
export async function handleInboundReply(deps: Deps, reply: InboundReply) {
  const { score } = analyzer.analyze(reply.text);
  const negative = score <= NEGATIVE_AT;
  const wantsCall = CALL.test(reply.text);
  if (!negative && !wantsCall) return { score, escalated: [] as string[] };
  const escalated = await transaction(deps.db, async (tx) => {
    const [shop] = await tx.select().from(shops).where(eq(shops.id, reply.shopId));
    if (!shop) return [];
    const [contact] = await tx
      .select()
      .from(contacts)
      .where(and(eq(contacts.shopId, shop.id), eq(reply.channel === 'sms' ? contacts.phone : contacts.email, reply.from.trim().toLowerCase())))
      .orderBy(asc(contacts.id))
      .limit(1);
    const [line] = contact
      ? await tx.select().from(backorders).where(and(eq(backorders.shopId, shop.id), eq(backorders.contactId, contact.id))).orderBy(desc(backorders.id)).limit(1)
      : [];
    const now = deps.clock.now();
    const quoted = reply.text.length > 280 ? `${reply.text.slice(0, 277)}…` : reply.text;
    const key = sha256(`${reply.from}\n${reply.text}\n${now.toISOString().slice(0, 13)}`).slice(0, 24);
    const kinds: string[] = [];
    const open = async (kind: 'negative_reply' | 'call_request', summary: string, recommendedAction: string) => {
      if (await openEscalation(tx, deps, { shop, kind, key, orderId: line?.orderId ?? null, contactId: contact?.id ?? null, summary, recommendedAction, now })) kinds.push(kind);
    };
    if (wantsCall) await open('call_request', `${reply.from} asked for a call: “${quoted}”`, `Call ${contact?.phone ?? reply.from} today.`);
    if (negative) await open('negative_reply', `Unhappy ${reply.channel} reply from ${reply.from} (sentiment ${score}): “${quoted}”`, 'Reply personally within the day; offer the latest ETA, an alternative or a refund.');
    return kinds;
  });
  return { score, escalated };
}
