import { and, eq, inArray, or } from 'drizzle-orm';
import {
  ACTIVE_SIGNUP_STATUSES,
  contactConfirmations,
  contacts,
  escalations,
  messages,
  replies,
  queueActions,
  signups,
  webhookDeliveries,
  webhookEvents,
} from '../../../db/schema/index.ts';
import { affected } from '../../../db/raw.ts';
import { transaction } from '../../../db/transaction.ts';
import type { Deps } from '../../context.ts';
import { rowToken } from '../../lib/tokens.ts';
import { leaveQueues } from '../signups/cancel.ts';
import { addressesOf, contactByAddress, mentions, type ContactKey } from './find.ts';

export const ERASED = '[erased]';

export interface Erasure {
  erased: 1;
  contactId: number;
  /** Places still in line, given up: an erased person can no longer be told of a restock. */
  signupsCancelled: number;
  messages: number;
  escalations: number;
  queueActions: number;
  inboundPayloads: number;
  webhookDeliveries: number;
  replies: number;
}

/**
 * Removes a person's personal data from this shop, in one transaction (SPEC
 * §4). What makes them someone goes: email and phone (the row stays, with
 * `erasedAt`, so counts and revenue still join), every message's recipient
 * and content, escalation text, the merchant's reasons on their places, and
 * stored payloads that carry their address. What makes the numbers stays:
 * signups, offers, orders, backorders and conversions, by id only. Their
 * active places are cancelled. Erasing again finds no one: 404.
 */
export async function eraseContact(deps: Deps, shopId: string, key: ContactKey): Promise<Erasure> {
  const result = await transaction(deps.db, async (tx): Promise<Erasure> => {
    const contact = await contactByAddress(tx, shopId, key);
    const addresses = addressesOf(contact);
    const now = deps.clock.now();

    const active = await tx
      .select()
      .from(signups)
      .where(and(eq(signups.shopId, shopId), eq(signups.contactId, contact.id), inArray(signups.status, [...ACTIVE_SIGNUP_STATUSES])))
      .orderBy(signups.id);
    await leaveQueues(tx, deps, active, 'cancelled', now);

    // A fresh token: old unsubscribe links would otherwise still open a page about them.
    await tx
      .update(contacts)
      .set({ email: null, phone: null, smsConsentAt: null, confirmedAt: null, token: rowToken(now), erasedAt: now })
      .where(eq(contacts.id, contact.id));

    // Confirmation links carry a new number or address, and would still work: both go.
    await tx.delete(contactConfirmations).where(eq(contactConfirmations.contactId, contact.id));

    const theirs = (
      await tx
        .select({ id: messages.id })
        .from(messages)
        .where(and(eq(messages.shopId, shopId), or(eq(messages.contactId, contact.id), inArray(messages.to, addresses.length ? addresses : ['']))))
    ).map((m) => m.id);
    // `text: ''` marks a row rendered, so nothing renders it from its (now empty) props again;
    // a provider's error text can quote the address, so it goes too.
    await tx.update(messages).set({ to: '', subject: null, text: '', html: null, headers: {}, props: {}, error: null, renderedAt: now }).where(inArray(messages.id, theirs));
    // Not yet sent: never sent now.
    await tx.update(messages).set({ status: 'suppressed', error: 'contact erased' }).where(and(inArray(messages.id, theirs), inArray(messages.status, ['queued', 'sending'])));

    const escalated = affected(
      await tx
        .update(escalations)
        .set({ summary: ERASED, recommendedAction: ERASED, resolution: null })
        .where(and(eq(escalations.shopId, shopId), or(eq(escalations.contactId, contact.id), mentions(tx, escalations.summary, addresses)))),
    );

    const placeIds = (await tx.select({ id: signups.id }).from(signups).where(and(eq(signups.shopId, shopId), eq(signups.contactId, contact.id)))).map((s) => s.id);
    const actions = placeIds.length
      ? affected(await tx.update(queueActions).set({ reason: ERASED }).where(and(eq(queueActions.shopId, shopId), inArray(queueActions.signupId, placeIds))))
      : 0;

    // Their replies keep their row (dedupe, what was done), not who wrote or what.
    const said = affected(await tx.update(replies).set({ from: '', subject: null, text: ERASED }).where(and(eq(replies.shopId, shopId), or(eq(replies.contactId, contact.id), inArray(replies.from, addresses.length ? addresses : [''])))));

    // Dedupe rests on (source, delivery id), which names no one: the row stays, its payload goes.
    const inbound = affected(
      await tx
        .update(webhookEvents)
        .set({ payload: {} })
        .where(and(eq(webhookEvents.shopId, shopId), mentions(tx, webhookEvents.payload, addresses))),
    );

    // Outbound events keep their shape (a pending one still goes out), minus every value that names them.
    const deliveries = await tx
      .select({ id: webhookDeliveries.id, payload: webhookDeliveries.payload })
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.shopId, shopId), mentions(tx, webhookDeliveries.payload, addresses)));
    for (const d of deliveries) {
      await tx.update(webhookDeliveries).set({ payload: JSON.stringify(redact(JSON.parse(d.payload), addresses)) }).where(eq(webhookDeliveries.id, d.id));
    }

    return {
      erased: 1,
      contactId: contact.id,
      signupsCancelled: active.length,
      messages: theirs.length,
      escalations: escalated,
      queueActions: actions,
      inboundPayloads: inbound,
      replies: said,
      webhookDeliveries: deliveries.length,
    };
  });
  // A cancelled hold cascades to the next in line, whose offer is waiting to go out.
  if (result.signupsCancelled) deps.wake();
  return result;
}

/** Every string that names one of the addresses becomes null; the rest of the event is kept. */
export function redact(value: unknown, addresses: string[]): unknown {
  if (typeof value === 'string') return addresses.some((a) => value.toLowerCase().includes(a.toLowerCase())) ? null : value;
  if (Array.isArray(value)) return value.map((v) => redact(v, addresses));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, addresses)]));
  return value;
}
