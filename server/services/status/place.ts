import { asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/index.ts';
import { offers, replies, type Signup } from '../../../db/schema/index.ts';
import { repliesTo } from './backorder.ts';
import type { Deps } from '../../context.ts';
import { placeByToken, type PlaceView } from '../signups/place.ts';

export type PlaceEvent =
  | { kind: 'joined'; at: Date; line: Signup['kind'] }
  | { kind: 'offered'; at: Date; until: Date }
  | { kind: 'offerExpired' | 'offerClaimed'; at: Date }
  | { kind: 'reply'; at: Date; text: string };

export interface PlaceStatusView extends PlaceView {
  kind: 'place';
  /** Newest first. */
  timeline: PlaceEvent[];
  /** The unsubscribe page's leave flow, as the messages link it. */
  leaveUrl: string;
}

/** The place's joining and each hold it was given, with how the hold ended. */
async function timelineOf(db: DbOrTx, signup: Signup): Promise<PlaceEvent[]> {
  const events: PlaceEvent[] = [{ kind: 'joined', at: signup.createdAt, line: signup.kind }];
  const held = await db.select().from(offers).where(eq(offers.signupId, signup.id)).orderBy(asc(offers.id));
  for (const offer of held) {
    events.push({ kind: 'offered', at: offer.createdAt, until: offer.expiresAt });
    if (offer.status === 'purchased') events.push({ kind: 'offerClaimed', at: offer.claimedAt ?? offer.resolvedAt ?? offer.expiresAt });
    else if (offer.status !== 'active') events.push({ kind: 'offerExpired', at: offer.resolvedAt ?? offer.expiresAt });
  }
  events.push(...(await repliesTo(db, signup.shopId, eq(replies.signupId, signup.id))));
  return events.map((e, i) => ({ e, i })).sort((a, b) => b.e.at.getTime() - a.e.at.getTime() || b.i - a.i).map(({ e }) => e);
}

/** Everything the customer's page for one place shows: the place page's view, plus its history; reads only. */
export async function placeStatusView(deps: Pick<Deps, 'db' | 'config'>, tokenValue: string): Promise<PlaceStatusView> {
  const view = await placeByToken(deps, tokenValue);
  return {
    ...view,
    kind: 'place',
    timeline: await timelineOf(deps.db, view.signup),
    leaveUrl: `${deps.config.publicUrl}/u/${view.contact.token}?s=${view.signup.token}`,
  };
}
