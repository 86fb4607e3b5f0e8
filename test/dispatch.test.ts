import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { transaction } from '../db/transaction.ts';
import { contacts, messages } from '../db/schema/index.ts';
import { dispatchMessages, MAX_SEND_ATTEMPTS } from '../server/services/messages/dispatch.ts';
import { NOT_SENT, type Transport } from '../server/transports/types.ts';
import type { Leadership } from '../db/leader.ts';
import { startResendStub, type ResendStub } from './stubs/resend-stub.ts';
import { setup, shopWithVariant, type TestEnv } from './helpers.ts';

let t: TestEnv;
let stub: ResendStub;
beforeEach(async () => {
  stub = await startResendStub();
  t = await setup({ RESEND_API_KEY: 're_test_key', RESEND_BASE_URL: stub.url, RESEND_RPS: '2', WAITLINE_RATE_PER_IP: '0' });
});
afterEach(async () => {
  await stub.close().catch(() => {});
  await t.cleanup();
});

const statuses = async () => (await t.deps.db.select({ status: messages.status }).from(messages).orderBy(messages.id)).map((m) => m.status);

async function signUpMany(n: number) {
  const shop = await shopWithVariant(t, {}, { sender: { email: 'shop@acme.example' } });
  for (let i = 0; i < n; i++) await shop.signup({ email: `s${i}@example.com` });
  return shop;
}

describe('dispatch through the real Resend SDK', () => {
  it('fans out in batches of 100, one email per recipient, every row marked sent with its provider id', async () => {
    await signUpMany(150);
    expect(t.deps.transports.email.name).toBe('resend');
    expect(await t.dispatch()).toEqual({ sent: 150, failed: 0, retrying: 0 });
    expect(stub.requests.map((r) => [r.path, (r.body as unknown[]).length])).toEqual([
      ['/emails/batch', 100],
      ['/emails/batch', 50],
    ]);
    for (let i = 0; i < 150; i++) expect(stub.sentTo(`s${i}@example.com`)).toBe(1);
    const batch = stub.requests[0]!;
    expect(batch.headers['idempotency-key']).toMatch(/^b_/);
    const first = (batch.body as Array<{ from: string; headers: Record<string, string>; html: string; text: string }>)[0]!;
    expect(first.from).toBe('Acme Goods <shop@acme.example>');
    expect(first.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(first.html).toContain('<html');
    expect(first.text).toContain('#1 in line');
    const rows = await t.deps.db.select().from(messages);
    expect(new Set(rows.map((r) => r.providerId)).size).toBe(150);
    expect(rows.every((r) => r.status === 'sent' && r.transport === 'resend')).toBe(true);
    expect(await t.dispatch()).toEqual({ sent: 0, failed: 0, retrying: 0 });
  });

  it('sends a lone message on the single endpoint under its own idempotency key', async () => {
    await signUpMany(1);
    await t.dispatch();
    expect(stub.requests).toHaveLength(1);
    expect(stub.requests[0]!.path).toBe('/emails');
    const [row] = await t.deps.db.select().from(messages);
    expect(stub.requests[0]!.headers['idempotency-key']).toBe(row!.idempotencyKey);
  });

  it('backs off after a provider error and retries the same batch under the same key', async () => {
    stub.options.failFirst = 1;
    await signUpMany(3);
    expect(await t.dispatch()).toEqual({ sent: 0, failed: 0, retrying: 3 });
    expect(await statuses()).toEqual(['queued', 'queued', 'queued']);
    t.clock.advance(999);
    expect(await t.dispatch()).toMatchObject({ sent: 0 });
    t.clock.advance(1);
    expect(await t.dispatch()).toEqual({ sent: 3, failed: 0, retrying: 0 });
    expect(stub.requests).toHaveLength(2);
    expect(stub.requests[1]!.headers['idempotency-key']).toBe(stub.requests[0]!.headers['idempotency-key']);
    for (let i = 0; i < 3; i++) expect(stub.sentTo(`s${i}@example.com`)).toBe(1);
  });

  it('re-sends a batch whose lease lapsed (a crashed sender) without a second delivery', async () => {
    await signUpMany(2);
    stub.options.stall = true;
    // The provider accepts, but this sender never hears back: it gives up, as a killed process would.
    const abandoned = t.dispatch();
    await expect.poll(() => stub.requests.length).toBe(1);
    expect(await statuses()).toEqual(['sending', 'sending']);
    stub.options.stall = false;
    t.clock.advance(t.config.leaseMs);
    expect(await t.dispatch()).toEqual({ sent: 2, failed: 0, retrying: 0 });
    expect(stub.requests).toHaveLength(2);
    expect(stub.sentTo('s0@example.com')).toBe(1);
    expect(stub.sentTo('s1@example.com')).toBe(1);
    // The first sender finally hears a network error; its lease is gone, so it changes nothing.
    await stub.close();
    expect(await abandoned).toEqual({ sent: 0, failed: 0, retrying: 0 });
    expect(await statuses()).toEqual(['sent', 'sent']);
  });

  it('drops messages to a contact who opted out after they were queued', async () => {
    await signUpMany(2);
    await transaction(t.deps.db, (tx) => tx.update(contacts).set({ emailOptOutAt: t.clock.now() }).where(eq(contacts.email, 's0@example.com')));
    expect(await t.dispatch()).toEqual({ sent: 1, failed: 0, retrying: 0 });
    expect(stub.sentTo('s0@example.com')).toBe(0);
    expect((await statuses()).sort()).toEqual(['sent', 'suppressed']);
  });
});

describe('dispatch outcomes', () => {
  const transport = (outcome: Awaited<ReturnType<Transport['send']>>[number]): Transport => ({
    name: 'resend',
    channel: 'email',
    batchSize: 100,
    send: async (batch) => batch.map(() => outcome),
  });

  it('fails a message the provider rejects for good, and logs it', async () => {
    await signUpMany(1);
    t.deps.transports.email = transport({ ok: false, retryable: false, error: 'validation_error: invalid from' });
    expect(await t.dispatch()).toEqual({ sent: 0, failed: 1, retrying: 0 });
    expect((await t.deps.db.select().from(messages))[0]).toMatchObject({ status: 'failed', error: 'validation_error: invalid from' });
    expect(t.logs.some((l) => l.startsWith('messages failed'))).toBe(true);
  });

  it('gives up after the last attempt and honours Retry-After', async () => {
    await signUpMany(1);
    t.deps.transports.email = transport({ ok: false, retryable: true, error: 'rate_limit_exceeded', retryAfterMs: 30_000 });
    await t.dispatch();
    const row = (await t.deps.db.select().from(messages))[0]!;
    expect(row.sendAfter.getTime() - t.clock.now().getTime()).toBe(30_000);
    for (let i = 1; i < MAX_SEND_ATTEMPTS; i++) {
      t.clock.advance(3_600_000);
      await t.dispatch();
    }
    expect((await t.deps.db.select().from(messages))[0]).toMatchObject({ status: 'failed', attempts: MAX_SEND_ATTEMPTS });
  });

  it('suppresses an SMS channel the provider says is opted out (Twilio 21610)', async () => {
    const shop = await shopWithVariant(t, {}, { quietHours: null });
    await shop.signup({ phone: '+14155550123', smsConsent: true });
    t.deps.transports.sms = { ...transport({ ok: false, retryable: false, error: '21610', optedOut: true }), channel: 'sms', name: 'twilio' };
    await t.dispatch();
    expect((await t.deps.db.select().from(contacts))[0]!.smsOptOutAt).toEqual(t.clock.now());
  });
});

describe('one dispatcher per provider account', () => {
  const follower: Leadership = { leads: async () => false, signal: () => new AbortController().signal, close: async () => {} };

  it('a process that does not lead the Resend account sends nothing through it', async () => {
    await signUpMany(3);
    expect(await dispatchMessages(t.deps, follower)).toEqual({ sent: 0, failed: 0, retrying: 0 });
    expect(stub.requests).toHaveLength(0);
    expect(await statuses()).toEqual(['queued', 'queued', 'queued']);
    // The leader (here: every caller, as on SQLite) sends them.
    expect(await t.dispatch()).toEqual({ sent: 3, failed: 0, retrying: 0 });
  });

  it('a batch held back because leadership was lost goes back to the queue, its attempt undone', async () => {
    await signUpMany(2);
    const lost = new AbortController();
    t.deps.transports.email = {
      name: 'resend',
      channel: 'email',
      batchSize: 100,
      account: 'resend:test',
      send: async (batch, _key, signal) => {
        lost.abort();
        return batch.map(() => (signal?.aborted ? { ok: false, retryable: true, error: NOT_SENT } : { ok: true, providerId: 'p' }));
      },
    };
    const leader: Leadership = { leads: async () => true, signal: () => lost.signal, close: async () => {} };
    expect(await dispatchMessages(t.deps, leader)).toEqual({ sent: 0, failed: 0, retrying: 0 });
    const rows = await t.deps.db.select({ status: messages.status, attempts: messages.attempts, leaseUntil: messages.leaseUntil }).from(messages);
    expect(rows).toEqual([
      { status: 'queued', attempts: 0, leaseUntil: null },
      { status: 'queued', attempts: 0, leaseUntil: null },
    ]);
  });
});

describe('dispatch through the real Twilio SDK', () => {
  it('a text whose answer was lost is retried without a second text: the retry finds it at Twilio', async () => {
    const { startTwilioStub } = await import('./stubs/twilio-stub.ts');
    const twilioStub = await startTwilioStub({ loseAnswers: 1 });
    const sms = await setup({
      TWILIO_ACCOUNT_SID: 'ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      TWILIO_AUTH_TOKEN: 'tok',
      TWILIO_FROM: '+15555550100',
      TWILIO_API_URL: twilioStub.url,
      TWILIO_MPS: '100',
      WAITLINE_RATE_PER_IP: '0',
    });
    try {
      const shop = await shopWithVariant(sms, {}, { quietHours: null });
      await shop.signup({ phone: '+14155550123', smsConsent: true });
      const row = async () => (await sms.deps.db.select().from(messages).where(eq(messages.channel, 'sms')))[0]!;

      await sms.dispatch();
      expect(await row()).toMatchObject({ status: 'queued', attempts: 1 });
      expect((await row()).error).toMatch(/twilio/);
      expect(twilioStub.sentTo('+14155550123')).toBe(1);

      sms.clock.advance(60_000);
      await sms.dispatch();
      expect(await row()).toMatchObject({ status: 'sent', attempts: 2, providerId: twilioStub.messages[0]!.sid });
      expect(twilioStub.sentTo('+14155550123')).toBe(1);
    } finally {
      await twilioStub.close();
      await sms.cleanup();
    }
  });
});
