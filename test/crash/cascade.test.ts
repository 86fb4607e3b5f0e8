import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { client, killed, serverEnv, startServer } from '../child-server.ts';
import { crashScene } from './scene.ts';

/** Units restocked; the line is three rounds deep, so holds expire and cascade twice, then go public. */
const UNITS = 3_000;
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
    const { stub, dbPath } = scene;
    const env = await serverEnv(dbPath, stub.url, { RESEND_RPS: '50', WAITLINE_TICK_MS: '50' });
    const { api, createShop, seedLine, restock } = client(env);
    const emails = Array.from({ length: LINE }, (_, i) => `r${i}@example.com`);

    scene.child = await startServer(env);
    const { sk } = await createShop();
    // Only offers are emailed, so "one email per person" means "one offer email per person".
    const patched = await api('/v1/admin/settings', { method: 'PATCH', token: sk, body: { holdDuration: 'PT2S', ranOutNotice: false } });
    expect(patched.status).toBe(200);
    await seedLine(sk, 'v1', emails);
    const db = new Database(dbPath, { readonly: true });
    scene.onClose.push(() => db.close());
    const q = queries(db);
    expect(await restock(sk, 'v1', UNITS)).toMatchObject({ offered: UNITS });

    // Sampled all along, each read a committed snapshot: never more held than in stock,
    // never one person holding twice.
    const violations: string[] = [];
    const sample = () => {
      const held = q.heldUnits();
      if (held > UNITS) violations.push(`${held} units held of ${UNITS}`);
      const doubled = q.doubleHolders();
      if (doubled > 0) violations.push(`${doubled} signups with two active holds`);
    };

    const killedJobs = new Set<number>();
    for (let kill = 0; kill < 2; kill++) {
      // Claiming the expiry job and running it are one synchronous stretch in the server,
      // so "running" in the database means the expire-and-cascade transaction is open now.
      const job = await until(() => q.runningExpiry().find((id) => !killedJobs.has(id)), sample, 20_000);
      await killed(scene.child);
      killedJobs.add(job);
      // The transaction died with the process: the holds it was ending are still active.
      expect(q.dueActiveHolds(Date.now()), `kill ${kill + 1} landed inside the cascade`).toBe(UNITS);
      scene.child = await startServer(env);
    }

    // Three rounds offered and expired, and the last expiry found nobody left.
    await until(() => (q.offers().filter((o) => o.status === 'expired').length === LINE ? true : undefined), sample, 30_000);
    expect(violations).toEqual([]);

    // What an uninterrupted run gives: the k-th in line (0-based) is offered once, in
    // round floor(k / UNITS), at place (k mod UNITS) + 1, and each cascade round starts
    // at the very instant the round before it ended (one transaction).
    const offers = q.offers();
    expect(offers).toHaveLength(LINE);
    const seqs = q.lineSeqs();
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
    const settled = () => {
      const rows = q.offerMessagesByStatus() as Array<{ status: string; n: number }>;
      return rows.every((r) => r.status === 'sent' || r.status === 'suppressed') ? rows : undefined;
    };
    const rows = await until(settled, () => {}, 60_000);
    await new Promise((r) => setTimeout(r, 500));
    const sent = rows.find((r) => r.status === 'sent')?.n ?? 0;
    expect(rows.reduce((n, r) => n + r.n, 0)).toBe(LINE);
    expect(q.suppressedReasons()).toEqual(rows.some((r) => r.status === 'suppressed') ? ['offer expired'] : []);
    expect(emails.filter((e) => stub.sentTo(e) > 1)).toEqual([]);
    expect(stub.recipients.size).toBe(sent);
    expect(sent).toBeGreaterThan(0);
  }, 150_000);
});

/** Polls `probe` every few ms (running `each` too) until it returns a value. */
async function until<T>(probe: () => T | undefined, each: () => void, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    each();
    const found = probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 2));
  }
}

function queries(db: Database.Database) {
  const heldUnits = db.prepare(`select coalesce(sum(units), 0) as n from offers where status = 'active'`).pluck();
  const doubleHolders = db.prepare(`select count(*) from (select signup_id from offers where status = 'active' group by signup_id having count(*) > 1)`).pluck();
  const runningExpiry = db.prepare(`select id from jobs where kind = 'offers.expire' and status = 'running'`).pluck();
  const dueActive = db.prepare(`select count(*) from offers where status = 'active' and expires_at <= ?`).pluck();
  const offers = db.prepare(
    `select s.seq, o.status, o.position, o.created_at as createdAt, o.resolved_at as resolvedAt
       from offers o join signups s on s.id = o.signup_id order by o.id`,
  );
  const seqs = db.prepare(`select seq from signups order by seq`).pluck();
  const byStatus = db.prepare(`select status, count(*) as n from messages where template = 'offer' group by status order by status`);
  const reasons = db.prepare(`select distinct error from messages where template = 'offer' and status = 'suppressed'`).pluck();
  return {
    heldUnits: () => heldUnits.get() as number,
    doubleHolders: () => doubleHolders.get() as number,
    runningExpiry: () => runningExpiry.all() as number[],
    dueActiveHolds: (now: number) => dueActive.get(now) as number,
    offers: () => offers.all() as OfferRow[],
    lineSeqs: () => seqs.all() as number[],
    offerMessagesByStatus: () => byStatus.all(),
    suppressedReasons: () => reasons.all() as string[],
  };
}
