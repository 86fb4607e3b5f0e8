import { afterEach, describe, expect, it } from 'vitest';
import twilio from 'twilio';
import { loadConfig } from '../../server/config.ts';
import { scheduleRetentionSweep } from '../../server/services/retention/sweep.ts';
import { runJobs, setup, shopWithVariant, type TestEnv } from '../helpers.ts';
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
  const sqlite = t.deps.db.$client;
  const at = t.clock.now().getTime();
  const event = sqlite
    .prepare("insert into webhook_events (source, delivery_id, shop_id, topic, payload, received_at) values ('shopify', 'wh-1', ?, 'orders/create', ?, ?)")
    .run(shop.id, JSON.stringify({ email: 'buyer@example.com' }), at).lastInsertRowid;
  // Its job keeps failing and retrying: the payload must outlive the retention until the job is done.
  sqlite.prepare("insert into jobs (kind, key, payload, status, run_at, created_at) values ('shopify.webhook', ?, '{}', 'pending', ?, ?)").run(`shopify:${event}`, at + 400 * DAY, at);
  for (const status of ['delivered', 'pending']) {
    sqlite
      .prepare("insert into webhook_deliveries (shop_id, message_id, event, payload, status, next_attempt_at, created_at) values (?, ?, 'escalation.created', ?, ?, ?, ?)")
      .run(shop.id, `msg_${status}`, JSON.stringify({ data: { summary: REPLY } }), status, at + 400 * DAY, at);
  }
  scheduleRetentionSweep(t.deps); // as server/index.ts does at start
  return { shop, event: Number(event) };
}

const rows = () => {
  const sqlite = t.deps.db.$client;
  return {
    events: sqlite.prepare('select source, delivery_id as id, payload from webhook_events order by id').all() as Array<{ source: string; id: string; payload: string }>,
    summaries: (sqlite.prepare('select summary from escalations').all() as Array<{ summary: string }>).map((r) => r.summary),
    deliveries: (sqlite.prepare('select status from webhook_deliveries order by id').all() as Array<{ status: string }>).map((r) => r.status),
  };
};

describe('WAITLINE_RETENTION_DAYS', () => {
  it('by default keeps webhook payloads and replies for 30 days, then deletes them on the scheduled sweep', async () => {
    const { shop } = await world();
    const before = rows();
    expect(before.events.find((e) => e.source === 'twilio')!.payload).toContain(REPLY.split(' ')[0]);
    expect(before.summaries).toEqual([`Unhappy sms reply from ${PHONE} (sentiment -6): “${REPLY}”`]);

    t.clock.advance(30 * DAY - 60_000);
    await runJobs(t);
    expect(rows()).toEqual(before);

    t.clock.advance(2 * 3_600_000);
    await runJobs(t);
    const after = rows();
    // The Twilio row is gone whole (30 days is past every retry window); the Shopify one waits for its job.
    expect(after.events).toEqual([{ source: 'shopify', id: 'wh-1', payload: JSON.stringify({ email: 'buyer@example.com' }) }]);
    expect(after.summaries).toEqual([`Unhappy sms reply from ${PHONE} (sentiment -6): (the reply was deleted after 30 days)`]);
    expect(JSON.stringify(after)).not.toContain('ridiculous');
    expect(after.deliveries).toEqual(['pending']);
    // The escalation itself, and what it tells a person to do, stay.
    const listed = (await shop.admin('GET', '/v1/admin/escalations')).body.escalations;
    expect(listed.map((e: { kind: string }) => e.kind)).toEqual(['negative_reply']);

    // Once the job is done, the sweep takes its payload too, and keeps re-arming itself.
    t.deps.db.$client.prepare("update jobs set status = 'done' where kind = 'shopify.webhook'").run();
    t.clock.advance(3_600_000);
    await runJobs(t);
    expect(rows().events).toEqual([]);
  });

  it('runs in seconds with a fractional value; the delivery id outlives the payload, so a retry is still a duplicate', async () => {
    await world({ WAITLINE_RETENTION_DAYS: '0.001' }); // 86.4 s, swept every 3.6 s
    expect(t.config.retentionSweepMs).toBe(3600);
    t.clock.advance(90_000);
    await runJobs(t);
    const twilioRow = rows().events.find((e) => e.source === 'twilio');
    expect(twilioRow).toEqual({ source: 'twilio', id: 'inbound:SM0001', payload: '{}' });
    expect(rows().summaries[0]).toContain('(the reply was deleted after 0.001 days)');
    await reply('SM0001'); // Twilio retries
    expect(rows().summaries).toHaveLength(1);
    t.clock.advance(7 * DAY);
    await runJobs(t);
    expect(rows().events.map((e) => e.source)).toEqual(['shopify']);
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
