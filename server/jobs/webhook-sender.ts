import type { Deps } from '../context.ts';
import { claimDelivery, deliverClaimed } from '../services/webhooks/deliver.ts';

/**
 * At most this many deliveries of one shop at once, across every replica (the claim counts live leases under the
 * shop's lock): a hanging endpoint holds its own slots, no one else's.
 */
export const PER_SHOP = 2;
/** At most this many deliveries in flight in this process. */
export const TOTAL = 16;

export interface WebhookSender {
  /**
   * Claims every due delivery the limits allow and starts it, without waiting
   * for any; resolves when the claiming is done. Never rejects: a failed claim
   * (the database gone) is logged, and the next pump tries again.
   */
  pump(): Promise<void>;
  /** Resolves when nothing is being claimed or in flight (what finishes meanwhile may start more). */
  idle(): Promise<void>;
  /** Starts nothing new. */
  stop(): void;
}

/**
 * Delivers shop webhooks beside the job loop, never inside it: a slow or
 * silent endpoint costs its own shop's slots for up to 5 s per attempt, while
 * hold expiries and every other shop's deliveries go on. Each finished
 * delivery frees its slot and pumps again. One pump claims at a time; a pump
 * asked for meanwhile runs once more after it.
 */
export function createWebhookSender(deps: Deps, limits = { perShop: PER_SHOP, total: TOTAL }): WebhookSender {
  const inFlight = new Set<Promise<void>>();
  let stopped = false;
  let pumping: Promise<void> | null = null;
  let again = false;
  const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

  const fill = async () => {
    while (!stopped && inFlight.size < limits.total) {
      const delivery = await claimDelivery(deps, limits.perShop);
      if (!delivery) return;
      const run: Promise<void> = deliverClaimed(deps, delivery)
        .catch((error) => deps.log('webhook delivery failed', { id: delivery.id, error: describe(error) }))
        .finally(() => {
          inFlight.delete(run);
          void pump(); // never rejects
        });
      inFlight.add(run);
    }
  };

  const pump = (): Promise<void> => {
    if (pumping) {
      again = true;
      return pumping;
    }
    pumping = (async () => {
      try {
        do {
          again = false;
          await fill();
        } while (again && !stopped);
      } catch (error) {
        deps.log('webhook sender: claiming failed', { error: describe(error) });
      } finally {
        pumping = null;
      }
    })();
    return pumping;
  };

  return {
    pump,
    async idle() {
      while (pumping || inFlight.size > 0) await Promise.all([pumping, ...inFlight]);
    },
    stop() {
      stopped = true;
    },
  };
}
