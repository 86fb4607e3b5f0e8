import type { Tx } from '../../../db/index.ts';
import type { Shop, Variant } from '../../../db/schema/index.ts';
import type { Deps } from '../../context.ts';
import { durationMs } from '../../lib/duration.ts';
import { MessageBatch } from '../messages/enqueue.ts';
import { itemName, productInfo } from '../variants/upsert.ts';
import { contactsById } from './allocate.ts';
import { queueReads } from './queue.ts';

/** Every "still #k" notice of a restock is keyed under this prefix (see `idempotencyKeyRange`). */
export const ranOutPrefix = (restockId: number) => `restock:${restockId}:ran-out`;

/**
 * "Not this time, you are still #k" to the next `depth` people in line after a
 * restock's offers (the shop's `ranOutNoticeDepth`, or the restock's own cap),
 * never to the whole queue at once; none while the shop's `ranOutNotice` is
 * off. They are the head of the line now, so their places are 1, 2, 3…
 */
export async function tellStillWaiting(
  tx: Tx,
  deps: Deps,
  args: { shop: Shop; variant: Variant; restockId: number; units: number; depth: number; now: Date },
): Promise<number> {
  const { shop, variant, depth, now } = args;
  const { ranOutNotice, holdDuration } = shop.settings;
  if (!ranOutNotice || depth === 0) return 0;
  const waiting = await queueReads(tx).head(shop.id, variant.id, Number.MIN_SAFE_INTEGER, depth);
  const people = await contactsById(tx, waiting.map((w) => w.contactId));
  const batch = MessageBatch.for(tx, now);
  const item = itemName(variant);
  const product = productInfo(variant);
  const holdMs = durationMs(holdDuration);
  waiting.forEach((w, i) => {
    const contact = people.get(w.contactId)!;
    const common = { shop, contact, signupId: w.id, key: `${ranOutPrefix(args.restockId)}:${w.id}` };
    const position = i + 1;
    const sent = batch.email({
      ...common,
      template: 'ran-out',
      props: { item, product, status: { url: `${deps.config.publicUrl}/s/${w.token}` }, kind: w.kind, units: args.units, position, holdMs, leaveUrl: `${deps.config.publicUrl}/u/${contact.token}?s=${w.token}` },
    });
    // A text costs the merchant money: only for people we cannot email.
    if (!sent) batch.sms({ ...common, template: 'ran-out', props: { item, position } });
  });
  await batch.flush();
  return waiting.length;
}
