import { describe, expect, it } from 'vitest';
import { widgetStrings } from '../../server/services/settings/widget-strings.ts';
import { fr } from '../../widget/i18n/fr.ts';
import { en, makeT } from '../../widget/src/ui/strings.ts';

const eta = { earliest: 'Mar 1', latest: 'Mar 10' };

describe('the widget speaks of a pre-order as a pre-order, counting by the language’s rules', () => {
  it.each([
    ['en', 1, "Pre-order placed for 1 item: you're #3 in line for the incoming stock, expected Mar 1–Mar 10. We'll message a@example.com when it's ready for you."],
    ['en', 2, "Pre-order placed for 2 items: you're #3 in line"],
    ['fr', 1, 'Précommande enregistrée pour 1 article : vous êtes n°3 dans la file pour le prochain arrivage, attendu entre le Mar 1 et le Mar 10.'],
    ['fr', 2, 'Précommande enregistrée pour 2 articles'],
  ])('%s, %i unit(s)', (locale, quantity, expected) => {
    const t = makeT(locale === 'fr' ? fr : {}, locale);
    expect(t('widget.joined.preorder', { quantity, position: 3, to: 'a@example.com', ...eta })).toContain(expected);
    expect(t('widget.joined.preorderNoEta', { quantity, position: 3, to: 'a@example.com' })).not.toMatch(/[{}]/);
  });

  it('an exact =n wins, # is the count, French counts 0 as one, and a count that is missing leaves the block as written', () => {
    const t = makeT({ k: 'Only {n, plural, =0 {none} one {# left} other {# left}}', f: '{n, plural, one {# article} other {# articles}}' }, 'en');
    expect(t('k', { n: 0 })).toBe('Only none');
    expect(t('k', { n: 7 })).toBe('Only 7 left');
    expect(makeT({ f: '{n, plural, one {# article} other {# articles}}' }, 'fr')('f', { n: 0 })).toBe('0 article');
    expect(t('f', {})).toBe('{n, plural, one {# article} other {# articles}}');
    expect(makeT({ f: '{n, plural, one {# item} other {# items}}' }, 'not a locale!')('f', { n: 1 })).toBe('1 items');
  });

  it('the waitlist form names the ETA as a range, and every shipped language has every widget string', () => {
    expect(makeT({})('widget.eta', eta)).toBe('Expected back Mar 1–Mar 10');
    expect(Object.keys(fr).sort()).toEqual(Object.keys(en).sort());
    expect(widgetStrings('fr-CA', {})['widget.eta']).toBe('Retour prévu entre le {earliest} et le {latest}');
    expect(widgetStrings('fr', {})['widget.joined.preorder']).toContain('{quantity, plural, one {# article} other {# articles}}');
  });
});
