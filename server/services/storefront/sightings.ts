import { desc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/index.ts';
import { widgetSightings as sightings, type Shop } from '../../../db/schema/index.ts';
import { transaction } from '../../../db/transaction.ts';
import type { Deps } from '../../context.ts';

/** A sighting is written at most this often per shop and page origin, per process. */
export const SIGHTING_EVERY_MS = 60_000;
/** Enough for every storefront a process serves; made-up Origin headers only push out the oldest. */
const MAX_REMEMBERED = 10_000;
const MAX_ORIGIN_CHARS = 200;

/** By shop and Origin header as sent: when it was last written (or judged not worth writing), and whether it was allowed. */
const lastWrites = new Map<string, { atMs: number; allowed: boolean }>();
/** Writes not yet settled: the shutdown (and a test) waits for them. */
const inFlight = new Set<Promise<void>>();

/**
 * The storefront config route saw the widget on a page: notes the page's
 * origin for the shop, and whether it was allowed, so the Connect page can say
 * where the widget runs or why it was turned away. The hottest route in the
 * product: a repeat within the minute costs one map lookup, and the write
 * (an upsert) is not awaited, so it never delays the answer; a failure is
 * logged. `origin` is the Origin header as sent; none records nothing.
 */
export function noteWidgetSeen(deps: Pick<Deps, 'db' | 'clock' | 'log'>, shop: Shop, origin: string | undefined): void {
  if (!origin || origin.length > 4 * MAX_ORIGIN_CHARS) return;
  const allowed = shop.settings.allowedOrigins.includes(origin);
  const nowMs = deps.clock.now().getTime();
  const key = `${shop.id}\n${origin}`;
  const last = lastWrites.get(key);
  // A change of verdict (the merchant just allowed the origin) is written at once.
  if (last && last.allowed === allowed && nowMs - last.atMs < SIGHTING_EVERY_MS) return;
  remember(key, { atMs: nowMs, allowed });
  const page = pageOrigin(origin);
  if (!page) return;
  const write = upsertSighting(deps, shop.id, page, allowed, new Date(nowMs))
    .catch((error: unknown) => deps.log('widget sighting not recorded', { shopId: shop.id, origin: page, error: error instanceof Error ? error.message : String(error) }))
    .finally(() => inFlight.delete(write));
  inFlight.add(write);
}

/** Resolves once every sighting write started so far has settled (committed or logged). */
export async function sightingsWritten(): Promise<void> {
  while (inFlight.size) await Promise.all(inFlight);
}

/** Past every storefront a shop has: a flood of made-up Origin headers (each a row) never reaches the page. */
const MAX_LISTED = 50;

/** Where the widget was seen for a shop, newest first (at most 50): for the Connect page. */
export async function widgetSightings(db: DbOrTx, shopId: string): Promise<Array<{ origin: string; allowed: boolean; lastSeenAt: Date }>> {
  return db
    .select({ origin: sightings.origin, allowed: sightings.allowed, lastSeenAt: sightings.lastSeenAt })
    .from(sightings)
    .where(eq(sightings.shopId, shopId))
    .orderBy(desc(sightings.lastSeenAt), sightings.origin)
    .limit(MAX_LISTED);
}

/**
 * An Origin header → `scheme://host[:port]`, lower-case, default port dropped;
 * null unless it is a well-formed http(s) origin (no path, query or
 * credentials; not `null`) of at most 200 characters.
 */
export function pageOrigin(header: string): string | null {
  let url: URL;
  try {
    url = new URL(header);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.username || url.password || url.search || url.hash || url.pathname !== '/' || /[/?#]$/.test(header)) return null;
  return url.origin.length <= MAX_ORIGIN_CHARS ? url.origin : null;
}

function remember(key: string, value: { atMs: number; allowed: boolean }): void {
  // Re-inserted, so the map's order stays oldest write first.
  lastWrites.delete(key);
  if (lastWrites.size >= MAX_REMEMBERED) lastWrites.delete(lastWrites.keys().next().value!);
  lastWrites.set(key, value);
}

/** Async, so even a synchronous failure reaches the caller's `catch` rather than the request. */
async function upsertSighting(deps: Pick<Deps, 'db'>, shopId: string, origin: string, allowed: boolean, at: Date): Promise<void> {
  await transaction(deps.db, async (tx) => {
    await tx
      .insert(sightings)
      .values({ shopId, origin, allowed, lastSeenAt: at })
      .onConflictDoUpdate({ target: [sightings.shopId, sightings.origin], set: { allowed, lastSeenAt: at } });
  });
}
