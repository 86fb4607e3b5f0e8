import { eq } from 'drizzle-orm';
import type { Tx } from '../../../db/index.ts';
import { statementRows } from '../../../db/raw.ts';
import { twins } from '../../../db/sql/index.ts';
import { transaction } from '../../../db/transaction.ts';
import { messages, type Channel, type Message } from '../../../db/schema/index.ts';
import type { Deps } from '../../context.ts';
import type { OutgoingMessage } from '../../transports/types.ts';
import { renderRows } from './render.ts';
import { giveWay } from '../../jobs/give-way.ts';

/** Messages rendered per transaction; each chunk holds the event loop for a few milliseconds at most. */
export const RENDER_CHUNK = 16;

/**
 * Renders and stores rows inside the caller's transaction. A row that cannot
 * be rendered fails here, once, and is left out.
 */
export async function renderAndStore(tx: Tx, deps: Deps, rows: Message[]): Promise<OutgoingMessage[]> {
  const { rendered, failed } = await renderRows(tx, deps, rows, { store: true });
  for (const { row, error } of failed) {
    await tx.update(messages).set({ status: 'failed', error }).where(eq(messages.id, row.id));
    deps.log('message not renderable', { id: row.id, error });
  }
  return rendered;
}

/**
 * Renders the next `upTo` due messages of a channel before they are claimed,
 * a chunk at a time with a turn of the event loop between chunks. A provider
 * batch is 100 emails, and rendering them in one go held every storefront
 * request behind it for tens of milliseconds; in chunks, requests go first
 * and a burst's confirmations catch up in the gaps (they are durable rows).
 */
export async function renderAhead(deps: Deps, channel: Channel, upTo: number): Promise<void> {
  for (let done = 0; done < upTo; done += RENDER_CHUNK) {
    // Only the body is ours: waiting for the group commit lets requests run, and they are not our work.
    let spent = 0;
    const full = await transaction(deps.db, async (tx) => {
      const started = performance.now();
      // Rows another replica is rendering are skipped (locked on PostgreSQL): each row is rendered once.
      const rows = await statementRows(tx, twins(tx).claims.unrendered, undefined, {
        channel,
        now: deps.clock.now().getTime(),
        limit: Math.min(RENDER_CHUNK, upTo - done),
      });
      await renderAndStore(tx, deps, rows);
      spent = performance.now() - started;
      return rows.length === RENDER_CHUNK;
    });
    if (!full) return;
    await giveWay(spent);
  }
}
