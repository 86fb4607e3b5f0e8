import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { engineOf } from '../../db/engine.ts';
import { shops } from '../../db/schema/index.ts';
import type { Deps } from '../context.ts';
import { createShop } from '../services/shops/create.ts';
import { upsertVariant } from '../services/variants/upsert.ts';

export const DEMO_SHOP_ID = 'shop_demo';
export const DEMO_VARIANTS = { soldOut: '44012345678901', available: '44012345678902' } as const;

export interface DemoKeys {
  publishableKey: string;
  /** Known only to the run that created the shop, and on SQLite kept beside the database file for local use. */
  secretKey: string | null;
}

/**
 * The demo store behind `/demo`: one sold-out and one available variant of the
 * Dawn fixture's product. Created once; later starts reuse it.
 */
export async function ensureDemoShop(deps: Deps): Promise<{ keys: DemoKeys; created: boolean }> {
  // Beside a SQLite file; a PostgreSQL server has no file of ours to put it beside.
  const keyFile = engineOf(deps.db) === 'pg' || deps.config.dbPath === ':memory:' ? null : `${deps.config.dbPath}.demo-keys.json`;
  const [existing] = await deps.db.select().from(shops).where(eq(shops.id, DEMO_SHOP_ID));
  if (existing) {
    const saved = keyFile && existsSync(keyFile) ? (JSON.parse(readFileSync(keyFile, 'utf8')) as DemoKeys) : null;
    return { keys: { publishableKey: existing.publishableKey, secretKey: saved?.secretKey ?? null }, created: false };
  }
  const origin = new URL(deps.config.publicUrl).origin;
  const local = [`http://localhost:${deps.config.port}`, `http://127.0.0.1:${deps.config.port}`];
  const { shop, publishableKey, secretKey } = await createShop(deps, {
    id: DEMO_SHOP_ID,
    name: 'Demo Store',
    settings: {
      allowedOrigins: [...new Set([origin, ...local])],
      sender: { name: 'Demo Store', email: 'shop@demo-store.example', address: '1 Harbour Street, Portsmouth PO1 2AB, UK' },
      contact: 'Reply to this email or write to help@demo-store.example',
      quietHours: null,
    },
  });
  const product = {
    productId: '8012345678901',
    productTitle: 'Ocean Blue Tee',
    price: 2500,
    currency: 'USD',
    productType: 'Shirts',
  };
  const url = (id: string) => `${deps.config.publicUrl}/demo?variant=${id}`;
  await upsertVariant(deps, shop, DEMO_VARIANTS.soldOut, {
    ...product,
    title: 'S',
    url: url(DEMO_VARIANTS.soldOut),
    mode: 'waitlist',
    inventory: 0,
    eta: etaFrom(deps.clock.now(), 14, 21),
  });
  await upsertVariant(deps, shop, DEMO_VARIANTS.available, { ...product, title: 'M', url: url(DEMO_VARIANTS.available), mode: 'waitlist', inventory: 12 });
  const keys = { publishableKey, secretKey };
  if (keyFile) writeFileSync(keyFile, JSON.stringify(keys, null, 2), { mode: 0o600 });
  return { keys, created: true };
}

function etaFrom(now: Date, fromDays: number, toDays: number) {
  const day = (n: number) => new Date(now.getTime() + n * 86_400_000).toISOString().slice(0, 10);
  return { earliest: day(fromDays), latest: day(toDays) };
}
