import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import twilio from 'twilio';
import { escalations, jobs, messages, replies, webhookDeliveries, webhookEvents } from '../../db/schema/index.ts';
import { transaction } from '../../db/transaction.ts';
import { loadConfig } from '../../server/config.ts';
import { scheduleRetentionSweep } from '../../server/services/retention/sweep.ts';
import { runJobs, setup, shopWithVariant, type TestEnv } from '../helpers.ts';
import { reply as takeReply } from '../replies/take-reply.ts';
import { TWILIO_PUBLIC_URL, TWILIO_TOKEN } from '../webhooks/helpers.ts';

let t: TestEnv;
afterEach(() => t.cleanup());

const DAY = 86_400_000;
const PHONE = '+14155550123';
const REPLY = 'This is ridiculous and awful, where is my order?';

async function reply(sid: string) {
  const params = { MessageSid: sid, From: PHONE, To: '+15005550006', Body: REPLY };
  const signature = twilio.getExpectedTwilioSignature(TWILIO_TOKEN, `${TWILIO_PUBLIC_URL}/webhooks/twilio/inbound`, params);
  const res = await t.call('POST', '/webhooks/twilio/inbound', { raw: new URLSearchParams(params).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature } });
  expect(res.status).toBe(200);
}

/** A texted complaint (a stored Twilio payload and an escalation quoting it), a Shopify event still being processed, and two outbound events. */
async function world(env: Record<string, string> = {}) {
  t = await setup({ TWILIO_AUTH_TOKEN: TWILIO_TOKEN, PUBLIC_URL: TWILIO_PUBLIC_URL, ...env });
  const shop = await shopWithVariant(t, {}, { quietHours: null });
  await shop.signup({ phone: PHONE, smsConsent: true });
  await reply('SM0001');
  const at = t.clock.now();
  const later = new Date(at.getTime() + 400 * DAY);
  const event = await transaction(t.deps.db, async (tx) => {
    const [row] = await tx
      .insert(webhookEvents)
      .values({ source: 'shopify', deliveryId: 'wh-1', shopId: shop.id, topic: 'orders/create', payload: { email: 'buyer@example.com' }, receivedAt: at })
      .returning({ id: webhookEvents.id });
    // Its job keeps failing and retrying: the payload must outlive the retention until the job is done.
    await tx.insert(jobs).values({ kind: 'shopify.webhook', key: `shopify:${row!.id}`, payload: {}, status: 'pending', runAt: later, createdAt: at });
    for (const status of ['delivered', 'pending'] as const) {
      await tx
        .insert(webhookDeliveries)
        .values({ shopId: shop.id, messageId: `msg_${status}`, event: 'escalation.created', payload: JSON.stringify({ data: { summary: REPLY } }), status, nextAttemptAt: later, createdAt: at });
    }
    return row!.id;
  });
  await scheduleRetentionSweep(t.deps); // as server/index.ts does at start
  return { shop, event: Number(event) };
}

const rows = async () => {
  const db = t.deps.db;
  return {
    events: await db.select({ source: webhookEvents.source, id: webhookEvents.deliveryId, payload: webhookEvents.payload }).from(webhookEvents).orderBy(webhookEvents.id),
    summaries: (await db.select({ summary: escalations.summary }).from(escalations).orderBy(escalations.id)).map((r) => r.summary),
    replies: (await db.select({ text: replies.text }).from(replies).orderBy(replies.id)).map((r) => r.text),
    deliveries: (await db.select({ status: webhookDeliveries.status }).from(webhookDeliveries).orderBy(webhookDeliveries.id)).map((r) => r.status),
  };
};

describe('WAITLINE_RETENTION_DAYS', () => {
  it('by default keeps webhook payloads and replies for 30 days, then deletes them on the scheduled sweep', async () => {
    const { shop } = await world();
    const before = await rows();
    expect(JSON.stringify(before.events.find((e) => e.source === 'twilio')!.payload)).toContain(REPLY.split(' ')[0]);
    expect(before.replies).toEqual([REPLY]);
    expect(before.summaries).toEqual([`Unhappy sms reply from ${PHONE} about their waitlist place for Ocean Tee – S (sentiment -6): “${REPLY}”`]);

    t.clock.advance(30 * DAY - 60_000);
    await runJobs(t);
    expect(await rows()).toEqual(before);

    t.clock.advance(2 * 3_600_000);
    await runJobs(t);
    const after = await rows();
    // The Twilio row is gone whole (30 days is past every retry window); the Shopify one waits for its job.
    expect(after.events).toEqual([{ source: 'shopify', id: 'wh-1', payload: { email: 'buyer@example.com' } }]);
    expect(after.summaries).toEqual([`Unhappy sms reply from ${PHONE} about their waitlist place for Ocean Tee – S (sentiment -6): (the reply was deleted after 30 days)`]);
    expect(after.replies).toEqual(['(deleted after 30 days)']);
    expect(JSON.stringify(after)).not.toContain('ridiculous');
    expect(after.deliveries).toEqual(['pending']);
    // The escalation itself, and what it tells a person to do, stay.
    const listed = (await shop.admin('GET', '/v1/admin/escalations')).body.escalations;
    expect(listed.map((e: { kind: string }) => e.kind)).toEqual(['negative_reply']);

    // Once the job is done, the sweep takes its payload too, and keeps re-arming itself.
    await transaction(t.deps.db, (tx) => tx.update(jobs).set({ status: 'done' }).where(eq(jobs.kind, 'shopify.webhook')));
    t.clock.advance(3_600_000);
    await runJobs(t);
    expect((await rows()).events).toEqual([]);
  });

  it('runs in seconds with a fractional value; the delivery id outlives the payload, so a retry is still a duplicate', async () => {
    await world({ WAITLINE_RETENTION_DAYS: '0.001' }); // 86.4 s, swept every 3.6 s
    expect(t.config.retentionSweepMs).toBe(3600);
    t.clock.advance(90_000);
    await runJobs(t);
    const twilioRow = (await rows()).events.find((e) => e.source === 'twilio');
    expect(twilioRow).toEqual({ source: 'twilio', id: 'inbound:SM0001', payload: {} });
    expect((await rows()).summaries[0]).toContain('(the reply was deleted after 0.001 days)');
    await reply('SM0001'); // Twilio retries
    expect((await rows()).summaries).toHaveLength(1);
    t.clock.advance(7 * DAY);
    await runJobs(t);
    expect((await rows()).events.map((e) => e.source)).toEqual(['shopify']);
  });

  it("clears a reply's words wherever else they went: a cancel case it opened, the forward to the team, a helpdesk note", async () => {
    t = await setup();
    const shop = await shopWithVariant(t, {}, { supportEmail: 'help@acme.example', quietHours: null });
    expect((await shop.admin('POST', '/v1/admin/orders', { id: 'o1', name: '#1042', email: 'jo@example.com', currency: 'USD', total: 2500, lineItems: [{ variantId: '4401', quantity: 1, price: 2500 }] })).status).toBe(201);
    await shop.admin('POST', '/v1/admin/variants/4401/inventory', { available: 1 });
    const WORDS = 'Please cancel my order, the zebra pattern is wrong';
    // Being packed: a cancel is for a person now, and the case quotes the customer.
    await takeReply(t.deps, shop.id, 'email', 'jo@example.com', WORDS);
    const at = t.clock.now();
    await transaction(t.deps.db, (tx) =>
      tx.insert(jobs).values({ kind: 'helpdesk.ticket', key: 'helpdesk:note:1', payload: { shopId: shop.id, ref: 'order:o1', event: 'note', body: `Reply from jo: “${WORDS}”` }, status: 'done', runAt: at, createdAt: at }),
    );
    await t.dispatch();
    await scheduleRetentionSweep(t.deps);
    const kept = async () => ({
      summaries: (await t.deps.db.select({ summary: escalations.summary }).from(escalations)).map((r) => r.summary),
      forwards: await t.deps.db.select({ text: messages.text, html: messages.html, status: messages.status }).from(messages).where(eq(messages.template, 'reply-forward')),
      notes: (await t.deps.db.select({ payload: jobs.payload }).from(jobs).where(eq(jobs.kind, 'helpdesk.ticket'))).map((j) => j.payload),
    });
    const before = await kept();
    expect(before.summaries).toEqual([`jo@example.com asks to cancel about order #1042 (Ocean Tee – S) (allocated): “${WORDS}”`]);
    expect(before.forwards).toHaveLength(1);
    expect(before.forwards[0]!.status).toBe('sent');
    expect(JSON.stringify(before)).toContain('zebra');

    t.clock.advance(30 * DAY + 2 * 3_600_000);
    await runJobs(t);
    const after = await kept();
    expect(JSON.stringify(after)).not.toContain('zebra');
    expect(after.summaries[0]).toMatch(/asks to cancel .*: \(the reply was deleted after 30 days\)$/);
    expect(after.forwards[0]!.text).toBe('(the reply was deleted after 30 days)');
    expect(after.notes[0]).toEqual({ shopId: shop.id, ref: 'order:o1', event: 'note', body: '(the reply was deleted after 30 days)' });
  });

  it.each(['0', '-1', 'thirty', 'Infinity'])('refuses WAITLINE_RETENTION_DAYS=%s at start', async (value) => {
    t = await setup();
    expect(() => loadConfig({ WAITLINE_RETENTION_DAYS: value })).toThrow(/WAITLINE_RETENTION_DAYS/);
  });

  it('defaults to 30 days, swept hourly', async () => {
    t = await setup();
    expect(t.config.retentionMs).toBe(30 * DAY);
    expect(t.config.retentionSweepMs).toBe(3_600_000);
  });
});
