import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emailTemplates, smsTemplates } from '../../emails/index.ts';
import { allMessages, rowCounts, setup, type TestEnv } from '../helpers.ts';

let t: TestEnv;
beforeEach(async () => {
  t = await setup();
});
afterEach(() => t.cleanup());

const OWNER = 'owner@acme.example';
const draft = (strings: Record<string, string>, locale = 'en') => ({ locale, strings: { [locale]: strings } });

describe('GET /v1/admin/templates', () => {
  it('lists every template of both registries with the keys it reads, footer keys once under shared', async () => {
    const shop = await t.createShop('Acme Goods', { strings: { fr: { 'offer.heading': 'À vous' } } });
    const res = await shop.admin('GET', '/v1/admin/templates');
    expect(res.status).toBe(200);
    const byName = Object.fromEntries(res.body.templates.map((x: any) => [x.name, x]));
    expect(Object.keys(byName).sort()).toEqual(Object.keys(emailTemplates).sort());
    for (const name of Object.keys(smsTemplates)) expect(byName[name].channels, name).toEqual(['email', 'sms']);
    expect(byName['email-resubscribe'].channels).toEqual(['email']);
    for (const x of res.body.templates) {
      expect(x.keys.length, x.name).toBeGreaterThan(0);
      expect(x.keys.filter((k: any) => k.key.startsWith('email.')), x.name).toEqual([]);
    }
    const offerKeys = byName.offer.keys.map((k: any) => k.key);
    // Each branch of the samples is rendered: restock, cascade and pre-order subjects, and the SMS.
    expect(offerKeys).toEqual(expect.arrayContaining(['offer.subject.restock', 'offer.subject.cascade', 'offer.subject.preorder', 'offer.body.restock', 'sms.offer']));
    expect(offerKeys).not.toContain('ranout.body');
    const subject = byName.offer.keys.find((k: any) => k.key === 'offer.subject.restock');
    expect(subject.placeholders.sort()).toEqual(['item', 'time']);
    expect(subject.defaults.en).toBe("It's back: {item} is held for you until {time}");
    expect(typeof subject.defaults.fr).toBe('string');
    expect(byName.offer.keys.find((k: any) => k.key === 'offer.heading').override).toEqual({ fr: 'À vous' });
    // Shared keys are named by the templates that read them, and described once.
    expect(byName.offer.sharedKeys).toEqual(expect.arrayContaining(['email.footer.reason', 'email.footer.unsubscribe', 'sms.stop']));
    expect(byName.offer.sharedKeys).not.toContain('email.footer.order');
    expect(byName['backorder-ack'].sharedKeys).toContain('email.footer.order');
    const shared = res.body.shared.keys.map((k: any) => k.key);
    expect(new Set(res.body.templates.flatMap((x: any) => x.sharedKeys))).toEqual(new Set(shared));
    expect(shared).toEqual(expect.arrayContaining(['email.footer.unsubscribe', 'email.footer.reason', 'sms.stop']));
    expect(res.body.locales).toEqual(expect.arrayContaining(['en', 'fr']));
  });
});

describe('POST /v1/admin/templates/:name/preview', () => {
  it('renders the draft with the shop’s name and saved overrides, and stores nothing', async () => {
    const shop = await t.createShop('Harbour Supply', { strings: { en: { 'offer.heading': 'Saved heading' } }, brand: { logoUrl: null, color: '#aa3300' } });
    const before = await rowCounts(t);
    const res = await shop.admin('POST', '/v1/admin/templates/offer/preview', draft({ 'offer.subject.restock': 'Draft: {item} until {time}' }));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.subject).toMatch(/^Draft: Ocean Tee/);
    expect(res.body.html).toContain('Saved heading');
    expect(res.body.html).toContain('Harbour Supply');
    expect(res.body.text).toContain('Saved heading');
    expect(res.body.sms).toContain('Harbour Supply');
    expect((await shop.admin('GET', '/v1/admin/settings')).body.settings.strings).toEqual({ en: { 'offer.heading': 'Saved heading' } });
    expect(await rowCounts(t)).toEqual(before);
  });

  it('renders in the asked locale, and has no SMS for an email-only template', async () => {
    const shop = await t.createShop();
    const fr = await shop.admin('POST', '/v1/admin/templates/offer/preview', { locale: 'fr' });
    const en = await shop.admin('POST', '/v1/admin/templates/offer/preview', { locale: 'en' });
    expect(fr.body.subject).not.toBe(en.body.subject);
    const resub = await shop.admin('POST', '/v1/admin/templates/email-resubscribe/preview', { locale: 'en' });
    expect(resub.status).toBe(200);
    expect(resub.body.sms).toBeUndefined();
  });

  it.each([
    ['a draft dropping {time}', 'offer', draft({ 'offer.subject.restock': 'Back: {item}' }), 400, 'strings.en.offer.subject.restock', /must keep \{time\}/],
    ['an unknown key', 'offer', draft({ 'offer.nope': 'x' }), 400, 'strings.en.offer.nope', /not a message key/],
    ['a bad locale', 'offer', { locale: '??' }, 400, 'locale', /language tag/],
    ['an unknown field', 'offer', { locale: 'en', to: 'x@example.com' }, 400, undefined, /Unknown field: to/],
    ['an unknown template', 'nope', { locale: 'en' }, 404, undefined, /Template not found/],
    ['a name from the object prototype', 'constructor', { locale: 'en' }, 404, undefined, /Template not found/],
  ])('refuses %s', async (_name, template, body, status, field, message) => {
    const shop = await t.createShop();
    const res = await shop.admin('POST', `/v1/admin/templates/${template}/preview`, body);
    expect(res.status).toBe(status);
    expect(res.body.error.field).toBe(field);
    expect(res.body.error.message).toMatch(message);
  });
});

describe('POST /v1/admin/templates/:name/test', () => {
  it('sends the draft to the shop’s sender address only, through the outbox', async () => {
    const shop = await t.createShop('Acme Goods', { sender: { name: 'Acme', email: OWNER, address: '1 Road' } });
    const res = await shop.admin('POST', '/v1/admin/templates/offer/test', draft({ 'offer.subject.restock': 'Draft: {item} until {time}' }));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ sentTo: OWNER });
    const [sent, ...rest] = await allMessages(t);
    expect(rest).toEqual([]);
    expect(sent).toMatchObject({ to: OWNER, channel: 'email', template: 'test:offer', status: 'queued', from: `Acme <${OWNER}>` });
    expect(sent!.subject).toMatch(/^\[Test\] Draft: Ocean Tee/);
    expect(await t.dispatch()).toMatchObject({ sent: 1, failed: 0 });
    const listed = (await shop.admin('GET', '/v1/admin/messages?template=test:offer')).body.messages;
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ to: OWNER, status: 'sent' });
    // The draft was not saved.
    expect((await shop.admin('GET', '/v1/admin/settings')).body.settings.strings).toEqual({});
  });

  it('takes no recipient from the body', async () => {
    const shop = await t.createShop('Acme Goods', { sender: { name: 'Acme', email: OWNER, address: '' } });
    const res = await shop.admin('POST', '/v1/admin/templates/offer/test', { locale: 'en', to: 'victim@example.com' });
    expect(res.status).toBe(400);
    expect(await allMessages(t)).toEqual([]);
  });

  it('refuses while the sender is still the default, and a bad draft', async () => {
    const shop = await t.createShop();
    const res = await shop.admin('POST', '/v1/admin/templates/offer/test', { locale: 'en' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_request', field: 'sender.email' });
    await shop.admin('PATCH', '/v1/admin/settings', { sender: { email: OWNER } });
    const bad = await shop.admin('POST', '/v1/admin/templates/offer/test', draft({ 'offer.subject.restock': 'Back: {item}' }));
    expect(bad.body.error.field).toBe('strings.en.offer.subject.restock');
    expect(await allMessages(t)).toEqual([]);
  });

  it('allows five tests per shop in ten minutes, then answers 429 until the window ends', async () => {
    const shop = await t.createShop('Acme Goods', { sender: { name: 'Acme', email: OWNER, address: '' } });
    const other = await t.createShop('Other', { sender: { name: 'Other', email: 'other@example.com', address: '' } });
    for (let i = 0; i < 5; i++) expect((await shop.admin('POST', '/v1/admin/templates/ran-out/test', { locale: 'en' })).status).toBe(200);
    const refused = await shop.admin('POST', '/v1/admin/templates/ran-out/test', { locale: 'en' });
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('rate_limited');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // Counted per shop.
    expect((await other.admin('POST', '/v1/admin/templates/ran-out/test', { locale: 'en' })).status).toBe(200);
    t.clock.advance(10 * 60_000);
    expect((await shop.admin('POST', '/v1/admin/templates/ran-out/test', { locale: 'en' })).status).toBe(200);
    expect((await allMessages(t)).filter((m) => m.to === OWNER)).toHaveLength(6);
  });
});
