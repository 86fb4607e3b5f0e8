import { and, asc, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jobs, messages, offers } from '../../db/schema/index.ts';
import { transaction } from '../../db/transaction.ts';
import { TOLD_IN_ROUND } from '../../server/services/restock/allocate.ts';
import { announceOffers, type AnnouncePayload } from '../../server/services/restock/announce.ts';
import { runJobs, setup, shopWithVariant, type TestEnv } from '../helpers.ts';

let t: TestEnv;
beforeEach(async () => {
  t = await setup({ WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0' });
});
afterEach(() => t.cleanup());

type Shop = Awaited<ReturnType<typeof shopWithVariant>>;
const LINE = TOLD_IN_ROUND + 200;

/** A line of LINE people on variant 4401, imported in one request. */
async function longLine(shop: Shop) {
  const csv = ['email,variant', ...Array.from({ length: LINE }, (_, i) => `p${i}@example.com,4401`)].join('\n');
  const res = await t.call('POST', '/v1/admin/signups/import', { raw: csv, headers: { authorization: `Bearer ${shop.sk}`, 'content-type': 'text/csv' } });
  expect(res.body.imported).toBe(LINE);
}

const inventory = (shop: Shop, available: number) => shop.admin('POST', '/v1/admin/variants/4401/inventory', { available });

/** Every offer of the variant, in line order, with the templates written for it. */
async function offersAndTold() {
  const all = await t.deps.db.select().from(offers).where(eq(offers.variantId, '4401')).orderBy(asc(offers.id));
  const written = await t.deps.db.select({ offerId: messages.offerId, template: messages.template, props: messages.props, id: messages.id }).from(messages);
  return all.map((o) => ({ ...o, messages: written.filter((m) => m.offerId === o.id) }));
}

describe('a round larger than one page', () => {
  it('tells the first page in its own transaction and the rest from one job right after, each offer once, in line order', async () => {
    const shop = await shopWithVariant(t);
    await longLine(shop);
    const res = await inventory(shop, LINE);
    expect(res.body.allocation).toMatchObject({ offered: LINE, unitsHeld: LINE });

    // Committed: every hold, and the messages of the first page.
    let round = await offersAndTold();
    expect(round).toHaveLength(LINE);
    expect(round.map((o) => o.position)).toEqual(Array.from({ length: LINE }, (_, i) => i + 1));
    expect(round.filter((o) => o.messages.length > 0).map((o) => o.position)).toEqual(Array.from({ length: TOLD_IN_ROUND }, (_, i) => i + 1));
    const [announce] = await t.deps.db.select().from(jobs).where(eq(jobs.kind, 'offers.announce'));
    expect(announce).toMatchObject({ status: 'pending', payload: { from: round[TOLD_IN_ROUND]!.id, to: round.at(-1)!.id, cause: 'restock', restockUnits: LINE } });
    expect(announce!.runAt.getTime()).toBe(t.clock.now().getTime());

    // Its first page all sent, the restock is still not done: the job has the rest to tell.
    const progress = async () => (await shop.admin('GET', `/v1/admin/restocks/${res.body.restockId}`)).body.restock.progress;
    await transaction(t.deps.db, (tx) => tx.update(messages).set({ status: 'sent' }));
    expect(await progress()).toMatchObject({ done: false, messages: { queued: 0 } });

    await runJobs(t);
    round = await offersAndTold();
    expect(round.every((o) => o.messages.length === 1 && o.messages[0]!.template === 'offer')).toBe(true);
    await transaction(t.deps.db, (tx) => tx.update(messages).set({ status: 'sent' }));
    expect(await progress()).toMatchObject({ done: true, offers: LINE });
    // In line order: the dispatcher sends by id.
    const ids = round.map((o) => o.messages[0]!.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    // Told from the job as the round's own transaction tells: the same props, this offer's values.
    const [first, last] = [round[0]!, round.at(-1)!].map((o) => o.messages[0]!.props as Record<string, unknown>);
    expect(Object.keys(last!).sort()).toEqual(Object.keys(first!).sort());
    expect(last).toMatchObject({ position: LINE, units: LINE, quantity: 1, reason: 'restock', expiresAt: round.at(-1)!.expiresAt.toISOString() });
    expect(last!.claimUrl).toBe(`https://waitline.test/claim/${round.at(-1)!.token}`);
  });

  it('writes nothing new when the job runs again (a replica killed before marking it done)', async () => {
    const shop = await shopWithVariant(t);
    await longLine(shop);
    await inventory(shop, LINE);
    const [announce] = await t.deps.db.select().from(jobs).where(eq(jobs.kind, 'offers.announce'));
    await runJobs(t);
    const before = await t.deps.db.select().from(messages);
    expect(await announceOffers(t.deps, announce!.payload as unknown as AnnouncePayload)).toBe(LINE - TOLD_IN_ROUND);
    expect(await t.deps.db.select().from(messages)).toEqual(before);
  });

  it('never announces a hold that ended first, and tells of a withdrawal only those who heard of the hold', async () => {
    const shop = await shopWithVariant(t);
    await longLine(shop);
    await inventory(shop, LINE);
    // A recount before the job ran: the newest 300 holds go, 100 of them told, 200 not yet.
    const fall = await inventory(shop, LINE - 300);
    expect(fall.status).toBe(200);
    await runJobs(t);

    const round = await offersAndTold();
    const withdrawn = round.filter((o) => o.status === 'cancelled');
    expect(withdrawn.map((o) => o.position)).toEqual(Array.from({ length: 300 }, (_, i) => LINE - 299 + i));
    const templates = (o: (typeof round)[number]) => o.messages.map((m) => m.template).sort();
    const toldOfHold = withdrawn.filter((o) => o.position <= TOLD_IN_ROUND);
    expect(toldOfHold).toHaveLength(100);
    for (const o of toldOfHold) expect(templates(o)).toEqual(['offer', 'offer-withdrawn']);
    for (const o of withdrawn.filter((o) => o.position > TOLD_IN_ROUND)) expect(o.messages).toEqual([]);
    for (const o of round.filter((o) => o.status === 'active')) expect(templates(o)).toEqual(['offer']);
    // The told-then-withdrawn offers' own emails were still queued: they are held back, not sent.
    const queuedOffers = await t.deps.db
      .select()
      .from(messages)
      .where(and(eq(messages.template, 'offer'), eq(messages.status, 'queued')));
    expect(queuedOffers.filter((m) => toldOfHold.some((o) => o.id === m.offerId))).toEqual([]);
  });
});
