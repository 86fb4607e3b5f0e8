import type { Adapter } from './types.ts';

/** Custom and headless stores: `<div data-waitline-variant="123">` marks the spot explicitly. */
export const generic: Adapter = (root) =>
  Array.from(root.querySelectorAll<HTMLElement>('[data-waitline-variant]')).map((el) => ({
    anchor: el,
    variantId: el.dataset.waitlineVariant ?? '',
    soldOut: el.dataset.waitlineSoldOut !== 'false',
    replace: false,
  }));
