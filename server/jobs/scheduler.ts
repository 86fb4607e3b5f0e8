import type { Deps } from '../context.ts';
import { dispatchMessages } from '../services/messages/dispatch.ts';
import { runDueJobs, type JobHandlers } from './queue.ts';
import { jobHandlers } from './handlers.ts';

export interface Scheduler {
  /** Runs due jobs, then sends due messages; calls made while a round runs coalesce into one more round. */
  tick(): Promise<void>;
  start(): void;
  stop(): Promise<void>;
}

export function createScheduler(deps: Deps, handlers: JobHandlers = jobHandlers): Scheduler {
  let running: Promise<void> | null = null;
  let again = false;
  let timer: NodeJS.Timeout | null = null;

  const round = async () => {
    try {
      await runDueJobs(deps, handlers);
      await dispatchMessages(deps);
    } catch (error) {
      deps.log('scheduler round failed', { error: error instanceof Error ? error.message : String(error) });
    }
  };

  const tick = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await round();
      } while (again);
      running = null;
    })();
    return running;
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
      await running;
    },
  };
}
