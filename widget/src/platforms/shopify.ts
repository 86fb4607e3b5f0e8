import { all, validId, type Adapter } from './types.ts';

const BUTTON = 'button[name="add"], #AddToCart, .btn--sold-out, [type="submit"]';

/**
 * Online Store 2.0 themes (Dawn and kin) and legacy themes: the product form
 * posts to /cart/add with the variant as `id`. The page's variants come from
 * the storefront analytics object Shopify injects, or a theme's product JSON.
 */
export const shopify: Adapter = {
  slots: (doc) =>
    all<HTMLFormElement>(doc, 'form[action*="/cart/add"]').flatMap((form) => {
      const id = form.querySelector<HTMLInputElement>('[name="id"]')?.value;
      const anchor = form.querySelector<HTMLElement>(BUTTON);
      return anchor && validId(id) ? [{ anchor, variantId: id, replace: true }] : [];
    }),
  ids(doc) {
    const ids = shopify.slots(doc).map((s) => s.variantId);
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
