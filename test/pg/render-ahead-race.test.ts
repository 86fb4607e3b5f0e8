import { and, eq, isNull, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { statementRows } from '../../db/raw.ts';
import { messages } from '../../db/schema/index.ts';
import { twins } from '../../db/sql/index.ts';
import { transaction } from '../../db/transaction.ts';
import type { ServerDeps } from '../../server/deps.ts';
import { RENDER_CHUNK, renderAhead } from '../../server/services/messages/render-ahead.ts';
import { setup, shopWithVariant, type TestEnv } from '../helpers.ts';
import { startReplicas, type Fleet } from './replicas.ts';

/**
 * Rendering ahead on two replicas of one PostgreSQL database: the rows one
 * replica is rendering are locked, and the other renders the rest without
 * waiting for them. (Read without SKIP LOCKED, the second replica picked the
 * same rows, rendered them again, and then waited on the first's locks to
 * store them.)
 */

const SIGNUPS = 40;

let t: TestEnv;
let fleet: Fleet;
beforeEach(async () => {
  t = await setup({ WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0' }, { engine: 'pg' });
  fleet = await startReplicas(t, 2);
});
afterEach(async () => {
  await fleet?.close();
  await t?.cleanup();
});

const unrenderedIds = async () =>
  (await t.deps.db.select({ id: messages.id }).from(messages).where(and(eq(messages.channel, 'email'), isNull(messages.text))).orderBy(messages.id)).map(
    (r) => r.id,
  );

describe('render-ahead across replicas', () => {
  it('renders around the rows another replica holds, without waiting for them, and each row once', async () => {
    const shop = await shopWithVariant(t);
    for (let i = 0; i < SIGNUPS; i++) expect((await shop.signup({ email: `r${i}@example.com` })).status).toBe(201);
    const queued = await unrenderedIds();
    expect(queued).toHaveLength(SIGNUPS);

    // Replica A has read its chunk and is rendering it (its transaction open).
    const [a, b] = fleet.replicas as [ServerDeps, ServerDeps];
    let release!: () => void;
    let heldIds: number[] = [];
    const held = new Promise<void>((resolve) => (release = resolve));
    let reading!: () => void;
    const read = new Promise<void>((resolve) => (reading = resolve));
    const holding = transaction(a.db, async (tx) => {
      const rows = await statementRows(tx, twins(tx).claims.unrendered, undefined, { channel: 'email', now: t.clock.now().getTime(), limit: RENDER_CHUNK });
      heldIds = rows.map((r) => r.id);
      reading();
      await held;
    });
    await read;
    expect(heldIds).toEqual(queued.slice(0, RENDER_CHUNK));

    // Replica B renders everything else meanwhile, and is done before A lets go.
    const rendering = renderAhead(b, 'email', SIGNUPS);
    const doneFirst = await Promise.race([rendering.then(() => true), new Promise<false>((resolve) => setTimeout(() => resolve(false), 5_000))]);
    const leftWhileHeld = await unrenderedIds();
    release();
    await Promise.all([holding, rendering]);
    expect(doneFirst, 'replica B waited for the rows replica A holds').toBe(true);
    expect(leftWhileHeld).toEqual(heldIds);

    await renderAhead(a, 'email', SIGNUPS);
    expect(await unrenderedIds()).toEqual([]);
    const stored = await t.deps.db.select({ n: sql<number>`count(*)` }).from(messages).where(eq(messages.channel, 'email'));
    expect(stored[0]!.n).toBe(SIGNUPS);
  }, 30_000);
});
