import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rows } from '../../db/raw.ts';
import { setup, shopWithVariant, type TestEnv } from '../helpers.ts';
import { startReplicas } from './replicas.ts';

/**
 * Rate limits across replicas: two in-process replicas, each its own pool and
 * limiter, on one PostgreSQL database. With a limiter per process the fleet
 * let N× the limit through; counted in the shared `rate_limits` table it is
 * the limit, however the requests are spread.
 */

const LIMIT = 7;
const ATTEMPTS = 24;

let t: TestEnv;
let shop: Awaited<ReturnType<typeof shopWithVariant>>;
let fleet: Awaited<ReturnType<typeof startReplicas>>;

beforeEach(async () => {
  t = await setup({ WAITLINE_RATE_PER_IP: String(LIMIT), WAITLINE_RATE_PER_EMAIL: '0' }, { engine: 'pg' });
  shop = await shopWithVariant(t);
  fleet = await startReplicas(t, 2);
});
afterEach(async () => {
  await fleet?.close();
  await t?.cleanup();
});

/** A signup from one IP on replica `i`: its status and Retry-After. */
async function signup(i: number, email: string) {
  const res = await fleet.apps[i]!.request('/v1/storefront/signups', {
    method: 'POST',
    body: JSON.stringify({ key: shop.pk, variantId: '4401', email }),
    headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.9' },
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after') };
}

/** `ATTEMPTS` signups at once, alternating between the replicas. */
const burst = (tag: string) => Promise.all(Array.from({ length: ATTEMPTS }, (_, i) => signup(i % 2, `${tag}${i}@example.com`)));

describe('rate limits on PostgreSQL', () => {
  it('two replicas share one limit: exactly LIMIT allowed across both, the rest 429 with Retry-After', async () => {
    const answers = await burst('a');
    expect(answers.filter((a) => a.status === 201)).toHaveLength(LIMIT);
    const limited = answers.filter((a) => a.status === 429);
    expect(limited).toHaveLength(ATTEMPTS - LIMIT);
    for (const a of limited) expect(Number(a.retryAfter)).toBeGreaterThanOrEqual(1);
    const counted = () => rows(t.deps.db, sql`select key, points from rate_limits`);
    expect(await counted()).toEqual([{ key: expect.stringContaining('ip:203.0.113.9@'), points: ATTEMPTS }]);
    // Once a replica has seen the key over its limit it refuses it from memory: a flood stops costing upserts.
    for (const i of [0, 1, 0, 1]) expect((await signup(i, 'late@example.com')).status).toBe(429);
    expect(await counted()).toEqual([expect.objectContaining({ points: ATTEMPTS })]);

    // The window is the injected clock's: the next minute is open again, on both replicas, for LIMIT more.
    t.clock.advance(60_000);
    expect((await burst('b')).filter((a) => a.status === 201)).toHaveLength(LIMIT);
  });

  it('a failing store does not take signups down: each replica counts in memory until it answers again', async () => {
    await rows(t.deps.db, sql`drop table rate_limits`);
    const answers = await burst('c');
    expect(answers.filter((a) => a.status >= 500)).toEqual([]);
    // The insurance limiter is per replica: the limit on each.
    expect(answers.filter((a) => a.status === 201)).toHaveLength(2 * LIMIT);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(ATTEMPTS - 2 * LIMIT);
  });
});
