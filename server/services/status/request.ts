import type { Backorder, Shop } from '../../../db/schema/index.ts';
import { transaction } from '../../../db/transaction.ts';
import type { Deps } from '../../context.ts';
import { Conflict } from '../../lib/errors.ts';
import { inStockAlternative } from '../backorders/alternative.ts';
import { backorderByToken } from '../backorders/cancel.ts';
import { backorderStatus } from '../backorders/view.ts';
import { openEscalation } from '../escalations/open.ts';
import { itemName } from '../variants/upsert.ts';

export type StatusRequest = 'switch_request' | 'call_request';

/** Per line, so asking twice (or from two tabs) is one escalation. */
export const requestKey = (shop: Shop, kind: StatusRequest, line: Pick<Backorder, 'id'>) => `${shop.id}:${kind}:status:${line.id}`;

/**
 * A customer's request from the status page, handed to a person: switching to
 * an in-stock alternative (a person confirms and edits the order), or a call.
 * Refused (Conflict) when the line's state no longer allows it; a repeat opens
 * nothing new. Returns whether an escalation was opened by this call.
 */
export async function requestFromStatusPage(deps: Pick<Deps, 'db' | 'clock'>, tokenValue: string, kind: StatusRequest): Promise<{ opened: boolean }> {
  const now = deps.clock.now();
  return transaction(deps.db, async (tx) => {
    const { line, shop, contact, variant } = await backorderByToken(tx, tokenValue);
    const status = backorderStatus(line);
    const item = itemName(variant);
    const customer = contact.email ?? contact.phone ?? 'The customer';
    if (kind === 'switch_request') {
      const alternative = status === 'open' ? await inStockAlternative(tx, shop.id, variant) : null;
      if (!alternative) throw Conflict('Nothing in stock to switch to');
      const id = await openEscalation(tx, deps, {
        shop, kind, key: `status:${line.id}`, orderId: line.orderId, contactId: contact.id, now,
        summary: `${customer} asks to switch ${line.quantity - line.served} × ${item} on order ${line.orderName} to ${alternative.name}, which is in stock.`,
        recommendedAction: 'Confirm the change with the customer and edit the order.',
      });
      return { opened: id !== null };
    }
    if (status === 'cancelled' || status === 'refunded') throw Conflict('This backorder is closed');
    const id = await openEscalation(tx, deps, {
      shop, kind, key: `status:${line.id}`, orderId: line.orderId, contactId: contact.id, now,
      summary: `${customer} asked for a call about ${item} on order ${line.orderName} (${status}) from the status page.`,
      recommendedAction: `Call ${contact.phone ?? 'the customer (no phone on file: reply by email)'} about order ${line.orderName}.`,
    });
    return { opened: id !== null };
  });
}
