import type { Tx } from '../../../db/index.ts';
import type { Shop, Signup, Variant } from '../../../db/schema/index.ts';
import { enqueueJobs } from '../../jobs/queue.ts';
import { durationMs } from '../../lib/duration.ts';

export type PreorderStage = 'checkin' | 'soon';

/** When a pre-order hears from us: halfway to the earliest date, and `shippingSoonBefore` it. */
export function preorderMoments(shop: Shop, signup: Pick<Signup, 'createdAt'>, variant: Pick<Variant, 'etaEarliest'>): Record<PreorderStage, number> | null {
  if (!variant.etaEarliest) return null;
  const earliest = Date.parse(`${variant.etaEarliest}T00:00:00Z`);
  const created = signup.createdAt.getTime();
  return {
    checkin: created + Math.floor((earliest - created) / 2),
    soon: earliest - durationMs(shop.settings.shippingSoonBefore),
  };
}

/**
 * Schedules a pre-order's check-in and "shipping soon" for the current ETA.
 * Jobs are keyed by their moment: after an ETA change new ones are added, and
 * the old ones find they no longer match and do nothing.
 */
export async function schedulePreorder(tx: Tx, shop: Shop, signups: Signup[], variant: Variant, now: Date): Promise<void> {
  const jobs = signups.flatMap((signup) => {
    const moments = preorderMoments(shop, signup, variant);
    if (!moments) return [];
    return (Object.entries(moments) as Array<[PreorderStage, number]>)
      .filter(([, at]) => at > now.getTime())
      .map(([stage, at]) => ({ kind: 'preorder.update', key: `preorder:${signup.id}:${stage}:${at}`, runAt: new Date(at), payload: { signupId: signup.id, stage } }));
  });
  await enqueueJobs(tx, jobs, now);
}
