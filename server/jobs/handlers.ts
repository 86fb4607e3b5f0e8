import { settleOverdue } from '../services/platform/settle.ts';
import { RESERVE_JOB, syncReservations } from '../services/platform/reservations.ts';
import { REFUND_JOB, writeBackRefund } from '../services/backorders/write-back.ts';
import { announceOffers, type AnnouncePayload } from '../services/restock/announce.ts';
import { expireDue } from '../services/restock/expire.ts';
import { followUpRound } from '../services/restock/follow-up.ts';
import { backorderUpdate } from '../services/backorders/cadence.ts';
import type { CadenceStage } from '../services/backorders/steps.ts';
import type { PreorderStage } from '../services/preorders/schedule.ts';
import { preorderUpdate } from '../services/preorders/update.ts';
import { processShopifyEvent } from '../services/webhooks/shopify.ts';
import { processStoreEvent, STORE_WEBHOOK_JOB } from '../services/webhooks/store.ts';
import { syncCatalog } from '../services/connections/sync.ts';
import { reconcile, scheduleReconcile } from '../services/reconcile.ts';
import { lapseSweep, scheduleLapseSweep } from '../services/signups/lapse.ts';
import { refreshLateEtas, scheduleLateEtaCheck } from '../services/purchase-orders/late.ts';
import { retentionSweep, scheduleRetentionSweep } from '../services/retention/sweep.ts';
import { pruneSendLimits, scheduleSendLimitsPrune } from '../services/messages/prune-limits.ts';
import { HELPDESK_JOB } from '../services/helpdesk/queue.ts';
import { syncTicket } from '../services/helpdesk/sync.ts';
import { EMAIL_REPLY_JOB, readEmailReply } from '../services/replies/email.ts';
import type { JobHandlers } from './queue.ts';

const announcePayload = (p: Record<string, unknown>): AnnouncePayload => ({
  shopId: String(p.shopId),
  variantId: String(p.variantId),
  from: Number(p.from),
  to: Number(p.to),
  cause: p.cause === 'cascade' ? 'cascade' : 'restock',
  restockUnits: Number(p.restockUnits),
});

/** Every job kind the scheduler knows; each handler lives beside the service it drives and opens its own transactions. */
export const jobHandlers: JobHandlers = {
  'offers.announce': async (deps, p) => void (await announceOffers(deps, announcePayload(p))),
  'offers.expire': async (deps, p) => void (await expireDue(deps, String(p.shopId), String(p.variantId))),
  'offers.followup': async (deps, p) => void (await followUpRound(deps, String(p.shopId), String(p.variantId), Number(p.offeredAt))),
  'backorder.update': async (deps, p) => await backorderUpdate(deps, Number(p.backorderId), p.stage as CadenceStage, typeof p.step === 'string' ? p.step : undefined),
  'preorder.update': async (deps, p, job) => await preorderUpdate(deps, Number(p.signupId), p.stage as PreorderStage, job),
  'shopify.webhook': async (deps, p) => await processShopifyEvent(deps, Number(p.eventId)),
  [STORE_WEBHOOK_JOB]: async (deps, p) => await processStoreEvent(deps, Number(p.eventId)),
  'connections.sync': async (deps, p) => await syncCatalog(deps, Number(p.connectionId)),
  'platform.settle': async (deps, p) => void (await settleOverdue(deps, String(p.shopId), String(p.variantId))),
  [RESERVE_JOB]: async (deps, p) => await syncReservations(deps, String(p.shopId), String(p.variantId)),
  [REFUND_JOB]: async (deps, p) => await writeBackRefund(deps, Number(p.backorderId)),
  [EMAIL_REPLY_JOB]: async (deps, p) => await readEmailReply(deps, String(p.emailId)),
  [HELPDESK_JOB]: async (deps, p) => await syncTicket(deps, p as never),
  'signups.lapse': async (deps) => {
    await scheduleLapseSweep(deps);
    await lapseSweep(deps);
  },
  'purchase-orders.late': async (deps) => {
    await scheduleLateEtaCheck(deps);
    await refreshLateEtas(deps);
  },
  'retention.sweep': async (deps) => {
    await scheduleRetentionSweep(deps);
    const swept = await retentionSweep(deps);
    if (Object.values(swept).some(Boolean)) deps.log('retention sweep', { ...swept });
  },
  'limits.prune': async (deps) => {
    await scheduleSendLimitsPrune(deps);
    await pruneSendLimits(deps);
  },
  reconcile: async (deps) => {
    await scheduleReconcile(deps);
    await reconcile(deps);
  },
};
