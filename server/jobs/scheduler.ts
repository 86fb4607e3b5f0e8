import type { Deps } from '../context.ts';
import { createLeadership } from '../../db/leader.ts';
import { dispatchMessages } from '../services/messages/dispatch.ts';
import { runDueJobs, type JobHandlers } from './queue.ts';
import { jobHandlers } from './handlers.ts';
import { createWebhookSender } from './webhook-sender.ts';

export interface Scheduler {
  /** Runs due jobs and sends due messages; resolves when both are done. Webhook deliveries start but are not awaited. */
  tick(): Promise<void>;
  start(): void;
  stop(): Promise<void>;
}

/**
 * One coalescing runner: a call while it runs asks for one more pass, never a
 * second concurrent one.
 */
function coalesced(work: () => Promise<void>): { (): Promise<void>; idle(): Promise<void> } {
  let running: Promise<void> | null = null;
  let again = false;
  const run = () => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await work();
      } while (again);
      running = null;
    })();
    return running;
  };
  return Object.assign(run, { idle: async () => void (await running) });
}

/**
 * Jobs and sending run as two independent loops. A failure (the database gone
 * for a while) is logged and the next tick tries again, so when the database
 * comes back the loops carry on without a restart. A 20,000-email fan-out at the
 * provider's 2 requests a second takes minutes; hold expiries, follow-ups and
 * webhooks must not wait behind it. Shop webhooks have a sender of their own:
 * no shop's endpoint is ever awaited by the job loop.
 *
 * On PostgreSQL only one replica sends per provider account (db/leader.ts):
 * every tick the others ask again, at most once per `leaderRetryMs`, so when
 * the dispatcher dies another takes its place within a lease. stop() gives
 * the place up.
 */
export function createScheduler(deps: Deps, handlers: JobHandlers = jobHandlers): Scheduler {
  const guard = (what: string, work: () => Promise<unknown>) => async () => {
    try {
      await work();
    } catch (error) {
      deps.log(`scheduler: ${what} failed`, { error: error instanceof Error ? error.message : String(error) });
    }
  };
  const jobs = coalesced(guard('jobs', () => runDueJobs(deps, handlers)));
  const leaders = createLeadership(deps.db, { retryMs: deps.config.leaderRetryMs, takeoverMs: deps.config.leaderTakeoverMs, now: () => deps.clock.now().getTime(), log: deps.log });
  const send = coalesced(guard('sending', () => dispatchMessages(deps, leaders)));
  const webhooks = createWebhookSender(deps);
  // Not awaited: deliveries run beside the job loop. pump() logs its own failures and never rejects.
  const pumpWebhooks = () => void webhooks.pump();
  let timer: NodeJS.Timeout | null = null;

  // Jobs first: what they write (offers, notices) goes out in the same send pass.
  const tick = async () => {
    pumpWebhooks();
    const sending = jobs().then(() => {
      pumpWebhooks();
      return send();
    });
    await Promise.all([sending, send()]);
  };

  return {
    tick,
    start() {
      if (timer) return;
      timer = setInterval(() => void tick(), deps.config.tickMs);
      void tick();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      // Finish what is in flight; start nothing new.
      webhooks.stop();
      await Promise.all([jobs.idle(), send.idle(), webhooks.idle()]);
      await leaders.close();
    },
  };
}
