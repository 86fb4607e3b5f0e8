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

/** Spaces request starts evenly at `perSecond`; 0 (or less) means unpaced. Twilio's queue drains evenly, so it is fed evenly. */
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

/** What one answer said about the provider's window (Resend's `ratelimit-*` and `retry-after` headers), in ms where a time. */
export interface RateLimitReport {
  limit?: number;
  remaining?: number;
  resetMs?: number;
  retryAfterMs?: number;
}

/** One request's place in the window. */
export interface Turn {
  /** When it started (clock ms). */
  startedAt: number;
  /**
   * Call once, when its answer is in (with what the answer said) or the request
   * has given up (without): the provider has seen it by then, if ever.
   */
  answered(report?: RateLimitReport): void;
}

export interface WindowPacer {
  /** Resolves with the request's turn when it may start; callers are served in order. */
  take(): Promise<Turn>;
  pause(ms: number): void;
}

/** Jitter between our clock and the provider's arrivals: starts are spaced 2% wider than its window. */
const WINDOW_SAFETY = 1.02;
/** Round trips remembered; their minimum is the path's own delay, free of our busy moments. */
const SAMPLES = 16;
/**
 * Answers heard before that minimum is trusted. The first requests of a
 * process all open connections and are all slow, so none of them can say how
 * fast the path is; until then each counts as arrived when answered.
 */
const TRUSTED_AFTER = 4;

interface Start {
  at: number;
  answeredAt: number | null;
  answer: Promise<void>;
  settle(): void;
}

/**
 * For a provider that counts arrivals in a sliding window (Resend: 2 requests
 * in any second). Request i starts a window (plus 2%) after request i − limit
 * arrived: the provider's own rule, kept by starts rather than answers, so the
 * round trip costs nothing.
 *
 * When a request arrived is known only within its round trip: it may leave
 * late (a new connection's handshakes, serialising 100 emails, a busy event
 * loop). So it counts as arrived at its start plus however much longer than
 * the fastest recent round trip it took: on time for a normal request, and
 * late by its whole delay for a slow one, which keeps a late arrival from
 * crowding the window. So request i − limit must be answered before request i
 * starts: free while the round trip is shorter than the window (a second at
 * Resend); a provider farther away is paced by its answers.
 *
 * Every answer says what the provider counted. A lower `ratelimit-limit` is
 * adopted. Fewer `ratelimit-remaining` than our own starts explain means
 * someone else spends the same account: the difference counts as requests
 * started now, and at 0 nothing starts before `ratelimit-reset`. A 429's
 * `retry-after` pauses every start.
 */
export function createWindowPacer(perSecond: number, clock: Clock): WindowPacer {
  let limit = Math.max(1, Math.floor(perSecond));
  let windowMs = (1000 * limit) / perSecond;
  const now = () => clock.now().getTime();
  // Our recent starts (and the provider's unexplained ones), oldest first.
  const starts: Start[] = [];
  const rtts: number[] = [];
  let pausedUntil = -Infinity;
  let tail: Promise<unknown> = Promise.resolve();

  const fastest = () => (rtts.length < TRUSTED_AFTER ? 0 : Math.min(...rtts));
  const arrivedBy = (s: Start, answeredAt: number) => Math.max(s.at, answeredAt - fastest());

  const record = (at: number, answeredAt: number | null): Start => {
    let settle!: () => void;
    const answer = new Promise<void>((resolve) => (settle = resolve));
    const start: Start = { at, answeredAt, answer, settle };
    starts.push(start);
    // Enough history to explain any answer still in flight; the window itself needs `limit`.
    if (starts.length > limit * 4 + 16) starts.shift();
    return start;
  };

  const turn = async (): Promise<Turn> => {
    // Loop because an answer, a report or a pause may move the next start while we wait.
    for (;;) {
      const back = starts.length >= limit ? starts[starts.length - limit]! : null;
      if (back && back.answeredAt === null) {
        await back.answer;
        continue;
      }
      const crowding = back ? arrivedBy(back, back.answeredAt!) + windowMs * WINDOW_SAFETY : -Infinity;
      const wait = Math.max(crowding, pausedUntil) - now();
      if (wait <= 0) break;
      await clock.sleep(wait);
    }
    const start = record(now(), null);
    let done = false;
    return {
      startedAt: start.at,
      answered(report) {
        if (done) return;
        done = true;
        start.answeredAt = now();
        if (report) {
          rtts.push(start.answeredAt - start.at);
          if (rtts.length > SAMPLES) rtts.shift();
          heard(start.at, report);
        }
        start.settle();
      },
    };
  };

  const pause = (ms: number) => {
    if (ms > 0) pausedUntil = Math.max(pausedUntil, now() + ms);
  };
  /** Our starts the provider's window held when request `startedAt` arrived, itself included. */
  const oursInWindow = (startedAt: number) => starts.filter((s) => s.at > startedAt - windowMs && s.at <= startedAt).length;

  function heard(startedAt: number, report: RateLimitReport) {
    if (report.retryAfterMs !== undefined) pause(report.retryAfterMs);
    if (report.limit !== undefined && report.limit >= 1 && report.limit < limit) {
      limit = Math.floor(report.limit);
      windowMs = 1000;
    }
    if (report.remaining === undefined) return;
    const foreign = limit - oursInWindow(startedAt) - report.remaining;
    for (let i = 0; i < foreign; i++) record(now(), now()).settle();
    if (foreign > 0 && report.remaining <= 0 && report.resetMs !== undefined) pause(report.resetMs);
  }

  return {
    take() {
      if (perSecond <= 0) return Promise.resolve({ startedAt: now(), answered: () => {} });
      const mine = tail.then(turn);
      tail = mine.catch(() => undefined);
      return mine;
    },
    pause,
  };
}

/** Batches in flight beyond what the fastest round trip asks for: answers vary, and a claim costs a little too. */
const HEADROOM = 1.5;
/** However far the provider, this many batches out at once are plenty (leases run while batches wait). */
const MAX_IN_FLIGHT = 8;
export interface InFlight {
  /** A request that was answered took `ms`. */
  answered(ms: number): void;
  /** Batches worth having claimed and out at once: 1 until a round trip is longer than a start's slot. */
  limit(): number;
}

/**
 * With starts paced, a provider one round trip away needs `rate × RTT` requests
 * in flight to keep the pace: one at a time, each waits for the last answer.
 * Only then does the dispatcher claim ahead; near providers get one batch at a
 * time, as before, so a crash leaves at most one batch leased.
 */
export function createInFlight(perSecond: number): InFlight {
  const rtts: number[] = [];
  return {
    answered(ms) {
      rtts.push(ms);
      if (rtts.length > SAMPLES) rtts.shift();
    },
    limit() {
      if (perSecond <= 0 || rtts.length === 0) return 1;
      const fastest = Math.min(...rtts);
      return Math.min(MAX_IN_FLIGHT, Math.max(1, Math.ceil((fastest * HEADROOM * perSecond) / 1000)));
    },
  };
}
