import { and, asc, eq, inArray, or } from 'drizzle-orm';
import {
  backorders,
  conversions,
  escalations,
  messages,
  replies,
  offers,
  orders,
  queueActions,
  signups,
  variants,
  webhookDeliveries,
  webhookEvents,
} from '../../../db/schema/index.ts';
import { transaction } from '../../../db/transaction.ts';
import type { Deps } from '../../context.ts';
import { presentMessage } from '../messages/list.ts';
import { renderRows } from '../messages/render.ts';
import { positionOf } from '../signups/position.ts';
import { addressesOf, contactByAddress, mentions, type ContactKey } from './find.ts';

const iso = (d: Date | null) => d?.toISOString() ?? null;
const json = (text: string) => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
};

/**
 * Everything this shop holds about one person (SPEC §4), for a subject access
 * request: the contact, their places with the merchant's actions on them and
 * the offers they got, their orders and backorders, every message as sent,
 * the escalations and inbound payloads that name them, and the outbound
 * webhook events that carried their address. Only this shop's rows are read.
 */
export async function exportContact(deps: Pick<Deps, 'db' | 'config' | 'secret' | 'clock'>, shopId: string, key: ContactKey) {
  return transaction(deps.db, async (tx) => {
    const contact = await contactByAddress(tx, shopId, key);
    const addresses = addressesOf(contact);
    const places = await tx
      .select({ signup: signups, variant: { productTitle: variants.productTitle, title: variants.title } })
      .from(signups)
      .leftJoin(variants, and(eq(variants.shopId, signups.shopId), eq(variants.id, signups.variantId)))
      .where(and(eq(signups.shopId, shopId), eq(signups.contactId, contact.id)))
      .orderBy(asc(signups.id));
    const signupIds = places.map((p) => p.signup.id);
    const bySignup = <T extends { signupId: number }>(rows: T[], id: number) => rows.filter((r) => r.signupId === id);
    const offerRows = signupIds.length ? await tx.select().from(offers).where(and(eq(offers.shopId, shopId), inArray(offers.signupId, signupIds))).orderBy(asc(offers.id)) : [];
    const actions = signupIds.length ? await tx.select().from(queueActions).where(and(eq(queueActions.shopId, shopId), inArray(queueActions.signupId, signupIds))).orderBy(asc(queueActions.id)) : [];
    const credited = signupIds.length ? await tx.select().from(conversions).where(and(eq(conversions.shopId, shopId), inArray(conversions.signupId, signupIds))).orderBy(asc(conversions.id)) : [];
    const messageRows = await tx
      .select()
      .from(messages)
      .where(and(eq(messages.shopId, shopId), or(eq(messages.contactId, contact.id), inArray(messages.to, addresses.length ? addresses : ['']))))
      .orderBy(asc(messages.id));
    // A message not yet dispatched is shown as it will be sent, as the message log does.
    const rendered = new Map((await renderRows(tx, deps, messageRows, { store: false })).rendered.map((m) => [m.id, m]));
    const positions: Array<number | null> = [];
    for (const { signup } of places) positions.push(await positionOf(tx, signup));
    const orderRows = await tx.select().from(orders).where(and(eq(orders.shopId, shopId), eq(orders.contactId, contact.id))).orderBy(asc(orders.createdAt), asc(orders.id));
    const backorderRows = await tx.select().from(backorders).where(and(eq(backorders.shopId, shopId), eq(backorders.contactId, contact.id))).orderBy(asc(backorders.id));
    const escalationRows = await tx
      .select()
      .from(escalations)
      .where(and(eq(escalations.shopId, shopId), or(eq(escalations.contactId, contact.id), mentions(tx, escalations.summary, addresses))))
      .orderBy(asc(escalations.id));
    // Inbound replies (Twilio, Resend) and platform payloads (a Shopify order) that name them, as received.
    const inboundRows = await tx
      .select()
      .from(webhookEvents)
      .where(and(eq(webhookEvents.shopId, shopId), mentions(tx, webhookEvents.payload, addresses)))
      .orderBy(asc(webhookEvents.id));
    const replyRows = await tx.select().from(replies).where(and(eq(replies.shopId, shopId), eq(replies.contactId, contact.id))).orderBy(asc(replies.id));
    const deliveryRows = await tx
      .select()
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.shopId, shopId), mentions(tx, webhookDeliveries.payload, addresses)))
      .orderBy(asc(webhookDeliveries.id));

    return {
      contact: {
        id: contact.id,
        email: contact.email,
        phone: contact.phone,
        locale: contact.locale,
        ordersCount: contact.ordersCount,
        smsConsentAt: iso(contact.smsConsentAt),
        smsIntroducedAt: iso(contact.smsIntroducedAt),
        emailOptOutAt: iso(contact.emailOptOutAt),
        emailOptOutReason: contact.emailOptOutReason,
        smsOptOutAt: iso(contact.smsOptOutAt),
        confirmedAt: iso(contact.confirmedAt),
        createdAt: contact.createdAt.toISOString(),
      },
      places: places.map(({ signup: s, variant }, i) => ({
        id: s.id,
        variantId: s.variantId,
        item: variant ? [variant.productTitle, variant.title].filter(Boolean).join(' — ') : null,
        kind: s.kind,
        quantity: s.quantity,
        status: s.status,
        position: positions[i] ?? null,
        locale: s.locale,
        createdAt: s.createdAt.toISOString(),
        updatedAt: s.updatedAt.toISOString(),
        renewedAt: iso(s.renewedAt),
        lapseNoticeAt: iso(s.lapseNoticeAt),
        queueActions: bySignup(actions, s.id).map((a) => ({ action: a.action, reason: a.reason, createdAt: a.createdAt.toISOString() })),
        offers: bySignup(offerRows, s.id).map((o) => ({
          id: o.id,
          units: o.units,
          position: o.position,
          status: o.status,
          expiresAt: o.expiresAt.toISOString(),
          createdAt: o.createdAt.toISOString(),
          claimedAt: iso(o.claimedAt),
          openedAt: iso(o.openedAt),
          clickedAt: iso(o.clickedAt),
          resolvedAt: iso(o.resolvedAt),
        })),
        purchase: bySignup(credited, s.id).map((c) => ({ orderId: c.orderId, attribution: c.attribution, revenue: c.revenue, currency: c.currency, createdAt: c.createdAt.toISOString() }))[0] ?? null,
      })),
      orders: orderRows.map((o) => ({ id: o.id, currency: o.currency, total: o.total, lines: o.lines, createdAt: o.createdAt.toISOString() })),
      backorders: backorderRows.map((b) => ({ id: b.id, orderId: b.orderId, variantId: b.variantId, quantity: b.quantity, served: b.served, price: b.price, currency: b.currency, status: b.status, locale: b.locale, createdAt: b.createdAt.toISOString(), resolvedAt: iso(b.resolvedAt) })),
      messages: messageRows.map((m) => ({ ...presentMessage(rendered.get(m.id) ?? m), props: m.props })),
      escalations: escalationRows.map((e) => ({ id: e.id, kind: e.kind, status: e.status, orderId: e.orderId, summary: e.summary, recommendedAction: e.recommendedAction, resolution: e.resolution, createdAt: e.createdAt.toISOString(), resolvedAt: iso(e.resolvedAt) })),
      replies: replyRows.map((r) => ({ channel: r.channel, from: r.from, subject: r.subject, text: r.text, intent: r.intent, action: r.action, orderId: r.orderId, receivedAt: r.receivedAt.toISOString() })),
      inbound: inboundRows.map((e) => ({ source: e.source, topic: e.topic, payload: e.payload, receivedAt: e.receivedAt.toISOString() })),
      webhookDeliveries: deliveryRows.map((d) => ({ id: d.messageId, event: d.event, status: d.status, payload: json(d.payload), createdAt: d.createdAt.toISOString(), deliveredAt: iso(d.deliveredAt) })),
    };
  });
}

