import { createHash } from 'node:crypto';
import { and, desc, eq, lt } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../../db/index.ts';
import { shops, writeBacks, type Backorder, type Shop, type WriteBack } from '../../../db/schema/index.ts';
import { transaction } from '../../../db/transaction.ts';
import type { Deps } from '../../context.ts';
import { enqueueJobs } from '../../jobs/queue.ts';
import { ShopifyError } from '../../platforms/shopify/admin.ts';
import { money } from '../../../emails/index.ts';
import { adminForConnection } from '../connections/shopify.ts';
import { apiForConnection, isStorePlatform } from '../connections/store-api.ts';
import { shopConnection } from '../connections/store.ts';
import { StoreError, type StoreApi } from '../../platforms/store.ts';
import { openEscalation } from '../escalations/open.ts';
import { lockedLine, refundOf } from './cancel.ts';
import { refundLine } from './refund.ts';
import { shopLine } from './view.ts';

/*
 * Write-back (issue 19, point 7): a customer's cancel of a backorder line on a
 * connected Shopify store is refunded on the store by Waitline, not left to a
 * person. The request is written with the cancel (a `write_backs` row naming
 * who asked, and a job), the job refunds the line's unshipped units through the
 * Admin API under one idempotency key, and only once Shopify answers with the
 * refund is the customer told it was issued (SPEC §5). Before each try the
 * order's refunds are read back: a refund carrying this line's mark means an
 * earlier try went through, and none is made twice. A refund the store will not
 * make goes to a person as a `refund` escalation, as without a connection.
 */

export const REFUND_JOB = 'shopify.refund';

/** The mark a refund made for this line carries in its note, by which a retry finds it. */
const markOf = (line: Backorder) => `[waitline backorder ${line.id}]`;

const refundKey = (shopId: string, line: Backorder) => `waitline-refund-${createHash('sha256').update(shopId).digest('base64url').slice(0, 16)}-${line.id}`;

/**
 * In the cancel's transaction: when the shop's Shopify store is connected, the
 * refund is asked of the store (a write-back and its job). False without a
 * connection: then a person refunds, as before.
 */
export async function requestStoreRefund(tx: Tx, shop: Shop, line: Backorder, requestedBy: string, now: Date): Promise<boolean> {
  const connection = await shopConnection(tx, shop.id);
  if (!connection) return false;
  const key = refundKey(shop.id, line);
  await tx
    .insert(writeBacks)
    .values({ shopId: shop.id, platform: connection.platform, kind: 'refund', orderId: line.orderId, backorderId: line.id, requestedBy, idempotencyKey: key, status: 'pending', createdAt: now })
    .onConflictDoNothing();
  await enqueueJobs(tx, [{ kind: REFUND_JOB, key: `refund:${key}`, runAt: now, payload: { backorderId: line.id } }], now);
  return true;
}

/** Job `shopify.refund`: the line's pending write-back, done once. */
export async function writeBackRefund(deps: Deps, backorderId: number): Promise<void> {
  const [wb] = await deps.db
    .select()
    .from(writeBacks)
    .where(and(eq(writeBacks.backorderId, backorderId), eq(writeBacks.kind, 'refund'), eq(writeBacks.status, 'pending')));
  const [shop] = wb ? await deps.db.select().from(shops).where(eq(shops.id, wb.shopId)) : [];
  if (!wb || !shop) return;
  const { line } = await shopLine(deps.db, shop.id, backorderId);
  // Recorded already: the store's own refunds/create webhook, or the merchant, got there first.
  if (line.refundedAt) return finish(deps, wb, { status: 'done', amount: line.refundedAmount, error: null });
  const connection = await shopConnection(deps.db, shop.id);
  if (!connection || connection.platform !== wb.platform) return fail(deps, shop, wb, line, 'The store was disconnected before the refund was made');
  if (isStorePlatform(connection.platform)) return storeRefund(deps, shop, wb, line, apiForConnection(deps, connection));
  const admin = await adminForConnection(deps, connection);
  const owed = line.quantity - line.served;
  try {
    const order = await admin.orderRefunds(line.orderId);
    if (!order) return fail(deps, shop, wb, line, `Order ${line.orderId} is not on the store`);
    const earlier = order.refunds.find((r) => r.note?.includes(markOf(line)));
    let made = earlier ? { refundId: earlier.id, amount: earlier.totalRefunded, currencyCode: order.currencyCode } : null;
    if (!made) {
      const item = order.lineItems.find((l) => l.variantId === line.variantId && l.refundableQuantity >= owed);
      if (!item) return fail(deps, shop, wb, line, `No line of order ${line.orderId} for this variant can still be refunded for ${owed} unit(s)`);
      made = await admin.refundLineItems({
        orderId: line.orderId,
        lines: [{ lineItemId: item.id, quantity: owed }],
        note: `Backorder cancelled by the customer ${markOf(line)}`,
        idempotencyKey: wb.idempotencyKey,
      });
    }
    await confirm(deps, shop, wb, line, made);
  } catch (error) {
    if (error instanceof ShopifyError && (error.kind === 'not_refundable' || error.kind === 'invalid' || error.kind === 'forbidden')) {
      return fail(deps, shop, wb, line, error.message);
    }
    // The store did not answer, or is still working on this key: the job tries again, reading the refunds back first.
    throw error;
  }
}

/**
 * The same on WooCommerce (`POST /orders/{id}/refunds` with `api_refund`) or
 * BigCommerce (a refund quote, then the refund to the order's online payment).
 * Neither takes an idempotency key: the refunds read back first, by the mark in
 * their note, are what keeps a retry from refunding twice. A refund the store
 * recorded without the gateway returning the money is not a refund the
 * customer can be told of: a person finishes it.
 */
async function storeRefund(deps: Deps, shop: Shop, wb: WriteBack, line: Backorder, api: StoreApi): Promise<void> {
  const owed = line.quantity - line.served;
  try {
    let made = (await api.refunds(line.orderId)).find((r) => r.note?.includes(markOf(line)));
    if (!made) {
      const order = await api.order(line.orderId);
      if (!order) return fail(deps, shop, wb, line, `Order ${line.orderId} is not on the store`);
      const item = order.lines.find((l) => l.variantId === line.variantId && l.quantity >= owed);
      if (!item) return fail(deps, shop, wb, line, `No line of order ${line.orderId} for this variant holds ${owed} unit(s)`);
      made = await api.refund({ orderId: line.orderId, lines: [{ lineId: item.id, quantity: owed, amount: refundOf(line) }], note: `Backorder cancelled by the customer ${markOf(line)}` });
    }
    if (!made.confirmed) return fail(deps, shop, wb, line, `The store recorded refund ${made.id}, but its payment gateway did not return the money`);
    await confirm(deps, shop, wb, line, { refundId: made.id, amount: made.amount, currencyCode: line.currency });
  } catch (error) {
    if (error instanceof StoreError && ['not_refundable', 'invalid', 'forbidden', 'unauthorized'].includes(error.kind)) return fail(deps, shop, wb, line, error.message);
    // The store did not answer: the job tries again, reading the refunds back first.
    throw error;
  }
}

/** The store confirmed the refund: the line is refunded and the customer told, once, in one transaction with the log. */
async function confirm(deps: Deps, shop: Shop, wb: WriteBack, line: Backorder, made: { refundId: string; amount: number; currencyCode: string }) {
  await transaction(deps.db, async (tx) => {
    const { line: locked, contact } = await lockedLine(tx, () => shopLine(tx, shop.id, line.id));
    // The amount the store refunded, never more than was paid for the units not shipped.
    const amount = Math.min(made.amount, refundOf(locked));
    if (!locked.refundedAt && amount > 0) await refundLine(tx, deps, shop, locked, contact, amount);
    await tx
      .update(writeBacks)
      .set({ status: 'done', amount: made.amount, currency: made.currencyCode, platformId: made.refundId, error: null, finishedAt: deps.clock.now() })
      .where(and(eq(writeBacks.id, wb.id), eq(writeBacks.status, 'pending')));
  });
  deps.log('write-back: refund made on the store', { shop: shop.id, backorder: line.id, refund: made.refundId, requestedBy: wb.requestedBy });
  deps.wake();
}

async function finish(deps: Deps, wb: WriteBack, outcome: { status: 'done' | 'failed'; amount: number | null; error: string | null }) {
  await transaction(deps.db, (tx) =>
    tx
      .update(writeBacks)
      .set({ ...outcome, finishedAt: deps.clock.now() })
      .where(and(eq(writeBacks.id, wb.id), eq(writeBacks.status, 'pending'))),
  );
}

/** The store will not make this refund: a person does it, with what went wrong, and nobody is told money moved. */
async function fail(deps: Deps, shop: Shop, wb: WriteBack, line: Backorder, error: string) {
  await transaction(deps.db, async (tx) => {
    await tx
      .update(writeBacks)
      .set({ status: 'failed', error, finishedAt: deps.clock.now() })
      .where(and(eq(writeBacks.id, wb.id), eq(writeBacks.status, 'pending')));
    const amount = money(refundOf(line), line.currency, 'en');
    await openEscalation(tx, deps, {
      shop,
      kind: 'refund',
      key: `${line.id}`,
      orderId: line.orderId,
      contactId: line.contactId,
      summary: `Customer cancelled ${line.quantity - line.served} unit(s) of order ${line.orderId}; Waitline could not refund ${amount} on the store: ${error}`,
      recommendedAction: `Refund ${amount} on order ${line.orderId} in your store admin; the customer is told once the store reports it (or record it: POST /v1/admin/backorders/${line.id}/refunded).`,
      now: deps.clock.now(),
    });
  });
  deps.log('write-back: refund left to a person', { shop: shop.id, backorder: line.id, error, requestedBy: wb.requestedBy });
}

/** GET /v1/admin/write-backs: what Waitline did on the shop's store, who asked, newest first. */
export async function listWriteBacks(db: DbOrTx, shopId: string, q: { cursor?: number; limit: number }) {
  const rows = await db
    .select()
    .from(writeBacks)
    .where(and(eq(writeBacks.shopId, shopId), q.cursor === undefined ? undefined : lt(writeBacks.id, q.cursor)))
    .orderBy(desc(writeBacks.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  return {
    writeBacks: page.map((w) => ({
      id: w.id,
      platform: w.platform,
      kind: w.kind,
      orderId: w.orderId,
      backorderId: w.backorderId,
      requestedBy: w.requestedBy,
      status: w.status,
      amount: w.amount,
      currency: w.currency,
      platformId: w.platformId,
      error: w.error,
      createdAt: w.createdAt.toISOString(),
      finishedAt: w.finishedAt?.toISOString() ?? null,
    })),
    nextCursor: rows.length > q.limit ? String(page.at(-1)!.id) : null,
  };
}
