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

/** Called when a request has its answer (or has given up): the provider has seen it by then. */
export type Release = () => void;

export interface WindowPacer {
  /** Resolves when the next request may start; call the release when its answer is in. */
  take(): Promise<Release>;
  pause(ms: number): void;
}

/**
 * For a provider that counts arrivals in a sliding window (Resend: 2 requests
 * in any second). Spacing our starts cannot guarantee that: a request that
 * leaves late (a cold socket, GC, a busy core) arrives close to the next one.
 * What we do know is that the provider saw a request before we got its answer,
 * so request i starts no sooner than `windowMs` after request i − limit was
 * answered. That never crowds the window, whatever the jitter, and costs one
 * round trip per window; a request delayed on our side is made up by the next.
 */
export function createWindowPacer(perSecond: number, clock: Clock): WindowPacer {
  const limit = Math.max(1, Math.floor(perSecond));
  const windowMs = (1000 * limit) / perSecond;
  const now = () => clock.now().getTime();
  // When each of the last `limit` requests was answered (a promise while in flight).
  const answered: Array<Promise<number>> = Array.from({ length: limit }, () => Promise.resolve(-Infinity));
  let turn = 0;
  let pausedUntil = -Infinity;
  let tail: Promise<unknown> = Promise.resolve();

  const next = async (): Promise<Release> => {
    const slot = turn++ % limit;
    const earliest = (await answered[slot]!) + windowMs;
    for (let wait = Math.max(earliest, pausedUntil) - now(); wait > 0; wait = Math.max(earliest, pausedUntil) - now()) await clock.sleep(wait);
    let release!: Release;
    answered[slot] = new Promise<number>((resolve) => (release = () => resolve(now())));
    return release;
  };

  return {
    take() {
      if (perSecond <= 0) return Promise.resolve(() => {});
      const mine = tail.then(next);
      tail = mine.catch(() => undefined);
      return mine;
    },
    pause(ms) {
      if (ms > 0) pausedUntil = Math.max(pausedUntil, now() + ms);
    },
  };
}
