import { and, asc, eq, inArray, or } from 'drizzle-orm';
import { backorders, contacts, variants, type Shop } from '../../../db/schema/index.ts';
import { transaction } from '../../../db/transaction.ts';
import type { Deps } from '../../context.ts';
import { localDate } from '../../lib/local-days.ts';
import { MessageBatch } from '../messages/enqueue.ts';
import { itemName, productInfo } from '../variants/upsert.ts';

/** Validated at the edge: the order as typed, and the address normalised as contacts store it. */
export interface StatusLookup {
  order: string;
  email?: string;
  phone?: string;
}

/** "1042" finds "#1042" too: customers type the number without the sign. */
const orderNames = (typed: string) => (typed.startsWith('#') ? [typed] : [typed, `#${typed}`]);

/**
 * Sends each of the order's backorder lines' status link to the contact who
 * placed it, at the address that was asked with (a text for a phone, else
 * email on file), once a day per line. The caller never learns whether
 * anything matched: the page says the same either way, so it cannot probe.
 * Returns the number of messages written, for tests and logs only.
 */
export async function sendStatusLinks(deps: Pick<Deps, 'db' | 'clock' | 'config' | 'wake'>, shop: Shop, input: StatusLookup): Promise<number> {
  const now = deps.clock.now();
  const names = orderNames(input.order);
  const byAddress = input.email ? eq(contacts.email, input.email) : eq(contacts.phone, input.phone ?? '');
  const written = await transaction(deps.db, async (tx) => {
    const rows = await tx
      .select({ line: backorders, contact: contacts, variant: variants })
      .from(backorders)
      .innerJoin(contacts, eq(contacts.id, backorders.contactId))
      .innerJoin(variants, and(eq(variants.shopId, backorders.shopId), eq(variants.id, backorders.variantId)))
      .where(and(eq(backorders.shopId, shop.id), eq(contacts.shopId, shop.id), or(inArray(backorders.orderName, names), eq(backorders.orderId, input.order)), byAddress))
      .orderBy(asc(backorders.id))
      .limit(20);
    const batch = MessageBatch.for(tx, now);
    const day = localDate(now.getTime(), shop.settings.timezone);
    for (const { line, contact, variant } of rows) {
      const common = { shop, contact, backorderId: line.id, key: `status-link:${line.id}:${day}` };
      const item = itemName(variant);
      const url = `${deps.config.publicUrl}/s/${line.token}`;
      const texted = input.phone ? batch.sms({ ...common, template: 'status-link', props: { item, order: line.orderName, url } }) : false;
      if (!texted) batch.email({ ...common, template: 'status-link', props: { item, product: productInfo(variant), quantity: line.quantity - line.served, order: line.orderName, url } });
    }
    const size = batch.size;
    await batch.flush();
    return size;
  });
  if (written > 0) deps.wake();
  return written;
}
