import { loadConfig } from '../server/config.ts';
import { createDeps } from '../server/deps.ts';
import { runDueJobs } from '../server/jobs/queue.ts';

/**
 * One replica's job loop for bench/jobs.ts, in a process of its own: claims
 * and runs `bench.noop` jobs until none is due, then prints what it ran. The
 * handler does no work, so the figure is the queue's own cost per job: the
 * claim, the lease and the finish, each a transaction.
 */
const deps = await createDeps(loadConfig(), { log: () => {} });
const ran: number[] = [];
let first = 0;
let last = 0;
const handlers = {
  'bench.noop': async (_deps: unknown, _payload: unknown, job: { id: number }) => {
    first ||= Date.now();
    ran.push(job.id);
  },
};
// A replica that finds nothing due looks again a few times: the others may still be claiming.
for (let idle = 0; idle < 3; ) {
  const n = await runDueJobs(deps, handlers, 100_000);
  last = n > 0 ? Date.now() : last;
  idle = n > 0 ? 0 : idle + 1;
  if (n === 0) await new Promise((r) => setTimeout(r, 50));
}
await deps.close();
process.stdout.write(JSON.stringify({ ran, first, last }));
