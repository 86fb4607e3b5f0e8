import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allMessages, setup, shopWithVariant, type TestEnv } from '../helpers.ts';

let t: TestEnv;
beforeEach(async () => {
  t = await setup({ WAITLINE_SIGN_IN_LINK_MS: '30000', WAITLINE_INVITE_MS: '120000', WAITLINE_SESSION_MS: '600000' });
});
afterEach(() => t.cleanup());

type Shop = Awaited<ReturnType<typeof shopWithVariant>>;

/** The link's token, read from the email in the outbox (the only place it exists). */
async function linkIn(to: string): Promise<string> {
  const sent = (await allMessages(t)).filter((m) => m.to === to && m.template === 'team-link');
  const url = sent.at(-1)?.text.match(/https:\/\/waitline\.test\/admin\/link#t=([\w-]+)/)?.[1];
  if (!url) throw new Error(`no team link to ${to}`);
  return url;
}

/** A browser's session: the cookie and CSRF token it got from spending a link. */
async function signIn(token: string) {
  const res = await t.call('POST', '/v1/auth/session', { body: { token } });
  if (res.status !== 200) return { res, as: null };
  const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
  const csrf = res.body.csrfToken as string;
  const as = (method: string, path: string, body?: unknown, opts: { csrf?: string | null } = {}) =>
    t.call(method, path, { body, headers: { cookie, ...(opts.csrf === null ? {} : { 'x-csrf-token': opts.csrf ?? csrf }) } });
  return { res, as };
}

async function invited(shop: Shop, email: string, role: 'owner' | 'staff' | 'viewer') {
  const res = await shop.admin('POST', '/v1/admin/members', { email, role, name: email.split('@')[0] });
  expect(res.status).toBe(201);
  const { as } = await signIn(await linkIn(email));
  return { id: res.body.member.id as number, as: as! };
}

describe('a second person on the team', () => {
  it('is invited by email, signs in by the link, and the invite answer never holds the token', async () => {
    const shop = await shopWithVariant(t);
    const res = await shop.admin('POST', '/v1/admin/members', { email: ' Sam@Acme.Example ', role: 'staff', name: 'Sam' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ member: expect.objectContaining({ email: 'sam@acme.example', role: 'staff', invitedBy: 'secret key', lastSignInAt: null }), sent: true });
    const token = await linkIn('sam@acme.example');
    expect(JSON.stringify(res.body)).not.toContain(token);
    const mail = (await allMessages(t)).find((m) => m.template === 'team-link')!;
    expect(mail.subject).toBe('Join the Acme Goods team on Waitline');
    expect(mail.text).toContain('Acme Goods invited you to the Acme Goods dashboard as staff (restocks, the queue, orders and refunds).');
    expect(mail.text).toContain('The link works once, for 2 minutes.');

    const { res: signedIn, as } = await signIn(token);
    expect(signedIn.status).toBe(200);
    const cookie = signedIn.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^__Host-waitline_session=[\w-]{40,};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('Secure');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/');
    expect(signedIn.body).toMatchObject({ member: { email: 'sam@acme.example', role: 'staff' }, shop: { name: 'Acme Goods' }, csrfToken: expect.any(String) });

    const me = await as!('GET', '/v1/admin/session');
    expect(me.body).toEqual({ actor: { kind: 'member', email: 'sam@acme.example', role: 'staff' }, shop: { id: shop.id, name: 'Acme Goods' }, csrfToken: signedIn.body.csrfToken });
    const members = await shop.admin('GET', '/v1/admin/members');
    expect(members.body.members[0].lastSignInAt).toBe('2026-03-02T12:00:00.000Z');
  });

  it('a link works once, only until it expires, and only while the person is on the team', async () => {
    const shop = await shopWithVariant(t);
    await shop.admin('POST', '/v1/admin/members', { email: 'sam@acme.example', role: 'viewer' });
    const token = await linkIn('sam@acme.example');
    expect((await signIn(token)).res.status).toBe(200);
    const again = await signIn(token);
    expect(again.res.status).toBe(401);
    expect(again.res.body.error.message).toBe('This sign-in link has expired or was already used: ask for a new one');

    expect((await t.call('POST', '/v1/auth/link', { body: { email: 'sam@acme.example' } })).status).toBe(202);
    const late = await linkIn('sam@acme.example');
    t.clock.advance(30_000);
    expect((await signIn(late)).res.status).toBe(401);

    await t.call('POST', '/v1/auth/link', { body: { email: 'sam@acme.example' } });
    const fresh = await linkIn('sam@acme.example');
    const [member] = (await shop.admin('GET', '/v1/admin/members')).body.members;
    expect((await shop.admin('DELETE', `/v1/admin/members/${member.id}`)).status).toBe(200);
    expect((await signIn(fresh)).res.status).toBe(401);
  });

  it('asking for a link answers the same whether or not the address is on a team, and sends only to that inbox', async () => {
    const shop = await shopWithVariant(t);
    await shop.admin('POST', '/v1/admin/members', { email: 'sam@acme.example', role: 'viewer' });
    const before = (await allMessages(t)).length;
    const unknown = await t.call('POST', '/v1/auth/link', { body: { email: 'nobody@acme.example' } });
    const known = await t.call('POST', '/v1/auth/link', { body: { email: 'sam@acme.example' } });
    expect(unknown.status).toBe(202);
    expect(known.status).toBe(202);
    expect(unknown.body).toEqual(known.body);
    const after = (await allMessages(t)).slice(before);
    expect(after.map((m) => [m.to, m.template])).toEqual([['sam@acme.example', 'team-link']]);
    expect(after[0]!.subject).toBe('Your sign-in link for Acme Goods');
    // Three a minute per address, then 429 with Retry-After.
    await t.call('POST', '/v1/auth/link', { body: { email: 'sam@acme.example' } });
    await t.call('POST', '/v1/auth/link', { body: { email: 'sam@acme.example' } });
    const flood = await t.call('POST', '/v1/auth/link', { body: { email: 'sam@acme.example' } });
    expect(flood.status).toBe(429);
    expect(flood.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await t.call('POST', '/v1/auth/link', { body: { email: 'not an address' } })).status).toBe(400);
  });
});

describe('roles', () => {
  it('a viewer reads and changes nothing; staff restock and move the queue; only owners touch settings, keys, people and the audit log', async () => {
    const shop = await shopWithVariant(t);
    const viewer = await invited(shop, 'vi@acme.example', 'viewer');
    const staff = await invited(shop, 'st@acme.example', 'staff');
    const owner = await invited(shop, 'ow@acme.example', 'owner');

    expect((await viewer.as('GET', '/v1/admin/variants')).status).toBe(200);
    expect((await viewer.as('GET', '/v1/admin/settings')).status).toBe(200);
    expect((await viewer.as('POST', '/v1/admin/variants/4401/inventory/preview', { adjust: 2 })).status).toBe(200);
    const refused = await viewer.as('POST', '/v1/admin/variants/4401/inventory', { adjust: 2 });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toEqual({ code: 'forbidden', message: 'A viewer cannot do this; it needs staff' });

    expect((await staff.as('POST', '/v1/admin/variants/4401/inventory', { adjust: 2 })).status).toBe(200);
    for (const [method, path, body] of [
      ['PATCH', '/v1/admin/settings', { contact: 'x' }],
      ['POST', '/v1/admin/keys/rotate', { kind: 'secret' }],
      ['GET', '/v1/admin/members', undefined],
      ['POST', '/v1/admin/members', { email: 'new@acme.example', role: 'owner' }],
      ['GET', '/v1/admin/audit', undefined],
      ['GET', '/v1/admin/connections', undefined],
      ['GET', '/v1/admin/signups.csv', undefined],
      ['GET', '/v1/admin/contacts/export?email=a%40b.example', undefined],
    ] as const) {
      expect([method, path, (await staff.as(method, path, body)).status]).toEqual([method, path, 403]);
      expect([method, path, (await viewer.as(method, path, body)).status]).toEqual([method, path, 403]);
    }
    expect((await owner.as('PATCH', '/v1/admin/settings', { contact: 'help@acme.example' })).status).toBe(200);
    expect((await owner.as('GET', '/v1/admin/members')).body.members).toHaveLength(3);
  });

  it('a role change applies from the next call; removing a person ends their session at once; nobody changes their own role', async () => {
    const shop = await shopWithVariant(t);
    const sam = await invited(shop, 'sam@acme.example', 'staff');
    const owner = await invited(shop, 'ow@acme.example', 'owner');
    expect((await sam.as('POST', '/v1/admin/variants/4401/inventory', { adjust: 1 })).status).toBe(200);
    expect((await owner.as('PATCH', `/v1/admin/members/${sam.id}`, { role: 'viewer' })).status).toBe(200);
    expect((await sam.as('POST', '/v1/admin/variants/4401/inventory', { adjust: 1 })).status).toBe(403);
    const self = await owner.as('PATCH', `/v1/admin/members/${owner.id}`, { role: 'viewer' });
    expect(self.status).toBe(409);
    expect((await owner.as('DELETE', `/v1/admin/members/${sam.id}`)).status).toBe(200);
    const gone = await sam.as('GET', '/v1/admin/variants');
    expect(gone.status).toBe(401);
    expect(gone.body.error.message).toBe('Your sign-in has ended: ask for a new sign-in link');
  });

  it('sign-in links in the outbox are shown to owners only', async () => {
    const shop = await shopWithVariant(t);
    const staff = await invited(shop, 'st@acme.example', 'staff');
    const owner = await invited(shop, 'ow@acme.example', 'owner');
    const templates = async (as: typeof staff.as) => ((await as('GET', '/v1/admin/messages?limit=200')).body.messages as Array<{ template: string }>).map((m) => m.template);
    expect(await templates(owner.as)).toContain('team-link');
    expect(await templates(staff.as)).not.toContain('team-link');
    expect((await staff.as('GET', '/v1/admin/messages?template=team-link')).body.messages).toEqual([]);
  });
});

describe('sessions', () => {
  it('every change through a session needs its CSRF token; reads do not; the session ends at its time and on sign-out', async () => {
    const shop = await shopWithVariant(t);
    const sam = await invited(shop, 'sam@acme.example', 'staff');
    expect((await sam.as('POST', '/v1/admin/variants/4401/inventory', { adjust: 1 }, { csrf: null })).status).toBe(403);
    const wrong = await sam.as('POST', '/v1/admin/variants/4401/inventory', { adjust: 1 }, { csrf: 'x'.repeat(43) });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.message).toBe('This change needs the X-CSRF-Token of your session; reload the dashboard');
    expect((await sam.as('GET', '/v1/admin/variants', undefined, { csrf: null })).status).toBe(200);
    const variant = (await shop.admin('GET', '/v1/admin/variants')).body.variants[0];
    expect(variant.inventory).toBe(0);

    t.clock.advance(600_000);
    expect((await sam.as('GET', '/v1/admin/variants')).status).toBe(401);

    await t.call('POST', '/v1/auth/link', { body: { email: 'sam@acme.example' } });
    const { as, res } = await signIn(await linkIn('sam@acme.example'));
    const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    expect((await as!('GET', '/v1/admin/variants')).status).toBe(200);
    const out = await t.call('POST', '/v1/auth/logout', { headers: { cookie } });
    expect(out.headers.get('set-cookie')).toMatch(/^__Host-waitline_session=;.*Max-Age=0/);
    expect((await as!('GET', '/v1/admin/variants')).status).toBe(401);
  });

  it('a session opens only its own shop, and the secret key of another shop does not mix with it', async () => {
    const a = await shopWithVariant(t);
    const b = await t.createShop('Other Shop');
    await b.admin('PUT', '/v1/admin/variants/4401', { productTitle: 'B Tee', title: 'M', mode: 'waitlist', inventory: 0, price: 100, currency: 'USD' });
    const sam = await invited(a, 'sam@acme.example', 'owner');
    const mine = await sam.as('GET', '/v1/admin/variants');
    expect(mine.body.variants.map((v: { productTitle: string }) => v.productTitle)).toEqual(['Ocean Tee']);
    expect((await b.admin('GET', '/v1/admin/members')).body.members).toEqual([]);
    expect((await b.admin('DELETE', `/v1/admin/members/${sam.id}`)).status).toBe(404);
    expect((await sam.as('GET', '/v1/admin/variants')).status).toBe(200);
  });
});

describe('the audit log', () => {
  it('names who did what to which record, with the record before and after, and secrets redacted', async () => {
    const shop = await shopWithVariant(t);
    const sam = await invited(shop, 'sam@acme.example', 'staff');
    const owner = await invited(shop, 'ow@acme.example', 'owner');
    t.clock.advance(5000);
    expect((await sam.as('POST', '/v1/admin/variants/4401/inventory', { available: 3 })).status).toBe(200);
    expect((await sam.as('PATCH', '/v1/admin/settings', { contact: 'nope' })).status).toBe(403);
    expect((await owner.as('PATCH', '/v1/admin/settings', { contact: 'help@acme.example', helpdesk: { kind: 'zendesk', subdomain: 'acme', email: 'agent@acme.example', apiKey: 'sekrit-token-123' } })).status).toBe(200);
    expect((await shop.admin('GET', '/v1/admin/variants')).status).toBe(200);

    const log = await owner.as('GET', '/v1/admin/audit');
    expect(log.status).toBe(200);
    const entries = log.body.entries as Array<Record<string, any>>;
    const signIns = entries.filter((e) => e.action === 'POST /v1/auth/session');
    expect(signIns.map((e) => [e.actor, e.role, e.request])).toEqual([
      ['ow@acme.example', 'owner', { link: 'invite' }],
      ['sam@acme.example', 'staff', { link: 'invite' }],
    ]);
    const [settings, restock, invite2, invite1, variant] = entries.filter((e) => e.action !== 'POST /v1/auth/session');
    expect(restock).toMatchObject({
      actor: 'sam@acme.example',
      actorKind: 'member',
      role: 'staff',
      action: 'POST /v1/admin/variants/:id/inventory',
      target: '4401',
      status: 200,
      request: { available: 3 },
      before: expect.objectContaining({ inventory: 0 }),
      after: expect.objectContaining({ inventory: 3 }),
      createdAt: '2026-03-02T12:00:05.000Z',
    });
    expect(settings).toMatchObject({ actor: 'ow@acme.example', role: 'owner', action: 'PATCH /v1/admin/settings', before: { contact: '' }, after: { contact: 'help@acme.example' } });
    expect(JSON.stringify(log.body)).not.toContain('sekrit');
    expect(invite1).toMatchObject({ actor: 'secret key', actorKind: 'key', action: 'POST /v1/admin/members', request: { email: 'sam@acme.example', role: 'staff' } });
    expect(invite2!.request.email).toBe('ow@acme.example');
    expect(variant).toMatchObject({ actor: 'secret key', action: 'PUT /v1/admin/variants/:id', target: '4401', before: null, after: expect.objectContaining({ productTitle: 'Ocean Tee' }) });
    // Reads and refused calls are not changes.
    expect(entries).toHaveLength(7);
    const bySam = await owner.as('GET', '/v1/admin/audit?actor=sam%40acme.example');
    expect(bySam.body.entries.map((e: { action: string }) => e.action)).toEqual(['POST /v1/admin/variants/:id/inventory', 'POST /v1/auth/session']);
  });
});
