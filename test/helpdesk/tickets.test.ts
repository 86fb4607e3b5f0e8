import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { helpdeskTickets, jobs } from '../../db/schema/index.ts';
import { transaction } from '../../db/transaction.ts';
import type { HelpdeskKind } from '../../server/platforms/helpdesk/index.ts';
import { runJobs, setup, shopWithVariant, type TestEnv } from '../helpers.ts';
import { reply } from '../replies/take-reply.ts';
import { startFreshdeskStub } from '../stubs/freshdesk-stub.ts';
import { startGorgiasStub } from '../stubs/gorgias-stub.ts';
import type { HelpdeskStubOptions } from '../stubs/helpdesk-stub.ts';
import { startReamazeStub } from '../stubs/reamaze-stub.ts';
import { startZendeskStub } from '../stubs/zendesk-stub.ts';

const LOGIN = 'agent@acme.example';
const KEY = 'hd_key_0123456789';

/** One vendor's stub, read the same way: the ticket's first note, later notes, and whether it is closed. */
interface Desk {
  url: string;
  close(): Promise<void>;
  tickets(): Array<{ first: string; notes: string[]; closed: boolean; privateOnly: boolean }>;
}

async function desk(kind: HelpdeskKind, opts: HelpdeskStubOptions = {}): Promise<Desk> {
  switch (kind) {
    case 'zendesk': {
      const s = await startZendeskStub({ ...opts, email: LOGIN, token: KEY });
      return { url: s.url, close: () => s.close(), tickets: () => [...s.tickets.values()].map((t) => ({ first: t.comments[0]!.body, notes: t.comments.slice(1).map((c) => c.body), closed: t.status === 'solved', privateOnly: t.comments.every((c) => !c.public) })) };
    }
    case 'freshdesk': {
      const s = await startFreshdeskStub({ ...opts, apiKey: KEY });
      // Freshdesk mails the description to the customer: it holds the subject, and the context is the first private note.
      return { url: s.url, close: () => s.close(), tickets: () => [...s.tickets.values()].map((t) => ({ first: t.notes[0]?.body ?? '', notes: t.notes.slice(1).map((n) => n.body), closed: t.status === 4 || t.status === 5, privateOnly: t.notes.every((n) => n.private) && !t.description.includes('Recommended') })) };
    }
    case 'gorgias': {
      const s = await startGorgiasStub({ ...opts, email: LOGIN, apiKey: KEY });
      return { url: s.url, close: () => s.close(), tickets: () => [...s.tickets.values()].map((t) => ({ first: t.messages[0]!.body_text, notes: t.messages.slice(1).map((m) => m.body_text), closed: t.status === 'closed', privateOnly: t.messages.every((m) => m.channel === 'internal-note') })) };
    }
    case 'reamaze': {
      const s = await startReamazeStub({ ...opts, email: LOGIN, apiToken: KEY, channels: ['support'] });
      return { url: s.url, close: () => s.close(), tickets: () => [...s.tickets.values()].map((t) => ({ first: t.messages[0]!.body, notes: t.messages.slice(1).map((m) => m.body), closed: t.status === 2, privateOnly: t.messages.every((m) => m.visibility === 1) })) };
    }
  }
}

const ORIGIN_ENV: Record<HelpdeskKind, string> = { zendesk: 'ZENDESK_API_ORIGIN', freshdesk: 'FRESHDESK_API_ORIGIN', gorgias: 'GORGIAS_API_ORIGIN', reamaze: 'REAMAZE_API_ORIGIN' };

let t: TestEnv;
let stub: Desk;
afterEach(async () => {
  await t.cleanup();
  await stub.close();
});

async function connected(kind: HelpdeskKind, opts: HelpdeskStubOptions = {}, extra: Record<string, unknown> = {}) {
  stub = await desk(kind, opts);
  t = await setup({ [ORIGIN_ENV[kind]]: stub.url });
  const helpdesk = { kind, subdomain: 'acme', email: kind === 'freshdesk' ? null : LOGIN, apiKey: KEY, channel: kind === 'reamaze' ? 'support' : null, ...extra };
  const shop = await shopWithVariant(t, { inventory: 0 }, { helpdesk, quietHours: null });
  return shop;
}

/** An order above the value threshold (500.00): an `order_value` escalation for a person. */
const bigOrder = (shop: Awaited<ReturnType<typeof connected>>, id = 'o-1042') =>
  shop.admin('POST', '/v1/admin/orders', { id, name: '#1042', email: 'jo@example.com', currency: 'USD', total: 60_000, lineItems: [{ variantId: '4401', quantity: 2, price: 30_000 }] });

describe.each<HelpdeskKind>(['zendesk', 'freshdesk', 'gorgias', 'reamaze'])('%s tickets', (kind) => {
  it('one ticket per order: opened with context, a second case and a reply as private notes, closed when the last case resolves', async () => {
    const shop = await connected(kind);
    expect((await bigOrder(shop)).status).toBe(201);
    await runJobs(t);
    let [ticket] = stub.tickets();
    expect(stub.tickets()).toHaveLength(1);
    // The case, what to do, the order's value, the customer's history, the ETA, and the message we sent.
    expect(ticket!.first).toContain('Recommended:');
    expect(ticket!.first).toContain('$600.00');
    expect(ticket!.first).toContain('jo@example.com; 1 order(s) with the shop (first order)');
    expect(ticket!.first).toContain('2 × Ocean Tee – S: open; no ETA yet.');
    expect(ticket!.first).toContain('Last message we sent (backorder-ack');

    await reply(t.deps, shop.id, 'email', 'jo@example.com', 'This is ridiculous, three weeks and nothing. Terrible.');
    await reply(t.deps, shop.id, 'email', 'jo@example.com', 'Still nothing. Awful service, really awful.');
    await runJobs(t);
    expect(stub.tickets()).toHaveLength(1);
    [ticket] = stub.tickets();
    expect(ticket!.notes.join('\n')).toContain('Unhappy email reply from jo@example.com');
    expect(ticket!.notes.join('\n')).toContain('Still nothing. Awful service, really awful.');
    expect(ticket!.privateOnly).toBe(true);

    const escalations = (await shop.admin('GET', '/v1/admin/escalations')).body.escalations as Array<{ id: number; kind: string; ticket: Record<string, unknown> | null }>;
    expect(escalations.map((e) => e.kind)).toEqual(['negative_reply', 'order_value']);
    expect(escalations[0]!.ticket).toMatchObject({ helpdesk: kind, status: 'open', lastError: null });
    await shop.admin('POST', `/v1/admin/escalations/${escalations[1]!.id}/resolve`, { resolution: 'Called, fine to wait' });
    await runJobs(t);
    expect(stub.tickets()[0]!.closed).toBe(false);
    expect(stub.tickets()[0]!.notes.join('\n')).toContain('Resolved in Waitline: order value — Called, fine to wait.');
    await shop.admin('POST', `/v1/admin/escalations/${escalations[0]!.id}/resolve`, {});
    await runJobs(t);
    expect(stub.tickets()[0]!.closed).toBe(true);
    expect((await shop.admin('GET', '/v1/admin/escalations')).body.escalations[0].ticket.status).toBe('closed');
  });
});

describe('helpdesk tickets', () => {
  it('a helpdesk that is down: the job retries with backoff, the case stays in the dashboard, and one ticket is made', async () => {
    const shop = await connected('zendesk', { failFirst: 3 });
    await bigOrder(shop);
    await runJobs(t);
    expect(stub.tickets()).toEqual([]);
    const [escalation] = (await shop.admin('GET', '/v1/admin/escalations')).body.escalations;
    expect(escalation).toMatchObject({ kind: 'order_value', status: 'open', ticket: { externalId: null, lastError: expect.stringMatching(/.+/) } });
    const [job] = await t.deps.db.select().from(jobs).where(eq(jobs.kind, 'helpdesk.ticket'));
    expect(job).toMatchObject({ status: 'pending', attempts: 1 });
    expect(job!.runAt.getTime()).toBeGreaterThan(t.clock.now().getTime());
    for (let i = 0; i < 4; i++) {
      t.clock.advance(60 * 60_000);
      await runJobs(t);
    }
    expect(stub.tickets()).toHaveLength(1);
    expect((await shop.admin('GET', '/v1/admin/escalations')).body.escalations[0].ticket).toMatchObject({ status: 'open', lastError: null });
  });

  it('a ticket an earlier try made but did not record is found by its ref, not made twice', async () => {
    const shop = await connected('zendesk');
    await bigOrder(shop);
    await runJobs(t);
    // As if the process died after the helpdesk answered, before the id was saved.
    await transaction(t.deps.db, (tx) => tx.update(helpdeskTickets).set({ externalId: null, url: null }));
    await reply(t.deps, shop.id, 'email', 'jo@example.com', 'Can I get a phone call please');
    await runJobs(t);
    expect(stub.tickets()).toHaveLength(1);
    expect(stub.tickets()[0]!.notes.join('\n')).toContain('asked for a call');
  });

  it('two workers on two cases of one order: one holds the ticket, the other waits its turn, and one ticket is made', async () => {
    const shop = await connected('zendesk');
    // A large order of an item more than 30 days out: two cases in one transaction, two jobs for one ticket.
    await shop.admin('PUT', '/v1/admin/variants/4401', { productTitle: 'Ocean Tee', title: 'S', mode: 'waitlist', inventory: 0, eta: { earliest: '2026-05-01', latest: '2026-05-20' } });
    await bigOrder(shop);
    expect((await shop.admin('GET', '/v1/admin/escalations')).body.escalations.map((e: { kind: string }) => e.kind).sort()).toEqual(['eta_long', 'order_value']);
    const { runDueJobs } = await import('../../server/jobs/queue.ts');
    const { jobHandlers } = await import('../../server/jobs/handlers.ts');
    await Promise.all([runDueJobs(t.deps, jobHandlers, 1), runDueJobs(t.deps, jobHandlers, 1)]);
    t.clock.advance(60 * 60_000);
    await runJobs(t);
    const tickets = stub.tickets();
    expect(tickets).toHaveLength(1);
    expect(tickets[0]!.notes).toHaveLength(1);
  });

  it('a Zendesk ticket closed for good takes no note: the order gets a new ticket on the retry', async () => {
    const zendesk = await startZendeskStub({ email: LOGIN, token: KEY });
    stub = { url: zendesk.url, close: () => zendesk.close(), tickets: () => [] };
    t = await setup({ ZENDESK_API_ORIGIN: zendesk.url });
    const shop = await shopWithVariant(t, { inventory: 0 }, { helpdesk: { kind: 'zendesk', subdomain: 'acme', email: LOGIN, apiKey: KEY } });
    await bigOrder(shop);
    await runJobs(t);
    for (const ticket of zendesk.tickets.values()) ticket.status = 'closed';
    await reply(t.deps, shop.id, 'email', 'jo@example.com', 'Can I get a phone call please');
    await runJobs(t);
    expect(zendesk.tickets.size).toBe(1);
    t.clock.advance(60 * 60_000);
    await runJobs(t);
    const [old, fresh] = [...zendesk.tickets.values()];
    expect([old!.status, fresh!.status]).toEqual(['closed', 'new']);
    expect(fresh!.comments[0]!.body).toContain('asked for a call');
  });

  it('with ticketPerBackorder, every new backorder opens a ticket of its own order', async () => {
    const shop = await connected('freshdesk', {}, { ticketPerBackorder: true });
    await shop.admin('POST', '/v1/admin/orders', { id: 'o-7', name: '#1007', email: 'sam@example.com', currency: 'USD', total: 2500, lineItems: [{ variantId: '4401', quantity: 1, price: 2500 }] });
    await runJobs(t);
    expect(stub.tickets()).toHaveLength(1);
    expect(stub.tickets()[0]!.first).toContain('Order #1007 is waiting for stock.');
  });

  it('without a configured origin the helpdesk host goes through the address guard: a private answer is refused, nothing dialled', async () => {
    stub = await desk('zendesk');
    t = await setup({});
    const dialled: string[] = [];
    t.deps.net = {
      resolve: async (host) => (host === 'acme.zendesk.com' ? [{ address: '169.254.169.254', family: 4 }] : []),
      connect: (to) => {
        dialled.push(to.host);
        throw new Error('no connection in this test');
      },
    };
    const shop = await shopWithVariant(t, { inventory: 0 }, { helpdesk: { kind: 'zendesk', subdomain: 'acme', email: LOGIN, apiKey: KEY } });
    await bigOrder(shop);
    await runJobs(t);
    expect(dialled).toEqual([]);
    const [escalation] = (await shop.admin('GET', '/v1/admin/escalations')).body.escalations;
    expect(escalation.ticket).toMatchObject({ externalId: null, lastError: expect.stringMatching(/private, loopback or metadata/) });
  });

  it('settings: the subdomain must be an account name, the key is write-only, and an echoed mask keeps it', async () => {
    const shop = await connected('zendesk');
    for (const [patch, field] of [
      [{ kind: 'zendesk', subdomain: 'evil.example.com/x', email: LOGIN, apiKey: KEY }, 'helpdesk.subdomain'],
      [{ kind: 'zendesk', subdomain: 'acme', email: null, apiKey: KEY }, 'helpdesk.email'],
      [{ kind: 'reamaze', subdomain: 'acme', email: LOGIN, apiKey: KEY }, 'helpdesk.channel'],
      [{ kind: 'kayako', subdomain: 'acme', email: LOGIN, apiKey: KEY }, 'helpdesk.kind'],
    ] as const) {
      const res = await shop.admin('PATCH', '/v1/admin/settings', { helpdesk: patch });
      expect([res.status, res.body.error.field]).toEqual([400, field]);
    }
    const shown = (await shop.admin('GET', '/v1/admin/settings')).body.settings;
    expect(shown.helpdesk).toMatchObject({ kind: 'zendesk', apiKey: '********' });
    expect(JSON.stringify(shown)).not.toContain(KEY);
    // The mask sent back for another account is no key at all.
    const elsewhere = await shop.admin('PATCH', '/v1/admin/settings', { helpdesk: { ...shown.helpdesk, subdomain: 'other' } });
    expect([elsewhere.status, elsewhere.body.error.field]).toEqual([400, 'helpdesk.apiKey']);
    expect((await shop.admin('PATCH', '/v1/admin/settings', { helpdesk: { ...shown.helpdesk, ticketPerBackorder: true } })).status).toBe(200);
    await bigOrder(shop);
    await runJobs(t);
    // The key still works, and the backorder's ticket and the case's are the order's one ticket.
    expect(stub.tickets()).toHaveLength(1);
  });
});
