import type { ResendStub } from '../stubs/resend-stub.ts';
import type { TwilioStub } from '../stubs/twilio-stub.ts';
import type { Answered } from './schedule.ts';

/**
 * The promises a fleet of replicas keeps, each read from the database with
 * SQL and held against what the client saw and what the provider stubs
 * received. Each returns the violations it found, in words; [] is kept.
 */

export type Rows = <T = Record<string, unknown>>(text: string, params?: unknown[]) => Promise<T[]>;

const n = (v: unknown) => Number(v);

/**
 * Active holds never exceed max(0, inventory) on any variant. One statement,
 * so one snapshot: it may run at any moment, not only once settled.
 */
export async function holdsWithinStock(rows: Rows, shopId: string): Promise<string[]> {
  const over = await rows<{ id: string; inventory: string; held: string }>(
    `select v.id, v.inventory, coalesce(sum(o.units), 0) as held
       from variants v left join offers o on o.shop_id = v.shop_id and o.variant_id = v.id and o.status = 'active'
      where v.shop_id = $1
      group by v.id, v.inventory
     having coalesce(sum(o.units), 0) > greatest(0, v.inventory)`,
    [shopId],
  );
  return over.map((r) => `${r.id}: ${r.held} units held with inventory ${r.inventory}`);
}

/**
 * Places are numbered from one sequence (on PostgreSQL `signup_seq`, shared by
 * every shop, so a shop's numbers have gaps: a killed or retried transaction
 * leaves one too): unique, so unique per variant. Their order is commit order,
 * which the client can see in part: a place answered before another was asked
 * for has the smaller number.
 */
export async function placesInOrder(rows: Rows, shopId: string, answered: Answered[]): Promise<string[]> {
  const found: string[] = [];
  const [shape] = await rows<{ total: string; distinct: string; max: string | null; min: string | null }>(
    'select count(*) as total, count(distinct seq) as distinct, max(seq) as max, min(seq) as min from signups where shop_id = $1',
    [shopId],
  );
  if (shape && n(shape.distinct) !== n(shape.total)) {
    found.push(`places: ${shape.total} rows, ${shape.distinct} distinct seq, from ${shape.min} to ${shape.max}`);
  }
  const seqs = new Map((await rows<{ token: string; seq: string }>('select token, seq from signups where shop_id = $1', [shopId])).map((r) => [r.token, n(r.seq)]));
  const byAnswer = [...answered].sort((a, b) => a.answeredAt - b.answeredAt);
  for (const later of answered) {
    // Every place answered before `later` was sent must have a smaller number.
    for (const earlier of byAnswer) {
      if (earlier.answeredAt >= later.sentAt) break;
      const [a, b] = [seqs.get(earlier.token), seqs.get(later.token)];
      if (a !== undefined && b !== undefined && a >= b) found.push(`place ${a} (${earlier.email}) was answered before ${later.email} asked, who got ${b}`);
    }
  }
  return found;
}

/** Every 201 the storefront answered is a row: no place the client was promised is missing. */
export async function answeredAreRows(rows: Rows, answered: Answered[]): Promise<string[]> {
  const tokens = answered.map((a) => a.token);
  const present = new Set((await rows<{ token: string }>('select token from signups where token = any($1)', [tokens])).map((r) => r.token));
  return answered.filter((a) => !present.has(a.token)).map((a) => `201 for ${a.email} on ${a.variant} has no row (token ${a.token})`);
}

type PlaceRow = { id: string; variant_id: string; seq: string; quantity: string; status: string; updated_at: string };
type OfferRow = { id: string; signup_id: string; units: string; status: string; created_at: string; resolved_at: string | null };

/**
 * FIFO fairness (allocate.ts): when an offer was made, nobody earlier in the
 * same line was waiting for whom its units would have done. The documented
 * exception is a place asking for more units than the round had left: it is
 * skipped and keeps its place, so only earlier places of at most the offer's
 * units count.
 *
 * What each earlier place was doing at that offer is rebuilt from the rows,
 * in the variant's lock order where the rows have one: offers are numbered as
 * they are made under the variant's lock, so an earlier place with no offer
 * numbered below this one was still waiting, unless it had left the line. A
 * hold withdrawn by a fall in stock (cancelled, the place back in line) before
 * this offer's clock reading puts it back to waiting; one that expired, was
 * bought or is still active does not. A place also leaves the line by being
 * bought without a hold (an order from the same contact, SPEC §3.1 step 5).
 * Leaving is stamped with the clock read before the leaver waits for the
 * variant's lock, so a leave up to `leaveSlackMs` after an offer's stamp may
 * still have come first.
 */
export async function fifoFair(rows: Rows, shopId: string, leaveSlackMs = 2000): Promise<string[]> {
  const places = await rows<PlaceRow>('select id, variant_id, seq, quantity, status, updated_at from signups where shop_id = $1', [shopId]);
  const offers = await rows<OfferRow>('select id, signup_id, units, status, created_at, resolved_at from offers where shop_id = $1 order by id', [shopId]);
  const offersOf = new Map<string, OfferRow[]>();
  for (const o of offers) offersOf.set(o.signup_id, [...(offersOf.get(o.signup_id) ?? []), o]);
  const byId = new Map(places.map((p) => [p.id, p]));

  const found: string[] = [];
  for (const offer of offers) {
    const holder = byId.get(offer.signup_id)!;
    for (const earlier of places) {
      if (earlier.variant_id !== holder.variant_id || n(earlier.seq) >= n(holder.seq) || n(earlier.quantity) > n(offer.units)) continue;
      if (waitingAt(earlier, offersOf.get(earlier.id) ?? [], offer, leaveSlackMs)) {
        found.push(`${holder.variant_id}: offer ${offer.id} to place ${holder.seq} while place ${earlier.seq} (${earlier.quantity} unit(s), ${earlier.status}) waited ahead of it`);
      }
    }
  }
  return found;
}

function waitingAt(place: PlaceRow, holds: OfferRow[], offer: OfferRow, leaveSlackMs: number): boolean {
  // Out of line for good: left it, or bought the variant (an order from the same contact credits the place, hold or not).
  const left = ['cancelled', 'unsubscribed', 'lapsed', 'purchased'].includes(place.status);
  if (left && n(place.updated_at) < n(offer.created_at) + leaveSlackMs) return false;
  const before = holds.filter((h) => n(h.id) < n(offer.id));
  const last = before.at(-1);
  if (!last) return true;
  // A withdrawal ends the hold as `cancelled` with the place back in line; leaving ends it at the leave's own stamp.
  const withdrawn = last.status === 'cancelled' && last.resolved_at !== null && !(left && last.resolved_at === place.updated_at);
  return withdrawn && n(last.resolved_at) < n(offer.created_at);
}

/**
 * Each recipient got each message exactly once: the emails Resend accepted
 * (one per idempotency key; a replay is not a delivery) and the texts Twilio
 * accepted, by recipient and content, equal the message rows marked sent, by
 * recipient and content. A message's rendering is stored once and re-sent as
 * stored, so its content names its event.
 */
export async function exactlyOnce(rows: Rows, shopId: string, resend: ResendStub, twilio: TwilioStub): Promise<string[]> {
  const sent = await rows<{ channel: string; to: string; subject: string | null; text: string; status: string; error: string | null; attempts: string; batch: string | null }>(
    // Suppressed messages were never to go; queued ones not yet due (a backorder's later update) are not owed yet.
    `select channel, "to", subject, text, status, error, attempts,
            (select string_agg(b.template || ':' || b.status, ',' order by b.id) from messages b where b.batch_key = m.batch_key) as batch
       from messages m
      where shop_id = $1 and status <> 'suppressed' and not (status = 'queued' and send_after > $2)`,
    [shopId, Date.now()],
  );
  const found = sent.filter((m) => !['sent', 'delivered'].includes(m.status)).map((m) => `${m.channel} to ${m.to} is ${m.status} after ${m.attempts} attempt(s): ${m.error}; its batch: ${m.batch}`);
  const recipients = new Set(sent.map((m) => m.to));
  const expected = new Map<string, number>();
  for (const m of sent) bump(expected, event(m.channel, m.to, m.subject, m.text));

  const got = new Map<string, number>();
  const delivered = new Set([...resend.deliveries.keys()]);
  const seenKeys = new Set<string>();
  for (const req of resend.requests) {
    const key = String(req.headers['idempotency-key'] ?? '');
    const emails = (Array.isArray(req.body) ? req.body : [req.body]) as Array<{ to: string[] | string; subject: string; text: string }>;
    const accepted = emails.filter((e) => [e?.to].flat().some((to) => delivered.has(`${key}|${to}`)));
    if (accepted.length === 0 || seenKeys.has(key)) continue;
    seenKeys.add(key);
    for (const e of accepted) for (const to of [e.to].flat()) if (recipients.has(to)) bump(got, event('email', to, e.subject, e.text));
  }
  for (const m of twilio.messages) if (recipients.has(String(m.to))) bump(got, event('sms', String(m.to), null, String(m.body)));

  for (const [k, want] of expected) if ((got.get(k) ?? 0) !== want) found.push(`${k.split('\n').slice(0, 3).join(' | ')}: sent ${got.get(k) ?? 0}, recorded ${want}`);
  for (const [k, had] of got) if (!expected.has(k)) found.push(`${k.split('\n').slice(0, 3).join(' | ')}: sent ${had}, no row`);
  return found;
}

const event = (channel: string, to: string, subject: string | null, text: string) => `${channel}\n${to}\n${subject ?? ''}\n${text}`;
const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

/** No 429 from a provider that our own pacing caused: every replica sends on one account. */
export const noSelfCaused429 = (resend: ResendStub): string[] => (resend.count429 > 0 ? [`Resend answered 429 ${resend.count429} time(s)`] : []);

/**
 * No unit is lost or made up, per variant:
 * - inventory = restocks answered (+ any subset of those whose replica died) − every order's quantity (orders rows);
 * - what inventory is below zero is exactly what backorders are still owed;
 * - units bought from holds are the purchased offers' units.
 */
export async function unitsBalance(rows: Rows, shopId: string, restocked: Map<string, number>, unsure: Map<string, number[]>, ordersAnswered: Set<string>): Promise<string[]> {
  const found: string[] = [];
  type Line = { variantId: string; quantity: number; fromHold: number };
  // db/pg.ts leaves json as text for Drizzle to parse.
  const orderRows = (await rows<{ id: string; lines: Line[] | string }>('select id, lines from orders where shop_id = $1', [shopId])).map((o) => ({
    id: o.id,
    lines: (typeof o.lines === 'string' ? JSON.parse(o.lines) : o.lines) as Line[],
  }));
  const missing = [...ordersAnswered].filter((id) => !orderRows.some((o) => o.id === id));
  if (missing.length > 0 || orderRows.length !== ordersAnswered.size) found.push(`orders: ${ordersAnswered.size} answered, ${orderRows.length} rows, missing ${missing.join(',')}`);
  const variantRows = await rows<{ id: string; inventory: string; owed: string; bought: string }>(
    `select v.id, v.inventory,
            (select coalesce(sum(b.quantity - b.served), 0) from backorders b where b.shop_id = v.shop_id and b.variant_id = v.id and b.status = 'waiting') as owed,
            (select coalesce(sum(o.units), 0) from offers o where o.shop_id = v.shop_id and o.variant_id = v.id and o.status = 'purchased') as bought
       from variants v where v.shop_id = $1`,
    [shopId],
  );
  for (const v of variantRows) {
    const lines = orderRows.flatMap((o) => o.lines).filter((l) => l.variantId === v.id);
    const sold = lines.reduce((s, l) => s + l.quantity, 0);
    const fromHolds = lines.reduce((s, l) => s + l.fromHold, 0);
    const extra = n(v.inventory) - ((restocked.get(v.id) ?? 0) - sold);
    if (!subsetSums(unsure.get(v.id) ?? []).has(extra)) {
      found.push(`${v.id}: inventory ${v.inventory}, restocked ${restocked.get(v.id) ?? 0} (+ maybe ${unsure.get(v.id) ?? []}), sold ${sold}`);
    }
    if (n(v.owed) !== Math.max(0, -n(v.inventory))) found.push(`${v.id}: inventory ${v.inventory} but backorders owe ${v.owed}`);
    if (n(v.bought) !== fromHolds) found.push(`${v.id}: purchased holds ${v.bought} units, orders took ${fromHolds} from holds`);
  }
  return found;
}

/** What keeps a shop from settling: its active holds and the jobs of its variants, for the failure message. */
async function stuck(rows: Rows, shopId: string): Promise<string> {
  const holds = await rows<Record<string, unknown>>(
    `select id, variant_id, signup_id, restock_id, position, expires_at, created_at from offers where shop_id = $1 and status = 'active' order by id`,
    [shopId],
  );
  const jobs = await rows<Record<string, unknown>>(
    `select id, kind, key, status, run_at, lease_until, attempts, last_error from jobs where payload->>'shopId' = $1 order by id`,
    [shopId],
  );
  return [...holds.map((h) => `hold ${JSON.stringify(h)}`), ...jobs.map((j) => `job ${JSON.stringify(j)}`)].join('\n');
}

function subsetSums(values: number[]): Set<number> {
  let sums = new Set([0]);
  for (const v of values) sums = new Set([...sums, ...[...sums].map((s) => s + v)]);
  return sums;
}

/**
 * Settled: every replica up, no hold left to expire, no job or message due;
 * two quiet reads in a row, as a job may be between its two writes. Holds end
 * in about a second and cascade down the line one at a time, so a long line
 * takes a second a person: waiting goes on while the work moves (a new offer,
 * fewer holds, jobs or messages) and gives up after `stallMs` without a move.
 */
export async function settle(rows: Rows, shopId: string, stallMs = 30_000): Promise<void> {
  let quiet = 0;
  let last = '';
  let moved = Date.now();
  while (Date.now() - moved < stallMs) {
    const [busy] = await rows<{ offers: string; latest: string | null; jobs: string; messages: string }>(
      `select (select count(*) from offers where shop_id = $1 and status = 'active') as offers,
              (select max(id) from offers where shop_id = $1) as latest,
              (select count(*) from jobs where status in ('pending', 'running') and run_at <= $2) as jobs,
              (select count(*) from messages where shop_id = $1 and status in ('queued', 'sending') and send_after <= $2) as messages`,
      [shopId, Date.now()],
    );
    const now = `${busy!.offers} active holds (latest offer ${busy!.latest}), ${busy!.jobs} jobs and ${busy!.messages} messages due`;
    if (now !== last) moved = Date.now();
    last = now;
    quiet = n(busy!.offers) + n(busy!.jobs) + n(busy!.messages) === 0 ? quiet + 1 : 0;
    if (quiet >= 2) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`shop ${shopId} did not settle: nothing moved for ${stallMs} ms: ${last}\n${await stuck(rows, shopId)}`);
}
