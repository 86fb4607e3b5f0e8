import { randomUUID } from 'node:crypto';
import { listenerOf, notify } from '../../db/listen.ts';
import type { Deps } from '../context.ts';

/** The channel replicas wake each other on; the payload is the waking process's id, so it skips its own. */
export const WAKE_CHANNEL = 'waitline_wake';

export interface Wake {
  /** What `deps.wake` is: called after a commit that left work (a message, a job) for the scheduler. */
  wake(): void;
  /** Resolves once this replica hears the others' wakes (at once on SQLite). */
  ready: Promise<void>;
  /** No more rounds, and the others' wakes are no longer heard (the LISTEN connection closes with the pool). */
  stop(): void;
}

/**
 * `deps.wake` for a scheduler whose round is `tick`. New messages go out soon
 * after their transaction commits, not at the next tick: wakes within
 * `delayMs` share one round, so a burst becomes full provider batches (Resend
 * allows 2 requests a second; each may carry 100 emails).
 *
 * On PostgreSQL the same round also sends one `NOTIFY waitline_wake` through
 * the pool, and every other replica's LISTEN connection (db/listen.ts) ticks
 * its own scheduler at once: the replica that can do the work (the one holding
 * a provider's dispatch lock, or any with a free worker) starts it without
 * waiting for its periodic tick. The notification is sent after the commit,
 * fire and forget, not inside the transaction: `wake()` is called by the
 * services once their transaction has returned, and sending it from there keeps
 * the transaction seam and every service as they are. A notification that is
 * lost (a failed send, a replica reconnecting) costs at most one periodic tick,
 * which stays the safety net; a reconnected listener ticks once anyway.
 */
export function createWake(deps: Pick<Deps, 'db' | 'log'>, tick: () => unknown, delayMs = 50): Wake {
  const self = randomUUID();
  let timer: NodeJS.Timeout | null = null;
  let warned = false;
  let stopped = false;
  const listener = listenerOf(deps.db, { log: deps.log });

  const round = () => {
    timer = null;
    void tick();
    if (!listener) return;
    void notify(deps.db, WAKE_CHANNEL, self).then(
      () => {
        warned = false;
      },
      (error: unknown) => {
        // Once per outage, not once per round.
        if (!warned) deps.log('wake: could not notify the other replicas', { error: error instanceof Error ? error.message : String(error) });
        warned = true;
      },
    );
  };

  const ready = listener
    ? listener.listen(WAKE_CHANNEL, (payload) => {
        // null: the connection came back and wakes may have been missed.
        if (payload !== self && !stopped) void tick();
      })
    : Promise.resolve();

  return {
    wake() {
      timer ??= setTimeout(round, delayMs);
    },
    ready,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
