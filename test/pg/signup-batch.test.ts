import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../db/raw.ts';
import * as liteBatch from '../../db/sql/sqlite/signup-batch.ts';
import * as pgBatch from '../../db/sql/pg/signup-batch.ts';
import { signupBatchStats } from '../../server/services/signups/batch.ts';
import { setup, shopWithVariant, type TestEnv } from '../helpers.ts';
import { startReplicas } from './replicas.ts';

/**
 * Storefront signups on PostgreSQL are written many to a transaction
 * (server/services/signups/batch.ts). Four replicas take a burst at once, most
 * for one line, with repeats and bad requests mixed in: every 201 is a row,
 * places are unique and contiguous per line in commit order, a repeat is told
 * "exists", a bad request fails alone, and the signups really shared commits.
 */

const REPLICAS = 4;
const PER_REPLICA = 120;

let t: TestEnv;
let shop: Awaited<ReturnType<typeof shopWithVariant>>;
let fleet: Awaited<ReturnType<typeof startReplicas>>;

beforeAll(async () => {
  t = await setup({ WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0' }, { engine: 'pg' });
  shop = await shopWithVariant(t);
  const other = await shop.admin('PUT', '/v1/admin/variants/4402', { productTitle: 'Ocean Tee', title: 'M', mode: 'waitlist', inventory: 0, price: 2500, currency: 'USD' });
  expect(other.status).toBe(201);
  fleet = await startReplicas(t, REPLICAS);
});

afterAll(async () => {
  await fleet?.close();
  await t?.cleanup();
});

type Kind = 'hot' | 'other' | 'repeat' | 'unknown-variant' | 'bad-email';

/** The i-th request of a replica: mostly the hot line, some the other, a few repeats (the same address on every replica) and bad ones. */
function request(replica: number, i: number): { kind: Kind; body: Record<string, unknown> } {
  if (i % 20 === 7) return { kind: 'repeat', body: { variantId: '4401', email: `twice-${i}@example.com` } };
  if (i % 30 === 11) return { kind: 'unknown-variant', body: { variantId: 'nope', email: `r${replica}-${i}@example.com` } };
  if (i % 30 === 13) return { kind: 'bad-email', body: { variantId: '4401', email: 'not-an-address' } };
  if (i % 5 === 0) return { kind: 'other', body: { variantId: '4402', email: `r${replica}-${i}@example.com` } };
  return { kind: 'hot', body: { variantId: '4401', email: `r${replica}-${i}@example.com` } };
}

describe('storefront signups written in batches, four replicas at once (PostgreSQL)', () => {
  it('the twins export the same statements', () => {
    expect(Object.keys(pgBatch).sort()).toEqual(Object.keys(liteBatch).sort());
  });

  it('answers each request as one at a time would, with places unique and contiguous per line', async () => {
    const answers = (
      await Promise.all(
        fleet.apps.map((_, replica) =>
          Promise.all(
            Array.from({ length: PER_REPLICA }, async (_, i) => {
              const { kind, body } = request(replica, i);
              return { kind, email: body.email as string, ...(await fleet.signup(replica, shop.pk, body)) };
            }),
          ),
        ),
      )
    ).flat();

    const byKind = (kind: Kind) => answers.filter((a) => a.kind === kind);
    expect(byKind('unknown-variant').map((a) => a.status)).toEqual(byKind('unknown-variant').map(() => 404));
    expect(byKind('bad-email').map((a) => a.status)).toEqual(byKind('bad-email').map(() => 400));
    for (const kind of ['hot', 'other'] as const) {
      const broken = byKind(kind).filter((a) => a.status !== 201);
      expect(broken.slice(0, 3), fleet.complaints.join('\n')).toEqual([]);
    }
    // Each repeated address was sent once from every replica: one place, and "exists" for the others.
    const repeats = new Map<string, typeof answers>();
    for (const a of byKind('repeat')) repeats.set(a.email, [...(repeats.get(a.email) ?? []), a]);
    for (const [email, tries] of repeats) {
      expect(tries.map((a) => a.status).sort(), email).toEqual([200, 200, 200, 201]);
      expect(tries.filter((a) => a.status === 200).map((a) => a.body.signup.status), email).toEqual(['exists', 'exists', 'exists']);
    }

    const created = answers.filter((a) => a.status === 201);
    const stored = await rows<{ token: string; variant: string; seq: number }>(
      t.deps.db,
      sql`select token, variant_id as variant, seq from signups where shop_id = ${shop.id} and status = 'waiting' order by seq`,
    );
    // Every 201 is a row, and every row was answered 201 once.
    expect(stored.map((r) => r.token).sort()).toEqual(created.map((a) => a.body.signup.token).sort());
    const told = new Map(created.map((a) => [a.body.signup.token as string, a.body.signup.position as number]));
    for (const variant of ['4401', '4402']) {
      const line = stored.filter((r) => r.variant === variant);
      expect(line.length).toBeGreaterThan(50);
      // In sequence (commit) order, the k-th was told k: 1…N, no gap, no repeat.
      expect(line.map((r) => told.get(r.token))).toEqual(line.map((_, k) => k + 1));
    }
    const [{ n }] = (await rows<{ n: number }>(t.deps.db, sql`select count(*) as n from messages where shop_id = ${shop.id} and template = 'signup-confirmation'`)) as [{ n: number }];
    expect(Number(n)).toBe(created.length);

    // The burst was written in shared transactions, not one per signup.
    const stats = fleet.replicas.map((deps) => signupBatchStats(deps));
    const together = stats.reduce((sum, s) => sum + s.together, 0);
    expect(together, JSON.stringify(stats)).toBeGreaterThan(created.length / 2);
    expect(Math.max(...stats.map((s) => s.largest)), JSON.stringify(stats)).toBeGreaterThan(10);
    expect(stats.reduce((sum, s) => sum + s.batches, 0), JSON.stringify(stats)).toBeLessThan(created.length / 5);
  });
});
