import { and, eq, inArray } from 'drizzle-orm';
import { connections, type Platform, type Shop } from '../../../db/schema/index.ts';
import { transaction } from '../../../db/transaction.ts';
import type { Deps } from '../../context.ts';
import { enqueueJob } from '../../jobs/queue.ts';
import { Conflict, NotFound } from '../../lib/errors.ts';
import { importFromStart } from './progress.ts';
import { connectionOf } from './store.ts';

/**
 * POST /v1/admin/connections/:platform/sync: imports the catalog again from
 * its first page. Refused while an import is queued or running: two at once
 * would page the same catalog and count it twice. The check and the reset are
 * one statement, so two clicks on two replicas start one import.
 */
export async function resync(deps: Deps, shop: Shop, platform: Platform): Promise<void> {
  const connection = await connectionOf(deps.db, shop.id, platform);
  if (!connection) throw NotFound(`A ${platform} connection`);
  const now = deps.clock.now();
  const started = await transaction(deps.db, async (tx) => {
    const [row] = await tx
      .update(connections)
      .set(importFromStart(now))
      .where(and(eq(connections.id, connection.id), inArray(connections.syncStatus, ['done', 'failed'])))
      .returning({ id: connections.id });
    if (!row) return false;
    await enqueueJob(tx, { kind: 'connections.sync', key: `connections.sync:${row.id}:${now.getTime()}`, runAt: now, payload: { connectionId: row.id } }, now);
    return true;
  });
  if (!started) throw Conflict('The catalog import is already running');
  deps.wake();
}
