import { all, validId, type Adapter, type Slot } from './types.ts';

interface Variation {
  variation_id: number | string;
  attributes: Record<string, string>;
}

/** Classic templates list the variations in `data-product_variations` ("false" past WooCommerce's AJAX threshold). */
function classicVariations(form: HTMLFormElement): Variation[] {
  try {
    const list = JSON.parse(form.dataset.product_variations || 'false');
    return Array.isArray(list) ? list : [];
  } catch {
    return [];
  }
}

/** Block themes: the Interactivity API's JSON, `config.woocommerce.products[id]` with `variations[id].attributes`. */
function blockProducts(doc: Document): Record<string, { variations?: Record<string, Variation> }> {
  try {
    return JSON.parse(doc.getElementById('wp-script-module-data-@wordpress/interactivity')!.textContent!).config.woocommerce.products || {};
  } catch {
    return {};
  }
}

/** The variation the shopper's selects or radio pills describe; "" in a variation means "any". */
function chosen(root: Element, list: Variation[]) {
  const picked: Record<string, string> = {};
  for (const el of all<HTMLInputElement>(root, 'select[name^="attribute_"], select[data-attribute_name], input[name^="attribute_"]:checked')) {
    picked[el.dataset.attribute_name || el.name] = el.value;
  }
  return list.find((v) => Object.entries(v.attributes).every(([k, want]) => picked[k] && (!want || picked[k] === want)));
}

const field = (root: ParentNode, name: string) => root.querySelector<HTMLInputElement>(`[name="${name}"]`)?.value;

/** Classic pages wrap the product in div#product-N; block templates only say it in body.postid-N. */
const productId = (el: Element) =>
  el.closest('[id^="product-"]')?.id.match(/^product-(\d+)$/)?.[1] ||
  (el.ownerDocument.body.classList.contains('single-product') ? el.ownerDocument.body.className.match(/\bpostid-(\d+)/)?.[1] : undefined);

/**
 * WooCommerce, classic templates and block themes.
 * - Classic: a sold-out simple product has no form, only `p.stock.out-of-stock`, so the form goes after that note. A
 *   variable product lists its variations in `data-product_variations`; the selects say which one is chosen.
 * - The "Add to Cart with Options" block (Interactivity API): the product button, or for a sold-out simple product
 *   (no button at all) its stock indicator. A simple product's id is the hidden `add-to-cart` input; a variation's is
 *   `input[name=variation_id]` as WooCommerce's store fills it, else what the checked pills match in the JSON.
 */
export const woocommerce: Adapter = {
  slots(doc) {
    const found: Slot[] = [];
    for (const form of all<HTMLFormElement>(doc, 'form.variations_form')) {
      const anchor = form.querySelector<HTMLElement>('.single_add_to_cart_button');
      const v = chosen(form, classicVariations(form));
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
      const button = form.querySelector<HTMLElement>('.wc-block-components-product-button__button');
      const variations = Object.entries(blockProducts(doc)[field(form, 'product_id') ?? '']?.variations ?? {});
      const id = form.querySelector('[name="variation_id"]')
        ? field(form, 'variation_id') || String(chosen(form, variations.map(([id, v]) => ({ ...v, variation_id: id })))?.variation_id ?? '')
        : field(form, 'add-to-cart');
      const anchor = button || form.querySelector<HTMLElement>('.wc-block-components-product-stock-indicator') || form;
      if (validId(id)) found.push({ anchor, variantId: id, replace: anchor === button });
    }
    return found;
  },
  ids: (doc) =>
    all<HTMLFormElement>(doc, 'form.variations_form')
      .flatMap((f) => classicVariations(f).map((v) => String(v.variation_id)))
      .concat(Object.entries(blockProducts(doc)).flatMap(([id, p]) => (p.variations ? Object.keys(p.variations) : [id])))
      .concat(woocommerce.slots(doc).map((s) => s.variantId))
      .filter(validId),
};
