/** Valid bodies per admin route: the fuzzer mutates them, the tenant matrix aims them at another shop. */
export const EXAMPLES: Record<string, Record<string, unknown>> = {
  'PATCH /v1/admin/settings': { holdDuration: 'PT12H', quietHours: { start: '21:00', end: '08:00' }, sender: { name: 'Fuzz', email: 'shop@example.com', address: '1 Main St' }, strings: { en: { 'offer.heading': 'Yours' } }, country: 'US', sms: { allowedCountries: ['US', 'GB'], hourlyBudget: 200 }, emailCapPerDay: 5 },
  'PUT /v1/admin/variants/:id': { productTitle: 'Tee', title: 'S', mode: 'waitlist', inventory: 0, price: 100, currency: 'USD', url: 'https://acme.example/p', eta: { earliest: '2026-04-01', latest: '2026-04-02' }, tags: ['a'] },
  'POST /v1/admin/variants/:id/inventory': { available: 2 },
  'POST /v1/admin/variants/:id/inventory/preview': { adjust: 3, ranOutNoticeDepth: 7 },
  'POST /v1/admin/variants/:id/eta': { earliest: '2026-04-01', latest: '2026-04-09', reason: 'late boat' },
  'POST /v1/admin/signups/:id/remove': { reason: 'asked by phone' },
  'POST /v1/admin/signups/:id/move-to-front': { reason: 'loyal customer' },
  'POST /v1/admin/orders': { id: 'o-1', email: 'buyer@example.com', currency: 'USD', total: 2500, lineItems: [{ variantId: '4401', quantity: 1, price: 2500 }] },
  'POST /v1/admin/escalations/:id/resolve': { resolution: 'refunded' },
  'POST /v1/admin/backorders/:id/refunded': { amount: 100 },
  'POST /v1/admin/backorders/:id/fulfilled': { carrier: 'UPS', trackingNumber: '1Z999', trackingUrl: 'https://ups.example/t/1Z999' },
  'POST /v1/admin/backorders/:id/confirm-partial': { note: 'ship the part now' },
  'POST /v1/admin/backorders/bulk': { action: 'fulfilled', ids: [1, 2], carrier: 'UPS', trackingNumber: '1Z999' },
  'POST /v1/admin/purchase-orders': { supplier: 'Acme Mills', variantId: '4401', quantity: 5, quotedArrival: '2026-04-01' },
  'PATCH /v1/admin/purchase-orders/:id': { quotedArrival: '2026-04-20' },
  'POST /v1/admin/purchase-orders/:id/receive': { quantity: 1, receivedAt: '2026-03-05' },
  'POST /v1/admin/keys/rotate': { kind: 'publishable', graceHours: 24 },
  'POST /v1/admin/contacts/erase': { email: 'jane.a@example.com' },
  'POST /v1/admin/members': { email: 'sam@example.com', name: 'Sam', role: 'staff' },
  'PATCH /v1/admin/members/:id': { role: 'viewer' },
  'POST /v1/shops': { name: 'Another', settings: { holdDuration: 'PT1H' } },
};
/** The columns each CSV import maps. */
export const CSV: Record<string, string[]> = {
  'POST /v1/admin/signups/import': ['email', 'phone', 'variant', 'created_at'],
  'POST /v1/admin/purchase-orders/import': ['supplier', 'variant', 'quantity', 'quoted_arrival', 'received_at', 'received_quantity'],
};
