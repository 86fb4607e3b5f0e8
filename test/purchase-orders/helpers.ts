import type { TestEnv } from '../helpers.ts';
import { rowCounts } from '../helpers.ts';

/** The rows a rejected purchase-order request must not touch, with the stock and ETA it must not move. */
export function poState(t: TestEnv) {
  const sqlite = t.deps.db.$client;
  const count = (table: string) => (sqlite.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
  return {
    ...rowCounts(t),
    suppliers: count('suppliers'),
    purchaseOrders: count('purchase_orders'),
    receipts: count('po_receipts'),
    etaChanges: count('eta_changes'),
    pos: sqlite.prepare('select id, status, received_quantity, quoted_arrival from purchase_orders order by id').all(),
    variants: sqlite.prepare('select shop_id, id, inventory, eta_earliest, eta_latest, eta_source from variants order by shop_id, id').all(),
  };
}

/** `csv` as a text/csv import with the shop's key. */
export const importCsv = (t: TestEnv, sk: string, csv: string, type = 'text/csv') =>
  t.call('POST', '/v1/admin/purchase-orders/import', { raw: csv, headers: { authorization: `Bearer ${sk}`, 'content-type': type } });
