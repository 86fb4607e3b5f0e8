import type { Adapter } from './types.ts';

/** Online Store 2.0 themes (Dawn and its kin): the product form posts to /cart/add with `id`. */
export const shopify: Adapter = (root) =>
  Array.from(root.querySelectorAll<HTMLFormElement>('form[action*="/cart/add"]')).flatMap((form) => {
    const id = form.querySelector<HTMLInputElement>('input[name="id"], select[name="id"]');
    const button = form.querySelector<HTMLButtonElement>('button[name="add"], [type="submit"]');
    if (!id || !button || !id.value) return [];
    return [{ anchor: button, variantId: id.value, soldOut: button.disabled, replace: true }];
  });
