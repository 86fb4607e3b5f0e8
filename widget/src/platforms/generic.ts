import { all, validId, type Adapter } from './types.ts';

/**
 * Hydrogen's `selectedVariant.id` is `gid://shopify/ProductVariant/123`; the
 * server stores and answers under `123` (what Shopify's webhooks carry), so
 * the marker's GID is read as its number before the config is asked. Other
 * ids (Medusa's `variant_…`, a SKU) are used as they are.
 */
const markedId = (el: HTMLElement) => el.dataset.waitlineVariant?.trim().replace(/^gid:\/\/shopify\/ProductVariant\/(\d+)(\?.*)?$/, '$1');

/**
 * Custom and headless stores mark the spot: `<div data-waitline-variant="123">`.
 * On a button the form takes its place; on any other element it goes after it.
 * `data-waitline-compact` asks for the compact button (a grid card); elements
 * marked `data-waitline-hide` (say, the store's quantity) hide while a form shows.
 */
export const generic: Adapter = {
  slots: (doc) =>
    all(doc, '[data-waitline-variant]').flatMap((el) => {
      const variantId = markedId(el);
      return validId(variantId)
        ? [{ anchor: el, variantId, replace: /^(BUTTON|INPUT)$/.test(el.tagName), compact: 'waitlineCompact' in el.dataset, hide: all(doc, '[data-waitline-hide]') }]
        : [];
    }),
};
