import type { Deps } from '../../context.ts';
import { schedulePeriodic } from '../../jobs/queue.ts';

const HOUR = 3_600_000;
const DAY = 86_400_000;

/**
 * The SMS budget and email cap counters matter for their hour and day only;
 * older rows go, so the tables stay the size of one day's traffic. The
 * current and previous periods stay (a batch may straddle the boundary).
 */
export function pruneSendLimits(deps: Pick<Deps, 'db' | 'clock'>): void {
  const now = deps.clock.now().getTime();
  const client = deps.db.$client;
  client.prepare('delete from sms_budget where hour < ?').run(Math.floor(now / HOUR) - 1);
  client.prepare('delete from email_caps where day < ?').run(Math.floor(now / DAY) - 1);
}

export const scheduleSendLimitsPrune = (deps: Pick<Deps, 'db' | 'clock'>, after?: Date) => schedulePeriodic(deps, 'limits.prune', HOUR, after);
