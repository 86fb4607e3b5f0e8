import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/index.ts';
import { orders, type Shop } from '../../../db/schema/index.ts';

/**
 * An order above `escalation.orderValue` is never cancelled by its customer
 * alone: a person reviews first (SPEC §3.3). Its cancel link asks for that
 * review instead of cancelling, and the day-14 mail offers no cancel.
 */
export async function needsReview(db: DbOrTx, shop: Shop, orderId: string): Promise<boolean> {
  const [order] = await db
    .select({ total: orders.total })
    .from(orders)
    .where(and(eq(orders.shopId, shop.id), eq(orders.id, orderId)));
  return Boolean(order && order.total > shop.settings.escalation.orderValue);
}
