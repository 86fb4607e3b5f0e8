import { and, eq } from 'drizzle-orm';
import { transaction } from '../../../db/transaction.ts';
import type { Job } from '../../../db/schema/index.ts';
import { contacts, shops, signups, variants } from '../../../db/schema/index.ts';
import type { Deps } from '../../context.ts';
import { MessageBatch } from '../messages/enqueue.ts';
import { positionOf } from '../signups/position.ts';
import { itemName, presentEta, productInfo } from '../variants/upsert.ts';
import { preorderMoments, type PreorderStage } from './schedule.ts';

/**
 * Job `preorder.update`: the mid-wait check-in or "shipping soon" for one
 * pre-order still waiting. A job scheduled for an ETA that has since moved
 * does nothing; each stage is sent once, whatever the ETA did.
 */
export async function preorderUpdate(deps: Deps, signupId: number, stage: PreorderStage, job: Pick<Job, 'runAt'>): Promise<void> {
  const wrote = await transaction(deps.db, async (tx) => {
    const [row] = await tx
      .select({ signup: signups, shop: shops, contact: contacts })
      .from(signups)
      .innerJoin(shops, eq(shops.id, signups.shopId))
      .innerJoin(contacts, eq(contacts.id, signups.contactId))
      .where(eq(signups.id, signupId));
    if (!row || row.signup.status !== 'waiting' || row.signup.kind !== 'preorder') return false;
    const { signup, shop, contact } = row;
    const [variant] = await tx.select().from(variants).where(and(eq(variants.shopId, shop.id), eq(variants.id, signup.variantId)));
    const eta = variant && presentEta(variant);
    if (!variant || !eta || variant.mode !== 'preorder') return false;
    if (preorderMoments(shop, signup, variant)?.[stage] !== job.runAt.getTime()) return false; // superseded by an ETA change
    const position = (await positionOf(tx, signup)) ?? 1;
    const batch = MessageBatch.for(tx, deps.clock.now());
    batch.email({
      shop,
      contact,
      signupId: signup.id,
      key: `preorder:${signup.id}:${stage}`,
      template: 'preorder-update',
      props: { stage, item: itemName(variant), product: productInfo(variant), status: { url: `${deps.config.publicUrl}/s/${signup.token}` }, eta, position, leaveUrl: `${deps.config.publicUrl}/u/${contact.token}?s=${signup.token}` },
    });
    const wrote = batch.size > 0;
    await batch.flush();
    return wrote;
  });
  if (wrote) deps.wake();
}
