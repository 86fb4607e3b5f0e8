import { eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contacts, messages, replies } from '../../db/schema/index.ts';
import { first } from '../../db/raw.ts';
import { allMessages, rowCounts, runJobs, setup, shopWithVariant, type TestEnv } from '../helpers.ts';
import { startResendStub, type ResendStub } from '../stubs/resend-stub.ts';
import { RESEND_SECRET, svixHeaders } from '../webhooks/helpers.ts';

const DOMAIN = 'replies.acme.test';
let t: TestEnv;
let stub: ResendStub;
beforeEach(async () => {
  stub = await startResendStub();
  t = await setup({ RESEND_API_KEY: 're_test_key', RESEND_BASE_URL: stub.url, RESEND_WEBHOOK_SECRET: RESEND_SECRET, WAITLINE_REPLY_DOMAIN: DOMAIN });
});
afterEach(async () => {
  await t.cleanup();
  await stub.close();
});

type Shop = Awaited<ReturnType<typeof shopWithVariant>>;

/** A shop whose customer Jo waits on order #1042, acknowledged by an email whose Reply-To routes back here. */
async function backordered(name = 'Acme Goods') {
  const shop = await shopWithVariant(t, { inventory: 0 }, { sender: { name, email: 'orders@acme.example', address: '1 Quay St' }, supportEmail: 'help@acme.example', quietHours: null });
  const res = await shop.admin('POST', '/v1/admin/orders', { id: `o-${name.split(' ')[0]}`, name: '#1042', email: 'jo@example.com', currency: 'USD', total: 2500, lineItems: [{ variantId: '4401', quantity: 1, price: 2500 }] });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  await t.dispatch();
  const ack = (await t.deps.db.select().from(messages).where(eq(messages.shopId, shop.id))).find((m) => m.template === 'backorder-ack')!;
  return { shop, ack, replyTo: `reply+${ack.publicId}@${DOMAIN}` };
}

let svix = 0;
/** The customer writes; Resend receives it and calls our webhook; the job reads the body through the SDK. */
async function write(from: string, to: string, text: string, subject = 'Re: Your order #1042') {
  const data = stub.receive({ from, to: [to], subject, text });
  const raw = JSON.stringify({ type: 'email.received', created_at: new Date().toISOString(), data });
  const res = await t.call('POST', '/webhooks/resend', { raw, headers: svixHeaders(raw, `msg_in_${++svix}`, new Date()) });
  await runJobs(t);
  return { res, data };
}

const quoted = (words: string) =>
  `${words}\n\nOn Mon, 2 Mar 2026 at 12:00, Acme Goods <orders@acme.example> wrote:\n> We're sorry: Ocean Tee is on backorder.\n> You can cancel for a full refund at any time.\n`;
const repliesOf = (shopId: string) => t.deps.db.select().from(replies).where(eq(replies.shopId, shopId)).orderBy(replies.id);
const escalationsOf = async (shop: Shop) => (await shop.admin('GET', '/v1/admin/escalations')).body.escalations as Array<Record<string, any>>;

describe('email replies through Resend inbound', () => {
  it("every email carries a Reply-To that names its message, sent as Resend's reply_to", async () => {
    const { replyTo } = await backordered();
    const sent = stub.requests.find((r) => r.path === '/emails')!.body as Record<string, unknown>;
    expect(sent.reply_to).toBe(replyTo);
    expect(sent.headers).not.toHaveProperty('Reply-To');
  });

  it('"Cancel my order" gets the confirm link on the status page, quoted history ignored; the team gets the forward', async () => {
    const { shop, ack, replyTo } = await backordered();
    const { res, data } = await write('Jo <jo@example.com>', replyTo, quoted('Cancel my order'));
    expect(res.body).toEqual({ ok: true, status: 'applied' });
    const [reply] = await repliesOf(shop.id);
    expect(reply).toMatchObject({ channel: 'email', providerId: data.email_id, intent: 'cancel', action: 'cancel_link', text: 'Cancel my order', messageId: ack.id, orderId: 'o-Acme' });
    const all = await allMessages(t);
    const link = all.find((m) => m.template === 'reply-cancel')!;
    expect(link.to).toBe('jo@example.com');
    expect(link.text).toContain('/s/');
    expect(link.text).toContain('Nothing changes until you do.');
    const forward = all.find((m) => m.template === 'reply-forward')!;
    expect(forward).toMatchObject({ to: 'help@acme.example', headers: { 'Reply-To': 'jo@example.com' } });
    expect(forward.text).toContain('Cancel my order');
    expect(forward.text).toContain('order #1042');
    // The order itself is untouched until Jo confirms on the page.
    expect((await shop.admin('GET', '/v1/admin/backorders')).body.backorders[0].status).toBe('open');
    await t.dispatch();
    const out = stub.requests.flatMap((r) => (r.path === '/emails' ? [r.body] : r.path === '/emails/batch' ? (r.body as unknown[]) : [])) as Array<Record<string, unknown>>;
    expect(out.find((b) => b.to?.toString() === 'help@acme.example')).toMatchObject({ reply_to: 'jo@example.com' });
  });

  it.each([
    ["I'll dispute this with my bank", 'chargeback', 'chargeback'],
    ['Can I get a phone call please', 'call', 'call_request'],
    ['When will it actually ship?', 'question', 'question'],
    ['This is ridiculous, three weeks and nothing. Terrible service.', 'angry', 'negative_reply'],
  ])('"%s" reads as %s and opens a %s escalation carrying the text', async (words, intent, kind) => {
    const { shop, replyTo } = await backordered();
    await write('jo@example.com', replyTo, quoted(words));
    const [reply] = await repliesOf(shop.id);
    expect([reply!.intent, reply!.action]).toEqual([intent, 'escalated']);
    const [escalation] = await escalationsOf(shop);
    expect(escalation).toMatchObject({ kind, orderId: 'o-Acme' });
    expect(escalation!.summary).toContain(words);
    expect(escalation!.replies).toEqual([expect.objectContaining({ text: words, intent, channel: 'email' })]);
  });

  it('"I want a refund now" before anything shipped is the cancel flow; after shipping it goes to a person', async () => {
    const { shop, replyTo } = await backordered();
    await write('jo@example.com', replyTo, 'I want a refund now');
    expect((await repliesOf(shop.id))[0]).toMatchObject({ intent: 'refund', action: 'cancel_link' });
    await shop.admin('POST', '/v1/admin/variants/4401/inventory', { available: 1 });
    await runJobs(t);
    const [line] = (await shop.admin('GET', '/v1/admin/backorders')).body.backorders;
    expect((await shop.admin('POST', `/v1/admin/backorders/${line.id}/fulfilled`, { carrier: 'UPS', trackingNumber: '1Z999' })).status).toBe(200);
    await write('jo@example.com', replyTo, 'I want a refund now', 'Re: shipped');
    expect((await repliesOf(shop.id))[1]).toMatchObject({ intent: 'refund', action: 'escalated' });
    expect((await escalationsOf(shop)).map((e) => e.kind)).toEqual(['refund']);
  });

  it('a second reply about the same order joins the open escalation instead of opening another', async () => {
    const { shop, replyTo } = await backordered();
    await write('jo@example.com', replyTo, 'This is ridiculous. Terrible.');
    await write('jo@example.com', replyTo, 'Still nothing. Awful, awful service.', 'Re: Re: Your order');
    const escalations = await escalationsOf(shop);
    expect(escalations).toHaveLength(1);
    expect(escalations[0]!.replies.map((r: { text: string }) => r.text)).toEqual(['This is ridiculous. Terrible.', 'Still nothing. Awful, awful service.']);
  });

  it('"please stop emailing me" unsubscribes, as the link does; thanks is only recorded', async () => {
    const { shop, replyTo } = await backordered();
    await write('jo@example.com', replyTo, 'Thank you so much!');
    await write('jo@example.com', replyTo, 'Please stop emailing me');
    expect((await repliesOf(shop.id)).map((r) => [r.intent, r.action])).toEqual([
      ['thanks', 'recorded'],
      ['stop', 'unsubscribed'],
    ]);
    const [jo] = await t.deps.db.select().from(contacts).where(eq(contacts.email, 'jo@example.com'));
    expect(jo!.emailOptOutReason).toBe('unsubscribed');
    expect(await escalationsOf(shop)).toEqual([]);
  });

  it('a reply from another address is escalated to the shop it was sent to, and nothing goes back to anyone but the team', async () => {
    const a = await backordered('Acme Goods');
    const b = await backordered('Birch & Co');
    const before = (await allMessages(t)).length;
    await write('stranger@example.net', a.replyTo, 'Cancel my order');
    const [reply] = await repliesOf(a.shop.id);
    expect(reply).toMatchObject({ contactId: null, action: 'escalated' });
    expect((await escalationsOf(a.shop)).map((e) => e.kind)).toEqual(['unmatched_reply']);
    expect(await escalationsOf(b.shop)).toEqual([]);
    expect(await repliesOf(b.shop.id)).toEqual([]);
    const added = (await allMessages(t)).slice(before);
    expect(added.map((m) => [m.template, m.to])).toEqual([['reply-forward', 'help@acme.example']]);
    // The forward says who wrote, and that nothing was sent back.
    expect(added[0]!.text).toContain('stranger@example.net');
  });

  it('mail to the reply domain that names no message of ours is kept as an event and goes no further', async () => {
    await backordered();
    const { res } = await write('jo@example.com', `reply+AAAAAAAAAAAAAAAA@${DOMAIN}`, 'Cancel my order');
    expect(res.body.status).toBe('ignored');
    expect((await first<{ n: number }>(t.deps.db, sql`select count(*) as n from replies`))!.n).toBe(0);
  });

  it('a bad signature is a 401 and nothing is stored or scheduled; a repeat is taken once', async () => {
    const { shop, replyTo } = await backordered();
    const data = stub.receive({ from: 'jo@example.com', to: [replyTo], subject: 'Re', text: 'Cancel my order' });
    const raw = JSON.stringify({ type: 'email.received', created_at: new Date().toISOString(), data });
    const before = await rowCounts(t);
    const forged = await t.call('POST', '/webhooks/resend', { raw, headers: svixHeaders(raw, 'msg_forged', new Date(), `whsec_${Buffer.from('not the shop secret at all').toString('base64')}`) });
    expect(forged.status).toBe(401);
    expect(forged.body.error.code).toBeDefined();
    expect(await rowCounts(t)).toEqual(before);
    // Resend retries a delivery under the same svix-id; a second delivery of the same email has its own.
    const headers = svixHeaders(raw, 'msg_once', new Date());
    expect((await t.call('POST', '/webhooks/resend', { raw, headers })).body.status).toBe('applied');
    expect((await t.call('POST', '/webhooks/resend', { raw, headers })).body.status).toBe('duplicate');
    expect((await t.call('POST', '/webhooks/resend', { raw, headers: svixHeaders(raw, 'msg_again', new Date()) })).body.status).toBe('applied');
    await runJobs(t);
    expect(await repliesOf(shop.id)).toHaveLength(1);
    expect((await allMessages(t)).filter((m) => m.template === 'reply-forward')).toHaveLength(1);
  });

  it("the reply shows in the customer's timeline on the status page", async () => {
    const { shop, replyTo } = await backordered();
    await write('jo@example.com', replyTo, 'When will it actually ship?');
    const [line] = (await t.deps.db.select().from(messages).where(eq(messages.template, 'backorder-ack'))).filter((m) => m.shopId === shop.id);
    const props = line!.props as { status: { url: string } };
    const page = await t.call('GET', new URL(props.status.url).pathname);
    expect(page.status).toBe(200);
    expect(page.body).toContain('You wrote');
    expect(page.body).toContain('When will it actually ship?');
  });
});
