import { all, validId, type Adapter } from './types.ts';

/**
 * Custom and headless stores mark the spot: `<div data-waitline-variant="123">`.
 * On a button the form takes its place; on any other element it goes after it.
 */
export const generic: Adapter = {
  slots: (doc) =>
    all(doc, '[data-waitline-variant]')
      .filter((el) => validId(el.dataset.waitlineVariant))
      .map((el) => ({ anchor: el, variantId: el.dataset.waitlineVariant!, replace: /^(BUTTON|INPUT)$/.test(el.tagName) })),
  ids: (doc) => generic.slots(doc).map((s) => s.variantId),
};
