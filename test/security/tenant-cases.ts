import { EXAMPLES } from '../fuzz/examples.ts';
import type { Shop } from '../fuzz/world.ts';

/** The Shopify store connected to shop A. */
export const A_STORE = 'a-store.myshopify.com';

/** A's WooCommerce store and BigCommerce store hash, also connected to A. */
export const A_WOO = 'https://a-woo.example';
export const A_BC = 'aaa111bbb';

/** A variant only shop A has; both shops also have 4401–4403, the same platform ids. */
export const A_ONLY = 'a-only-9';

export interface Attack {
  /** The path with A's id in place of the parameter. */
  path: string;
  /** A body aimed at A's records, for routes that take one. */
  body?: unknown;
  /** A CSV body for the import routes. */
  csv?: string;
}

/**
 * Every admin route, aimed at shop A's records (its ids, cursors, filters and
 * tokens). The matrix test fails when the app serves an admin route this table
 * does not name, so a new route cannot ship without its tenant case.
 */
export function adminAttacks(a: Shop): Record<string, Attack> {
  const q = `variantId=${A_ONLY}&supplierId=${a.supplierIds[0]}&signupId=${a.signupIds[0]}&to=${encodeURIComponent(a.email('jane'))}&cursor=${a.signupIds[0]! - 1}`;
  const body = (route: string, over: Record<string, unknown> = {}) => ({ ...EXAMPLES[route], ...over });
  return {
    'GET /v1/admin/signups.csv': { path: `/v1/admin/signups.csv?variantId=${A_ONLY}` },
    'POST /v1/admin/signups/import': { path: '/v1/admin/signups/import', csv: `email,variant\n${a.email('jane')},${A_ONLY}\n${a.email('new')},4401\n` },
    'GET /v1/admin/settings': { path: '/v1/admin/settings' },
    'PATCH /v1/admin/settings': { path: '/v1/admin/settings', body: { contact: 'B support' } },
    'PUT /v1/admin/variants/:id': { path: `/v1/admin/variants/${A_ONLY}`, body: body('PUT /v1/admin/variants/:id') },
    'POST /v1/admin/variants/:id/inventory': { path: `/v1/admin/variants/${A_ONLY}/inventory`, body: { available: 5 } },
    'POST /v1/admin/variants/:id/inventory/preview': { path: `/v1/admin/variants/${A_ONLY}/inventory/preview`, body: { adjust: 3 } },
    'POST /v1/admin/variants/:id/eta': { path: `/v1/admin/variants/${A_ONLY}/eta`, body: body('POST /v1/admin/variants/:id/eta') },
    'DELETE /v1/admin/variants/:id/eta': { path: `/v1/admin/variants/${A_ONLY}/eta` },
    'GET /v1/admin/variants': { path: `/v1/admin/variants?cursor=${A_ONLY.slice(0, 2)}` },
    'POST /v1/admin/signups/:id/remove': { path: `/v1/admin/signups/${a.signupIds[0]}/remove`, body: { reason: 'cross-shop attempt' } },
    'POST /v1/admin/signups/:id/move-to-front': { path: `/v1/admin/signups/${a.signupIds[2]}/move-to-front`, body: { reason: 'cross-shop attempt' } },
    'GET /v1/admin/queue-actions': { path: `/v1/admin/queue-actions?variantId=${A_ONLY}` },
    'GET /v1/admin/signups': { path: `/v1/admin/signups?${q}` },
    'GET /v1/admin/messages': { path: `/v1/admin/messages?${q}` },
    // B's order carries A's hold token and A's contact: neither may be consumed or credited in A.
    'POST /v1/admin/orders': { path: '/v1/admin/orders', body: body('POST /v1/admin/orders', { id: 'order-a', email: a.email('jane'), holdToken: a.offerTokens[0], lineItems: [{ variantId: '4401', quantity: 1, price: 2500 }] }) },
    'GET /v1/admin/analytics/funnel': { path: `/v1/admin/analytics/funnel?variantId=${A_ONLY}` },
    'GET /v1/admin/analytics/timeseries': { path: `/v1/admin/analytics/timeseries?variantId=${A_ONLY}` },
    'GET /v1/admin/analytics/products': { path: '/v1/admin/analytics/products?sort=conversion' },
    'GET /v1/admin/escalations': { path: `/v1/admin/escalations?cursor=${a.escalationIds[0]! + 1}` },
    'GET /v1/admin/backorders': { path: `/v1/admin/backorders?variantId=${A_ONLY}&supplierId=${a.supplierIds[0]}&cursor=0` },
    'POST /v1/admin/backorders/:id/fulfilled': { path: `/v1/admin/backorders/${a.backorderIds[0]}/fulfilled`, body: body('POST /v1/admin/backorders/:id/fulfilled') },
    // B's bulk actions name A's lines: each is B's "not found", and A's lines stay as they were.
    'POST /v1/admin/backorders/bulk': { path: '/v1/admin/backorders/bulk', body: { action: 'refunded', ids: a.backorderIds } },
    'GET /v1/admin/backorders/report': { path: '/v1/admin/backorders/report?from=2026-01-01&to=2026-12-31' },
    'GET /v1/admin/write-backs': { path: `/v1/admin/write-backs?cursor=${Number.MAX_SAFE_INTEGER}&limit=200` },
    'POST /v1/admin/backorders/:id/refunded': { path: `/v1/admin/backorders/${a.backorderIds[0]}/refunded`, body: body('POST /v1/admin/backorders/:id/refunded') },
    // A's line is B's "not found": A's customer is not told and A's escalation stays open.
    'POST /v1/admin/backorders/:id/confirm-partial': { path: `/v1/admin/backorders/${a.backorderIds[0]}/confirm-partial`, body: body('POST /v1/admin/backorders/:id/confirm-partial') },
    'POST /v1/admin/escalations/:id/resolve': { path: `/v1/admin/escalations/${a.escalationIds[0]}/resolve`, body: { resolution: 'closed by B' } },
    'GET /v1/admin/webhooks/deliveries': { path: '/v1/admin/webhooks/deliveries?cursor=999999' },
    'GET /v1/admin/keys': { path: '/v1/admin/keys' },
    'POST /v1/admin/keys/rotate': { path: '/v1/admin/keys/rotate', body: { kind: 'secret' } },
    // Rotating B's publishable key must not touch A's (the matrix checks A's shop row).
    'POST /v1/admin/keys/rotate#publishable': { path: '/v1/admin/keys/rotate', body: { kind: 'publishable', graceHours: 1 } },
    // Eve is only ever in A (the orders case gives B a contact with Jane's address, B's own).
    'GET /v1/admin/contacts/export': { path: `/v1/admin/contacts/export?email=${encodeURIComponent(a.email('eve'))}` },
    'POST /v1/admin/contacts/erase': { path: '/v1/admin/contacts/erase', body: { email: a.email('eve') } },
    'GET /v1/admin/restocks': { path: `/v1/admin/restocks?variantId=${A_ONLY}&cursor=${a.restockId + 1}` },
    'GET /v1/admin/restocks/:id': { path: `/v1/admin/restocks/${a.restockId}` },
    'GET /v1/admin/restocks/:id/events': { path: `/v1/admin/restocks/${a.restockId}/events` },
    'POST /v1/admin/purchase-orders/import': {
      path: '/v1/admin/purchase-orders/import?confirm=true',
      csv: `supplier,variant,quantity,quoted_arrival,received_at\n${a.supplierName},${A_ONLY},5,2026-04-01,\n${a.supplierName},4401,5,2026-02-01,2026-02-05\n`,
    },
    'POST /v1/admin/purchase-orders': { path: '/v1/admin/purchase-orders', body: { supplier: a.supplierName, variantId: A_ONLY, quantity: 5, quotedArrival: '2026-04-01' } },
    'GET /v1/admin/purchase-orders': { path: `/v1/admin/purchase-orders?supplierId=${a.supplierIds[0]}&variantId=4402` },
    'GET /v1/admin/purchase-orders/:id': { path: `/v1/admin/purchase-orders/${a.purchaseOrderId}` },
    'PATCH /v1/admin/purchase-orders/:id': { path: `/v1/admin/purchase-orders/${a.purchaseOrderId}`, body: { quotedArrival: '2026-04-20' } },
    'POST /v1/admin/purchase-orders/:id/receive': { path: `/v1/admin/purchase-orders/${a.purchaseOrderId}/receive`, body: { quantity: 1 } },
    'POST /v1/admin/purchase-orders/:id/close': { path: `/v1/admin/purchase-orders/${a.purchaseOrderId}/close` },
    'GET /v1/admin/suppliers': { path: `/v1/admin/suppliers?cursor=${a.supplierIds[0]! - 1}` },
    // A's store is connected to A (tenants.test.ts gives it a connection): B may neither see it, take it, nor end it.
    'GET /v1/admin/connections': { path: '/v1/admin/connections' },
    'PUT /v1/admin/connections/shopify': { path: '/v1/admin/connections/shopify', body: { shop: A_STORE, accessToken: 'shpat_b_token_0001', apiSecret: 'b_api_secret_0001' } },
    'PUT /v1/admin/connections/woocommerce': { path: '/v1/admin/connections/woocommerce', body: { storeUrl: A_WOO, consumerKey: 'ck_b_key_00001', consumerSecret: 'cs_b_secret_0001' } },
    'PUT /v1/admin/connections/bigcommerce': { path: '/v1/admin/connections/bigcommerce', body: { storeHash: A_BC, accessToken: 'b_bc_token_0001' } },
    'POST /v1/admin/connections/shopify/ticket': { path: '/v1/admin/connections/shopify/ticket', body: { shop: A_STORE, clientId: 'b-client-id-01', clientSecret: 'b-client-secret-01' } },
    'POST /v1/admin/connections/:platform/sync': { path: '/v1/admin/connections/shopify/sync' },
    'GET /v1/admin/connections/:platform/progress': { path: '/v1/admin/connections/shopify/progress' },
    'DELETE /v1/admin/connections/:platform': { path: '/v1/admin/connections/shopify' },
    // Templates are the same for every shop; what a shop's key reaches is only its own copy and its own sender.
    'GET /v1/admin/templates': { path: '/v1/admin/templates' },
    'GET /v1/admin/session': { path: '/v1/admin/session' },
    'GET /v1/admin/members': { path: '/v1/admin/members' },
    'POST /v1/admin/members': { path: '/v1/admin/members', body: body('POST /v1/admin/members', { email: a.email('mia') }) },
    'PATCH /v1/admin/members/:id': { path: `/v1/admin/members/${a.memberIds[0]}`, body: { role: 'owner' } },
    'DELETE /v1/admin/members/:id': { path: `/v1/admin/members/${a.memberIds[0]}` },
    'GET /v1/admin/audit': { path: `/v1/admin/audit?actor=${encodeURIComponent(a.email('mia'))}&cursor=999999` },
    'POST /v1/admin/templates/:name/preview': { path: '/v1/admin/templates/offer/preview', body: { locale: 'en' } },
    'POST /v1/admin/templates/:name/test': { path: '/v1/admin/templates/offer/test', body: { locale: 'en' } },
  };
}

/** Every storefront route, with shop B's key and origin, aimed at A's variant and tokens. */
export function storefrontAttacks(a: Shop, bKey: string): Record<string, Attack> {
  return {
    'GET /v1/storefront/config': { path: `/v1/storefront/config?key=${bKey}&variants=${A_ONLY},4401` },
    'POST /v1/storefront/signups': { path: '/v1/storefront/signups', body: { key: bKey, variantId: A_ONLY, email: a.email('jane') } },
    'GET /v1/storefront/signups/:token': { path: `/v1/storefront/signups/${a.signupTokens[1]}?key=${bKey}` },
    'DELETE /v1/storefront/signups/:token': { path: `/v1/storefront/signups/${a.signupTokens[1]}?key=${bKey}` },
    'GET /v1/storefront/holds/:token': { path: `/v1/storefront/holds/${a.offerTokens[0]}?key=${bKey}` },
  };
}
