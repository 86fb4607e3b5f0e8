import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { helpdeskApi, helpdeskHost, HelpdeskError, SUBDOMAIN, type HelpdeskAccount, type HelpdeskErrorKind, type HelpdeskKind, type NewTicket } from '../../server/platforms/helpdesk/index.ts';
import { trustedStoreHttp } from '../../server/platforms/store-http.ts';
import { StoreError, type StoreHttp } from '../../server/platforms/store.ts';
import { startFreshdeskStub } from '../stubs/freshdesk-stub.ts';
import { startGorgiasStub } from '../stubs/gorgias-stub.ts';
import { basicAuth, type HelpdeskStubBase, type HelpdeskStubOptions } from '../stubs/helpdesk-stub.ts';
import { startReamazeStub } from '../stubs/reamaze-stub.ts';
import { startZendeskStub } from '../stubs/zendesk-stub.ts';

const EMAIL = 'agent@maple.example';
const KEY = 'helpdesk-key-for-tests';

/** What the tests read back from a stub's state, the same for every vendor. */
interface Vendor {
  kind: HelpdeskKind;
  start(opts: HelpdeskStubOptions): Promise<HelpdeskStubBase & { tickets: Map<any, any> }>;
  account: HelpdeskAccount;
  authorization: string;
  /** The calls one full round makes: create, find, close, close again, note (reopening), close. */
  paths: string[];
  /** The ticket as the agent closed or solved it in the vendor's own app. */
  close(ticket: any): void;
  isOpen(ticket: any): boolean;
  isDone(ticket: any): boolean;
  /** The notes on the ticket (with the first message, where the vendor keeps it as one): text, and whether the customer could see it. */
  notes(ticket: any): Array<{ text: string; visible: boolean }>;
  /** The create request's body, checked for the ref, the requester and the private first note. */
  checkCreate(body: any): void;
  missingId: string;
  urlOf(id: string): string;
}

const VENDORS: Vendor[] = [
  {
    kind: 'zendesk',
    start: (opts) => startZendeskStub({ ...opts, email: EMAIL, token: KEY }),
    account: { kind: 'zendesk', subdomain: 'maple', email: EMAIL, apiKey: KEY },
    authorization: basicAuth(`${EMAIL}/token`, KEY),
    paths: ['POST /api/v2/tickets', 'GET /api/v2/tickets', 'PUT /api/v2/tickets/35436', 'PUT /api/v2/tickets/35436', 'GET /api/v2/tickets/35436', 'PUT /api/v2/tickets/35436', 'PUT /api/v2/tickets/35436'],
    close: (t) => (t.status = 'solved'),
    // An API ticket without an assignee starts as New; a reopened one is Open.
    isOpen: (t) => t.status === 'new' || t.status === 'open',
    isDone: (t) => t.status === 'solved',
    notes: (t) => t.comments.map((c: any) => ({ text: c.body, visible: c.public })),
    checkCreate: (body) => {
      expect(body.ticket).toMatchObject({ external_id: 'waitline-s1-1042', comment: { public: false }, requester: { email: 'ada@example.com', name: 'Ada' }, tags: ['waitline', 'backorder'] });
    },
    missingId: '999',
    urlOf: (id) => `https://maple.zendesk.com/agent/tickets/${id}`,
  },
  {
    kind: 'freshdesk',
    start: (opts) => startFreshdeskStub({ ...opts, apiKey: KEY }),
    account: { kind: 'freshdesk', subdomain: 'maple', email: null, apiKey: KEY },
    authorization: basicAuth(KEY, 'X'),
    paths: ['POST /api/v2/tickets', 'GET /api/v2/search/tickets', 'PUT /api/v2/tickets/1', 'PUT /api/v2/tickets/1', 'GET /api/v2/tickets/1', 'POST /api/v2/tickets/1/notes', 'PUT /api/v2/tickets/1', 'PUT /api/v2/tickets/1'],
    close: (t) => (t.status = 4),
    isOpen: (t) => t.status === 2,
    isDone: (t) => t.status === 4,
    notes: (t) => t.notes.map((n: any) => ({ text: n.body, visible: !n.private })),
    checkCreate: (body) => {
      expect(body).toMatchObject({ email: 'ada@example.com', name: 'Ada', status: 2, tags: ['waitline-s1-1042', 'waitline', 'backorder'] });
      // The description is mailed to the customer by Freshdesk's default notice: only the subject goes there.
      expect(body.description).toBe('Order 1042 is late');
    },
    missingId: '999',
    urlOf: (id) => `https://maple.freshdesk.com/a/tickets/${id}`,
  },
  {
    kind: 'gorgias',
    start: (opts) => startGorgiasStub({ ...opts, email: EMAIL, apiKey: KEY }),
    account: { kind: 'gorgias', subdomain: 'maple', email: EMAIL, apiKey: KEY },
    authorization: basicAuth(EMAIL, KEY),
    paths: ['POST /api/tickets', 'GET /api/tickets', 'PUT /api/tickets/1200', 'PUT /api/tickets/1200', 'GET /api/tickets/1200', 'POST /api/tickets/1200/messages', 'PUT /api/tickets/1200', 'PUT /api/tickets/1200'],
    close: (t) => (t.status = 'closed'),
    isOpen: (t) => t.status === 'open',
    isDone: (t) => t.status === 'closed',
    notes: (t) => t.messages.map((m: any) => ({ text: m.body_text, visible: m.public || m.channel !== 'internal-note' })),
    checkCreate: (body) => {
      expect(body).toMatchObject({ external_id: 'waitline-s1-1042', customer: { email: 'ada@example.com' }, tags: [{ name: 'waitline' }, { name: 'backorder' }] });
      expect(body.messages).toEqual([expect.objectContaining({ channel: 'internal-note', via: 'api', from_agent: true, sender: { email: EMAIL } })]);
    },
    missingId: '999',
    urlOf: (id) => `https://maple.gorgias.com/app/ticket/${id}`,
  },
  {
    kind: 'reamaze',
    start: (opts) => startReamazeStub({ ...opts, email: EMAIL, apiToken: KEY, channels: ['support'] }),
    account: { kind: 'reamaze', subdomain: 'maple', email: EMAIL, apiKey: KEY, channel: 'support' },
    authorization: basicAuth(EMAIL, KEY),
    paths: ['POST /api/v1/conversations', 'GET /api/v1/conversations', 'PUT /api/v1/conversations/order-1042-is-late', 'PUT /api/v1/conversations/order-1042-is-late', 'GET /api/v1/conversations/order-1042-is-late', 'POST /api/v1/conversations/order-1042-is-late/messages', 'PUT /api/v1/conversations/order-1042-is-late', 'PUT /api/v1/conversations/order-1042-is-late'],
    close: (t) => (t.status = 2),
    isOpen: (t) => t.status === 0,
    isDone: (t) => t.status === 2,
    notes: (t) => t.messages.map((m: any) => ({ text: m.body, visible: m.visibility !== 1 || !m.suppress_notifications })),
    checkCreate: (body) => {
      expect(body.conversation).toMatchObject({ category: 'support', tag_list: ['waitline-s1-1042', 'waitline', 'backorder'], message: { visibility: 1, suppress_notifications: true }, user: { email: 'ada@example.com', name: 'Ada' }, data: { waitline_ref: 'waitline-s1-1042' } });
    },
    missingId: 'no-such-conversation',
    urlOf: (id) => `https://maple.reamaze.com/admin/conversations/${id}`,
  },
];

const BODY = 'We wrote: <ETA> in 2–3 weeks\nRecommended: call her';
const TICKET: NewTicket = { ref: 'waitline-s1-1042', subject: 'Order 1042 is late', requester: { email: 'ada@example.com', phone: null, name: 'Ada' }, body: BODY, tags: ['waitline', 'backorder'] };

let stub: (HelpdeskStubBase & { tickets: Map<any, any> }) | null = null;
afterEach(async () => {
  await stub?.close();
  stub = null;
});

async function failure(promise: Promise<unknown>, kind: HelpdeskErrorKind): Promise<HelpdeskError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HelpdeskError);
  expect((error as HelpdeskError).kind).toBe(kind);
  return error as HelpdeskError;
}

describe.each(VENDORS)('$kind', (vendor) => {
  const api = (account: Partial<HelpdeskAccount> = {}) => helpdeskApi(trustedStoreHttp, { ...vendor.account, ...account }, `${stub!.url}/`);

  it('creates a ticket, finds it by ref, closes it twice, reopens it with a private note, and closes it again', async () => {
    stub = await vendor.start({});
    const made = await api().createTicket(TICKET);
    expect(made.url).toBe(vendor.urlOf(made.id));
    vendor.checkCreate(stub.requests[0]!.body);

    expect(await api().findTicket(TICKET.ref)).toEqual({ id: made.id, url: made.url });
    await api().closeTicket(made.id);
    await api().closeTicket(made.id);
    const ticket = [...stub.tickets.values()][0];
    expect(vendor.isDone(ticket)).toBe(true);

    await api().addNote(made.id, 'She replied: "any news?"');
    expect(vendor.isOpen(ticket)).toBe(true);
    await api().closeTicket(made.id);
    expect(vendor.isDone(ticket)).toBe(true);

    // The first note's privacy is checked on the create request (Freshdesk carries it as the description).
    expect(vendor.notes(ticket).at(-1)).toEqual({ text: vendor.kind === 'freshdesk' ? 'She replied: &quot;any news?&quot;' : 'She replied: "any news?"', visible: false });

    expect(stub.requests.map((r) => `${r.method} ${r.path}`)).toEqual(vendor.paths);
    for (const r of stub.requests) {
      expect(r.headers).toMatchObject({ authorization: vendor.authorization, accept: 'application/json', 'user-agent': 'Waitline' });
      if (r.method !== 'GET') expect(r.headers['content-type']).toBe('application/json');
    }
  });

  it('a note on an open ticket leaves its status alone', async () => {
    stub = await vendor.start({});
    const made = await api().createTicket(TICKET);
    await api().addNote(made.id, 'more context');
    expect(vendor.isOpen([...stub.tickets.values()][0])).toBe(true);
    expect(stub.requests.filter((r) => r.method === 'PUT' && JSON.stringify(r.body).includes('status'))).toEqual([]);
  });

  it('an agent closing it in the helpdesk is undone by the next note', async () => {
    stub = await vendor.start({});
    const made = await api().createTicket(TICKET);
    vendor.close([...stub.tickets.values()][0]);
    await api().addNote(made.id, 'She wrote again');
    expect(vendor.isOpen([...stub.tickets.values()][0])).toBe(true);
  });

  it('finds nothing for a ref it never made', async () => {
    stub = await vendor.start({});
    await api().createTicket(TICKET);
    expect(await api().findTicket('waitline-s1-1043')).toBeNull();
  });

  it('a wrong key is unauthorized, in the vendor\'s own words', async () => {
    stub = await vendor.start({});
    const error = await failure(api({ apiKey: 'not-the-key' }).createTicket(TICKET), 'unauthorized');
    expect(error.message).not.toContain('not-the-key');
    expect(stub.tickets.size).toBe(0);
  });

  it('a 429 is rate_limited with Retry-After in ms', async () => {
    stub = await vendor.start({ rateLimitFirst: 1, retryAfter: 12 });
    const error = await failure(api().findTicket(TICKET.ref), 'rate_limited');
    expect(error.retryAfterMs).toBe(12_000);
    expect(await api().findTicket(TICKET.ref)).toBeNull();
  });

  it('a 503 is unavailable, and the next try goes through', async () => {
    stub = await vendor.start({ failFirst: 1 });
    await failure(api().createTicket(TICKET), 'unavailable');
    expect(stub.tickets.size).toBe(0);
    await api().createTicket(TICKET);
    expect(stub.tickets.size).toBe(1);
  });

  it('a ticket it does not have is not_found', async () => {
    stub = await vendor.start({});
    await failure(api().closeTicket(vendor.missingId), 'not_found');
  });

  it('a subdomain that is not one DNS label is refused before any request', async () => {
    stub = await vendor.start({});
    await failure(api({ subdomain: 'evil.example/x' }).findTicket(TICKET.ref), 'rejected');
    expect(stub.requests).toEqual([]);
  });

  it('a ticket id that is not the vendor\'s form never reaches a path', async () => {
    stub = await vendor.start({});
    await failure(api().addNote('../../users/1', 'x'), 'rejected');
    expect(stub.requests).toEqual([]);
  });

  it('without an origin, calls go to the vendor host of the subdomain', async () => {
    const urls: string[] = [];
    const http: StoreHttp = async (url) => {
      urls.push(url);
      return { status: 200, headers: {}, body: JSON.stringify({ tickets: [], results: [], data: [], conversations: [] }) };
    };
    expect(await helpdeskApi(http, vendor.account).findTicket(TICKET.ref)).toBeNull();
    expect(urls[0]!.startsWith(`https://${helpdeskHost(vendor.kind, 'maple')}/api/`)).toBe(true);
  });
});

describe('vendor rules', () => {
  it('Zendesk: a ticket closed for good is not found again and takes no note', async () => {
    const zendesk = await startZendeskStub({ email: EMAIL, token: KEY });
    stub = zendesk;
    const api = helpdeskApi(trustedStoreHttp, VENDORS[0]!.account, zendesk.url);
    const made = await api.createTicket(TICKET);
    zendesk.tickets.get(Number(made.id))!.status = 'closed';
    expect(await api.findTicket(TICKET.ref)).toBeNull();
    await failure(api.addNote(made.id, 'late'), 'not_found');
    await api.closeTicket(made.id);
  });

  it('Freshdesk: a customer with only a phone opens a ticket by phone and name', async () => {
    stub = await startFreshdeskStub({ apiKey: KEY });
    const api = helpdeskApi(trustedStoreHttp, VENDORS[1]!.account, stub.url);
    await api.createTicket({ ...TICKET, requester: { email: null, phone: '+15550100', name: null } });
    expect(stub.requests[0]!.body).toMatchObject({ phone: '+15550100', name: '+15550100' });
  });

  it('Freshdesk: the search query is the documented quoted form', async () => {
    stub = await startFreshdeskStub({ apiKey: KEY });
    await helpdeskApi(trustedStoreHttp, VENDORS[1]!.account, stub.url).findTicket(TICKET.ref);
    expect(stub.requests[0]!.query.get('query')).toBe(`"tag:'waitline-s1-1042'"`);
  });

  it.each(['gorgias', 'reamaze', 'zendesk'] as const)('%s: an account without the login email is unauthorized before a request', async (kind) => {
    const vendor = VENDORS.find((v) => v.kind === kind)!;
    stub = await vendor.start({});
    await failure(helpdeskApi(trustedStoreHttp, { ...vendor.account, email: null }, stub.url).findTicket(TICKET.ref), 'unauthorized');
    expect(stub.requests).toEqual([]);
  });

  it.each(['gorgias', 'reamaze'] as const)('%s: a customer with no email is rejected before a request', async (kind) => {
    const vendor = VENDORS.find((v) => v.kind === kind)!;
    stub = await vendor.start({});
    await failure(helpdeskApi(trustedStoreHttp, vendor.account, stub.url).createTicket({ ...TICKET, requester: { email: null, phone: '+15550100', name: 'Ada' } }), 'rejected');
    expect(stub.requests).toEqual([]);
  });

  it('Re:amaze: without a channel slug nothing is created', async () => {
    stub = await startReamazeStub({ email: EMAIL, apiToken: KEY });
    const error = await failure(helpdeskApi(trustedStoreHttp, { ...VENDORS[3]!.account, channel: null }, stub.url).createTicket(TICKET), 'rejected');
    expect(error.message).toMatch(/channel/);
    expect(stub.requests).toEqual([]);
  });

  it('a 422 is rejected with the vendor\'s short reason', async () => {
    stub = await startReamazeStub({ email: EMAIL, apiToken: KEY, channels: ['support'] });
    const error = await failure(helpdeskApi(trustedStoreHttp, { ...VENDORS[3]!.account, channel: 'sales' }, stub.url).createTicket(TICKET), 'rejected');
    expect(error.message).toContain('Category must be a channel of this brand');
  });

  it('an address the guard refuses stays refused_address; any other failure to answer is unavailable', async () => {
    const refused: StoreHttp = async () => {
      throw new StoreError('refused_address', 'maple.zendesk.com resolves to an address Waitline does not call');
    };
    await failure(helpdeskApi(refused, VENDORS[0]!.account).findTicket(TICKET.ref), 'refused_address');
    const down: StoreHttp = async () => {
      throw new StoreError('unavailable', 'timeout');
    };
    await failure(helpdeskApi(down, VENDORS[0]!.account).findTicket(TICKET.ref), 'unavailable');
    const html: StoreHttp = async () => ({ status: 200, headers: {}, body: '<html>login</html>' });
    await failure(helpdeskApi(html, VENDORS[0]!.account).findTicket(TICKET.ref), 'unavailable');
  });
});

describe('SUBDOMAIN', () => {
  it.each(['acme', 'acme-shop', 'a1', 'x'])('accepts %s', (s) => expect(SUBDOMAIN.test(s)).toBe(true));
  it.each(['', 'Acme', 'acme.evil.com', '-acme', 'acme-', 'acme/x', 'acme:8080', '127.0.0.1', 'a'.repeat(64), 'acme\n'])('refuses %j', (s) => expect(SUBDOMAIN.test(s)).toBe(false));
});

describe('config', () => {
  it('reads the four helpdesk origins, trailing slashes stripped, and leaves unset ones out', () => {
    const config = loadConfig({ ZENDESK_API_ORIGIN: 'http://127.0.0.1:9001/', REAMAZE_API_ORIGIN: 'http://127.0.0.1:9002', GORGIAS_API_ORIGIN: '' });
    expect(config.helpdeskOrigins).toEqual({ zendesk: 'http://127.0.0.1:9001', reamaze: 'http://127.0.0.1:9002' });
  });
});
