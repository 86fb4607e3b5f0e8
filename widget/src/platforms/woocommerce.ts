import { all, validId, type Adapter, type Slot } from './types.ts';

interface Variation {
  variation_id: number;
  attributes: Record<string, string>;
}

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

const productId = (el: Element) => el.closest('[id^="product-"]')?.id.slice(8);

/**
 * WooCommerce. A sold-out simple product has no form at all, only
 * `p.stock.out-of-stock`, so the form goes after that note. A variable product
 * lists its variations in `data-product_variations`; the selects say which one
 * is chosen, with or without WooCommerce's own script.
 */
export const woocommerce: Adapter = {
  slots(doc) {
    const found: Slot[] = [];
    for (const form of all<HTMLFormElement>(doc, 'form.variations_form')) {
      const anchor = form.querySelector<HTMLElement>('.single_add_to_cart_button');
      const v = selected(form);
      if (anchor && v) found.push({ anchor, variantId: String(v.variation_id), replace: true });
    }
    for (const button of all<HTMLButtonElement>(doc, 'form.cart:not(.variations_form) [name="add-to-cart"]')) {
      if (validId(button.value)) found.push({ anchor: button, variantId: button.value, replace: true });
    }
    for (const note of all(doc, '.product p.stock.out-of-stock')) {
      const id = productId(note);
      if (validId(id) && !note.closest('form') && !note.closest('.single_variation')) found.push({ anchor: note, variantId: id, replace: false });
    }
    return found;
  },
  ids: (doc) =>
    all<HTMLFormElement>(doc, 'form.variations_form')
      .flatMap((f) => variations(f).map((v) => String(v.variation_id)))
      .concat(woocommerce.slots(doc).map((s) => s.variantId))
      .filter(validId),
};
