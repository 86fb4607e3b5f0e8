import { all, validId, type Adapter } from './types.ts';

/**
 * Custom and headless stores mark the spot: `<div data-waitline-variant="123">`.
 * On a button the form takes its place; on any other element it goes after it.
 * `data-waitline-compact` asks for the compact button (a grid card); elements
 * marked `data-waitline-hide` (say, the store's quantity) hide while a form shows.
 */
export const generic: Adapter = {
  slots: (doc) =>
    all(doc, '[data-waitline-variant]')
      .filter((el) => validId(el.dataset.waitlineVariant))
      .map((el) => ({
        anchor: el,
        variantId: el.dataset.waitlineVariant!,
        replace: /^(BUTTON|INPUT)$/.test(el.tagName),
        compact: 'waitlineCompact' in el.dataset,
        hide: all(doc, '[data-waitline-hide]'),
      })),
  ids: (doc) => generic.slots(doc).map((s) => s.variantId),
};
