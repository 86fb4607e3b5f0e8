import { all, validId, type Adapter, type Slot } from './types.ts';

/** Product id → the variant the store last named for it (its v3 variant id). */
const chosen: Record<string, string> = {};

/**
 * A Stencil page names no variant: not in the markup, not in `BCData`. The
 * theme asks the store (`POST /remote/v1/product-attributes/{productId}`, via
 * stencil-utils' fetch) on load and after every option change, and the answer
 * names the variant the options pick (`v3_variant_id`; for a product without
 * options, its base variant). Reading those answers as they pass costs the
 * store no request, and the widget follows exactly what the theme shows. The
 * theme asks first on document ready, so a `defer` (or plain) tag hears it.
 */
function listen() {
  const original = window.fetch;
  window.fetch = function (this: unknown, ...args: Parameters<typeof fetch>) {
    const answer = original.apply(this, args);
    const product = String((args[0] as Request)?.url ?? args[0]).match(/\/remote\/v1\/product-attributes\/(\d+)/)?.[1];
    if (product) {
      answer
        .then((res) => res.clone().json())
        .then(({ data }) => {
          const id = String(data?.v3_variant_id ?? '');
          if (validId(id)) chosen[product] = id;
          // An answer naming no variant (an incomplete choice): the theme's button decides alone.
          else delete chosen[product];
          // The answer changes no markup the widget watches for sure: ask for a rescan with the public command.
          (window as { Waitline?: (cmd: string) => void }).Waitline?.('refresh');
        })
        .catch(() => {});
    }
    return answer;
  };
}
// Only on BigCommerce pages (the platform puts `BCData` on every one); a guest leaves other stores' fetch alone.
if ('BCData' in window) listen();

/**
 * BigCommerce Cornerstone: `#form-action-addToCart` in the `data-cart-item-add`
 * form, keyed on the variant the store named for that form's product. The
 * theme disables the button when out of stock but never changes its label;
 * the config says what is sellable.
 */
export const bigcommerce: Adapter = {
  slots: (doc) =>
    all<HTMLFormElement>(doc, 'form[data-cart-item-add]').flatMap((form): Slot[] => {
      const anchor = form.querySelector<HTMLElement>('#form-action-addToCart');
      const variantId = chosen[form.querySelector<HTMLInputElement>('[name="product_id"]')?.value ?? ''];
      return anchor && validId(variantId) ? [{ anchor, variantId, replace: true }] : [];
    }),
};
