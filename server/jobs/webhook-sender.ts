import type { Deps } from '../context.ts';
import { claimDelivery, deliverClaimed } from '../services/webhooks/deliver.ts';

/** At most this many deliveries of one shop at once: a hanging endpoint holds its own slots, no one else's. */
export const PER_SHOP = 2;
/** At most this many deliveries in flight in this process. */
export const TOTAL = 16;

export interface WebhookSender {
  /** Starts every due delivery the limits allow, without waiting for any. */
  pump(): void;
  /** Resolves when nothing is in flight (what finishes meanwhile may start more). */
  idle(): Promise<void>;
  /** Starts nothing new. */
  stop(): void;
}

/**
 * Delivers shop webhooks beside the job loop, never inside it: a slow or
 * silent endpoint costs its own shop's slots for up to 5 s per attempt, while
 * hold expiries and every other shop's deliveries go on. Each finished
 * delivery frees its slot and pumps again.
 */
export function createWebhookSender(deps: Deps, limits = { perShop: PER_SHOP, total: TOTAL }): WebhookSender {
  const inFlight = new Set<Promise<void>>();
  let stopped = false;
  const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));
  const pump = () => {
    while (!stopped && inFlight.size < limits.total) {
      const delivery = claimDelivery(deps, limits.perShop);
      if (!delivery) return;
      const run: Promise<void> = deliverClaimed(deps, delivery)
        .catch((error) => deps.log('webhook delivery failed', { id: delivery.id, error: describe(error) }))
        .finally(() => {
          inFlight.delete(run);
          try {
            pump();
          } catch (error) {
            // The next tick pumps again; a finished delivery must not become an unhandled rejection.
            deps.log('webhook sender: claiming failed', { error: describe(error) });
          }
        });
      inFlight.add(run);
    }
  };
  return {
    pump,
    async idle() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
    stop() {
      stopped = true;
    },
  };
}
