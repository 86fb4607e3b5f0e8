import { expireDue } from '../services/restock/expire.ts';
import { followUpRound } from '../services/restock/follow-up.ts';
import type { JobHandlers } from './queue.ts';

/** Every job kind the scheduler knows; each handler lives beside the service it drives. */
export const jobHandlers: JobHandlers = {
  'offers.expire': (deps, p) => void expireDue(deps, String(p.shopId), String(p.variantId)),
  'offers.followup': (deps, p) => void followUpRound(deps, String(p.shopId), String(p.variantId), Number(p.offeredAt)),
};
