import { and, asc, eq, isNull, lte, sql } from 'drizzle-orm';
import { perConnection, type Db, type Tx } from '../../../db/index.ts';
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
      const rows = await statements(tx).unrendered.execute({ channel, now: deps.clock.now().getTime(), limit: Math.min(RENDER_CHUNK, upTo - done) });
      await renderAndStore(tx, deps, rows);
      spent = performance.now() - started;
      return rows.length === RENDER_CHUNK;
    });
    if (!full) return;
    await giveWay(spent);
  }
}

const statements = perConnection((db: Db) => ({
  // The dispatch index in due order; rows already rendered (retries, or ahead) are skipped in place.
  // `now` is in ms: a placeholder in a comparison bypasses the column's Date encoder.
  unrendered: db
    .select()
    .from(messages)
    .where(
      and(
        eq(messages.status, 'queued'),
        eq(messages.channel, sql.placeholder('channel')),
        lte(messages.sendAfter, sql.placeholder('now')),
        isNull(messages.text),
        isNull(messages.batchKey),
      ),
    )
    .orderBy(asc(messages.sendAfter), asc(messages.id))
    .limit(sql.placeholder('limit'))
    .prepare(),
}));
