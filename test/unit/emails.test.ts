import { describe, expect, it } from 'vitest';
import { signupConfirmation } from '../../emails/signup-confirmation.tsx';
import { SHIPPED_LOCALES, translate } from '../../emails/index.ts';
import { en } from '../../emails/i18n/en.ts';
import { fr } from '../../emails/i18n/fr.ts';
import type { RenderContext } from '../../emails/types.ts';

const ctx = (over: Partial<RenderContext> = {}): RenderContext => ({
  locale: 'en',
  timeZone: 'UTC',
  strings: {},
  shop: { name: 'Shop & "Co" <b>' },
  brand: { logoUrl: null, color: '#1a1a1a' },
  sender: { name: 'Shop', email: 'shop@example.com', address: '1 Main St <i>' },
  contact: 'help@example.com',
  unsubscribeUrl: 'https://waitline.test/u/tok',
  ...over,
});

const props = {
  item: '<script>alert(1)</script> Tee',
  kind: 'waitlist' as const,
  position: 3,
  eta: { earliest: '2026-04-01', latest: '2026-04-15' },
  leaveUrl: 'https://waitline.test/u/tok?s=abc',
};

describe('signup confirmation', () => {
  it('escapes merchant and shopper text in the HTML part', () => {
    const { html, subject, text } = signupConfirmation(props, ctx());
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>');
    expect(html).not.toContain('<i>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; Tee');
    expect(subject).toBe("You're #3 in line for <script>alert(1)</script> Tee");
    expect(text).toContain("You're #3 in line.");
  });

  it('states the item, the place, the ETA range and the leave and unsubscribe links in both parts', () => {
    const { html, text } = signupConfirmation({ ...props, item: 'Ocean Tee' }, ctx());
    for (const part of [html, text]) {
      expect(part).toContain('Ocean Tee');
      expect(part).toContain('#3');
      expect(part).toContain('Apr 1, 2026');
      expect(part).toContain('Apr 15, 2026');
      expect(part).toContain('https://waitline.test/u/tok?s=abc');
      expect(part).toContain('https://waitline.test/u/tok');
    }
    expect(text.split(/\s+/).length).toBeLessThanOrEqual(150);
  });

  it('says honestly when there is no ETA', () => {
    expect(signupConfirmation({ ...props, eta: null }, ctx()).text).toContain('There is no restock date yet');
  });

  it('never lets a subject carry a header break', () => {
    const { subject } = signupConfirmation({ ...props, item: 'Tee\r\nBcc: victim@example.com' }, ctx());
    expect(subject).not.toMatch(/[\r\n]/);
  });
});

describe('translate', () => {
  it('ships English and French with the same keys', () => {
    expect(SHIPPED_LOCALES).toEqual(expect.arrayContaining(['en', 'fr']));
    expect(Object.keys(fr).sort()).toEqual(Object.keys(en).sort());
  });

  it('falls back from a regional tag to its language, then to English, and honours shop overrides', () => {
    expect(translate('fr-CA', 'optin.button')).toBe('Confirmer ma place');
    expect(translate('de', 'optin.button')).toBe('Confirm my place');
    expect(translate('fr-CA', 'optin.button', {}, { fr: { 'optin.button': 'Oui !' } })).toBe('Oui !');
    expect(translate('en', 'sms.confirmation', { shop: 'S', position: 2, item: 'Tee' })).toBe("S: you're #2 in line for Tee. We'll text you when it's your turn.");
  });
});
