import { describe, expect, it } from 'vitest';
import { TOLD_IN_ROUND } from '../../server/services/restock/allocate.ts';
import { client, killed, startServer } from '../child-server.ts';
import { crashScene, scaled } from './scene.ts';

/** A round of 10,000 on SQLite, 5,000 on PostgreSQL: its first page told with it, the rest in pages of a job. */
const RECIPIENTS = scaled(10_000, 5_000);

describe(`a server killed while it announces a round of ${RECIPIENTS.toLocaleString('en')}`, () => {
  const scene = crashScene();

  it('tells every offer once, each recipient one email, across the kill', async () => {
    const { stub } = scene;
    const env = await scene.serverEnv({ RESEND_RPS: '50' });
    const { createShop, seedLine, restock } = client(env);
    const emails = Array.from({ length: RECIPIENTS }, (_, i) => `r${i}@example.com`);
    const told = async () => Number(Object.values((await scene.rows(`select count(*) as n from messages where template = 'offer'`))[0]!)[0]);
    const announcing = async () => (await scene.rows(`select id from jobs where kind = 'offers.announce' and status = 'running'`)).length > 0;

    scene.child = await startServer(env);
    const { sk } = await createShop();
    await seedLine(sk, 'v1', emails);
    expect(await restock(sk, 'v1', RECIPIENTS)).toMatchObject({ offered: RECIPIENTS });

    // Kill it with some pages of the announcement committed and some not.
    await expect
      .poll(async () => (await announcing()) && (await told()) > TOLD_IN_ROUND && (await told()) < RECIPIENTS, { timeout: 30_000, interval: 5 })
      .toBe(true);
    await killed(scene.child);
    const toldAtKill = await told();
    expect(toldAtKill).toBeGreaterThan(TOLD_IN_ROUND);
    expect(toldAtKill).toBeLessThan(RECIPIENTS);

    // Another process takes the job over once its lease runs out, and tells the rest.
    scene.child = await startServer(env);
    await expect.poll(() => stub.recipients.size, { timeout: 60_000, interval: 200 }).toBe(RECIPIENTS);
    // Give a wrongly repeated send the time to show up before counting.
    await new Promise((r) => setTimeout(r, 1000));

    expect(emails.filter((e) => stub.sentTo(e) !== 1), 'recipients without exactly one delivery').toEqual([]);
    const perOffer = await scene.rows<{ n: string | number }>(
      `select count(m.id) as n from offers o left join messages m on m.offer_id = o.id and m.template = 'offer' group by o.id`,
    );
    expect(perOffer).toHaveLength(RECIPIENTS);
    expect(perOffer.filter((r) => Number(r.n) !== 1)).toEqual([]);
    expect((await scene.rows(`select id from jobs where kind = 'offers.announce' and status <> 'done'`)).length).toBe(0);
  }, 120_000);
});
