import { lt } from 'drizzle-orm';
import { transaction } from '../../../db/transaction.ts';
import { emailCaps, smsBudget } from '../../../db/schema/index.ts';
import type { Deps } from '../../context.ts';
import { schedulePeriodic } from '../../jobs/queue.ts';

const HOUR = 3_600_000;
const DAY = 86_400_000;

/**
 * The SMS budget and email cap counters matter for their hour and day only;
 * older rows go, so the tables stay the size of one day's traffic. The
 * current and previous periods stay (a batch may straddle the boundary).
 */
export async function pruneSendLimits(deps: Pick<Deps, 'db' | 'clock'>): Promise<void> {
  const now = deps.clock.now().getTime();
  await transaction(deps.db, async (tx) => {
    await tx.delete(smsBudget).where(lt(smsBudget.hour, Math.floor(now / HOUR) - 1));
    await tx.delete(emailCaps).where(lt(emailCaps.day, Math.floor(now / DAY) - 1));
  });
}

export const scheduleSendLimitsPrune = (deps: Pick<Deps, 'db' | 'clock'>, after?: Date) => schedulePeriodic(deps, 'limits.prune', HOUR, after);
