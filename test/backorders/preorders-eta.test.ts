import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allMessages, rowCounts, runJobs, setup, shopWithVariant, type TestEnv } from '../helpers.ts';

let t: TestEnv;
beforeEach(async () => {
  t = await setup({ WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0' });
});
afterEach(() => t.cleanup());

const DAY = 86_400_000;
const msgs = async (to: string) => (await allMessages(t)).filter((m) => m.to === to);
const kinds = async (to: string) => (await msgs(to)).map((m) => (m.props.stage ? `${m.template}:${m.props.stage}` : m.template));

describe('a pre-order, from confirmation to "your pre-order is ready"', () => {
  it('confirms with the range, checks in halfway, says "shipping soon" 3 days out, then holds FIFO', async () => {
    // Clock: 2026-03-02 12:00 UTC. Earliest 2026-03-22: halfway is 2026-03-12 06:00, "soon" 2026-03-19.
    const shop = await shopWithVariant(t, { mode: 'preorder', preorderLimit: 10, eta: { earliest: '2026-03-22', latest: '2026-03-29' } });
    const a = await shop.signup({ email: 'a@example.com', quantity: 2 });
    await shop.signup({ email: 'b@example.com' });
    expect(a.body.signup.kind).toBe('preorder');
    const [confirmation] = await msgs('a@example.com');
    expect(confirmation!.subject).toBe('Your pre-order of Ocean Tee – S is reserved');
    expect(confirmation!.text).toContain('Expected between Mar 22, 2026 and Mar 29, 2026.');

    t.clock.set('2026-03-12T05:59:00Z');
    await runJobs(t);
    expect(await kinds('a@example.com')).toEqual(['signup-confirmation']);
    t.clock.set('2026-03-12T06:00:00Z');
    await runJobs(t);
    expect(await kinds('a@example.com')).toEqual(['signup-confirmation', 'preorder-update:checkin']);
    expect((await msgs('a@example.com'))[1]!.text).toContain('Halfway there: Ocean Tee – S is still expected between Mar 22, 2026 and Mar 29, 2026. You are #1 in line.');

    t.clock.set('2026-03-19T00:00:00Z');
    await runJobs(t);
    expect(await kinds('a@example.com')).toEqual(['signup-confirmation', 'preorder-update:checkin', 'preorder-update:soon']);
    expect((await msgs('b@example.com'))[2]!.subject).toBe('Almost here: Ocean Tee – S');

    const restock = await shop.admin('POST', '/v1/admin/variants/4401/inventory', { available: 2 });
    expect(restock.body.allocation).toMatchObject({ offered: 1, unitsHeld: 2, stillWaiting: 1 });
    const ready = (await msgs('a@example.com')).at(-1)!;
    expect(ready.subject).toMatch(/^Your pre-order of Ocean Tee – S is ready, held until/);
    t.clock.set('2026-04-30T00:00:00Z');
    await runJobs(t);
    expect((await msgs('a@example.com')).filter((m) => m.template === 'preorder-update')).toHaveLength(2); // none twice
  });

  it('an ETA change moves the check-in: the old moment does nothing, the new one sends once', async () => {
    const shop = await shopWithVariant(t, { mode: 'preorder', eta: { earliest: '2026-03-22', latest: '2026-03-29' } });
    await shop.signup({ email: 'a@example.com' });
    const moved = await shop.admin('POST', '/v1/admin/variants/4401/eta', { earliest: '2026-04-11', latest: '2026-04-18', reason: 'The factory is closed for a holiday.' });
    expect(moved.body).toEqual({ changed: true, notified: 1, eta: { earliest: '2026-04-11', latest: '2026-04-18' } });
    const notice = (await msgs('a@example.com')).at(-1)!;
    expect(notice.template).toBe('eta-changed');
    expect(notice.text).toContain('The expected date for Ocean Tee – S has moved from Mar 22, 2026 – Mar 29, 2026 to Apr 11, 2026 – Apr 18, 2026.');
    expect(notice.text).toContain('Why: The factory is closed for a holiday.');

    t.clock.set('2026-03-12T06:00:00Z'); // the old halfway point
    await runJobs(t);
    expect(await kinds('a@example.com')).toEqual(['signup-confirmation', 'eta-changed']);
    t.clock.set('2026-03-22T06:00:00Z'); // halfway between Mar 2 12:00 and Apr 11 00:00
    await runJobs(t);
    expect(await kinds('a@example.com')).toEqual(['signup-confirmation', 'eta-changed', 'preorder-update:checkin']);
  });
});

describe('POST /v1/admin/variants/:id/eta', () => {
  it('reaches exactly the waiting pre-orders and backorders, once per real change', async () => {
    const shop = await shopWithVariant(t, { mode: 'preorder', inventory: 0, eta: { earliest: '2026-03-22', latest: '2026-03-29' } });
    await shop.signup({ email: 'pre@example.com' });
    await shop.signup({ email: 'gone@example.com' }).then((r) => t.call('DELETE', `/v1/storefront/signups/${r.body.signup.token}`));
    await shop.admin('PUT', '/v1/admin/variants/4402', { title: 'M', mode: 'waitlist' });
    await shop.signup({ email: 'other@example.com', variantId: '4402' });
    await shop.admin('POST', '/v1/admin/orders', { id: 'o1', email: 'buyer@example.com', currency: 'USD', total: 100, lineItems: [{ variantId: '4401', quantity: 1, price: 100 }] });

    // The dashboard asks before changing: how many people would be told.
    const listed = (await shop.admin('GET', '/v1/admin/variants')).body.variants;
    expect(listed.map((v: { id: string; etaAudience: number }) => [v.id, v.etaAudience])).toEqual([['4401', 2], ['4402', 0]]);
    const body = { earliest: '2026-04-01', latest: '2026-04-08', reason: 'Late container' };
    expect((await shop.admin('POST', '/v1/admin/variants/4401/eta', body)).body).toMatchObject({ changed: true, notified: 2 });
    const told = (await allMessages(t)).filter((m) => m.template === 'eta-changed').map((m) => m.to).sort();
    expect(told).toEqual(['buyer@example.com', 'pre@example.com']);
    const cancelLink = (await msgs('buyer@example.com')).at(-1)!.text;
    expect(cancelLink).toMatch(/Cancel for a full refund: https:\/\/waitline\.test\/b\//);

    const before = await rowCounts(t);
    expect((await shop.admin('POST', '/v1/admin/variants/4401/eta', body)).body).toMatchObject({ changed: false, notified: 0 });
    expect(await rowCounts(t)).toEqual(before);
    expect((await shop.admin('GET', '/v1/admin/variants')).body.variants.find((v: { id: string }) => v.id === '4401').eta).toEqual({ earliest: '2026-04-01', latest: '2026-04-08' });

    // Further than escalation.etaDays (30) out: each backordered order goes to a person, once.
    await shop.admin('POST', '/v1/admin/variants/4401/eta', { earliest: '2026-05-01', latest: '2026-05-20' });
    await shop.admin('POST', '/v1/admin/variants/4401/eta', { earliest: '2026-05-02', latest: '2026-05-21' });
    const escalations = (await shop.admin('GET', '/v1/admin/escalations')).body.escalations;
    expect(escalations.map((e: { kind: string; orderId: string }) => [e.kind, e.orderId])).toEqual([['eta_long', 'o1']]);
  });

  it.each([
    [{ earliest: '2026-04-10', latest: '2026-04-01' }, 400, 'latest'],
    [{ earliest: '2026-03-01', latest: '2026-04-01' }, 400, 'earliest'],
    [{ earliest: '2026-02-30', latest: '2026-04-01' }, 400, 'earliest'],
    [{ earliest: '2026-04-01' }, 400, 'latest'],
    [{ earliest: '2026-04-01', latest: '2026-04-02', reason: '<script>x</script>' }, 400, 'reason'],
  ])('refuses %j and changes nothing', async (body, status, field) => {
    const shop = await shopWithVariant(t, { mode: 'preorder', eta: { earliest: '2026-03-22', latest: '2026-03-29' } });
    await shop.signup({ email: 'pre@example.com' });
    const before = await rowCounts(t);
    const res = await shop.admin('POST', '/v1/admin/variants/4401/eta', body);
    expect(res.status).toBe(status);
    expect(res.body.error.field).toBe(field);
    expect(await rowCounts(t)).toEqual(before);
  });

  it("answers 404 for an unknown variant and another shop's", async () => {
    await shopWithVariant(t);
    const b = await t.createShop('Other');
    expect((await b.admin('POST', '/v1/admin/variants/4401/eta', { earliest: '2026-04-01', latest: '2026-04-02' })).status).toBe(404);
  });
});
