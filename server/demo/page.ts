import { eq } from 'drizzle-orm';
import { shops, variants } from '../../db/schema/index.ts';
import type { Deps } from '../context.ts';
import { DEMO_SHOP_ID, DEMO_VARIANTS } from './seed.ts';

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/**
 * A storefront page modelled on Shopify Dawn 15.4 (`e2e/fixtures/shopify/…`):
 * the same product form, hidden variant input and add button, with a few lines
 * standing in for Dawn's variant picker. The widget is the real built one.
 */
export async function renderDemoPage(deps: Pick<Deps, 'db' | 'config'>): Promise<string | null> {
  // Off means off: a demo shop left in the database from a development run is not shown.
  if (!deps.config.demo) return null;
  const [shop] = await deps.db.select().from(shops).where(eq(shops.id, DEMO_SHOP_ID));
  if (!shop) return null;
  const key = escapeAttr(shop.publishableKey);
  // The platform's own view: in stock when its count is above zero. It knows
  // nothing of Waitline's holds; the widget does.
  const inStock = Object.fromEntries((await deps.db.select().from(variants).where(eq(variants.shopId, shop.id))).map((v) => [v.id, v.inventory > 0]));
  const section = 'template--21234567890123__main';
  return `<!doctype html>
<html class="js" lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width,initial-scale=1">
  <title>Ocean Blue Tee &ndash; Demo Store</title>
  <link rel="icon" href="/favicon.svg" type="image/svg+xml">
  <style>
    body{margin:0;font-family:Assistant,-apple-system,Segoe UI,sans-serif;color:#121212;background:#fff}
    .page-width{max-width:1000px;margin:0 auto;padding:32px 20px;display:grid;grid-template-columns:1fr 1fr;gap:40px}
    .product__media{aspect-ratio:1;background:linear-gradient(135deg,#2a6f97,#61a5c2);border-radius:4px}
    h1{font-size:36px;font-weight:400;margin:0 0 12px}.price{font-size:18px;margin-bottom:16px}
    .badge{display:inline-block;border-radius:40px;padding:2px 12px;font-size:12px;background:#121212;color:#fff;margin-left:8px}
    fieldset{border:0;padding:0;margin:0 0 16px}legend{font-size:14px;margin-bottom:8px}
    fieldset input{position:absolute;opacity:0}
    fieldset label{display:inline-block;border:1px solid #ccc;border-radius:40px;padding:8px 20px;margin-right:8px;cursor:pointer}
    fieldset input:checked+label{background:#121212;color:#fff}
    fieldset input.disabled+label{text-decoration:line-through}
    .product-form__submit{width:100%;min-height:46px;font-size:15px;border:1px solid #121212;background:#fff;cursor:pointer}
    .product-form__submit[disabled]{opacity:.5;cursor:not-allowed}
    .demo-note{background:#f3f3f3;padding:12px 16px;font-size:14px;border-radius:4px;margin-top:24px}
    @media (max-width:750px){.page-width{grid-template-columns:1fr}}
  </style>
</head>
<body>
<main id="MainContent">
<section id="shopify-section-${section}" class="shopify-section section">
<product-info id="MainProduct-${section}" data-section="${section}" data-product-id="8012345678901" data-update-url="true" data-url="/demo">
  <div class="page-width">
    <div class="product__media" role="img" aria-label="Ocean Blue Tee"></div>
    <section id="ProductInfo-${section}" class="product__info-container">
      <p>Demo Store</p>
      <h1>Ocean Blue Tee</h1>
      <div class="price" id="price-${section}">$25.00 USD <span class="badge price__badge-sold-out">Sold out</span></div>
      <variant-selects id="variant-selects-${section}" data-section="${section}">
        <fieldset class="js product-form__input product-form__input--pill">
          <legend class="form__label">Size</legend>
          <input type="radio" id="${section}-1-0" name="Size-1" value="S" form="product-form-${section}" checked class="disabled" data-variant-id="${DEMO_VARIANTS.soldOut}">
          <label for="${section}-1-0">S</label>
          <input type="radio" id="${section}-1-1" name="Size-1" value="M" form="product-form-${section}" data-variant-id="${DEMO_VARIANTS.available}">
          <label for="${section}-1-1">M</label>
        </fieldset>
      </variant-selects>
      <product-form class="product-form" data-hide-errors="false" data-section-id="${section}">
        <form method="post" action="/cart/add" id="product-form-${section}" accept-charset="UTF-8" class="form" enctype="multipart/form-data" novalidate="novalidate" data-type="add-to-cart-form">
          <input type="hidden" name="id" value="${DEMO_VARIANTS.soldOut}" class="product-variant-id">
          <div class="product-form__buttons">
            <button id="ProductSubmitButton-${section}" type="submit" name="add" class="product-form__submit button button--full-width button--secondary" disabled>
              <span>Sold out</span>
            </button>
          </div>
        </form>
      </product-form>
      <div class="product__description rte"><p>A soft, ocean-blue cotton tee.</p></div>
      <p class="demo-note">This is Waitline's demo storefront. Size S is sold out: join its waitlist, then see the confirmation in <code>GET /v1/admin/messages</code>. Size M is in stock.</p>
    </section>
  </div>
</product-info>
</section>
</main>
<script>
  // Stands in for Dawn's variant picker: switch the variant input, the button and ?variant=.
  (function () {
    var stock = ${JSON.stringify(inStock).replace(/</g, '\\u003c')};
    var form = document.getElementById('product-form-${section}');
    var params = new URLSearchParams(location.search);
    function select(id) {
      var input = form.querySelector('input[name=id]');
      var button = form.querySelector('button[name=add]');
      input.value = id;
      button.disabled = !stock[id];
      button.querySelector('span').textContent = stock[id] ? 'Add to cart' : 'Sold out';
      document.querySelector('.price__badge-sold-out').hidden = stock[id];
      var radio = document.querySelector('[data-variant-id="' + id + '"]');
      if (radio) radio.checked = true;
      var url = new URL(location.href);
      url.searchParams.set('variant', id);
      history.replaceState({}, '', url);
      input.dispatchEvent(new Event('change', { bubbles: true }));
    }
    document.querySelectorAll('variant-selects input').forEach(function (radio) {
      radio.addEventListener('change', function () { select(radio.getAttribute('data-variant-id')); });
    });
    form.addEventListener('submit', function (e) { e.preventDefault(); alert('Added to cart (demo)'); });
    select(params.get('variant') in stock ? params.get('variant') : '${DEMO_VARIANTS.soldOut}');
  })();
</script>
<script src="/widget.js" data-key="${key}" defer></script>
</body>
</html>`;
}
