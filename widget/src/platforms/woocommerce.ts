import { all, validId, type Adapter, type Slot } from './types.ts';

interface Variation {
  variation_id: number;
  attributes: Record<string, string>;
}

/** Classic templates list the variations in `data-product_variations` ("false" past WooCommerce's AJAX threshold). */
function variations(form: HTMLFormElement): Variation[] {
  try {
    const list = JSON.parse(form.dataset.product_variations || 'false');
    return Array.isArray(list) ? list : [];
  } catch {
    return [];
  }
}

/** The variation the selects describe now; "" in a variation's attributes means "any". */
function selected(form: HTMLFormElement): Variation | undefined {
  const chosen: Record<string, string> = {};
  for (const s of all<HTMLSelectElement>(form, 'select[data-attribute_name], select[name^="attribute_"]')) {
    if (!s.value) return undefined;
    chosen[s.dataset.attribute_name || s.name] = s.value;
  }
  return variations(form).find((v) => Object.entries(v.attributes).every(([k, want]) => !want || chosen[k] === want));
}

/** Block themes: every variation on the page, from the Interactivity API's `config.woocommerce.products[id].variations`. */
function blockVariationIds(doc: Document): string[] {
  try {
    const products = JSON.parse(doc.getElementById('wp-script-module-data-@wordpress/interactivity')!.textContent!).config.woocommerce.products;
    return Object.values<{ variations?: object }>(products).flatMap((p) => Object.keys(p.variations || {}));
  } catch {
    return [];
  }
}

/** Classic pages wrap the product in div#product-N; block templates say it only in body.postid-N (post ids are unique across types). */
const productId = (el: Element) => el.closest('[id^="product-"]')?.id.match(/^product-(\d+)$/)?.[1] || el.ownerDocument.body.className.match(/\bpostid-(\d+)/)?.[1];

/**
 * WooCommerce, classic templates and block themes.
 * - Classic: a sold-out simple product has no form, only `p.stock.out-of-stock`, so the form goes after that note. A
 *   variable product lists its variations in `data-product_variations`; the selects say which one is chosen, with or
 *   without WooCommerce's own script.
 * - The "Add to Cart with Options" block (Interactivity API): the form stands in for the block's button; a sold-out
 *   simple product has no button, so it goes after the stock indicator. The id is the hidden `add-to-cart` input, or
 *   for a variable product `input[name=variation_id]`, which WooCommerce's store fills when the pills match a variation.
 */
export const woocommerce: Adapter = {
  slots(doc) {
    const found: Slot[] = [];
    for (const form of all<HTMLFormElement>(doc, 'form.variations_form')) {
      const anchor = form.querySelector<HTMLElement>('.single_add_to_cart_button');
      const v = selected(form);
      if (anchor && v) found.push({ anchor, variantId: String(v.variation_id), replace: true });
    }
    for (const button of all<HTMLButtonElement>(doc, 'form.cart:not(.variations_form) button[name="add-to-cart"]')) {
      if (validId(button.value)) found.push({ anchor: button, variantId: button.value, replace: true });
    }
    for (const note of all(doc, 'p.stock.out-of-stock')) {
      const id = productId(note);
      if (validId(id) && !note.closest('form, .single_variation')) found.push({ anchor: note, variantId: id, replace: false });
    }
    for (const form of all<HTMLFormElement>(doc, 'form.wc-block-add-to-cart-with-options')) {
      const button = form.querySelector<HTMLElement>('.single_add_to_cart_button');
      const anchor = button || form.querySelector<HTMLElement>('.wc-block-components-product-stock-indicator') || form;
      const id = form.querySelector<HTMLInputElement>('[name="variation_id"]') || form.querySelector<HTMLInputElement>('[name="add-to-cart"]');
      if (validId(id?.value)) found.push({ anchor, variantId: id.value, replace: anchor === button });
    }
    return found;
  },
  ids: (doc) =>
    all<HTMLFormElement>(doc, 'form.variations_form')
      .flatMap((f) => variations(f).map((v) => String(v.variation_id)))
      .concat(blockVariationIds(doc))
      .filter(validId),
};
