import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../db/raw.ts';
import { setup, shopWithVariant, type TestEnv } from '../helpers.ts';
import { startReplicas } from './replicas.ts';

/**
 * Eight replicas on one PostgreSQL database, each with its own pool and
 * writer, taking signups for one line at once. Places came from `max(seq)+1`
 * read without a lock: 8 × 250 signups once gave 492 distinct places. Numbered
 * under the line's count row lock (server/services/signups/position.ts), places
 * are unique, their order is commit order, and the position each signup was
 * told is exact.
 */

const REPLICAS = 8;
const PER_REPLICA = 60;
const IN_FLIGHT = 6;

let t: TestEnv;
let shop: Awaited<ReturnType<typeof shopWithVariant>>;
let fleet: Awaited<ReturnType<typeof startReplicas>>;

beforeAll(async () => {
  t = await setup({ WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0' }, { engine: 'pg' });
  shop = await shopWithVariant(t);
  const preorder = await shop.admin('PUT', '/v1/admin/variants/pre', { productTitle: 'Ocean Tee', title: 'L', mode: 'preorder', preorderLimit: 30, inventory: 0, price: 2500, currency: 'USD' });
  expect(preorder.status).toBe(201);
  fleet = await startReplicas(t, REPLICAS);
});

afterAll(async () => {
  await fleet?.close();
  await t?.cleanup();
});

/** Every replica sends `count` signups, `IN_FLIGHT` at a time, all replicas at once. */
async function fromEveryReplica(count: number, body: (replica: number, i: number) => Record<string, unknown>) {
  const answers: Array<{ status: number; body: any }> = [];
  await Promise.all(
    fleet.apps.map(async (_, replica) => {
      let next = 0;
      const lane = async () => {
        for (let i = next++; i < count; i = next++) answers.push(await fleet.signup(replica, shop.pk, body(replica, i)));
      };
      await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
    }),
  );
  const broken = answers.filter((a) => a.status !== 201);
  expect(broken.slice(0, 3), fleet.complaints.join('\n')).toEqual([]);
  return answers;
}

describe('places in one line, taken from eight replicas at once (PostgreSQL)', () => {
  it('are unique, in commit order, and each signup was told its exact position', async () => {
    const answers = await fromEveryReplica(PER_REPLICA, (replica, i) => ({ variantId: '4401', email: `r${replica}-${i}@example.com` }));
    const total = REPLICAS * PER_REPLICA;
    const line = await rows<{ seq: number; email: string }>(
      t.deps.db,
      sql`select s.seq, c.email from signups s join contacts c on c.id = s.contact_id where s.shop_id = ${shop.id} and s.variant_id = '4401' and s.status = 'waiting' order by s.seq`,
    );
    expect(line).toHaveLength(total);
    expect(new Set(line.map((r) => Number(r.seq))).size).toBe(total);
    // Nobody has left or been offered, so the k-th in sequence order was told k: the positions are
    // 1…N with no gap or repeat, and sequence order is the order the signups committed in.
    const told = new Map(answers.map((a, i) => [a.body.signup.token, i]));
    expect(told.size).toBe(total);
    const positionByToken = new Map<string, number>();
    for (const a of answers) positionByToken.set(a.body.signup.token, a.body.signup.position);
    const tokens = await rows<{ token: string }>(t.deps.db, sql`select token from signups where shop_id = ${shop.id} and variant_id = '4401' order by seq`);
    expect(tokens.map((r) => positionByToken.get(r.token))).toEqual(Array.from({ length: total }, (_, k) => k + 1));
  });

  it('are numbered per line when two lines of the shop fill at once: each line 1…N in sequence order, no number shared', async () => {
    for (const id of ['even', 'odd']) {
      const made = await shop.admin('PUT', `/v1/admin/variants/${id}`, { productTitle: 'Ocean Tee', title: id, mode: 'waitlist', inventory: 0, price: 2500, currency: 'USD' });
      expect(made.status).toBe(201);
    }
    const answers = await fromEveryReplica(PER_REPLICA, (replica, i) => ({ variantId: i % 2 ? 'odd' : 'even', email: `two-r${replica}-${i}@example.com` }));
    const positionByToken = new Map(answers.map((a) => [a.body.signup.token as string, a.body.signup.position as number]));
    for (const variant of ['even', 'odd']) {
      const line = await rows<{ token: string }>(t.deps.db, sql`select token from signups where shop_id = ${shop.id} and variant_id = ${variant} order by seq`);
      expect(line, variant).toHaveLength((REPLICAS * PER_REPLICA) / 2);
      expect(line.map((r) => positionByToken.get(r.token)), variant).toEqual(Array.from({ length: line.length }, (_, k) => k + 1));
    }
    const [numbers] = await rows<{ n: number; distinct: number }>(t.deps.db, sql`select count(*) as n, count(distinct seq) as distinct from signups where shop_id = ${shop.id}`);
    expect(Number(numbers!.distinct)).toBe(Number(numbers!.n));
  });

  it('never sells more pre-orders than the limit, however many replicas take them', async () => {
    const answers = await fromEveryReplica(8, (replica, i) => ({ variantId: 'pre', email: `pre-r${replica}-${i}@example.com`, kind: 'preorder' }));
    const kinds = answers.map((a) => a.body.signup.kind);
    expect(kinds.filter((k) => k === 'preorder')).toHaveLength(30);
    expect(kinds.filter((k) => k === 'waitlist')).toHaveLength(REPLICAS * 8 - 30);
    const [units] = await rows<{ n: number }>(t.deps.db, sql`select coalesce(sum(quantity), 0) as n from signups where shop_id = ${shop.id} and variant_id = 'pre' and kind = 'preorder'`);
    expect(Number(units!.n)).toBe(30);
  });
});
