import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { client, killed, serverEnv, startServer } from '../child-server.ts';
import { crashScene } from './scene.ts';

const RECIPIENTS = 10_000;
/** Batches of 100 the provider answers before it stalls one: the kill lands about a third in. */
const ANSWERED_BEFORE_KILL = 30;

describe('a server killed in the middle of a 10,000-email fan-out', () => {
  const scene = crashScene({ stallAfter: ANSWERED_BEFORE_KILL });

  it('delivers one offer email to each of 10,000 recipients across the kill', async () => {
    const { stub, dbPath } = scene;
    const env = await serverEnv(dbPath, stub.url, { RESEND_RPS: '50' });
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

    const db = new Database(dbPath, { readonly: true });
    try {
      const rows = db.prepare(`select "to", status, provider_id as providerId, attempts from messages where template = 'offer'`).all() as Array<{
        to: string;
        status: string;
        providerId: string | null;
        attempts: number;
      }>;
      expect(rows).toHaveLength(RECIPIENTS);
      expect(rows.filter((r) => r.status !== 'sent')).toEqual([]);
      expect(new Set(rows.map((r) => r.to)).size).toBe(RECIPIENTS);
      // Each row records the id the provider gave for that very recipient: a row settled
      // from a second delivery, or from another batch, would not match.
      expect(rows.filter((r) => stub.providerIds.get(r.providerId ?? '') !== r.to)).toEqual([]);
      expect(new Set(rows.map((r) => r.providerId)).size).toBe(RECIPIENTS);
      // Only the stalled batch needed a second attempt.
      expect(rows.filter((r) => r.attempts > 1)).toHaveLength(100);
    } finally {
      db.close();
    }
  }, 90_000);
});
