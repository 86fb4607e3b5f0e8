import { all, validId, type Adapter } from './types.ts';

const BUTTON = 'button[name="add"], #AddToCart, .btn--sold-out, [type="submit"]';
// Product cards in a grid (Horizon's <product-card>, Dawn's .card-wrapper); a quick-add dialog is a product page of its own.
const CARD = 'product-card, .card-wrapper';
const DIALOG = 'dialog, [role="dialog"]';

/**
 * The theme's own quantity control for this form: inside it (Horizon's stepper) or tied to it by
 * `form=` (Dawn's), so a pre-order form with its own quantity is not shown beside a dead one.
 */
const quantity = (doc: Document, form: HTMLFormElement) =>
  [...all<HTMLInputElement>(form, 'input[name="quantity"]'), ...(form.id ? all<HTMLInputElement>(doc, `input[name="quantity"][form="${CSS.escape(form.id)}"]`) : [])]
    .filter((input) => input.type !== 'hidden')
    .map((input) => input.closest<HTMLElement>('.quantity-selector-wrapper, .product-form__quantity') ?? input);

/**
 * Online Store 2.0 themes (Horizon, Dawn and kin) and legacy themes: the product form
 * posts to /cart/add with the variant as `id`. The page's variants come from
 * the storefront analytics object Shopify injects, or a theme's product JSON.
 */
export const shopify: Adapter = {
  slots: (doc) =>
    all<HTMLFormElement>(doc, 'form[action*="/cart/add"]').flatMap((form) => {
      const id = form.querySelector<HTMLInputElement>('[name="id"]')?.value;
      const anchor = form.querySelector<HTMLElement>(BUTTON);
      const compact = !!form.closest(CARD) && !form.closest(DIALOG);
      return anchor && validId(id) ? [{ anchor, variantId: id, replace: true, hide: quantity(doc, form), compact }] : [];
    }),
  ids(doc) {
    const ids: string[] = [];
    const meta = (window as { ShopifyAnalytics?: { meta?: { product?: { variants?: Array<{ id: unknown }> } } } }).ShopifyAnalytics;
    for (const v of meta?.meta?.product?.variants ?? []) ids.push(String(v.id));
    for (const el of all(doc, 'script[data-product-json], script[id^="ProductJson"]')) {
      try {
        for (const v of JSON.parse(el.textContent || '').variants || []) ids.push(String(v.id));
      } catch {
        // a theme's broken JSON is not our problem
      }
    }
    return ids.filter(validId);
  },
};
