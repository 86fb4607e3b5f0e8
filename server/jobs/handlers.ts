import { settleOverdue } from '../services/platform/settle.ts';
import { expireDue } from '../services/restock/expire.ts';
import { followUpRound } from '../services/restock/follow-up.ts';
import { backorderUpdate } from '../services/backorders/cadence.ts';
import type { CadenceStage } from '../services/backorders/record.ts';
import type { PreorderStage } from '../services/preorders/schedule.ts';
import { preorderUpdate } from '../services/preorders/update.ts';
import { processShopifyEvent } from '../services/webhooks/shopify.ts';
import { reconcile, scheduleReconcile } from '../services/reconcile.ts';
import { lapseSweep, scheduleLapseSweep } from '../services/signups/lapse.ts';
import { refreshLateEtas, scheduleLateEtaCheck } from '../services/purchase-orders/late.ts';
import { retentionSweep, scheduleRetentionSweep } from '../services/retention/sweep.ts';
import { pruneSendLimits, scheduleSendLimitsPrune } from '../services/messages/prune-limits.ts';
import type { JobHandlers } from './queue.ts';

/** Every job kind the scheduler knows; each handler lives beside the service it drives. */
export const jobHandlers: JobHandlers = {
  'offers.expire': (deps, p) => void expireDue(deps, String(p.shopId), String(p.variantId)),
  'offers.followup': (deps, p) => void followUpRound(deps, String(p.shopId), String(p.variantId), Number(p.offeredAt)),
  'backorder.update': (deps, p) => backorderUpdate(deps, Number(p.backorderId), p.stage as CadenceStage),
  'preorder.update': (deps, p, job) => preorderUpdate(deps, Number(p.signupId), p.stage as PreorderStage, job),
  'shopify.webhook': (deps, p) => processShopifyEvent(deps, Number(p.eventId)),
  'platform.settle': (deps, p) => settleOverdue(deps, String(p.shopId), String(p.variantId)),
  'signups.lapse': (deps) => {
    scheduleLapseSweep(deps);
    lapseSweep(deps);
  },
  'purchase-orders.late': (deps) => {
    scheduleLateEtaCheck(deps);
    refreshLateEtas(deps);
  },
  'retention.sweep': (deps) => {
    scheduleRetentionSweep(deps);
    const swept = retentionSweep(deps);
    if (Object.values(swept).some(Boolean)) deps.log('retention sweep', { ...swept });
  },
  'limits.prune': (deps) => {
    scheduleSendLimitsPrune(deps);
    pruneSendLimits(deps);
  },
  reconcile: async (deps) => {
    scheduleReconcile(deps);
    await reconcile(deps);
  },
};
