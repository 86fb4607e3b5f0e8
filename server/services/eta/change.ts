import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Tx } from '../../../db/index.ts';
import { transaction } from '../../../db/transaction.ts';
import { nextUpdatesOf } from '../backorders/view.ts';
import { backorders, etaChanges, signups, variants, type EtaBasis, type EtaSourceKind, type Shop, type Variant } from '../../../db/schema/index.ts';
import type { Deps } from '../../context.ts';
import { Invalid, NotFound } from '../../lib/errors.ts';
import { contactsById } from '../restock/allocate.ts';
import { openEscalation } from '../escalations/open.ts';
import { MessageBatch } from '../messages/enqueue.ts';
import { schedulePreorder } from '../preorders/schedule.ts';
import { itemName, presentEta, productInfo } from '../variants/upsert.ts';

export interface EtaInput {
  earliest: string;
  latest: string;
  reason?: string;
}

/**
 * `POST /v1/admin/variants/:id/eta`: a new range reaches every waiting
 * pre-order and backorder customer at once, with the old range, the new one
 * and the reason; each hears of one change once. The same range again is no
 * change and sends nothing. A merchant's range overrides purchase-order ETAs.
 */
export async function changeEta(deps: Deps, shop: Shop, variantId: string, input: EtaInput) {
  const result = await transaction(deps.db, async (tx) => {
    const now = deps.clock.now();
    const [variant] = await tx.select().from(variants).where(and(eq(variants.shopId, shop.id), eq(variants.id, variantId)));
    if (!variant) throw NotFound('Variant');
    const today = now.toISOString().slice(0, 10);
    if (input.earliest < today) throw Invalid(`earliest must not be in the past (today is ${today})`, 'earliest');
    const to = { earliest: input.earliest, latest: input.latest };
    return applyEtaChange(tx, deps, shop, variant, to, { reason: input.reason ?? null, source: 'merchant', basis: null, now });
  });
  if (result.changed) deps.wake();
  return result;
}

export interface EtaChangeOptions {
  reason: string | null;
  source: EtaSourceKind;
  /** For purchase-order ETAs, what the range was derived from. */
  basis: EtaBasis | null;
  now: Date;
}

/**
 * The change itself, inside the caller's transaction: the merchant's route
 * and purchase-order events both come here, so the notices, escalations and
 * pre-order check-ins are the same however the range moved. The same range
 * again tells nobody (it only records who now owns the ETA). Pre-order
 * check-ins move with the range. The caller wakes the dispatcher.
 */
export async function applyEtaChange(tx: Tx, deps: Deps, shop: Shop, variant: Variant, to: { earliest: string; latest: string }, opts: EtaChangeOptions) {
  const { now, source, basis } = opts;
  const variantId = variant.id;
  const from = presentEta(variant);
  if (from && from.earliest === to.earliest && from.latest === to.latest) {
    if (variant.etaSource !== source || JSON.stringify(variant.etaBasis) !== JSON.stringify(basis)) {
      await tx.update(variants).set({ etaSource: source, etaBasis: basis }).where(and(eq(variants.shopId, shop.id), eq(variants.id, variantId)));
    }
    return { changed: false, notified: 0, eta: from };
  }
  const change = (
    await tx
      .insert(etaChanges)
      .values({ shopId: shop.id, variantId, fromEarliest: from?.earliest, fromLatest: from?.latest, toEarliest: to.earliest, toLatest: to.latest, reason: opts.reason, createdAt: now })
      .returning({ id: etaChanges.id })
  )[0]!;
  const updated = (
    await tx
      .update(variants)
      .set({ etaEarliest: to.earliest, etaLatest: to.latest, etaSource: source, etaBasis: basis, updatedAt: now })
      .where(and(eq(variants.shopId, shop.id), eq(variants.id, variantId)))
      .returning()
  )[0]!;

  // In the queue indexes' order, so messages are written in the same order on both engines.
  const preorders = await tx
    .select()
    .from(signups)
    .where(and(eq(signups.shopId, shop.id), eq(signups.variantId, variantId), eq(signups.kind, 'preorder'), inArray(signups.status, ['waiting', 'pending'])))
    .orderBy(asc(signups.status), asc(signups.seq));
  const owed = await tx
    .select()
    .from(backorders)
    .where(and(eq(backorders.shopId, shop.id), eq(backorders.variantId, variantId), eq(backorders.status, 'waiting')))
    .orderBy(asc(backorders.createdAt), asc(backorders.id));
  const people = await contactsById(tx, [...preorders.map((s) => s.contactId), ...owed.map((b) => b.contactId)]);
  const batch = MessageBatch.for(tx, now);
  const item = itemName(updated);
  const product = productInfo(updated);
  const reason = opts.reason;
  const { publicUrl } = deps.config;
  // Customers told, not messages: an order's customer may hear by email and by text.
  let notified = 0;
  for (const s of preorders) {
    const contact = people.get(s.contactId)!;
    const common = { shop, contact, signupId: s.id, key: `eta:${change.id}:signup:${s.id}` };
    const action = { label: 'leave' as const, url: `${publicUrl}/u/${contact.token}?s=${s.token}` };
    if (batch.email({ ...common, template: 'eta-changed', props: { item, product, status: { url: `${publicUrl}/s/${s.token}` }, from, to, reason, action } }) || batch.sms({ ...common, template: 'eta-changed', props: { item, to } })) {
      notified++;
    }
  }
  const nextUpdates = await nextUpdatesOf(tx, owed);
  const late = Date.parse(`${to.latest}T00:00:00Z`) > now.getTime() + shop.settings.escalation.etaDays * 86_400_000;
  for (const b of owed) {
    const contact = people.get(b.contactId)!;
    const common = { shop, contact, backorderId: b.id, key: `eta:${change.id}:backorder:${b.id}` };
    const action = { label: 'cancel' as const, url: `${publicUrl}/b/${b.token}` };
    // An order's notices go by email and, where the customer consented to texts, by SMS as well.
    const mailed = batch.email({ ...common, template: 'eta-changed', props: { item, product, status: { url: `${publicUrl}/s/${b.token}`, order: b.orderName, nextUpdate: nextUpdates.get(b.id)?.toISOString() ?? null }, from, to, reason, action } });
    const texted = batch.sms({ ...common, template: 'eta-changed', props: { item, order: b.orderName, to } });
    if (mailed || texted) notified++;
    if (late) {
      await openEscalation(tx, deps, {
        shop,
        kind: 'eta_long',
        key: b.orderId,
        orderId: b.orderId,
        contactId: b.contactId,
        summary: `Order ${b.orderName}: ${item} now expected as late as ${to.latest}.`,
        recommendedAction: 'Call or email the customer personally: confirm they want to wait, offer an alternative or a discount.',
        now,
      });
    }
  }
  await batch.flush();
  await tx.update(etaChanges).set({ notified }).where(eq(etaChanges.id, change.id));
  await schedulePreorder(tx, shop, preorders.filter((s) => s.status === 'waiting'), updated, now);
  return { changed: true, notified, eta: to };
}
