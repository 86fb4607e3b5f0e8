import { expireOffer } from '../services/restock/expire.ts';
import { followUpOffer } from '../services/restock/follow-up.ts';
import type { JobHandlers } from './queue.ts';

/** Every job kind the scheduler knows; each handler lives beside the service it drives. */
export const jobHandlers: JobHandlers = {
  'offer.expire': (deps, payload) => expireOffer(deps, Number(payload.offerId)),
  'offer.followup': (deps, payload) => followUpOffer(deps, Number(payload.offerId)),
};
