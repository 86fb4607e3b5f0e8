import { and, eq } from 'drizzle-orm';
import type { Tx } from '../../../db/index.ts';
import { escalations, type Backorder, type Shop } from '../../../db/schema/index.ts';
import { queueTicket, ticketRef } from '../helpdesk/queue.ts';

/** The backorder line a partial_shipment escalation holds, from its key (view.ts `heldKey`, or the line id alone as keys were first written). */
export function partialLineId(shopId: string, key: string): number | null {
  const prefix = `${shopId}:partial_shipment:`;
  if (!key.startsWith(prefix)) return null;
  const id = Number(key.slice(prefix.length).split(':')[0]);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

/**
 * Resolves the line's open partial_shipment escalations, whatever part they
 * held: a later part or the whole line made them moot. Returns how many.
 */
export async function settlePartials(tx: Tx, shop: Shop, line: Backorder, resolution: string, now: Date): Promise<number> {
  const open = await tx
    .select()
    .from(escalations)
    .where(and(eq(escalations.shopId, shop.id), eq(escalations.orderId, line.orderId), eq(escalations.status, 'open'), eq(escalations.kind, 'partial_shipment')));
  let settled = 0;
  for (const e of open) {
    if (partialLineId(shop.id, e.key) !== line.id) continue;
    await tx.update(escalations).set({ status: 'resolved', resolution, resolvedAt: now }).where(and(eq(escalations.id, e.id), eq(escalations.status, 'open')));
    await queueTicket(tx, shop, ticketRef(e), `esc:${e.id}:close`, { event: 'close', escalationId: e.id }, now);
    settled++;
  }
  return settled;
}
