import { describe, expect, it } from 'vitest';
import { createTestClock } from '../server/lib/clock.ts';
import { createPacer, createWindowPacer } from '../server/transports/pace.ts';

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

describe('window pacer', () => {
  const startsWith = async (perSecond: number, latencies: number[]) => {
    const clock = createTestClock();
    const pacer = createWindowPacer(perSecond, clock);
    const t0 = clock.now().getTime();
    const starts: number[] = [];
    // Sequential like the dispatcher: each request is answered `latency` ms after it starts.
    for (const latency of latencies) {
      const answered = await pacer.take();
      starts.push(clock.now().getTime() - t0);
      await clock.sleep(latency);
      answered();
    }
    return starts;
  };

  it('starts request i a window after request i − limit was answered', async () => {
    expect(await startsWith(2, [40, 40, 40, 40, 40])).toEqual([0, 40, 1040, 1080, 2080]);
  });

  it('a late answer delays only the slot it holds', async () => {
    expect(await startsWith(2, [300, 10, 10, 10])).toEqual([0, 300, 1300, 1310]);
  });

  it('below one request a second, the window widens', async () => {
    expect(await startsWith(0.5, [10, 10])).toEqual([0, 2010]);
  });

  it('waits for an unanswered request, and for a pause', async () => {
    const clock = createTestClock();
    const pacer = createWindowPacer(1, clock);
    const t0 = clock.now().getTime();
    const first = await pacer.take();
    let second = false;
    const next = pacer.take().then((answered) => ((second = true), answered));
    await new Promise((r) => setTimeout(r, 10));
    expect(second).toBe(false);
    pacer.pause(5_000);
    first();
    (await next)();
    expect(clock.now().getTime() - t0).toBe(5_000);
  });
});
