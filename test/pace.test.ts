import { describe, expect, it } from 'vitest';
import { createTestClock } from '../server/lib/clock.ts';
import { createInFlight, createPacer, createWindowPacer, type RateLimitReport } from '../server/transports/pace.ts';

describe('pacer', () => {
  it('spaces starts 1000/perSecond apart plus the margin, in call order', async () => {
    const clock = createTestClock();
    const pacer = createPacer(2, clock);
    const t0 = clock.now().getTime();
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3].map((i) => pacer.take().then(() => order.push(clock.now().getTime() - t0))));
    expect(order).toEqual([0, 510, 1020, 1530]);
  });

  it('pause pushes the next slot out', async () => {
    const clock = createTestClock();
    const pacer = createPacer(10, clock);
    const t0 = clock.now().getTime();
    await pacer.take();
    pacer.pause(1_000);
    await pacer.take();
    expect(clock.now().getTime() - t0).toBe(1_000);
  });
});

describe('window pacer: starts, checked against the provider\'s answers', () => {
  /** A pacer that has heard enough answers `rtt` ms after their starts to trust that as the path's round trip; times from now on. */
  const started = async (perSecond: number, rtt = 100) => {
    const clock = createTestClock();
    const pacer = createWindowPacer(perSecond, clock);
    for (let i = 0; i < 4; i++) {
      const turn = await pacer.take();
      clock.advance(rtt);
      turn.answered({});
    }
    clock.advance(10_000);
    const t0 = clock.now().getTime();
    return { clock, pacer, t0, at: () => clock.now().getTime() - t0 };
  };
  type Paced = Awaited<ReturnType<typeof started>>;
  /** One request at `perSecond`, answered `rtt` ms after it starts with `report`: when (ms) the next one may start. */
  async function nextAfter(perSecond: number, rtt: number, report: RateLimitReport): Promise<number> {
    const { clock, pacer, at } = await started(perSecond);
    const first = await pacer.take();
    clock.advance(rtt);
    first.answered(report);
    await pacer.take();
    return at();
  }
  /** `n` requests one after another, as the dispatcher sends with one batch out: each answered `rtt` ms after it starts. */
  async function fanOut({ pacer, t0, clock }: Paced, n: number, rtt: number, report: RateLimitReport = {}) {
    const starts: number[] = [];
    for (let i = 0; i < n; i++) {
      const turn = await pacer.take();
      starts.push(turn.startedAt - t0);
      clock.advance(rtt);
      turn.answered(report);
    }
    return starts;
  }

  it('lets `limit` requests start in any window (plus 2%); a 150 ms round trip costs nothing', async () => {
    expect(await fanOut(await started(2, 150), 6, 150)).toEqual([0, 150, 1020, 1170, 2040, 2190]);
  });

  it('keeps ≥ 95% of the limit in the long run at 150 ms', async () => {
    const starts = await fanOut(await started(2, 150), 200, 150);
    // 200 requests, the last one holding its half-second slot of the window.
    const share = 200 / ((starts.at(-1)! + 500) / 500);
    expect(share).toBeGreaterThan(0.95);
  });

  it('below one request a second, the window widens', async () => {
    expect(await fanOut(await started(0.5, 10), 2, 10)).toEqual([0, 2040]);
  });

  it('a request answered late counts as arrived late: the request `limit` back waits for it', async () => {
    // The path's round trip is 100 ms.
    const { pacer, clock } = await started(2, 100);
    const slow = await pacer.take(); // left 300 ms late: answered after 400 ms
    const quick = await pacer.take();
    clock.advance(400);
    slow.answered({});
    quick.answered({});
    const third = await pacer.take();
    expect(third.startedAt - slow.startedAt).toBe(300 + 1020);
  });

  it('a new pacer, before it trusts a round trip, counts each request as arrived when answered (cold connections)', async () => {
    const clock = createTestClock();
    const pacer = createWindowPacer(2, clock);
    const t0 = clock.now().getTime();
    const [a, b] = [await pacer.take(), await pacer.take()];
    clock.advance(200);
    a.answered({});
    b.answered({});
    expect((await pacer.take()).startedAt - t0).toBe(200 + 1_020);
  });

  it('an unanswered request holds its slot until its answer is in, and counts as arrived as late as that allows', async () => {
    const { pacer, clock, at } = await started(1);
    const first = await pacer.take();
    let second = false;
    const next = pacer.take().then((turn) => ((second = true), turn));
    await new Promise((r) => setTimeout(r, 10));
    expect(second).toBe(false);
    clock.advance(3_000);
    first.answered({});
    await next;
    // Answered at 3,000 on a 100 ms path: arrived by 2,900.
    expect(at()).toBe(2_900 + 1_020);
  });

  it('a retry-after holds every later start', async () => {
    expect(await nextAfter(10, 150, { retryAfterMs: 5_000 })).toBe(5_150);
  });

  it('an answer that counts only our own starts changes nothing', async () => {
    expect(await nextAfter(2, 150, { limit: 2, remaining: 1, resetMs: 1_000 })).toBe(150);
  });

  it('remaining at 0 before our starts explain it (another sender on the account): nothing starts before the reset', async () => {
    expect(await nextAfter(2, 150, { limit: 2, remaining: 0, resetMs: 1_000 })).toBe(1_150);
  });

  it('fewer remaining than ours explain: the difference counts as a start of now', async () => {
    const { clock, pacer, at } = await started(3);
    const first = await pacer.take();
    clock.advance(100);
    // Ours explain 1 of 3; the provider counts 2: one more is someone else's.
    first.answered({ limit: 3, remaining: 1, resetMs: 1_000 });
    (await pacer.take()).answered();
    expect(at()).toBe(100);
    await pacer.take();
    expect(at()).toBe(1_020);
  });

  it('adopts a lower ratelimit-limit than configured', async () => {
    const { clock, pacer, at } = await started(5);
    const first = await pacer.take();
    clock.advance(100);
    first.answered({ limit: 2, remaining: 1, resetMs: 1_000 });
    (await pacer.take()).answered();
    expect(at()).toBe(100);
    await pacer.take();
    expect(at()).toBe(1_020);
  });
});

describe('in flight', () => {
  it('one batch at a time until a round trip outlasts a start\'s slot', () => {
    const near = createInFlight(50);
    expect(near.limit()).toBe(1);
    near.answered(8);
    expect(near.limit()).toBe(1);
    const far = createInFlight(10);
    far.answered(900);
    far.answered(150);
    // 10 a second, 150 ms away (its fastest): 1.5 requests out, with headroom 2.25 → 3.
    expect(far.limit()).toBe(3);
  });
});
