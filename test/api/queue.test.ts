import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rowCounts, setup, shopWithVariant, type TestEnv } from '../helpers.ts';

let t: TestEnv;
beforeEach(async () => {
  t = await setup({ WAITLINE_RATE_PER_IP: '0' });
});
afterEach(() => t.cleanup());

type Shop = Awaited<ReturnType<typeof shopWithVariant>>;
const line = async (shop: Shop) =>
  (await shop.admin('GET', '/v1/admin/signups?variantId=4401&status=waiting')).body.signups.map((s: { email: string; position: number }) => [s.email, s.position]);

describe('moving and removing by hand, with a logged reason', () => {
  it('moves a waiting signup to the front and takes another out; both reasons are logged', async () => {
    const shop = await shopWithVariant(t);
    for (const e of ['a', 'b', 'c']) await shop.signup({ email: `${e}@example.com` });
    const ids = (await shop.admin('GET', '/v1/admin/signups')).body.signups.map((s: { id: number }) => s.id);

    expect((await shop.admin('POST', `/v1/admin/signups/${ids[2]}/move-to-front`, { reason: 'Promised by support, ticket 4411' })).status).toBe(200);
    expect(await line(shop)).toEqual([
      ['c@example.com', 1],
      ['a@example.com', 2],
      ['b@example.com', 3],
    ]);
    expect((await shop.admin('POST', `/v1/admin/signups/${ids[0]}/remove`, { reason: 'Duplicate of an order already shipped' })).status).toBe(200);
    expect(await line(shop)).toEqual([
      ['c@example.com', 1],
      ['b@example.com', 2],
    ]);
    const { actions } = (await shop.admin('GET', '/v1/admin/queue-actions?variantId=4401')).body;
    expect(actions.map((a: { action: string; reason: string }) => [a.action, a.reason])).toEqual([
      ['remove', 'Duplicate of an order already shipped'],
      ['move_to_front', 'Promised by support, ticket 4411'],
    ]);
    // A restock follows the new order.
    await shop.admin('POST', '/v1/admin/variants/4401/inventory', { available: 1 });
    expect((await shop.admin('GET', '/v1/admin/signups?status=offered')).body.signups.map((s: { email: string; offer: unknown }) => [s.email, Boolean(s.offer)])).toEqual([['c@example.com', true]]);
    const history = (await shop.admin('GET', `/v1/admin/messages?signupId=${ids[2]}`)).body.messages.map((m: { template: string }) => m.template);
    expect(history).toEqual(['offer', 'signup-confirmation']);
  });

  it('removing a signup with a hold passes the hold to the next in line', async () => {
    const shop = await shopWithVariant(t);
    for (const e of ['a', 'b']) await shop.signup({ email: `${e}@example.com` });
    await shop.admin('POST', '/v1/admin/variants/4401/inventory', { available: 1 });
    const [held] = (await shop.admin('GET', '/v1/admin/signups?status=offered')).body.signups;
    await shop.admin('POST', `/v1/admin/signups/${held.id}/remove`, { reason: 'Asked us by phone to leave' });
    expect((await shop.admin('GET', '/v1/admin/signups?status=offered')).body.signups.map((s: { email: string }) => s.email)).toEqual(['b@example.com']);
  });

  it.each([
    ['no reason', {}, 400],
    ['a blank reason', { reason: ' ' }, 400],
    ['markup as the reason', { reason: '<b>x</b>' }, 400],
  ])('refuses %s and changes nothing', async (_name, body, status) => {
    const shop = await shopWithVariant(t);
    await shop.signup({ email: 'a@example.com' });
    await shop.signup({ email: 'b@example.com' });
    const ids = (await shop.admin('GET', '/v1/admin/signups')).body.signups.map((s: { id: number }) => s.id);
    const before = await rowCounts(t);
    expect((await shop.admin('POST', `/v1/admin/signups/${ids[1]}/move-to-front`, body)).status).toBe(status);
    expect(await line(shop)).toEqual([
      ['a@example.com', 1],
      ['b@example.com', 2],
    ]);
    expect(await rowCounts(t)).toEqual(before);
  });

  it("answers 404 for another shop's signup and 409 for one no longer in line", async () => {
    const a = await shopWithVariant(t);
    await a.signup({ email: 'a@example.com' });
    const [s] = (await a.admin('GET', '/v1/admin/signups')).body.signups;
    const b = await t.createShop('Other');
    expect((await b.admin('POST', `/v1/admin/signups/${s.id}/remove`, { reason: 'not mine to remove' })).status).toBe(404);
    await a.admin('POST', `/v1/admin/signups/${s.id}/remove`, { reason: 'asked to leave' });
    expect((await a.admin('POST', `/v1/admin/signups/${s.id}/remove`, { reason: 'asked to leave' })).status).toBe(409);
    expect((await a.admin('POST', `/v1/admin/signups/${s.id}/move-to-front`, { reason: 'asked to come back' })).status).toBe(409);
  });
});
