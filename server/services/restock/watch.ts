import type { Restock } from '../../../db/schema/index.ts';
import type { Deps } from '../../context.ts';
import { restockProgress, type RestockProgress } from './progress.ts';

export type WatchEvent = { event: 'progress' | 'done'; progress: RestockProgress } | { event: 'heartbeat' };

export interface WatchOptions {
  /** Set when the client has gone; checked after every wait. */
  signal: AbortSignal;
  pollMs?: number;
  /** A comment line now and then keeps proxies from closing a quiet stream. */
  heartbeatMs?: number;
  /** Nobody watches one restock for ever; the console reconnects if it still cares. */
  capMs?: number;
}

/**
 * The events of `GET /v1/admin/restocks/:id/events`: the progress at once,
 * again whenever it changes, and `done` when nothing is left to send. Time is
 * the injected clock's, so tests move through it without waiting.
 */
export async function* watchRestock(deps: Pick<Deps, 'db' | 'clock'>, restock: Restock, opts: WatchOptions): AsyncGenerator<WatchEvent> {
  const { signal, pollMs = 200, heartbeatMs = 15_000, capMs = 10 * 60_000 } = opts;
  const started = deps.clock.now().getTime();
  let spoke = started;
  let last = '';
  while (!signal.aborted) {
    const progress = await restockProgress(deps.db, restock);
    const now = deps.clock.now().getTime();
    const json = JSON.stringify(progress);
    if (json !== last) {
      last = json;
      spoke = now;
      yield { event: 'progress', progress };
    }
    if (progress.done) {
      yield { event: 'done', progress };
      return;
    }
    if (now - started >= capMs) return;
    if (now - spoke >= heartbeatMs) {
      spoke = now;
      yield { event: 'heartbeat' };
    }
    await deps.clock.sleep(pollMs);
  }
}
