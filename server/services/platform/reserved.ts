import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/index.ts';
import { platformReservations } from '../../../db/schema/index.ts';

/**
 * Units Waitline has reserved on the platform for this variant: added back to
 * the platform's `available`, so a reservation is never read as a sale. null
 * while a move is in flight, when the platform's number may or may not include it.
 */
export async function ourReservation(db: DbOrTx, shopId: string, variantId: string): Promise<number | null> {
  const [row] = await db.select().from(platformReservations).where(and(eq(platformReservations.shopId, shopId), eq(platformReservations.variantId, variantId)));
  if (!row) return 0;
  return row.pendingKey ? null : row.reserved;
}
