import { describe, it, expect } from 'vitest';
import { loadConfig } from '../server/config.ts';
import { systemClock } from '../server/lib/clock.ts';
import { createResendTransport, rateLimitReport } from '../server/transports/resend.ts';
import { createTwilioTransport } from '../server/transports/twilio.ts';
import { createTransports } from '../server/transports/index.ts';
import type { OutgoingMessage as Message, Transport } from '../server/transports/types.ts';
import { startResendStub, type ResendStub, type ResendStubOptions } from './stubs/resend-stub.ts';
import { startTwilioStub } from './stubs/twilio-stub.ts';

let seq = 0;
/** A rendered, claimed message row; only what the transports read varies. */
function message(over: Partial<Message> = {}): Message {
  seq += 1;
  const unsubscribe = { 'List-Unsubscribe': `<https://waitline.example/u/tok${seq}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
  return {
    id: seq, shopId: 'shop_1', contactId: seq, signupId: seq, offerId: null, backorderId: null, publicId: `pub${seq}`, props: {}, track: false, intro: false, renderedAt: new Date(), template: 'back_in_stock', channel: 'email',
    to: `shopper${seq}@example.com`, from: 'Demo Store <store@example.com>', subject: 'Ocean Blue Tee is back',
    text: 'It is back: https://demo-store.example/p/obt', html: '<p>It is back</p>', headers: unsubscribe,
    status: 'sending', idempotencyKey: `msg-${seq}-${Math.random().toString(36).slice(2)}`, transport: null,
    providerId: null, batchKey: null, attempts: 0, sendAfter: new Date(), leaseUntil: null, error: null,
    createdAt: new Date(), sentAt: null, openedAt: null, clickedAt: null,
    ...over,
  };
}

/** A lone message as the dispatcher sends one: keyed by its own event (claim.ts). */
const alone = (m = message()): [Message[], string] => [[m], m.idempotencyKey];

/** Starts a stub, runs the test body, and always closes it. */
async function withStub<S extends { close(): Promise<void> }>(start: Promise<S>, fn: (stub: S) => Promise<void>) {
  const stub = await start;
  try {
    await fn(stub);
  } finally {
    await stub.close();
  }
}
const withResend = (opts: ResendStubOptions, fn: (stub: ResendStub) => Promise<void>) => withStub(startResendStub(opts), fn);
const resendFor = (stub: ResendStub, rps = 0, timeoutMs = 5_000) =>
  createResendTransport({ apiKey: 're_test_123', baseUrl: stub.url, rps }, systemClock, { timeoutMs });

describe('resend transport', () => {
  it('sends one email with its Idempotency-Key and headers', () =>
    withResend({}, async (stub) => {
      const m = message();
      const [outcome] = await resendFor(stub).send([m], m.idempotencyKey);
      expect(outcome).toMatchObject({ ok: true, providerId: expect.any(String) });
      const [req] = stub.requests;
      expect(req?.path).toBe('/emails');
      expect(req?.headers['idempotency-key']).toBe(m.idempotencyKey);
      expect(req?.headers.authorization).toBe('Bearer re_test_123');
      expect(req?.body).toMatchObject({
        from: m.from,
        to: [m.to],
        subject: m.subject,
        text: m.text,
        html: m.html,
        headers: m.headers,
      });
      expect(stub.sentTo(m.to)).toBe(1);
    }));

  it('sends 100 messages as one batch and maps every id in order', () =>
    withResend({}, async (stub) => {
      const batch = Array.from({ length: 100 }, () => message());
      const outcomes = await resendFor(stub).send(batch, 'batch-100');
      expect(outcomes).toHaveLength(100);
      expect(outcomes.every((o) => o.ok)).toBe(true);
      const ids = outcomes.map((o) => (o.ok ? o.providerId : ''));
      expect(new Set(ids).size).toBe(100);
      expect(stub.requests).toHaveLength(1);
      expect(stub.requests[0]?.path).toBe('/emails/batch');
      expect(stub.requests[0]?.headers['idempotency-key']).toBe('batch-100');
      expect((stub.requests[0]?.body as unknown[]).length).toBe(100);
      expect(batch.every((m) => stub.sentTo(m.to) === 1)).toBe(true);
    }));

  it('does not deliver twice when a batch is replayed under the same key', () =>
    withResend({}, async (stub) => {
      const transport = resendFor(stub);
      const batch = [message(), message(), message()];
      const first = await transport.send(batch, 'batch-replay');
      const again = await transport.send(batch, 'batch-replay');
      expect(again).toEqual(first);
      expect(stub.requests).toHaveLength(2);
      expect(batch.map((m) => stub.sentTo(m.to))).toEqual([1, 1, 1]);
    }));

  it('reads a key reused with another payload as sent: Resend keeps a key only once it accepted the request', () =>
    withResend({}, async (stub) => {
      const transport = resendFor(stub);
      const first = [message(), message()];
      await transport.send(first, 'batch-reused');
      // The same batch re-sent after a lost answer, one member suppressed meanwhile.
      const outcomes = await transport.send(first.slice(1), 'batch-reused');
      expect(outcomes).toEqual([{ ok: true, providerId: null }]);
      expect(stub.sentTo(first[1]!.to)).toBe(1);
    }));

  it('sends a batch that shrank to one member under its batch key, never as a new single email', () =>
    withResend({}, async (stub) => {
      const transport = resendFor(stub);
      await transport.send([message()], 'batch-shrunk');
      expect(stub.requests[0]!.path).toBe('/emails/batch');
      expect(stub.requests[0]!.headers['idempotency-key']).toBe('batch-shrunk');
    }));

  it.each([
    { name: '429 is retryable after Retry-After', stub: { rps: 1 }, warmup: true, expected: { retryable: true, retryAfterMs: 1_000 } },
    { name: '500 is retryable', stub: { failFirst: 1 }, warmup: false, expected: { retryable: true } },
    {
      name: 'a hung request times out and is retryable',
      stub: { hang: true },
      warmup: false,
      expected: { retryable: true, error: 'resend: timed out after 300 ms' },
    },
  ])('$name', ({ stub: opts, warmup, expected }) =>
    withResend(opts, async (stub) => {
      const transport = resendFor(stub, 0, 300);
      if (warmup) await transport.send(...alone());
      const [outcome] = await transport.send(...alone());
      expect(outcome).toMatchObject({ ok: false, ...expected });
    }),
  );

  it('422 (missing from) is not retryable', () =>
    withResend({}, async (stub) => {
      const [outcome] = await resendFor(stub).send(...alone(message({ from: null })));
      expect(outcome).toMatchObject({ ok: false, retryable: false, error: expect.stringContaining('422') });
      expect(stub.deliveries.size).toBe(0);
    }));

  it('a closed port is a retryable network error', async () => {
    const stub = await startResendStub();
    await stub.close();
    const [outcome] = await resendFor(stub).send(...alone());
    expect(outcome).toMatchObject({ ok: false, retryable: true });
  });

  it('at 2 rps the pacer keeps a 2 rps provider from ever answering 429', () =>
    withResend({ rps: 2 }, async (stub) => {
      const transport = resendFor(stub, 2);
      // No warm-up: a cold first request that arrives a little late still leaves
      // the window before the third starts (starts are spaced 3% wider than it).
      const outcomes = await Promise.all(Array.from({ length: 6 }, () => transport.send(...alone())));
      expect(outcomes.flat().every((o) => o.ok)).toBe(true);
      expect(stub.count429).toBe(0);
    }));

  it('without the pacer the same burst is throttled (the stub can fail the test above)', () =>
    withResend({ rps: 2 }, async (stub) => {
      const transport = resendFor(stub, 0);
      await Promise.all(Array.from({ length: 4 }, () => transport.send(...alone())));
      expect(stub.count429).toBeGreaterThan(0);
    }));
});

describe("Resend's rate-limit headers", () => {
  it('are read as the pacer takes them: a limit, what remains, and the reset in ms', () => {
    expect(rateLimitReport({ 'ratelimit-limit': '2', 'ratelimit-remaining': '0', 'ratelimit-reset': '1' })).toEqual({ limit: 2, remaining: 0, resetMs: 1_000 });
    expect(rateLimitReport({ 'ratelimit-limit': 'x', 'ratelimit-remaining': '-1', 'ratelimit-reset': '' })).toEqual({ limit: undefined, remaining: undefined, resetMs: undefined });
  });

  it('the stub answers them on every answer, and retry-after on a 429, as Resend does', async () => {
    const stub = await startResendStub({ rps: 2 });
    try {
      const post = () =>
        fetch(`${stub.url}/emails`, {
          method: 'POST',
          headers: { authorization: 'Bearer re_x', 'content-type': 'application/json' },
          body: JSON.stringify({ from: 'a@example.com', to: 'b@example.com', subject: 's', text: 't' }),
        });
      const answers = [await post(), await post(), await post()];
      expect(answers.map((r) => [r.status, r.headers.get('ratelimit-limit'), r.headers.get('ratelimit-remaining')])).toEqual([
        [200, '2', '1'],
        [200, '2', '0'],
        [429, '2', '0'],
      ]);
      expect(answers[2]!.headers.get('retry-after')).toBe('1');
      expect(answers[0]!.headers.get('ratelimit-reset')).toBe('1');
    } finally {
      await stub.close();
    }
  });
});

describe('twilio transport', () => {
  const sid = 'ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
  const token = 'test_twilio_auth_token_0123456789';
  const sms = (to: string) => message({ channel: 'sms', to, from: null, subject: null, html: null, headers: {} });
  const twilioFor = (url: string, sender: { from?: string; messagingServiceSid?: string } = { from: '+15555550100' }) =>
    createTwilioTransport({ accountSid: sid, authToken: token, apiUrl: url, mps: 100, ...sender }, systemClock);

  it('posts the form to the overridden URL with Basic auth', () =>
    withStub(startTwilioStub({ authToken: token }), async (stub) => {
      const m = sms('+15555550123');
      const [outcome] = await twilioFor(stub.url).send([m], 'b');
      expect(outcome).toMatchObject({ ok: true, providerId: expect.stringMatching(/^SM[0-9a-f]{32}$/) });
      const [req] = stub.requests;
      expect(req?.path).toBe(`/2010-04-01/Accounts/${sid}/Messages.json`);
      expect(req?.headers.authorization).toBe(`Basic ${Buffer.from(`${sid}:${token}`).toString('base64')}`);
      expect(req?.body).toEqual({ To: m.to, From: '+15555550100', Body: m.text });
      expect(stub.sentTo(m.to)).toBe(1);
    }));

  it('uses the Messaging Service when configured', () =>
    withStub(startTwilioStub(), async (stub) => {
      const service = { messagingServiceSid: 'MG22222222222222222222222222222222' };
      await twilioFor(stub.url, service).send([sms('+15555550124')], 'b');
      expect(stub.requests[0]?.body).toMatchObject({ MessagingServiceSid: service.messagingServiceSid });
      expect(stub.requests[0]?.body.From).toBeUndefined();
    }));

  it.each([
    { name: '21610 marks the number opted out', opts: { optedOut: ['+15555550199'] }, expected: { retryable: false, optedOut: true } },
    { name: '429 / 20429 is retryable', opts: { throttleFirst: 1 }, expected: { retryable: true, retryAfterMs: 1_000 } },
    { name: '500 is retryable', opts: { failFirst: 1 }, expected: { retryable: true } },
    { name: 'a wrong token is not retryable', opts: { authToken: 'other' }, expected: { retryable: false } },
  ])('$name', ({ opts, expected }) =>
    withStub(startTwilioStub(opts), async (stub) => {
      const [outcome] = await twilioFor(stub.url).send([sms('+15555550199')], 'b');
      expect(outcome).toMatchObject({ ok: false, ...expected });
    }),
  );

  describe('nothing twice without an idempotency key', () => {
    it('a retry whose first answer was lost finds that send at Twilio and does not send again', () =>
      withStub(startTwilioStub({ loseAnswers: 1 }), async (stub) => {
        const transport = twilioFor(stub.url);
        const m = sms('+15555550126');
        // Twilio accepted it, but the answer never came: to us it is a network error.
        expect((await transport.send([{ ...m, attempts: 1 }], 'b'))[0]).toMatchObject({ ok: false, retryable: true });
        expect(stub.sentTo(m.to)).toBe(1);
        const [retry] = await transport.send([{ ...m, attempts: 2 }], 'b');
        expect(retry).toEqual({ ok: true, providerId: stub.messages[0]!.sid });
        expect(stub.sentTo(m.to)).toBe(1);
        expect(stub.requests.map((r) => r.method)).toEqual(['POST', 'GET']);
      }));

    it('a retry whose first attempt never reached Twilio sends it, once', () =>
      withStub(startTwilioStub({ failFirst: 1 }), async (stub) => {
        const transport = twilioFor(stub.url);
        const m = sms('+15555550127');
        expect((await transport.send([{ ...m, attempts: 1 }], 'b'))[0]).toMatchObject({ ok: false, retryable: true });
        expect((await transport.send([{ ...m, attempts: 2 }], 'b'))[0]).toMatchObject({ ok: true });
        expect(stub.sentTo(m.to)).toBe(1);
      }));

    it('the same text sent before this message was written is another message, and this one goes', () =>
      withStub(startTwilioStub(), async (stub) => {
        const transport = twilioFor(stub.url);
        const m = sms('+15555550128');
        await transport.send([{ ...m, attempts: 1 }], 'b');
        const later = { ...m, id: m.id + 1000, createdAt: new Date(Date.now() + 5_000), attempts: 2 };
        expect((await transport.send([later], 'b'))[0]).toMatchObject({ ok: true, providerId: expect.not.stringMatching(stub.messages[0]!.sid as string) });
        expect(stub.sentTo(m.to)).toBe(2);
      }));
  });

  it('a closed port is a retryable network error', async () => {
    const stub = await startTwilioStub();
    await stub.close();
    const [outcome] = await twilioFor(stub.url).send([sms('+15555550125')], 'b');
    expect(outcome).toMatchObject({ ok: false, retryable: true });
  });
});

describe('createTransports', () => {
  const outbox = (channel: 'email' | 'sms'): Transport => ({ name: 'outbox', channel, batchSize: 100, send: async () => [] });
  const fallback = { email: outbox('email'), sms: outbox('sms') };

  it('falls back to the outbox when no provider is configured', () => {
    const t = createTransports(loadConfig({}), systemClock, fallback);
    expect([t.email.name, t.sms.name]).toEqual(['outbox', 'outbox']);
  });

  it('picks Resend and Twilio when they are configured', () => {
    const twilioEnv = { TWILIO_ACCOUNT_SID: 'ACbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', TWILIO_AUTH_TOKEN: 't', TWILIO_FROM: '+1555' };
    const config = loadConfig({ RESEND_API_KEY: 're_x', ...twilioEnv });
    const t = createTransports(config, systemClock, fallback);
    expect([t.email.name, t.email.batchSize, t.sms.name, t.sms.batchSize]).toEqual(['resend', 100, 'twilio', 1]);
  });
});
