import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { first } from '../../db/raw.ts';
import { setup, shopWithVariant, type TestEnv } from '../helpers.ts';
import { startReplicas } from './replicas.ts';

/**
 * Four replicas on one PostgreSQL database, each with its own pool, writer and
 * app, answering the same shopper at the same moment. Each replica looks the
 * contact (and its place) up, finds nothing, and inserts: the unique indexes
 * decide, and the losers must come back as the contact and place that won,
 * never as a 500 (server/services/contacts/upsert.ts, db/sql/<engine>/inserts.ts).
 */

const REPLICAS = 4;
const ROUNDS = 20;
const VARIANTS = ['v1', 'v2', 'v3', 'v4'];

let t: TestEnv;
let shop: Awaited<ReturnType<typeof shopWithVariant>>;
let fleet: Awaited<ReturnType<typeof startReplicas>>;

beforeAll(async () => {
  t = await setup({ WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0' }, { engine: 'pg' });
  shop = await shopWithVariant(t);
  for (const id of VARIANTS) {
    const res = await shop.admin('PUT', `/v1/admin/variants/${id}`, { productTitle: 'Ocean Tee', title: id, mode: 'waitlist', inventory: 0, price: 2500, currency: 'USD' });
    expect(res.status).toBe(201);
  }
  fleet = await startReplicas(t, REPLICAS);
});

afterAll(async () => {
  await fleet?.close();
  await t?.cleanup();
});

/** One storefront signup on one replica: its status and body. */
const signup = (replica: number, body: Record<string, unknown>) => fleet.signup(replica, shop.pk, body);

/** Every replica sends its request at once; the answers in replica order. */
function together(body: (replica: number) => Record<string, unknown>) {
  fleet.complaints.length = 0;
  return Promise.all(fleet.apps.map((_, i) => signup(i, body(i))));
}

const contactsWith = async (email: string) =>
  Number((await first<{ n: number | string }>(t.deps.db, sql`select count(*) as n from contacts where shop_id = ${shop.id} and email = ${email}`))!.n);

const activePlaces = async (email: string, variantId: string) =>
  Number(
    (await first<{ n: number | string }>(
      t.deps.db,
      sql`select count(*) as n from signups s join contacts c on c.id = s.contact_id
          where c.shop_id = ${shop.id} and c.email = ${email} and s.variant_id = ${variantId} and s.status in ('pending', 'waiting', 'offered')`,
    ))!.n,
  );

/** The statuses of a round, sorted; a 5xx fails with what the server logged (a unique violation, say). */
function statuses(answers: Array<{ status: number; body: any }>): number[] {
  expect(answers.filter((a) => a.status >= 500).length, fleet.complaints.join('\n')).toBe(0);
  return answers.map((a) => a.status).sort();
}

describe('contacts and places raced across replicas (PostgreSQL)', () => {
  it('a new email joining one line from every replica at once: one joins, the rest hear it exists', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const email = `same-line-${round}@example.com`;
      const answers = await together(() => ({ variantId: '4401', email }));
      expect(statuses(answers), `round ${round}`).toEqual([200, 200, 200, 201]);
      for (const a of answers.filter((a) => a.status === 200)) expect(a.body).toEqual({ signup: { status: 'exists', variantId: '4401' } });
      expect(await contactsWith(email)).toBe(1);
      expect(await activePlaces(email, '4401')).toBe(1);
    }
  });

  it('a new email joining four lines from four replicas at once: four places, one contact', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const email = `four-lines-${round}@example.com`;
      const answers = await together((i) => ({ variantId: VARIANTS[i], email }));
      expect(statuses(answers), `round ${round}`).toEqual([201, 201, 201, 201]);
      expect(await contactsWith(email)).toBe(1);
      for (const v of VARIANTS) expect(await activePlaces(email, v)).toBe(1);
    }
  });

  it('one new number with four new emails at once: the phone decides, as it would one after another', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const phone = `+1415555${String(1000 + round).padStart(4, '0')}`;
      // Each insert conflicts on contacts_shop_phone_idx, not the email one: the read after it must look by phone.
      const answers = await together((i) => ({ variantId: '4401', email: `phone-${round}-${i}@example.com`, phone, smsConsent: true }));
      expect(statuses(answers), `round ${round}`).toEqual([200, 200, 200, 201]);
      const holders = await first<{ n: number | string }>(t.deps.db, sql`select count(*) as n from contacts where shop_id = ${shop.id} and phone = ${phone}`);
      expect(Number(holders!.n)).toBe(1);
    }
  });

  it('a known contact joining one line from every replica at once: one place, the rest hear it exists', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const email = `known-${round}@example.com`;
      expect((await signup(0, { variantId: 'v1', email })).status).toBe(201);
      // Each replica finds the contact and no place in 'v2', and inserts one: signups_one_active_idx decides.
      const answers = await together(() => ({ variantId: 'v2', email }));
      expect(statuses(answers), `round ${round}`).toEqual([200, 200, 200, 201]);
      expect(await activePlaces(email, 'v2')).toBe(1);
    }
  });
});
