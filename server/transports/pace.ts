import type { Clock } from '../lib/clock.ts';

export interface Pacer {
  /** Resolves when the next request may start; callers are served in order. */
  take(): Promise<void>;
  /** Holds every later request for `ms` from now (a provider's Retry-After). */
  pause(ms: number): void;
}

/**
 * Our clock and the provider's disagree by network jitter, so starts are spaced
 * 2% wider than 1000/perSecond: a sliding one-second window at the provider
 * then never holds more than `perSecond` of them.
 */
const SAFETY = 1.02;

/** Spaces request starts at `perSecond`; 0 (or less) means unpaced. */
export function createPacer(perSecond: number, clock: Clock): Pacer {
  const gapMs = perSecond > 0 ? Math.ceil((1000 / perSecond) * SAFETY) : 0;
  const now = () => clock.now().getTime();
  let nextAt = -Infinity;
  // One chain of turns keeps concurrent callers in arrival order.
  let tail: Promise<void> = Promise.resolve();

  const turn = async () => {
    // Loop because pause() may push nextAt out while we are asleep.
    for (let wait = nextAt - now(); wait > 0; wait = nextAt - now()) await clock.sleep(wait);
    nextAt = now() + gapMs;
  };

  return {
    take() {
      const mine = tail.then(turn);
      tail = mine.catch(() => undefined);
      return mine;
    },
    pause(ms) {
      if (ms > 0) nextAt = Math.max(nextAt, now() + ms);
    },
  };
}
