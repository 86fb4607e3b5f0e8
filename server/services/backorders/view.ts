import { and, asc, eq, inArray, like } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/index.ts';
import { backorders, contacts, escalations, jobs, type Backorder, type Variant } from '../../../db/schema/index.ts';
import { NotFound } from '../../lib/errors.ts';
import { presentEta } from '../variants/upsert.ts';
import { CADENCE_STEPS } from './steps.ts';

/** One of this shop's backorder lines with its customer; another shop's id is a 404. */
export async function shopLine(db: DbOrTx, shopId: string, id: number) {
  const [row] = await db
    .select({ line: backorders, contact: contacts })
    .from(backorders)
    .innerJoin(contacts, eq(contacts.id, backorders.contactId))
    .where(and(eq(backorders.shopId, shopId), eq(backorders.id, id)));
  if (!row) throw NotFound('Backorder');
  return row;
}

/**
 * A backorder line as the admin API shows it (SPEC §4). `refunded` is a
 * cancelled line whose refund is on record; `allocated` has its stock and is
 * being packed; `shipped` means a fulfillment exists.
 */
export function backorderStatus(line: Backorder): 'open' | 'allocated' | 'shipped' | 'cancelled' | 'refunded' {
  if (line.refundedAt) return 'refunded';
  if (line.status === 'waiting') return 'open';
  return line.status;
}

/**
 * The next cadence mail of many waiting lines, read by the jobs' keys (a
 * unique index) a few hundred lines at a time: an ETA change tells thousands.
 */
export async function nextUpdatesOf(db: DbOrTx, lines: Backorder[]): Promise<Map<number, Date>> {
  const next = new Map<number, Date>();
  const waiting = lines.filter((l) => l.status === 'waiting');
  for (let i = 0; i < waiting.length; i += 300) {
    const keys = waiting.slice(i, i + 300).flatMap((l) => CADENCE_STEPS.map((step) => `backorder:${l.id}:${step}`));
    const due = await db.select({ key: jobs.key, runAt: jobs.runAt }).from(jobs).where(and(inArray(jobs.key, keys), eq(jobs.status, 'pending')));
    for (const { key, runAt } of due) {
      const id = Number(key.split(':')[1]);
      const known = next.get(id);
      if (!known || runAt < known) next.set(id, runAt);
    }
  }
  return next;
}

/** The next cadence mail still due for a waiting line, if any. */
export async function nextUpdateAt(db: DbOrTx, line: Backorder): Promise<Date | null> {
  if (line.status !== 'waiting') return null;
  const [next] = await db
    .select({ runAt: jobs.runAt })
    .from(jobs)
    .where(and(like(jobs.key, `backorder:${line.id}:%`), eq(jobs.kind, 'backorder.update'), eq(jobs.status, 'pending')))
    .orderBy(asc(jobs.runAt))
    .limit(1);
  return next?.runAt ?? null;
}

/**
 * The partial_shipment escalation of a line's part (confirm-partial.ts) is
 * named by the units set aside by then, so each part waits for its own
 * confirmation and a confirmed one stays on record.
 */
export const heldKey = (shopId: string, lineId: number, served: number) => `${shopId}:partial_shipment:${lineId}:${served}`;

/** Whether the units set aside for part of a waiting line still wait for a person before the customer is told. */
export async function awaitsConfirmation(db: DbOrTx, line: Backorder): Promise<boolean> {
  if (line.status !== 'waiting' || line.served === 0) return false;
  const [held] = await db.select({ status: escalations.status }).from(escalations).where(eq(escalations.key, heldKey(line.shopId, line.id, line.served)));
  return held?.status === 'open';
}

export async function presentBackorder(db: DbOrTx, line: Backorder, variant: Variant | undefined) {
  const nextUpdate = await nextUpdateAt(db, line);
  return {
    id: line.id,
    orderId: line.orderId,
    orderName: line.orderName,
    variantId: line.variantId,
    quantity: line.quantity,
    served: line.served,
    status: backorderStatus(line),
    /** Part of an open line is set aside and the customer hears of it once a person confirms (confirm-partial). */
    awaitingConfirmation: await awaitsConfirmation(db, line),
    eta: variant ? presentEta(variant) : null,
    nextUpdateAt: nextUpdate?.toISOString() ?? null,
    createdAt: line.createdAt.toISOString(),
    refundedAmount: line.refundedAmount,
    refundedAt: line.refundedAt?.toISOString() ?? null,
    currency: line.currency,
    tracking: line.tracking,
  };
}
