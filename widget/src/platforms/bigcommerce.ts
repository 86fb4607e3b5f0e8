import { validId, type Adapter } from './types.ts';

/**
 * BigCommerce Cornerstone: `#form-action-addToCart` in the `data-cart-item-add`
 * form, with the product id beside it. The theme disables the button when out
 * of stock but never changes its label; the config says what is sellable.
 */
export const bigcommerce: Adapter = {
  slots(doc) {
    const anchor = doc.getElementById('form-action-addToCart');
    const id = anchor?.closest('form')?.querySelector<HTMLInputElement>('input[name="product_id"]')?.value;
    return anchor && validId(id) ? [{ anchor, variantId: id, replace: true }] : [];
  },
  ids: (doc) => bigcommerce.slots(doc).map((s) => s.variantId),
};
