import { describe, expect, it } from 'vitest';
import { widgetStrings } from '../../server/services/settings/widget-strings.ts';
import { fr } from '../../widget/i18n/fr.ts';
import { en } from '../../widget/i18n/en.ts';
import { makeT } from '../../widget/src/ui/strings.ts';

const eta = { earliest: 'Mar 1', latest: 'Mar 10' };

describe('the widget speaks of a pre-order as a pre-order', () => {
  it.each([
    ['en', "Pre-order placed: you're #3 in line for the incoming stock, expected Mar 1–Mar 10. We'll message a@example.com when it's ready for you. Nothing is charged now."],
    ['fr', 'Précommande enregistrée : vous êtes n°3 dans la file pour le prochain arrivage, attendu entre le Mar 1 et le Mar 10.'],
  ])('%s', (locale, expected) => {
    const t = makeT(widgetStrings(locale, {}));
    expect(t('widget.joined.preorder', { position: 3, to: 'a@example.com', ...eta })).toContain(expected);
    expect(t('widget.joined.preorderNoEta', { position: 3, to: 'a@example.com' })).not.toMatch(/[{}]/);
  });

  it('the waitlist form names the ETA as a range; every shipped language has every widget string, and the shop\'s override wins', () => {
    expect(makeT(widgetStrings('en', {}))('widget.eta', eta)).toBe('Expected back Mar 1–Mar 10');
    expect(Object.keys(fr).sort()).toEqual(Object.keys(en).sort());
    expect(widgetStrings('fr-CA', {})['widget.eta']).toBe('Retour prévu entre le {earliest} et le {latest}');
    expect(widgetStrings('fr-CA', { fr: { 'widget.button': 'Me le dire' } })['widget.button']).toBe('Me le dire');
    // Every key, English included: the bundle carries no copy of its own.
    expect(Object.keys(widgetStrings('en', {})).sort()).toEqual(Object.keys(en).sort());
    expect(makeT({})('widget.button')).toBe('widget.button');
  });
});
