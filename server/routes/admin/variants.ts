import { and, asc, eq, gt, type SQL } from 'drizzle-orm';
import { doc } from '../../lib/openapi.ts';
import { z } from 'zod';
import { VARIANT_MODES, variants, type Variant } from '../../../db/schema/index.ts';
import { createRouter } from '../../context.ts';
import { httpUrl, inventoryItemId, isoDate, plainText, productId, variantId } from '../../lib/fields.ts';
import { validate } from '../../lib/validate.ts';
import { variantStats } from '../../services/variants/stats.ts';
import { presentVariant, upsertVariant } from '../../services/variants/upsert.ts';
import { changeInventory } from '../../services/restock/inventory.ts';
import { previewInventory } from '../../services/restock/preview.ts';
import { changeEta } from '../../services/eta/change.ts';
import { etaAudience } from '../../services/eta/audience.ts';
import type { Db } from '../../../db/index.ts';
import { presentEtaSource } from '../../services/purchase-orders/present.ts';
import { releaseEta } from '../../services/purchase-orders/release-eta.ts';
import { settingsSchema } from '../../services/settings/schema.ts';

const eta = z
  .object({ earliest: isoDate, latest: isoDate })
  .strict()
  .refine((e) => e.earliest <= e.latest, { message: 'earliest must not be after latest', path: ['latest'] });

const variantBody = z
  .object({
    productId: productId.nullable(),
    productTitle: plainText(255),
    title: plainText(255),
    url: httpUrl.nullable(),
    imageUrl: httpUrl.nullable(),
    price: z.number().int('must be in minor units').min(0).max(100_000_000_000).nullable(),
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD').nullable(),
    mode: z.enum(VARIANT_MODES),
    inventory: z.number().int().min(-1_000_000_000).max(1_000_000_000),
    eta: eta.nullable(),
    preorderLimit: z.number().int().min(0).max(1_000_000_000).nullable(),
    inventoryItemId: inventoryItemId.nullable(),
    productType: plainText(255).nullable(),
    tags: z.array(plainText(100)).max(250),
  })
  .partial()
  .strict();

const units = z.number().int('must be a whole number').min(-1_000_000_000).max(1_000_000_000);
/** This restock's own "not this time" depth, within the setting's bounds; absent: the shop's setting. */
const restockOptions = { ranOutNoticeDepth: settingsSchema.shape.ranOutNoticeDepth.unwrap().optional() };
const inventoryBody = z.union([
  z.object({ available: units.min(0, 'must be 0 or more; only orders take stock below zero'), ...restockOptions }).strict(),
  z.object({ adjust: units.refine((n) => n !== 0, 'must not be 0'), ...restockOptions }).strict(),
], { error: 'Send {"available": n} to set the count or {"adjust": ±n} to change it' });
/** Checked before the body, so a bad option is named at its field rather than lost in the union's one message. */
const optionsFirst = validate('json', z.looseObject(restockOptions));

const etaBody = z
  .object({ earliest: isoDate, latest: isoDate, reason: plainText(300).optional() })
  .strict()
  .refine((e) => e.earliest <= e.latest, { message: 'latest must not be before earliest', path: ['latest'] });

const listQuery = z.object({
  cursor: z.string().max(128).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

async function withStats(db: Db, shopId: string, list: Variant[]) {
  const stats = await variantStats(db, shopId, list);
  const audience = await etaAudience(db, shopId, list.map((v) => v.id));
  return list.map((v) => ({ ...presentVariant(v), ...stats.get(v.id)!, etaAudience: audience.get(v.id) ?? 0, etaSource: presentEtaSource(v) }));
}

export const variantsRoutes = createRouter()
  .put('/variants/:id', doc('Variants', 'secret', 'Creates or updates a variant; a new inventory figure goes through the inventory arithmetic.', { 200: { description: 'Updated' }, 201: { description: 'Created' } }), validate('param', z.object({ id: variantId })), validate('json', variantBody), async (c) => {
    const { variant, created } = await upsertVariant(c.get('deps'), c.get('shop'), c.req.valid('param').id, c.req.valid('json'));
    return c.json({ variant: (await withStats(c.get('deps').db, c.get('shop').id, [variant]))[0] }, created ? 201 : 200);
  })
  .post('/variants/:id/inventory', doc('Restock', 'secret', 'Sets ({available}) or adjusts ({adjust}) stock; a rise serves backorders, then offers holds FIFO and tells the rest their place: the next `ranOutNoticeDepth` of them (the body’s, for this restock only, else the shop’s setting).'), validate('param', z.object({ id: variantId })), optionsFirst, validate('json', inventoryBody), async (c) => {
    const { variant, allocation, restockId } = await changeInventory(c.get('deps'), c.get('shop'), c.req.valid('param').id, c.req.valid('json'));
    return c.json({ variant: (await withStats(c.get('deps').db, c.get('shop').id, [variant]))[0], allocation, restockId });
  })
  .post('/variants/:id/inventory/preview', doc('Restock', 'secret', 'Dry run of the inventory call with the same body: what it would do right now (counts, the stock held and for sale, who gets a hold, who waits next with their places before and after, contacts masked, the notice depth used). Changes nothing.'), validate('param', z.object({ id: variantId })), optionsFirst, validate('json', inventoryBody), async (c) =>
    c.json(await previewInventory(c.get('deps'), c.get('shop'), c.req.valid('param').id, c.req.valid('json'))),
  )
  .post('/variants/:id/eta', doc('Pre-orders and backorders', 'secret', 'A new ETA range, told once to every waiting pre-order and backorder customer.'), validate('param', z.object({ id: variantId })), validate('json', etaBody), async (c) => {
    const result = await changeEta(c.get('deps'), c.get('shop'), c.req.valid('param').id, c.req.valid('json'));
    return c.json(result);
  })
  .delete('/variants/:id/eta', doc('Pre-orders and backorders', 'secret', "Hands the ETA back to the variant's earliest open purchase order (409 without one); customers hear of a different range once."), validate('param', z.object({ id: variantId })), async (c) =>
    c.json(await releaseEta(c.get('deps'), c.get('shop'), c.req.valid('param').id)),
  )
  .get('/variants', doc('Variants', 'secret', 'Variants with queue length, active holds and public availability.'), validate('query', listQuery), async (c) => {
    const { cursor, limit } = c.req.valid('query');
    const where: SQL[] = [eq(variants.shopId, c.get('shop').id)];
    if (cursor) where.push(gt(variants.id, cursor));
    const rows = await c.get('deps').db.select().from(variants).where(and(...where)).orderBy(asc(variants.id)).limit(limit + 1);
    const page = rows.slice(0, limit);
    return c.json({
      variants: await withStats(c.get('deps').db, c.get('shop').id, page),
      nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
    });
  });
