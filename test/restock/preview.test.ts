import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { asc, eq, gt, sql } from 'drizzle-orm';
import { rows } from '../../db/raw.ts';
import { contacts, messages, offers, signups } from '../../db/schema/index.ts';
import { maskContact } from '../../server/lib/mask.ts';
import { rowCounts, setup, shopWithVariant, testEngine, type TestEnv } from '../helpers.ts';

let t: TestEnv;
beforeEach(async () => {
  t = await setup({ WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0' });
});
afterEach(() => t.cleanup());

type Shop = Awaited<ReturnType<typeof shopWithVariant>>;
type Body = Record<string, unknown>;
const PREVIEW = '/v1/admin/variants/4401/inventory/preview';
const REAL = '/v1/admin/variants/4401/inventory';
const WEBHOOKS = { url: 'https://hooks.acme.example/waitline', secret: `whsec_${Buffer.alloc(24, 7).toString('base64')}`, events: ['offer.created', 'escalation.created'] };

/**
 * Every row of every table (on SQLite sqlite_sequence included; PostgreSQL's
 * sequences are not transactional, so only tables): a dry run must leave all
 * of it as it was. Rows are compared as a set: PostgreSQL has no implicit order.
 */
async function dump() {
  const names =
    testEngine() === 'pg'
      ? sql`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`
      : sql`select name from sqlite_master where type = 'table' order by name`;
  const out: Record<string, string[]> = {};
  for (const { name } of await rows<{ name: string }>(t.deps.db, names)) {
    out[name] = (await rows(t.deps.db, sql`select * from ${sql.identifier(name)}`)).map((r) => JSON.stringify(r)).sort();
  }
  return out;
}

const join = async (shop: Shop, people: Body[]) => {
  for (const [i, p] of people.entries()) await shop.signup({ email: `p${i}@example.com`, ...p });
};
const ones = (n: number) => Array.from({ length: n }, () => ({}));
const available = async (shop: Shop) => (await shop.admin('GET', '/v1/admin/variants')).body.variants[0].available as number;
const lastMessageId = async () => (await t.deps.db.select({ id: messages.id }).from(messages).orderBy(asc(messages.id))).at(-1)?.id ?? 0;

/** Who the real call gave a hold, read straight from the rows. */
async function realOffers(restockId: number | null) {
  if (restockId === null) return [];
  const found = await t.deps.db
    .select({ position: offers.position, quantity: offers.units, kind: signups.kind, email: contacts.email, phone: contacts.phone })
    .from(offers)
    .innerJoin(signups, eq(signups.id, offers.signupId))
    .innerJoin(contacts, eq(contacts.id, signups.contactId))
    .where(eq(offers.restockId, restockId))
    .orderBy(asc(offers.id));
  return found.map(({ email, phone, ...o }) => ({ position: o.position, contact: maskContact(email, phone), quantity: o.quantity, kind: o.kind }));
}

/** Every waiting signup's place, by id, as the signups list states it. */
async function places(shop: Shop) {
  const { signups: waiting } = (await shop.admin('GET', '/v1/admin/signups?variantId=4401&status=waiting&limit=500')).body;
  return new Map<number, number>(waiting.map((s: Body) => [s.id, s.position]));
}

/** The first five still waiting after the real call, with the place each had before it (null: they held a unit then). */
async function realNext(shop: Shop, before: Map<number, number>) {
  const { signups: waiting } = (await shop.admin('GET', '/v1/admin/signups?variantId=4401&status=waiting&limit=5')).body;
  return waiting.map((s: Body) => ({
    position: s.position,
    before: before.get(s.id as number) ?? null,
    contact: maskContact(s.email as string | null, s.phone as string | null),
    quantity: s.quantity,
    kind: s.kind,
  }));
}

interface Scenario {
  name: string;
  variant?: Body;
  settings?: Body;
  arrange: (shop: Shop) => Promise<void>;
  change: Body;
  expected: Body;
}

const scenarios: Scenario[] = [
  {
    name: 'a plain restock, one contact by phone only',
    settings: { webhooks: WEBHOOKS },
    arrange: (shop) => join(shop, [{}, {}, { email: undefined, phone: '+14155550123', smsConsent: true }, {}, {}]),
    change: { available: 3 },
    expected: {
      from: 0,
      to: 3,
      preview: { backordersServed: 0, offered: 3, unitsHeld: 3, ranOutNotices: 2, stillWaiting: 2, messages: 5, publicUnits: 0 },
      offers: [
        { position: 1, contact: 'p•••@example.com', quantity: 1, kind: 'waitlist' },
        { position: 2, contact: 'p•••@example.com', quantity: 1, kind: 'waitlist' },
        { position: 3, contact: '+•••••••0123', quantity: 1, kind: 'waitlist' },
      ],
      // The line goes on from #4: those two are its head now.
      next: [
        { position: 1, before: 4 },
        { position: 2, before: 5 },
      ],
      stock: { inStock: 3, held: 3, forSale: 0 },
      ranOutNotice: true,
      ranOutNoticeDepth: 500,
    },
  },
  {
    name: 'backorders owed below zero are served first',
    settings: { webhooks: WEBHOOKS },
    arrange: async (shop) => {
      const order = { id: 'o-1', email: 'buyer@example.com', currency: 'USD', total: 5000, lineItems: [{ variantId: '4401', quantity: 2, price: 2500 }] };
      expect((await shop.admin('POST', '/v1/admin/orders', order)).status).toBe(201);
      await join(shop, ones(3));
    },
    change: { adjust: 4 },
    expected: { from: -2, to: 2, preview: { backordersServed: 1, offered: 2, unitsHeld: 2, ranOutNotices: 1, stillWaiting: 1, messages: 4, publicUnits: 0 } },
  },
  {
    name: 'a rise below minimumRestock stays public',
    settings: { minimumRestock: 5 },
    arrange: (shop) => join(shop, ones(3)),
    change: { adjust: 2 },
    expected: { from: 0, to: 2, preview: { backordersServed: 0, offered: 0, unitsHeld: 0, ranOutNotices: 0, stillWaiting: 3, messages: 0, publicUnits: 2 }, offers: [] },
  },
  {
    name: 'a quantity that does not fit is skipped and keeps its place',
    arrange: (shop) => join(shop, [{ quantity: 3 }, {}, { quantity: 2 }, {}]),
    change: { available: 2 },
    expected: {
      preview: { backordersServed: 0, offered: 2, unitsHeld: 2, ranOutNotices: 2, stillWaiting: 2, messages: 4, publicUnits: 0 },
      offers: [
        { position: 2, contact: 'p•••@example.com', quantity: 1, kind: 'waitlist' },
        { position: 4, contact: 'p•••@example.com', quantity: 1, kind: 'waitlist' },
      ],
      next: [
        { position: 1, before: 1, contact: 'p•••@example.com', quantity: 3, kind: 'waitlist' },
        { position: 2, before: 3, contact: 'p•••@example.com', quantity: 2, kind: 'waitlist' },
      ],
    },
  },
  {
    name: 'pre-orders are allocated like the waitlist',
    variant: { mode: 'preorder', preorderLimit: 10, eta: { earliest: '2026-03-22', latest: '2026-03-29' } },
    arrange: (shop) => join(shop, [{ kind: 'preorder', quantity: 2 }, { kind: 'preorder' }, { kind: 'preorder', quantity: 2 }]),
    change: { available: 4 },
    expected: { preview: { backordersServed: 0, offered: 2, unitsHeld: 3, ranOutNotices: 1, stillWaiting: 1, messages: 3, publicUnits: 1 }, next: [{ position: 1, contact: 'p•••@example.com', quantity: 2, kind: 'preorder' }] },
  },
  {
    name: 'a fall withdraws the newest holds, and says so',
    arrange: async (shop) => {
      await join(shop, ones(4));
      await shop.admin('POST', REAL, { available: 3 });
    },
    change: { available: 1 },
    expected: {
      from: 3,
      to: 1,
      preview: { backordersServed: 0, offered: 0, unitsHeld: 0, ranOutNotices: 0, stillWaiting: 3, messages: 2, publicUnits: 0 },
      offers: [],
      // The two whose holds are withdrawn were not in line before; the one who was #1 is #3 behind them.
      next: [{ position: 1, before: null }, { position: 2, before: null }, { position: 3, before: 1 }],
      stock: { inStock: 1, held: 1, forSale: 0 },
    },
  },
  {
    name: 'this restock’s own depth caps the "not this time" notices',
    arrange: (shop) => join(shop, ones(6)),
    change: { available: 2, ranOutNoticeDepth: 1 },
    expected: { preview: { offered: 2, ranOutNotices: 1, stillWaiting: 4, messages: 3 }, ranOutNoticeDepth: 1 },
  },
  {
    name: 'this restock’s depth may go past the setting, for this restock only',
    settings: { ranOutNoticeDepth: 1 },
    arrange: (shop) => join(shop, ones(6)),
    change: { adjust: 1, ranOutNoticeDepth: 4 },
    expected: { preview: { offered: 1, ranOutNotices: 4, stillWaiting: 5, messages: 5 }, ranOutNoticeDepth: 4 },
  },
  {
    name: 'a depth of 0 tells nobody still waiting',
    arrange: (shop) => join(shop, ones(3)),
    change: { available: 1, ranOutNoticeDepth: 0 },
    expected: { preview: { offered: 1, ranOutNotices: 0, stillWaiting: 2, messages: 1 }, ranOutNoticeDepth: 0 },
  },
  {
    name: 'with the notices switched off, a depth sends none',
    settings: { ranOutNotice: false },
    arrange: (shop) => join(shop, ones(3)),
    change: { available: 1, ranOutNoticeDepth: 2 },
    expected: { preview: { offered: 1, ranOutNotices: 0, stillWaiting: 2, messages: 1 }, ranOutNotice: false, ranOutNoticeDepth: 2 },
  },
  {
    name: 'units beyond the line are for sale',
    arrange: (shop) => join(shop, ones(2)),
    change: { available: 5 },
    expected: { preview: { offered: 2, unitsHeld: 2, publicUnits: 3 }, stock: { inStock: 5, held: 2, forSale: 3 }, next: [] },
  },
  {
    name: 'no change is a valid preview',
    variant: { inventory: 2 },
    arrange: (shop) => join(shop, ones(1)),
    change: { available: 2 },
    expected: { from: 2, to: 2, preview: { backordersServed: 0, offered: 0, unitsHeld: 0, ranOutNotices: 0, stillWaiting: 1, messages: 0, publicUnits: 0 }, offers: [] },
  },
];

describe('POST /v1/admin/variants/:id/inventory/preview', () => {
  it.each(scenarios)('$name: says what the real call then does, and changes nothing', async (s) => {
    const shop = await shopWithVariant(t, s.variant, s.settings);
    await s.arrange(shop);
    let wakes = 0;
    t.deps.wake = () => void wakes++;
    const before = await dump();
    const counts = await rowCounts(t);

    const preview = await shop.admin('POST', PREVIEW, s.change);
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject(s.expected);
    expect(await rowCounts(t)).toEqual(counts);
    expect(await dump()).toEqual(before);
    expect(wakes).toBe(0);

    const publicBefore = await available(shop);
    const placesBefore = await places(shop);
    const lastMessage = await lastMessageId();
    const real = await shop.admin('POST', REAL, s.change);
    expect(real.status).toBe(200);
    expect(wakes).toBe(1);
    const written = await t.deps.db.select().from(messages).where(gt(messages.id, lastMessage)).orderBy(asc(messages.id));
    expect(preview.body).toEqual({
      from: preview.body.from,
      to: real.body.variant.inventory,
      preview: {
        ...real.body.allocation,
        ranOutNotices: written.filter((m) => m.template === 'ran-out').length,
        messages: written.length,
        publicUnits: real.body.variant.available - publicBefore,
      },
      stock: { inStock: real.body.variant.inventory, held: real.body.variant.activeHolds, forSale: real.body.variant.available },
      ranOutNotice: preview.body.ranOutNotice,
      ranOutNoticeDepth: preview.body.ranOutNoticeDepth,
      offers: await realOffers(real.body.restockId),
      next: await realNext(shop, placesBefore),
    });
  });

  it('lists the first 50 holds and the first 5 still waiting; the counts stay exact', async () => {
    const shop = await shopWithVariant(t);
    await join(shop, ones(58));
    const res = await shop.admin('POST', PREVIEW, { available: 52 });
    expect(res.body.preview).toMatchObject({ offered: 52, unitsHeld: 52, stillWaiting: 6, ranOutNotices: 6, messages: 58 });
    expect(res.body.offers).toHaveLength(50);
    expect(res.body.offers.map((o: Body) => o.position)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(res.body.next.map((o: Body) => o.position)).toEqual([1, 2, 3, 4, 5]);
  });

  it.each([
    [{}, undefined],
    [{ available: -1 }, 'available'],
    [{ available: 1.5 }, undefined],
    [{ available: '3' }, undefined],
    [{ adjust: 0 }, 'adjust'],
    [{ adjust: -1 }, 'adjust'],
    [{ available: 1, adjust: 1 }, undefined],
    [{ available: 1, extra: true }, undefined],
  ])('rejects %j exactly as the real call does', async (body, field) => {
    const shop = await shopWithVariant(t);
    const counts = await rowCounts(t);
    const preview = await shop.admin('POST', PREVIEW, body);
    const real = await shop.admin('POST', REAL, body);
    expect(preview.status).toBe(400);
    expect(preview.body).toEqual(real.body);
    if (field) expect(preview.body.error.field).toBe(field);
    expect(await rowCounts(t)).toEqual(counts);
  });

  it('needs the secret key, and sees only the shop’s own variants', async () => {
    const shop = await shopWithVariant(t);
    expect((await t.call('POST', PREVIEW, { body: { available: 1 } })).status).toBe(401);
    expect((await t.call('POST', PREVIEW, { body: { available: 1 }, headers: { authorization: `Bearer ${shop.pk}` } })).status).toBe(401);
    const other = await t.createShop('Other Shop');
    const res = await other.admin('POST', PREVIEW, { available: 1 });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
    expect((await shop.admin('POST', '/v1/admin/variants/nope/inventory/preview', { available: 1 })).status).toBe(404);
  });
});
