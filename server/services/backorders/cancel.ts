import { and, eq, sql } from 'drizzle-orm';
import { backorders, contacts, messages, shops, variants, type Backorder, type Shop } from '../../../db/schema/index.ts';
import type { DbOrTx, Tx } from '../../../db/index.ts';
import { twins } from '../../../db/sql/index.ts';
import { transaction } from '../../../db/transaction.ts';
import type { Deps } from '../../context.ts';
import { NotFound } from '../../lib/errors.ts';
import { money } from '../../../emails/index.ts';
import { openEscalation } from '../escalations/open.ts';
import { MessageBatch } from '../messages/enqueue.ts';
import { itemName, productInfo } from '../variants/upsert.ts';
import { settlePartials } from './partials.ts';
import { needsReview } from './review.ts';
import { requestStoreRefund } from './write-back.ts';

/** The backorder behind a cancel link, with what the page shows. */
export async function backorderByToken(db: DbOrTx, tokenValue: string) {
  const [row] = await db
    .select({ line: backorders, shop: shops, contact: contacts, variant: variants })
    .from(backorders)
    .innerJoin(shops, eq(shops.id, backorders.shopId))
    .innerJoin(contacts, eq(contacts.id, backorders.contactId))
    .innerJoin(variants, and(eq(variants.shopId, backorders.shopId), eq(variants.id, backorders.variantId)))
    .where(eq(backorders.token, tokenValue));
  if (!row) throw NotFound('Backorder');
  return row;
}

export const refundOf = (line: Backorder) => (line.quantity - line.served) * line.price;

/**
 * A line as it is once its variant is locked: restocks serve lines and
 * cancels release them only under that lock, so what this reads (status,
 * units served) stays true until commit. `find` reads the line; it runs twice,
 * once to learn the variant and once after the lock.
 */
export async function lockedLine<T extends { line: Backorder }>(tx: Tx, find: () => Promise<T>): Promise<T> {
  const { line } = await find();
  await twins(tx).locks.lockVariants(tx, line.shopId, [line.variantId]);
  return find();
}

/**
 * The line is settled: it leaves the queue (the next in line moves up), the
 * units it still owed no longer count against stock, and nothing queued about
 * it goes out. A line may be released while it waits for stock or once its
 * stock is allocated (then nothing is owed). `shipped` is for a line with a
 * fulfillment: every unit counts as served. `line` was read under its
 * variant's lock (`lockedLine`); null when it changed since, and nothing changed.
 */
export async function releaseLine(tx: Tx, shop: Shop, line: Backorder, now: Date, as: 'cancelled' | 'shipped' = 'cancelled'): Promise<Backorder | null> {
  if (line.status !== 'waiting' && line.status !== 'allocated') return null;
  const owed = line.quantity - line.served;
  const [released] = await tx
    .update(backorders)
    .set({ status: as, resolvedAt: now, ...(as === 'shipped' ? { served: line.quantity } : {}) })
    .where(and(eq(backorders.id, line.id), eq(backorders.status, line.status), eq(backorders.served, line.served)))
    .returning();
  if (!released) return null;
  // The owed units were taken below zero; with the line gone they are not owed.
  if (owed > 0) {
    await tx
      .update(variants)
      .set({ inventory: sql`${variants.inventory} + ${owed}`, updatedAt: now })
      .where(and(eq(variants.shopId, line.shopId), eq(variants.id, line.variantId)));
  }
  await tx.update(messages).set({ status: 'suppressed', error: `backorder ${as}` }).where(and(eq(messages.backorderId, line.id), eq(messages.status, 'queued')));
  // A part set aside and never confirmed is moot once the line is gone: no Confirm is left to press.
  if (line.status === 'waiting' && line.served > 0) await settlePartials(tx, shop, line, as === 'shipped' ? 'The line was shipped' : 'The line was cancelled', now);
  return released;
}

export type CancelOutcome = 'cancelled' | 'review' | 'already' | 'refunded' | 'allocated' | 'shipped';

/**
 * What is still owed is cancelled (releaseLine). When the customer cancels, a
 * connected Shopify store is asked for the refund (write-back.ts), else the
 * merchant gets a `refund` escalation to pay it back; either way the customer
 * is told the refund was *requested*: money is announced only once a refund is
 * on record (services/backorders/refund.ts). A large order is not cancelled by its
 * customer alone: the request goes to a person (`cancel_request`) and nothing
 * changes yet. When the merchant cancelled on the platform, nobody needs telling.
 * From the desk (`desk`, a connected store only) a person chose to cancel: no
 * review, and the store is asked for the refund as for a customer's cancel.
 * A second cancel, or one after shipping, changes nothing, even at the same
 * moment on another replica: the variant's lock orders them (`lockedLine`).
 */
export async function cancelBackorder(
  deps: Deps,
  tokenValue: string,
  opts: { by: 'customer' | 'merchant' | 'desk' } = { by: 'customer' },
): Promise<{ outcome: CancelOutcome; line: Backorder; shop: Shop }> {
  const result = await transaction(deps.db, async (tx) => {
    const { line, shop, contact, variant } = await lockedLine(tx, () => backorderByToken(tx, tokenValue));
    if (line.refundedAt) return { outcome: 'refunded' as const, line, shop };
    if (line.status === 'cancelled') return { outcome: 'already' as const, line, shop };
    if (line.status === 'shipped') return { outcome: 'shipped' as const, line, shop };
    // Being packed: nothing is owed to refund; the merchant still may cancel it, on the platform.
    if (line.status === 'allocated' && opts.by !== 'merchant') return { outcome: 'allocated' as const, line, shop };
    const now = deps.clock.now();
    const owed = line.quantity - line.served;
    const item = itemName(variant);
    const amount = refundOf(line);
    if (opts.by === 'customer' && (await needsReview(tx, shop, line.orderId))) {
      await openEscalation(tx, deps, {
        shop,
        kind: 'cancel_request',
        key: `${line.id}`,
        orderId: line.orderId,
        contactId: contact.id,
        summary: `Customer asks to cancel ${owed} × ${item} from order ${line.orderName} (${money(amount, line.currency, 'en')}). A large order: nothing was cancelled.`,
        recommendedAction: `Contact the customer. To cancel, cancel the line in your store admin, refund it, then record the refund (POST /v1/admin/backorders/${line.id}/refunded) so they are told.`,
        now,
      });
      return { outcome: 'review' as const, line, shop };
    }
    const cancelled = await releaseLine(tx, shop, line, now);
    if (!cancelled) return { outcome: 'already' as const, line, shop };
    if (opts.by === 'merchant') return { outcome: 'cancelled' as const, line: cancelled, shop };
    // A connected store refunds the line itself (write-back.ts); else a person does.
    if (!(await requestStoreRefund(tx, shop, cancelled, opts.by === 'desk' ? 'merchant' : `customer:${contact.id}`, now))) await openEscalation(tx, deps, {
      shop,
      kind: 'refund',
      key: `${line.id}`,
      orderId: line.orderId,
      contactId: contact.id,
      summary: `Customer cancelled ${owed} × ${item} from order ${line.orderName}: refund ${money(amount, line.currency, 'en')}.`,
      recommendedAction: `Refund ${money(amount, line.currency, 'en')} on order ${line.orderName} in your store admin, then record it (POST /v1/admin/backorders/${line.id}/refunded) so the customer is told.`,
      now,
    });
    const batch = MessageBatch.for(tx, now);
    const common = { shop, contact, backorderId: line.id, key: `backorder:${line.id}:cancelled` };
    batch.email({
      ...common,
      template: 'backorder-cancelled',
      props: { item, product: productInfo(variant), status: { url: `${deps.config.publicUrl}/s/${line.token}` }, quantity: owed, order: line.orderName, amount, currency: line.currency },
    });
    batch.sms({ ...common, template: 'backorder-cancelled', props: { item, order: line.orderName, amount, currency: line.currency } });
    await batch.flush();
    return { outcome: 'cancelled' as const, line: cancelled, shop };
  });
  if (result.outcome === 'cancelled') deps.wake();
  return result;
}
