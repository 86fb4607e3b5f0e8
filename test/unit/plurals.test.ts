import { describe, expect, it } from 'vitest';
import { emailTemplates, translate, type RenderContext } from '../../emails/index.ts';
import { expandPlurals } from '../../emails/i18n/index.ts';
import { safeImageUrl } from '../../emails/parts.ts';

const url = 'https://waitline.example.com/x';
const ctx = (locale: string, strings: RenderContext['strings'] = {}): RenderContext => ({
  locale,
  timeZone: 'UTC',
  strings,
  shop: { name: 'Acme' },
  brand: { logoUrl: null, color: '#1a1a1a' },
  sender: { name: 'Acme', email: 'shop@example.com', address: '1 Road' },
  contact: '',
  unsubscribeUrl: url,
});
const offer = (units: number, quantity: number, locale: string, strings: RenderContext['strings'] = {}) =>
  emailTemplates.offer(
    { item: 'Tee', kind: 'waitlist', reason: 'restock', units, quantity, position: 1, expiresAt: '2026-03-03T12:00:00Z', claimUrl: url, leaveUrl: url },
    ctx(locale, strings),
  ).text;

describe('counts use the language’s plural rules (Intl.PluralRules)', () => {
  it.each([
    ['en', 1, 1, '1 was restocked and you were #1 in line, so 1 is held'],
    ['en', 40, 2, '40 were restocked and you were #1 in line, so 2 are held'],
    ['fr', 1, 1, '1 unité a été réapprovisionnée et vous étiez n°1 dans la file : 1 unité vous est réservée'],
    ['fr', 40, 2, '40 unités ont été réapprovisionnées et vous étiez n°1 dans la file : 2 unités vous sont réservées'],
  ])('%s: %i restocked, %i held', (locale, units, quantity, expected) => {
    expect(offer(units, quantity, locale)).toContain(expected);
  });

  it('"ran out" counts too: "1 was restocked" / "1 unité a été"', () => {
    const ranOut = (locale: string) =>
      emailTemplates['ran-out']({ item: 'Tee', units: 1, position: 2, holdMs: 3600_000, leaveUrl: url }, ctx(locale)).text;
    expect(ranOut('en')).toContain('1 was restocked, and it is held for someone ahead of you.');
    expect(ranOut('fr')).toContain('1 unité a été réapprovisionnée, réservée à une personne avant vous.');
  });

  it('an exact =n wins, # is the count, French counts 0 as one, and a malformed block is left as written', () => {
    const text = '{n, plural, =0 {none} one {# item} other {# items}}';
    expect(expandPlurals(text, 'en', { n: 0 })).toBe('none');
    expect(expandPlurals('{n, plural, one {# item} other {# items}}', 'en', { n: 0 })).toBe('0 items');
    expect(expandPlurals('{n, plural, one {# article} other {# articles}}', 'fr', { n: 0 })).toBe('0 article');
    expect(expandPlurals('{n, plural, one {# item} other {# items}', 'en', { n: 2 })).toBe('{n, plural, one {# item} other {# items}');
    expect(translate('en', 'offer.after', {})).not.toContain('plural');
  });

  it("a shop's own string may use plurals as well", () => {
    const strings = { en: { 'offer.body.restock': 'Only {units, plural, one {one came back} other {# came back}}!' } };
    expect(offer(1, 1, 'en', strings)).toContain('Only one came back!');
    expect(offer(7, 1, 'en', strings)).toContain('Only 7 came back!');
  });
});

describe('the offer image is the shop’s https URL or nothing', () => {
  it.each([
    ['https://cdn.example.com/a.jpg', 'https://cdn.example.com/a.jpg'],
    ['http://cdn.example.com/a.jpg', null],
    ['data:image/png;base64,AAAA', null],
    ['javascript:alert(1)', null],
    ['https://user:pass@cdn.example.com/a.jpg', null],
    ['not a url', null],
    [null, null],
  ])('%s → %s', (input, expected) => {
    expect(safeImageUrl(input)).toBe(expected);
  });
});

describe('every template has its footer reason, from the registry', () => {
  const line = { item: 'Tee', position: 1, leaveUrl: url };
  it.each([
    ['offer-followup', { ...line, kind: 'preorder', quantity: 1, expiresAt: '2026-03-03T12:00:00Z', remainingMs: 3600_000, claimUrl: url }, 'because you pre-ordered Tee at Acme.'],
    ['offer-followup', { ...line, quantity: 1, expiresAt: '2026-03-03T12:00:00Z', remainingMs: 3600_000, claimUrl: url }, 'because you joined the waitlist for Tee at Acme.'],
    ['backorder-allocated', { item: 'Tee', quantity: 1, remaining: 0, vip: false }, 'because you placed an order for Tee at Acme.'],
    ['backorder-shipped', { item: 'Tee', quantity: 1, vip: false }, 'because you placed an order for Tee at Acme.'],
    ['eta-changed', { item: 'Tee', from: null, to: { earliest: '2026-04-01', latest: '2026-04-09' }, reason: null, action: { label: 'leave', url } }, 'because you pre-ordered Tee at Acme.'],
    ['contact-confirm', { kind: 'email', value: 'a@example.com', confirmUrl: url }, 'because someone used this address or number at Acme.'],
  ] as const)('%s', (name, props, reason) => {
    const text = (emailTemplates[name] as (p: unknown, c: RenderContext) => { text: string })(props, ctx('en')).text;
    expect(text.split('\n--\n')[1]).toContain(reason);
  });
});
