import { sql } from 'drizzle-orm';
import { rows } from '../../db/raw.ts';
import type { TestEnv } from '../helpers.ts';
import { rowCounts } from '../helpers.ts';

/** The rows a rejected purchase-order request must not touch, with the stock and ETA it must not move. */
export async function poState(t: TestEnv) {
  const db = t.deps.db;
  const count = async (table: string) => (await rows<{ n: number }>(db, sql`select count(*) as n from ${sql.identifier(table)}`))[0]!.n;
  return {
    ...(await rowCounts(t)),
    suppliers: await count('suppliers'),
    purchaseOrders: await count('purchase_orders'),
    receipts: await count('po_receipts'),
    etaChanges: await count('eta_changes'),
    pos: await rows(db, sql`select id, status, received_quantity, quoted_arrival from purchase_orders order by id`),
    variants: await rows(db, sql`select shop_id, id, inventory, eta_earliest, eta_latest, eta_source from variants order by shop_id, id`),
  };
}

/** `csv` as a text/csv import with the shop's key. */
export const importCsv = (t: TestEnv, sk: string, csv: string, type = 'text/csv') =>
  t.call('POST', '/v1/admin/purchase-orders/import', { raw: csv, headers: { authorization: `Bearer ${sk}`, 'content-type': type } });
