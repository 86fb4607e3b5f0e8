import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { and, eq, gt } from 'drizzle-orm';
import { messages } from '../../db/schema/index.ts';
import { rowCounts, setup, shopWithVariant, type TestEnv } from '../helpers.ts';

let t: TestEnv;
beforeEach(async () => {
  t = await setup({ WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0' });
});
afterEach(() => t.cleanup());

type Shop = Awaited<ReturnType<typeof shopWithVariant>>;
type Body = Record<string, unknown>;
const PREVIEW = '/v1/admin/variants/4401/inventory/preview';
const REAL = '/v1/admin/variants/4401/inventory';

/** A line of `n` people on variant 4401, imported in one request, in this order. */
async function line(shop: Shop, n: number) {
  const csv = ['email,variant', ...Array.from({ length: n }, (_, i) => `p${i + 1}@example.com,4401`)].join('\n');
  const res = await t.call('POST', '/v1/admin/signups/import', { raw: csv, headers: { authorization: `Bearer ${shop.sk}`, 'content-type': 'text/csv' } });
  expect(res.body.imported).toBe(n);
}

/** The "not this time" notices written after message `after`, by recipient. */
async function ranOutSince(after: number) {
  const found = await t.deps.db.select({ to: messages.to, props: messages.props }).from(messages).where(and(gt(messages.id, after), eq(messages.template, 'ran-out')));
  return found;
}
const lastMessageId = async () => {
  const all = await t.deps.db.select({ id: messages.id }).from(messages);
  return all.reduce((n, m) => Math.max(n, m.id), 0);
};

describe('the restock dry run (issue 24)', () => {
  it('numbers the line where it goes on: 5 units for 350 offer #1–#5, and #6 hears it is #1 now', async () => {
    const shop = await shopWithVariant(t);
    await line(shop, 350);
    const preview = (await shop.admin('POST', PREVIEW, { adjust: 5 })).body;
    expect(preview.offers.map((o: Body) => o.position)).toEqual([1, 2, 3, 4, 5]);
    expect(preview.next.map((o: Body) => [o.before, o.position])).toEqual([[6, 1], [7, 2], [8, 3], [9, 4], [10, 5]]);
    expect(preview.stock).toEqual({ inStock: 5, held: 5, forSale: 0 });
    expect(preview.preview).toMatchObject({ offered: 5, ranOutNotices: 345, stillWaiting: 345 });

    const after = await lastMessageId();
    expect((await shop.admin('POST', REAL, { adjust: 5 })).status).toBe(200);
    const told = await ranOutSince(after);
    expect(told).toHaveLength(345);
    // p6 was #6 and is told #1; p10 is told #5.
    const place = (email: string) => (told.find((m) => m.to === email)?.props as { position: number } | undefined)?.position;
    expect(place('p6@example.com')).toBe(1);
    expect(place('p10@example.com')).toBe(5);
    const { signups: waiting } = (await shop.admin('GET', '/v1/admin/signups?variantId=4401&status=waiting&limit=1')).body;
    expect(waiting[0]).toMatchObject({ email: 'p6@example.com', position: 1 });
  });

  it('a cap for one restock sends exactly that many notices, and leaves the setting as it was', async () => {
    const shop = await shopWithVariant(t, {}, { ranOutNoticeDepth: 100 });
    await line(shop, 40);
    const preview = (await shop.admin('POST', PREVIEW, { available: 10, ranOutNoticeDepth: 7 })).body;
    expect(preview).toMatchObject({ ranOutNotice: true, ranOutNoticeDepth: 7, preview: { offered: 10, ranOutNotices: 7, stillWaiting: 30, messages: 17 } });
    const after = await lastMessageId();
    expect((await shop.admin('POST', REAL, { available: 10, ranOutNoticeDepth: 7 })).status).toBe(200);
    const told = await ranOutSince(after);
    expect(told.map((m) => m.to).sort()).toEqual(Array.from({ length: 7 }, (_, i) => `p${i + 11}@example.com`).sort());

    // The next restock, with no cap of its own, goes by the shop's setting again.
    expect((await shop.admin('GET', '/v1/admin/settings')).body.settings.ranOutNoticeDepth).toBe(100);
    expect((await shop.admin('POST', PREVIEW, { adjust: 5 })).body).toMatchObject({ ranOutNoticeDepth: 100, preview: { ranOutNotices: 25 } });
  });

  it.each([
    [{ available: 3, ranOutNoticeDepth: -1 }],
    [{ available: 3, ranOutNoticeDepth: 100_001 }],
    [{ available: 3, ranOutNoticeDepth: 2.5 }],
    [{ available: 3, ranOutNoticeDepth: '5' }],
    [{ available: 3, ranOutNoticeDepth: null }],
    [{ adjust: 3, ranOutNoticeDepth: -1 }],
  ])('refuses %j at the field, on both calls, writing nothing', async (body) => {
    const shop = await shopWithVariant(t);
    await line(shop, 3);
    const counts = await rowCounts(t);
    for (const path of [PREVIEW, REAL]) {
      const res = await shop.admin('POST', path, body);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'invalid_request', field: 'ranOutNoticeDepth' });
      expect(res.body.error.message).toMatch(/^ranOutNoticeDepth /);
    }
    expect(await rowCounts(t)).toEqual(counts);
  });

  it('a depth alone is not a change of stock', async () => {
    const shop = await shopWithVariant(t);
    const res = await shop.admin('POST', REAL, { ranOutNoticeDepth: 5 });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
  });
});
