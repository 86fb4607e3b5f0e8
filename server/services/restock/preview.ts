import { count, eq, gt, max } from 'drizzle-orm';
import type { Tx } from '../../../db/index.ts';
import { transaction } from '../../../db/transaction.ts';
import { messages, restocks, type Shop } from '../../../db/schema/index.ts';
import type { Deps } from '../../context.ts';
import { maskContact } from '../../lib/mask.ts';
import { contactsById } from './allocate.ts';
import { applyInventory, inventoryTarget, noticeDepth, type InventoryChange } from './inventory.ts';
import { queueReads } from './queue.ts';
import { holdsBefore, placesBefore, type HeldBefore } from './places-before.ts';
import { ranOutCount, roundOffers, type RoundOffer } from './round.ts';

/** The console shows who gets a hold; the counts stay exact past this many. */
export const PREVIEW_OFFERS = 50;
/** …and the first few who would still be waiting. */
export const PREVIEW_NEXT = 5;

export interface InventoryPreview {
  from: number;
  to: number;
  preview: {
    backordersServed: number;
    offered: number;
    unitsHeld: number;
    ranOutNotices: number;
    stillWaiting: number;
    messages: number;
    publicUnits: number;
  };
  /** The stock after the change and how it splits: held for the line (this round's holds and earlier ones) and for sale. */
  stock: { inStock: number; held: number; forSale: number };
  /** The "not this time" notices this change would send: the shop's switch and the depth used (the body's, else the setting). */
  ranOutNotice: boolean;
  ranOutNoticeDepth: number;
  /** Holds go to these, each at the place in line they had when chosen. */
  offers: RoundOffer[];
  /** The first still waiting: `position` is their place after the change, `before` the place they had before it (null: they held a unit). */
  next: Array<RoundOffer & { before: number | null }>;
}

/** Thrown to leave the transaction: it carries the answer out and rolls every write back. */
class Rollback extends Error {
  constructor(readonly preview: InventoryPreview) {
    super('preview rollback');
  }
}

/**
 * `POST /v1/admin/variants/:id/inventory/preview`: what the real call would do
 * right now. It runs the real inventory arithmetic and allocation, reads what
 * they wrote, and rolls the transaction back, so the answer cannot drift from
 * the rules: no rows, messages, jobs or webhook events survive it, and nothing
 * wakes the dispatcher. Same checks and errors as the real call.
 */
export async function previewInventory(deps: Deps, shop: Shop, variantId: string, change: InventoryChange): Promise<InventoryPreview> {
  // Nothing it writes is committed, so nothing may be told there is something to send.
  const quiet: Deps = { ...deps, wake: () => {} };
  try {
    // The body's savepoint is rolled back when it throws; other bodies of the same commit are untouched.
    await transaction(deps.db, async (tx) => {
      const { variant, to } = await inventoryTarget(tx, shop, variantId, change);
      const [last] = await tx.select({ id: max(messages.id) }).from(messages);
      const lastMessage = last?.id ?? 0;
      const held = to < variant.inventory ? await holdsBefore(tx, shop.id, variantId) : [];
      const { allocation, restockId } = await applyInventory(tx, quiet, shop, variant, to, change);
      throw new Rollback(await describe(tx, shop, { variantId, from: variant.inventory, to, lastMessage, held, depth: noticeDepth(shop, change), allocation, restockId }));
    });
  } catch (error) {
    if (error instanceof Rollback) return error.preview;
    throw error;
  }
  throw new Error('preview transaction ended without an answer');
}

interface Outcome {
  variantId: string;
  from: number;
  to: number;
  lastMessage: number;
  held: HeldBefore[];
  depth: number;
  allocation: Awaited<ReturnType<typeof applyInventory>>['allocation'];
  restockId: number | null;
}

/** Reads, inside the doomed transaction, what the real call just wrote. */
async function describe(tx: Tx, shop: Shop, o: Outcome): Promise<InventoryPreview> {
  const { allocation } = o;
  const restock = o.restockId === null ? undefined : (await tx.select().from(restocks).where(eq(restocks.id, o.restockId)))[0];
  const rise = Math.max(o.to, 0) - Math.max(o.from, 0);
  const waiting = await queueReads(tx).head(shop.id, o.variantId, Number.MIN_SAFE_INTEGER, PREVIEW_NEXT);
  const people = await contactsById(tx, waiting.map((w) => w.contactId));
  const [written] = await tx.select({ n: count() }).from(messages).where(gt(messages.id, o.lastMessage));
  // Whoever is still waiting now heads the line: their places are 1, 2, 3…, and before the change they stood further back.
  const after = waiting.map((w, i) => ({ ...w, position: i + 1 }));
  const before = await placesBefore(tx, { round: restock, held: o.held, waiting: after });
  const held = await queueReads(tx).heldUnits(shop.id, o.variantId);
  return {
    from: o.from,
    to: o.to,
    preview: {
      backordersServed: allocation.backordersServed,
      offered: allocation.offered,
      unitsHeld: allocation.unitsHeld,
      ranOutNotices: restock ? await ranOutCount(tx, shop.id, restock.id) : 0,
      stillWaiting: allocation.stillWaiting,
      messages: written?.n ?? 0,
      // Below `minimumRestock`, with nobody whose quantity fits, or with mode off, units stay on sale.
      publicUnits: Math.max(0, rise - allocation.unitsHeld),
    },
    stock: { inStock: o.to, held, forSale: Math.max(0, Math.max(0, o.to) - held) },
    ranOutNotice: shop.settings.ranOutNotice,
    ranOutNoticeDepth: o.depth,
    offers: restock ? await roundOffers(tx, restock, PREVIEW_OFFERS) : [],
    next: after.map((w, i) => {
      const contact = people.get(w.contactId);
      return { position: w.position, before: before[i] ?? null, contact: maskContact(contact?.email ?? null, contact?.phone ?? null), quantity: w.quantity, kind: w.kind };
    }),
  };
}
