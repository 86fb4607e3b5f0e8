import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allMessages, setup, shopWithVariant, type TestEnv } from '../helpers.ts';
import { en as emailEn } from '../../emails/i18n/en.ts';
import { fr as emailFr } from '../../emails/i18n/fr.ts';
import { en as widgetEn } from '../../widget/i18n/en.ts';
import { fr as widgetFr } from '../../widget/i18n/fr.ts';
import { copyProblem, parseCopy, requiredPlaceholders } from '../../server/services/settings/copy.ts';

let t: TestEnv;
beforeEach(async () => {
  t = await setup({ WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0' });
});
afterEach(() => t.cleanup());

describe('PATCH /v1/admin/settings strings', () => {
  it.each([
    ['an unknown key', { en: { 'offer.subjekt': 'Hi {item}' } }, 'strings.en.offer.subjekt', /not a message key/],
    ['a key from the object prototype', { en: { constructor: 'x', toString: 'y' } }, 'strings.en.constructor', /not a message key/],
    ['a dropped placeholder', { en: { 'offer.subject.restock': "It's back: {item}" } }, 'strings.en.offer.subject.restock', /must keep \{time\}/],
    ['a plural variable dropped', { fr: { 'ranout.body': 'Épuisé. Vous êtes #{position}.' } }, 'strings.fr.ranout.body', /must keep \{units\}/],
    ['an unknown placeholder', { en: { 'offer.heading': 'Hi {firstName}' } }, 'strings.en.offer.heading', /\{firstName\}, which would print as written/],
    ['an unbalanced brace', { en: { 'offer.subject.restock': 'Back: {item held until {time}' } }, 'strings.en.offer.subject.restock', /"\{" that is not a placeholder/],
    ['an unclosed plural', { en: { 'ranout.body': "{units, plural, one {# was restocked} other {# were restocked}. You're #{position} in line." } }, 'strings.en.ranout.body', /plural block for \{units\}/],
    ['a stray closing brace', { en: { 'widget.slots': '{count} left}' } }, 'strings.en.widget.slots', /closes nothing/],
  ])('refuses %s, naming the field, and stores nothing', async (_name, strings, field, message) => {
    const shop = await t.createShop('Acme Goods', { strings: { en: { 'offer.heading': 'Kept' } } });
    const res = await shop.admin('PATCH', '/v1/admin/settings', { strings });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_request', field });
    expect(res.body.error.message).toMatch(message);
    expect((await shop.admin('GET', '/v1/admin/settings')).body.settings.strings).toEqual({ en: { 'offer.heading': 'Kept' } });
  });

  it('refuses a shop created with a broken override', async () => {
    const res = await t.call('POST', '/v1/shops', {
      body: { name: 'Acme', settings: { strings: { en: { 'offer.subject.restock': 'Back: {item}' } } } },
      headers: { authorization: 'Bearer root-token-for-tests' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('settings.strings.en.offer.subject.restock');
  });

  it('saves a valid override, and the message sent uses it', async () => {
    const shop = await shopWithVariant(t);
    const subject = 'Welcome: #{position} in line for {item}';
    const res = await shop.admin('PATCH', '/v1/admin/settings', {
      strings: { en: { 'confirmation.subject.waitlist': subject, 'widget.button': 'Tell me', 'ranout.body': '{units, plural, one {One came in} other {# came in}}, all taken. #{position} now.' } },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.settings.strings.en['confirmation.subject.waitlist']).toBe(subject);
    expect((await shop.signup({ email: 'jane@example.com' })).status).toBe(201);
    const [confirmation] = await allMessages(t);
    expect(confirmation).toMatchObject({ template: 'signup-confirmation', subject: 'Welcome: #1 in line for Ocean Tee – S' });
  });

  it('a locale without a shipped catalog keeps the English placeholders', async () => {
    const shop = await t.createShop();
    const ok = await shop.admin('PATCH', '/v1/admin/settings', { strings: { de: { 'offer.subject.restock': 'Wieder da: {item}, reserviert bis {time}' } } });
    expect(ok.status).toBe(200);
    const bad = await shop.admin('PATCH', '/v1/admin/settings', { strings: { 'de-AT': { 'offer.subject.restock': 'Wieder da: {item}' } } });
    expect(bad.body.error).toMatchObject({ field: 'strings.de-AT.offer.subject.restock', message: 'strings.de-AT.offer.subject.restock must keep {time}' });
  });
});

describe('the rules', () => {
  it('reads placeholders as translate does, plural variables and nested ones included', () => {
    expect(parseCopy('{units, plural, one {# is {item}} other {# are}} for {shop}')).toEqual({ ok: true, placeholders: ['units', 'item', 'shop'] });
    expect(parseCopy('#{position} in line')).toEqual({ ok: true, placeholders: ['position'] });
    expect(parseCopy('{ item }').ok).toBe(false);
    expect(parseCopy('{n, select, a {x} other {y}}').ok).toBe(false);
    expect(parseCopy('{n, plural, }').ok).toBe(false);
  });

  it('requires the union of English and the locale’s own shipped placeholders', () => {
    expect(requiredPlaceholders('offer.body.restock', 'fr').sort()).toEqual(['position', 'quantity', 'time', 'units']);
    expect(requiredPlaceholders('widget.button', 'en')).toEqual([]);
  });

  it('accepts every shipped string as an override of itself, and refuses placeholders where there are none', () => {
    for (const [locale, catalog] of Object.entries({ en: { ...emailEn, ...widgetEn }, fr: { ...emailFr, ...widgetFr } })) {
      for (const [key, text] of Object.entries(catalog)) expect(copyProblem(locale, key, text), `${locale} ${key}`).toBeNull();
    }
    expect(copyProblem('en', 'widget.button', 'Tell {shop}')).toMatch(/takes no placeholders/);
  });
});
