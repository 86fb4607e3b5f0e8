import { describe, expect, it } from 'vitest';
import { client, killed, startServer } from '../child-server.ts';
import { crashScene, scaled, type CrashScene } from './scene.ts';

/**
 * Units restocked: 3,000 on SQLite, 300 on PostgreSQL at its PROPERTY_SCALE of
 * 0.1. The line is three rounds deep, so holds expire and cascade twice, then
 * go public. Ending 300 holds and offering 300 more still takes the expire
 * transaction many statements, far longer than the poll that spots it.
 */
const UNITS = scaled(3_000, 300);
const LINE = 3 * UNITS;

interface OfferRow {
  seq: number;
  status: string;
  position: number;
  createdAt: number;
  resolvedAt: number | null;
}

describe('a server killed while expired holds cascade', () => {
  const scene = crashScene();

  it('cascades each expired hold exactly once, in line order, across two kills', async () => {
    const { stub } = scene;
    const env = await scene.serverEnv({ RESEND_RPS: '50', WAITLINE_TICK_MS: '50' });
    const { api, createShop, seedLine, restock } = client(env);
    const emails = Array.from({ length: LINE }, (_, i) => `r${i}@example.com`);

    scene.child = await startServer(env);
    const { sk } = await createShop();
    // Only offers are emailed, so "one email per person" means "one offer email per person".
    const patched = await api('/v1/admin/settings', { method: 'PATCH', token: sk, body: { holdDuration: 'PT2S', ranOutNotice: false } });
    expect(patched.status).toBe(200);
    await seedLine(sk, 'v1', emails);
    const q = queries(scene, `http://127.0.0.1:${env.PORT}`);
    expect(await restock(sk, 'v1', UNITS)).toMatchObject({ offered: UNITS });

    // Sampled all along, each read a committed snapshot: never more held than in stock,
    // never one person holding twice.
    const violations: string[] = [];
    const sample = async () => {
      const held = await q.heldUnits();
      if (held > UNITS) violations.push(`${held} units held of ${UNITS}`);
      const doubled = await q.doubleHolders();
      if (doubled > 0) violations.push(`${doubled} signups with two active holds`);
    };

    const killedJobs = new Set<number>();
    for (let kill = 0; kill < 2; kill++) {
      // The server claims the expiry job in one transaction ("running" once committed), then
      // ends the due holds and offers their units on in a second, which begins a moment later:
      // "running" alone may be that moment. Kill it once the second one is seen open.
      const job = await until(async () => {
        const id = (await q.runningExpiry()).find((j) => !killedJobs.has(j));
        return id !== undefined && (await q.expiryOpen()) ? id : undefined;
      }, sample, { timeoutMs: 20_000 });
      await killed(scene.child);
      killedJobs.add(job);
      // The transaction died with the process: the holds it was ending are still active.
      expect(await q.dueActiveHolds(Date.now()), `kill ${kill + 1} landed inside the cascade`).toBe(UNITS);
      scene.child = await startServer(env);
    }

    // Three rounds offered and expired, and the last expiry found nobody left. Each round takes
    // its 2-second holds and a transaction over its units (a whole round moves the count at once,
    // and a restarted server first starts): waited for while the count moves.
    await until(async () => ((await q.expiredOffers()) === LINE ? true : undefined), sample, { stillMs: 60_000, progress: q.expiredOffers, everyMs: 20 });
    expect(violations).toEqual([]);

    // What an uninterrupted run gives: the k-th in line (0-based) is offered once, in
    // round floor(k / UNITS), at place (k mod UNITS) + 1, and each cascade round starts
    // at the very instant the round before it ended (one transaction).
    const offers = await q.offers();
    expect(offers).toHaveLength(LINE);
    const seqs = await q.lineSeqs();
    expect(offers.map((o) => o.seq)).toEqual(seqs);
    expect(offers.map((o) => o.position)).toEqual(seqs.map((_, k) => (k % UNITS) + 1));
    const rounds = [0, 1, 2].map((r) => offers.slice(r * UNITS, (r + 1) * UNITS));
    for (const round of rounds) expect(new Set(round.map((o) => o.createdAt)).size).toBe(1);
    expect(rounds[1]![0]!.createdAt).toBe(rounds[0]![0]!.resolvedAt);
    expect(rounds[2]![0]!.createdAt).toBe(rounds[1]![0]!.resolvedAt);
    expect(new Set(rounds[0]!.map((o) => o.resolvedAt)).size).toBe(1);
    expect(new Set(rounds[1]!.map((o) => o.resolvedAt)).size).toBe(1);

    const variant = (await api('/v1/admin/variants', { token: sk })).body.variants[0];
    expect(variant).toMatchObject({ queueLength: 0, activeHolds: 0, available: UNITS });

    // Nobody got two offer emails. Each offer email was sent once, or, when its 2-second
    // hold had already ended before its turn at the provider (the expiry no longer waits
    // behind sending), suppressed and never sent: an offer nobody can claim is not sent.
    const settled = async () => {
      const rows = await q.offerMessagesByStatus();
      return rows.every((r) => r.status === 'sent' || r.status === 'suppressed') ? rows : undefined;
    };
    const rows = await until(settled, async () => {}, { stillMs: 30_000, progress: q.settledOfferMessages, everyMs: 20 });
    await new Promise((r) => setTimeout(r, 500));
    const sent = rows.find((r) => r.status === 'sent')?.n ?? 0;
    expect(rows.reduce((n, r) => n + r.n, 0)).toBe(LINE);
    expect(await q.suppressedReasons()).toEqual(rows.some((r) => r.status === 'suppressed') ? ['offer expired'] : []);
    expect(emails.filter((e) => stub.sentTo(e) > 1)).toEqual([]);
    expect(stub.recipients.size).toBe(sent);
    expect(sent).toBeGreaterThan(0);
  }, 240_000);
});

interface Wait {
  /** Gives up this long after the start… */
  timeoutMs?: number;
  /** …or this long after `progress` last changed: a loaded machine slows the work, and only work that stops fails. */
  stillMs?: number;
  progress?: () => Promise<number>;
  /** Between polls: a few ms to catch a transaction open; more where the server needs the CPU. */
  everyMs?: number;
}

/** Polls `probe` (running `each` too) until it returns a value. */
async function until<T>(probe: () => Promise<T | undefined>, each: () => Promise<void>, wait: Wait): Promise<T> {
  const limit = wait.timeoutMs ?? wait.stillMs!;
  let deadline = Date.now() + limit;
  let last = await wait.progress?.();
  for (;;) {
    await each();
    const found = await probe();
    if (found !== undefined) return found;
    const now = await wait.progress?.();
    if (wait.stillMs !== undefined && now !== last) [last, deadline] = [now, Date.now() + wait.stillMs];
    if (Date.now() > deadline) throw new Error(`timed out waiting${wait.progress ? ` (progress stuck at ${now})` : ''}`);
    await new Promise((r) => setTimeout(r, wait.everyMs ?? 2));
  }
}

/** What the test reads, in SQL both engines take; numbers come back as numbers on both. */
function queries({ engine, rows }: CrashScene, server: string) {
  const one = async (text: string, params: unknown[] = []) => Number(Object.values((await rows(text, params))[0]!)[0]);
  const column = async (text: string) => (await rows(text)).map((r) => Object.values(r)[0]);
  return {
    heldUnits: () => one(`select coalesce(sum(units), 0) as n from offers where status = 'active'`),
    doubleHolders: () => one(`select count(*) from (select signup_id from offers where status = 'active' group by signup_id having count(*) > 1) as doubled`),
    runningExpiry: async () => (await column(`select id from jobs where kind = 'offers.expire' and status = 'running'`)).map(Number),
    /**
     * Whether the expire-and-cascade transaction is open now, asked while an expiry job runs.
     * SQLite: better-sqlite3 answers each statement at once, so the transaction runs from its
     * begin to its commit without the server's event loop turning (well over a second for
     * 3,000 holds); a server that cannot answer even a 404 within 200 ms is inside it.
     * PostgreSQL: the transaction awaits each statement and the server stays responsive, so
     * ask PostgreSQL: another session of this database holds the lock an update of offers
     * takes, which only that transaction does while an expiry job runs (a process runs one
     * job at a time, and nothing else here updates offers).
     */
    expiryOpen: async () =>
      engine === 'sqlite'
        ? fetch(`${server}/crash-test-probe`, { signal: AbortSignal.timeout(200) }).then(
            async (res) => {
              await res.arrayBuffer();
              return false;
            },
            () => true,
          )
        : (await one(
            `select count(*) from pg_locks
              where relation = 'offers'::regclass and mode = 'RowExclusiveLock' and pid <> pg_backend_pid()
                and database = (select oid from pg_database where datname = current_database())`,
          )) > 0,
    // A count, not the rows: polled every few ms beside a server that needs the CPU.
    expiredOffers: () => one(`select count(*) from offers where status = 'expired'`),
    dueActiveHolds: (now: number) => one(`select count(*) from offers where status = 'active' and expires_at <= ?`, [now]),
    offers: async () =>
      (
        await rows<OfferRow>(
          `select s.seq, o.status, o.position, o.created_at as "createdAt", o.resolved_at as "resolvedAt"
             from offers o join signups s on s.id = o.signup_id order by o.id`,
        )
      ).map((o) => ({
        ...o,
        seq: Number(o.seq),
        position: Number(o.position),
        createdAt: Number(o.createdAt),
        resolvedAt: o.resolvedAt === null ? null : Number(o.resolvedAt),
      })),
    lineSeqs: async () => (await column(`select seq from signups order by seq`)).map(Number),
    offerMessagesByStatus: async () =>
      (await rows<{ status: string; n: number }>(`select status, count(*) as n from messages where template = 'offer' group by status order by status`)).map(
        (r) => ({ status: r.status, n: Number(r.n) }),
      ),
    settledOfferMessages: () => one(`select count(*) from messages where template = 'offer' and status in ('sent', 'suppressed')`),
    suppressedReasons: async () => (await column(`select distinct error from messages where template = 'offer' and status = 'suppressed'`)) as string[],
  };
}
