import { describe, expect, it } from 'vitest';
import { WIDGET_LABELS } from '../../admin/src/widget-labels.ts';
import { en } from '../../widget/i18n/en.ts';

describe('Settings names every widget string in words', () => {
  it('has a label for each key of the catalog, and none for keys that are gone', () => {
    expect(Object.keys(WIDGET_LABELS).sort()).toEqual(Object.keys(en).sort());
  });
});
