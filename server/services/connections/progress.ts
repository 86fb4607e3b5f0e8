import { eq, sql } from 'drizzle-orm';
import type { Tx } from '../../../db/index.ts';
import { connections, type Connection } from '../../../db/schema/index.ts';
import { transaction } from '../../../db/transaction.ts';
import type { Deps } from '../../context.ts';

/** What the Connect page shows of a failure: the message, bounded. */
export const failedFor = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 500);

/** A connection's import set back to the start, queued: on connect, and on POST …/sync. */
export const importFromStart = (now: Date) => ({
  syncStatus: 'queued' as const,
  syncCursor: null,
  productsImported: 0,
  variantsImported: 0,
  variantsTotal: null,
  syncStartedAt: null,
  syncFinishedAt: null,
  error: null,
  updatedAt: now,
});

/** The import's status fields, in their own transaction. */
export async function setSync(deps: Deps, id: number, fields: Partial<Connection>): Promise<void> {
  await transaction(deps.db, (tx) => tx.update(connections).set({ ...fields, updatedAt: deps.clock.now() }).where(eq(connections.id, id)));
}

/** Moves the import on by what a page or batch held, in the transaction that wrote it; `next` null ends it. */
export const advance = (deps: Deps, connectionId: number, counts: { products: number; variants: number }, next: string | null) => (tx: Tx) =>
  tx
    .update(connections)
    .set({
      syncCursor: next,
      productsImported: sql`${connections.productsImported} + ${counts.products}`,
      variantsImported: sql`${connections.variantsImported} + ${counts.variants}`,
      ...(next === null ? { syncStatus: 'done' as const, syncFinishedAt: deps.clock.now() } : {}),
      // A page that came in means the store answers again.
      error: null,
      updatedAt: deps.clock.now(),
    })
    .where(eq(connections.id, connectionId));
