import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDb } from '../../db/index.ts';
import { transaction } from '../../db/transaction.ts';
import { messages, offers } from '../../db/schema/index.ts';
import { funnel } from '../../server/services/analytics/funnel.ts';
import { allMessages, runJobs, setup, shopWithVariant, type TestEnv } from '../helpers.ts';
import { fixture, RESEND_SECRET, svixHeaders } from '../webhooks/helpers.ts';

let t: TestEnv;
beforeEach(async () => {
  t = await setup({ RESEND_WEBHOOK_SECRET: RESEND_SECRET, WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0' });
});
afterEach(() => t.cleanup());

const HOUR = 3_600_000;
const EMAIL_ID = '4ef9a417-02e9-4d39-ad75-9611e0fcc33c'; // the email id in the Resend fixtures
const local = (url: string) => url.replace('https://waitline.test', '');
const clickPath = (html: string) => local(html.match(/https:\/\/waitline\.test(\/t\/c\/[^"]+)"/)![0].slice(0, -1)).replace(/&amp;/g, '&');
const offerRow = async (id: number) => (await t.deps.db.select().from(offers).where(eq(offers.id, id)))[0]!;
const setProviderId = (id: number, providerId: string | null) =>
  transaction(t.deps.db, async (tx) => {
    await tx.update(messages).set({ providerId }).where(eq(messages.id, id));
  });
const resend = (name: string) => {
  const body = fixture(`resend/${name}.raw-body.json`);
  return t.call('POST', '/webhooks/resend', { raw: body, headers: svixHeaders(body, `msg_${name}`, new Date()) });
};

describe('opens and clicks reach the funnel by every path that records them', () => {
  it('pixel, tracked link, claim, Resend open, Resend click and a follow-up open each count once per offer', async () => {
    const shop = await shopWithVariant(t, { url: 'https://acme.example/products/tee' }, { followUpAfter: 'PT1H', quietHours: null });
    const tokens: string[] = [];
    for (let i = 0; i < 7; i++) tokens.push((await shop.signup({ email: `p${i}@example.com` })).body.signup.token);
    await shop.admin('POST', '/v1/admin/variants/4401/inventory', { available: 7 });
    const mail = (await allMessages(t)).filter((m) => m.template === 'offer');
    const byTo = (n: number) => mail.find((m) => m.to === `p${n}@example.com`)!;
    const claimUrl = async (n: number) => (await t.call('GET', `/v1/storefront/signups/${tokens[n]}`)).body.signup.offer.claimUrl as string;

    const at = (h: number) => new Date(Date.parse('2026-03-02T12:00:00Z') + h * HOUR);
    t.clock.advance(0.1 * HOUR);
    await t.call('GET', `/t/o/${byTo(0).publicId}.gif`); // p0: the pixel
    await t.call('GET', `/t/o/${byTo(0).publicId}.gif`); //     twice: still one open
    await t.call('GET', clickPath(byTo(1).html)); // p1: a tracked click, which is an open too
    expect((await t.call('GET', local(await claimUrl(2)))).status).toBe(302); // p2: straight to the claim link (a click, not a claim)
    await setProviderId(byTo(3).id, EMAIL_ID);
    await resend('email.opened'); // p3: Resend says opened
    await setProviderId(byTo(3).id, null);
    await setProviderId(byTo(4).id, EMAIL_ID);
    await resend('email.clicked'); // p4: Resend says clicked
    t.clock.advance(HOUR);
    await runJobs(t); // follow-ups for p5 and p6, who did nothing
    const followUp = (await allMessages(t)).find((m) => m.template === 'offer-followup' && m.to === 'p5@example.com')!;
    await t.call('GET', `/t/o/${followUp.publicId}.gif`); // p5: opens the follow-up

    const ids = [0, 1, 2, 3, 4, 5, 6].map((n) => byTo(n).offerId as number);
    const marks = (await Promise.all(ids.map(offerRow))).map((o) => [o.openedAt?.getTime() ?? null, o.clickedAt?.getTime() ?? null, o.claimedAt !== null]);
    const first = at(0.1).getTime();
    expect(marks).toEqual([
      [first, null, false],
      [first, first, false],
      [first, first, false],
      [first, null, false],
      [first, first, false],
      [at(1.1).getTime(), null, false],
      [null, null, false],
    ]);
    const res = await shop.admin('GET', '/v1/admin/analytics/funnel');
    expect(res.body).toMatchObject({ offered: 7, opened: 5 + 1, clicked: 3 });
    // p5 opens the first offer email too: still one opened offer.
    await t.call('GET', `/t/o/${byTo(5).publicId}.gif`);
    expect((await shop.admin('GET', '/v1/admin/analytics/funnel')).body).toMatchObject({ opened: 6, clicked: 3 });
  });
});

describe('migration 0003 backfills the offers from their messages', () => {
  /** The funnel's opens and clicks as they were counted before the migration: straight from the messages. */
  const OLD_COUNTS = `select count(*) as offered,
      coalesce(sum(exists(select 1 from messages m where m.offer_id = o.id and m.opened_at is not null)), 0) as opened,
      coalesce(sum(o.claimed_at is not null or exists(select 1 from messages m where m.offer_id = o.id and m.clicked_at is not null)), 0) as clicked
    from offers o where o.shop_id = ?`;

  it('gives the same funnel as the old message probes, offer by offer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'waitline-backfill-'));
    try {
      // A database at 0000_init only, as a shop upgrading would have it.
      const folder = join(dir, 'migrations');
      cpSync(new URL('../../db/migrations', import.meta.url), folder, { recursive: true });
      const journal = JSON.parse(readFileSync(join(folder, 'meta/_journal.json'), 'utf8'));
      writeFileSync(join(folder, 'meta/_journal.json'), JSON.stringify({ ...journal, entries: journal.entries.slice(0, 1) }));
      const file = join(dir, 'old.db');
      const old = new Database(file);
      migrate(drizzle(old), { migrationsFolder: folder });
      const seed = readFileSync(new URL('./backfill-seed.sql', import.meta.url), 'utf8');
      old.exec(seed);
      const before = old.prepare(OLD_COUNTS).get('shop_a') as { offered: number; opened: number; clicked: number };
      old.close();

      const { db, sqlite, close } = createDb(file);
      const rows = sqlite.prepare('select id, opened_at, clicked_at from offers order by id').all();
      expect(rows).toEqual([
        { id: 1, opened_at: 1000, clicked_at: null },
        { id: 2, opened_at: 2000, clicked_at: 2000 },
        { id: 3, opened_at: 3500, clicked_at: null }, // the follow-up's open, the first message unopened
        { id: 4, opened_at: 4000, clicked_at: 4000 }, // claimed only: since 0009 a claim-link visit is a click
        { id: 5, opened_at: null, clicked_at: null },
        { id: 6, opened_at: 1500, clicked_at: 1600 }, // the earliest of two messages
      ]);
      const after = await funnel(db, 'shop_a', { from: new Date(0), to: new Date(10_000) });
      expect(before).toEqual({ offered: 6, opened: 4, clicked: 3 });
      // The same clicks; the claim-only offer now counts as opened too, since following its link implies it.
      expect({ offered: after.offered, opened: after.opened, clicked: after.clicked }).toEqual({ ...before, opened: 5 });
      close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
