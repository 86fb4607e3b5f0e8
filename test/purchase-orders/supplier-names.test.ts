import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setup, shopWithVariant, type TestEnv } from '../helpers.ts';

let t: TestEnv;
beforeEach(async () => {
  t = await setup();
});
afterEach(() => t.cleanup());

const MIGRATIONS = new URL('../../db/migrations', import.meta.url).pathname;

describe('supplier names', () => {
  it('differ only in case: one supplier, one delivery record, under the name first used', async () => {
    const shop = await shopWithVariant(t, { mode: 'preorder' });
    const po = async (supplier: string) =>
      (await shop.admin('POST', '/v1/admin/purchase-orders', { supplier, variantId: '4401', quantity: 5, quotedArrival: '2026-04-01' })).body.purchaseOrder;
    const first = await po('Kiln & Co');
    const again = await po('KILN & CO');
    const other = await po('Kiln and Co');
    expect(again.supplierId).toBe(first.supplierId);
    expect(again.supplier).toBe('Kiln & Co');
    expect(other.supplierId).not.toBe(first.supplierId);
    const { suppliers } = (await shop.admin('GET', '/v1/admin/suppliers')).body;
    expect(suppliers.map((s: { name: string; openPurchaseOrders: unknown[] }) => [s.name, s.openPurchaseOrders.length])).toEqual([
      ['Kiln & Co', 2],
      ['Kiln and Co', 1],
    ]);
  });

  it('an older database merges suppliers that differ only in case when it migrates (0008)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'waitline-migrate-'));
    try {
      // The migrations as they stood before 0008.
      cpSync(MIGRATIONS, join(dir, 'before'), { recursive: true });
      const journalPath = join(dir, 'before/meta/_journal.json');
      const journal = JSON.parse(readFileSync(journalPath, 'utf8'));
      journal.entries = journal.entries.filter((e: { tag: string }) => e.tag < '0008');
      writeFileSync(journalPath, JSON.stringify(journal));
      const sqlite = new Database(join(dir, 'old.db'));
      migrate(drizzle(sqlite), { migrationsFolder: join(dir, 'before') });
      sqlite.exec(`
        insert into shops (id, name, publishable_key, secret_key_hash, settings, created_at) values ('s1', 'S', 'pk_1', 'h1', '{}', 0), ('s2', 'T', 'pk_2', 'h2', '{}', 0);
        insert into suppliers (shop_id, name, created_at) values ('s1', 'Kiln & Co', 0), ('s1', 'KILN & CO', 1), ('s1', 'Other', 2), ('s2', 'kiln & co', 3);
        insert into purchase_orders (shop_id, supplier_id, variant_id, quantity, quoted_arrival, created_at, updated_at)
          values ('s1', 1, 'v1', 5, '2026-03-01', 0, 0), ('s1', 2, 'v1', 5, '2026-03-02', 0, 0), ('s1', 3, 'v1', 5, '2026-03-03', 0, 0), ('s2', 4, 'v1', 5, '2026-03-04', 0, 0);
        insert into po_receipts (shop_id, supplier_id, purchase_order_id, variant_id, quantity, quoted_arrival, received_at, slip_days, created_at)
          values ('s1', 2, 2, 'v1', 5, '2026-03-02', 0, 3, 0);
      `);
      migrate(drizzle(sqlite), { migrationsFolder: MIGRATIONS });
      const all = (q: string) => sqlite.prepare(q).all();
      // Shop s1's two spellings are one supplier (the first); shop s2's is its own.
      expect(all('select id, shop_id, name from suppliers order by id')).toEqual([
        { id: 1, shop_id: 's1', name: 'Kiln & Co' },
        { id: 3, shop_id: 's1', name: 'Other' },
        { id: 4, shop_id: 's2', name: 'kiln & co' },
      ]);
      expect(all('select supplier_id from purchase_orders order by id').map((r) => (r as { supplier_id: number }).supplier_id)).toEqual([1, 1, 3, 4]);
      expect(all('select supplier_id from po_receipts')).toEqual([{ supplier_id: 1 }]);
      expect(() => sqlite.exec(`insert into suppliers (shop_id, name, created_at) values ('s1', 'kiln & CO', 9)`)).toThrow(/UNIQUE/);
      sqlite.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
