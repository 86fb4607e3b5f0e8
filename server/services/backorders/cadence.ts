import { and, eq } from 'drizzle-orm';
import { nextUpdateAt } from './view.ts';
import { backorders, contacts, shops, variants } from '../../../db/schema/index.ts';
import { transaction } from '../../../db/transaction.ts';
import type { Deps } from '../../context.ts';
import { hasOpenEscalation, openEscalation } from '../escalations/open.ts';
import { MessageBatch } from '../messages/enqueue.ts';
import { itemName, productInfo, presentEta } from '../variants/upsert.ts';
import { inStockAlternative } from './alternative.ts';
import { etaSince } from './eta-since.ts';
import { needsReview } from './review.ts';
import { careOf } from './record.ts';
import type { CadenceStage } from './steps.ts';

/**
 * Job `backorder.update`, days after the order (steps.ts): day 3 a refined ETA
 * (or "we're checking with our supplier"), day 7 a status with an in-stock
 * alternative, day 14 a status with the cancel offer, which an open escalation
 * or a high-value order (a person reviews those) holds back. VIPs hear on days
 * 2, 5, 9 and 14, and one still waiting at the last goes to a person. By email,
 * and by SMS too where the customer consented. Lines no longer waiting hear nothing.
 * `step` names the job and its message (a VIP's status updates repeat); jobs
 * queued before steps existed carry only the stage.
 */
export async function backorderUpdate(deps: Deps, backorderId: number, stage: CadenceStage, step: string = stage): Promise<void> {
  const wrote = await transaction(deps.db, async (tx) => {
    const [row] = await tx
      .select({ line: backorders, shop: shops, contact: contacts })
      .from(backorders)
      .innerJoin(shops, eq(shops.id, backorders.shopId))
      .innerJoin(contacts, eq(contacts.id, backorders.contactId))
      .where(eq(backorders.id, backorderId));
    if (!row || row.line.status !== 'waiting') return false;
    const { line, shop, contact } = row;
    const [variant] = await tx.select().from(variants).where(and(eq(variants.shopId, shop.id), eq(variants.id, line.variantId)));
    if (!variant) return false;
    const now = deps.clock.now();
    const care = careOf(shop, contact);
    const item = itemName(variant);
    if (stage === 'cancel' && care.vip) {
      await openEscalation(tx, deps, {
        shop,
        kind: 'vip_day14',
        key: `${line.id}`,
        orderId: line.orderId,
        contactId: contact.id,
        summary: `VIP customer (${contact.ordersCount} orders) still waiting on ${item} from order ${line.orderName} after two weeks.`,
        recommendedAction: 'Contact them personally with the latest ETA; consider a goodwill gesture or expedited shipping.',
        now,
      });
    }
    const since = await etaSince(tx, shop.id, variant, line.createdAt);
    const alternative = stage === 'status' ? await inStockAlternative(tx, shop.id, variant) : null;
    const offerCancel = stage === 'cancel' && !(await hasOpenEscalation(tx, shop.id, line.orderId)) && !(await needsReview(tx, shop, line.orderId));
    const batch = MessageBatch.for(tx, now);
    const common = { shop, contact, backorderId: line.id, key: `backorder:${line.id}:${step}` };
    const eta = presentEta(variant);
    const status = { url: `${deps.config.publicUrl}/s/${line.token}`, order: line.orderName };
    const cancelUrl = `${deps.config.publicUrl}/b/${line.token}`;
    batch.email({
      ...common,
      template: 'backorder-update',
      props: {
        product: productInfo(variant),
        // This step's job is running, so the next pending one is the next update.
        status: { ...status, nextUpdate: (await nextUpdateAt(tx, line))?.toISOString() ?? null },
        stage,
        item,
        eta,
        confirmed: since.outcome !== null,
        outcome: since.outcome,
        told: since.told,
        reason: since.reason,
        alternative,
        offerCancel,
        ...care,
        cancelUrl,
      },
    });
    // Day 3 with no date confirmed since the order says so, as the email does.
    const checking = stage === 'refine' && since.outcome === null;
    batch.sms({ ...common, template: 'backorder-update', props: { item, order: line.orderName, stage, eta, checking, offerCancel, url: status.url, cancelUrl } });
    const wrote = batch.size > 0;
    await batch.flush();
    return wrote;
  });
  if (wrote) deps.wake();
}
