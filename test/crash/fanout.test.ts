import { describe, expect, it } from 'vitest';
import { client, killed, startServer } from '../child-server.ts';
import { crashScene, scaled } from './scene.ts';

/** Provider batches of 100: 100 on SQLite (10,000 emails), 10 on PostgreSQL at its PROPERTY_SCALE of 0.1 (1,000). */
const BATCHES = scaled(100, 10);
const RECIPIENTS = BATCHES * 100;
/** Batches the provider answers before it stalls one: the kill lands about a third in, with most of the fan-out unsent. */
const ANSWERED_BEFORE_KILL = Math.floor(BATCHES * 0.3);

describe(`a server killed in the middle of a ${RECIPIENTS.toLocaleString('en')}-email fan-out`, () => {
  const scene = crashScene({ stallAfter: ANSWERED_BEFORE_KILL });

  it(`delivers one offer email to each of ${RECIPIENTS.toLocaleString('en')} recipients across the kill`, async () => {
    const { stub } = scene;
    const env = await scene.serverEnv({ RESEND_RPS: '50' });
    const { createShop, seedLine, restock } = client(env);
    const emails = Array.from({ length: RECIPIENTS }, (_, i) => `r${i}@example.com`);

    scene.child = await startServer(env);
    const { sk } = await createShop();
    await seedLine(sk, 'v1', emails);
    expect(await restock(sk, 'v1', RECIPIENTS)).toMatchObject({ offered: RECIPIENTS });

    // The provider has accepted a batch it never answers; the sender waits on it, and
    // most of the fan-out is still written but unsent. Kill it there.
    await expect.poll(() => stub.stalled, { timeout: 30_000, interval: 20 }).toBe(1);
    await killed(scene.child);
    // What the dead process held leased: the stalled batch, and any claimed ahead of its turn
    // or answered but not yet recorded. These, and only these, are sent again.
    const leasedAtKill = (await scene.rows<{ id: string }>(`select id from messages where template = 'offer' and status = 'sending' order by id`)).map((r) => Number(r.id));
    const deliveredBeforeKill = stub.recipients.size;
    expect(deliveredBeforeKill).toBe((ANSWERED_BEFORE_KILL + 1) * 100);

    stub.options.stallAfter = undefined;
    scene.child = await startServer(env);
    await expect.poll(() => stub.recipients.size, { timeout: 40_000, interval: 200 }).toBe(RECIPIENTS);
    // Give a wrongly repeated send the time to show up before counting.
    await new Promise((r) => setTimeout(r, 1000));

    const twice = emails.filter((e) => stub.sentTo(e) !== 1);
    expect(twice, 'recipients without exactly one delivery').toEqual([]);
    // The stalled batch went out again under its key and was answered as a replay.
    const keys = stub.requests.map((r) => r.headers['idempotency-key']);
    expect(keys.length - new Set(keys).size).toBeGreaterThanOrEqual(1);

    const rows = (
      await scene.rows<{ id: string; to: string; status: string; providerId: string | null; attempts: number }>(
        `select id, "to", status, provider_id as "providerId", attempts from messages where template = 'offer' order by id`,
      )
    ).map((r) => ({ ...r, id: Number(r.id), attempts: Number(r.attempts) }));
    expect(rows).toHaveLength(RECIPIENTS);
    expect(rows.filter((r) => r.status !== 'sent')).toEqual([]);
    expect(new Set(rows.map((r) => r.to)).size).toBe(RECIPIENTS);
    // Each row records the id the provider gave for that very recipient: a row settled
    // from a second delivery, or from another batch, would not match.
    expect(rows.filter((r) => stub.providerIds.get(r.providerId ?? '') !== r.to)).toEqual([]);
    expect(new Set(rows.map((r) => r.providerId)).size).toBe(RECIPIENTS);
    // Exactly the batches leased when the process died needed a second attempt, each whole,
    // the stalled one among them.
    expect(leasedAtKill.length % 100, `${leasedAtKill.length} leased rows are not whole batches`).toBe(0);
    expect(leasedAtKill.length).toBeGreaterThanOrEqual(100);
    expect(rows.filter((r) => r.attempts > 1).map((r) => r.id)).toEqual(leasedAtKill);
  }, 90_000);
});
