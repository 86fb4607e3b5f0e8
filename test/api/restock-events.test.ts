import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setup, shopWithVariant, type TestEnv } from '../helpers.ts';

let t: TestEnv;
beforeEach(async () => {
  t = await setup({ WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0' });
});
afterEach(() => t.cleanup());

interface Sse {
  event?: string;
  data?: any;
  comment?: string;
}

/** Reads the stream as the dashboard does (fetch + a reader), one SSE block at a time. */
function sseReader(res: Response) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return {
    reader,
    /** The next block, or null when the server closed the stream. */
    async next(): Promise<Sse | null> {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const out: Sse = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) out.comment = line.slice(1).trim();
            else if (line.startsWith('event: ')) out.event = line.slice(7);
            else if (line.startsWith('data: ')) out.data = JSON.parse(line.slice(6));
          }
          return out;
        }
        const { done, value } = await reader.read();
        if (done) return null;
        buffer += decoder.decode(value, { stream: true });
      }
    },
  };
}

async function restocked() {
  const shop = await shopWithVariant(t);
  for (let i = 0; i < 4; i++) await shop.signup({ email: `p${i}@example.com` });
  await t.dispatch();
  const id = (await shop.admin('POST', '/v1/admin/variants/4401/inventory', { available: 2 })).body.restockId as number;
  const open = () => t.app.request(`/v1/admin/restocks/${id}/events`, { headers: { authorization: `Bearer ${shop.sk}` } });
  return { shop, id, open };
}

const done = { offers: 2, messages: { total: 4, queued: 0, sent: 4, failed: 0 }, percent: 100, done: true };

describe('GET /v1/admin/restocks/:id/events', () => {
  it('streams the progress, then done, then closes', async () => {
    const { open } = await restocked();
    await t.dispatch();
    const res = await open();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const sse = sseReader(res);
    expect(await sse.next()).toEqual({ event: 'progress', data: done });
    expect(await sse.next()).toEqual({ event: 'done', data: done });
    expect(await sse.next()).toBeNull();
  });

  it('follows the dispatcher while it sends, with a heartbeat while nothing changes', async () => {
    const { open } = await restocked();
    const sse = sseReader(await open());
    expect(await sse.next()).toEqual({ event: 'progress', data: { offers: 2, messages: { total: 4, queued: 4, sent: 0, failed: 0 }, percent: 0, done: false } });
    // The test clock jumps on every poll, so quiet polling soon reaches a heartbeat.
    expect(await sse.next()).toEqual({ comment: 'keepalive' });
    await t.dispatch();
    const events: Sse[] = [];
    for (let e = await sse.next(); e; e = await sse.next()) if (!e.comment) events.push(e);
    expect(events).toEqual([
      { event: 'progress', data: done },
      { event: 'done', data: done },
    ]);
  });

  it('stops polling when the client goes away', async () => {
    const { open } = await restocked();
    const sse = sseReader(await open());
    expect((await sse.next())?.event).toBe('progress');
    await sse.reader.cancel();
    const at = t.clock.now().getTime();
    await new Promise((resolve) => setTimeout(resolve, 20));
    // The test clock moves only when the stream polls: it stood still.
    expect(t.clock.now().getTime() - at).toBeLessThanOrEqual(200);
  });

  it('ends after ten minutes without done, so a forgotten tab does not poll for ever', async () => {
    const { open } = await restocked();
    const started = t.clock.now().getTime();
    const sse = sseReader(await open());
    const events: Sse[] = [];
    for (let e = await sse.next(); e; e = await sse.next()) events.push(e);
    expect(events.filter((e) => e.event)).toEqual([{ event: 'progress', data: expect.objectContaining({ done: false }) }]);
    // One every 15 s, at 15 s … 585 s; at 600 s the cap ends the stream instead.
    expect(events.filter((e) => e.comment)).toHaveLength(39);
    expect(t.clock.now().getTime() - started).toBe(10 * 60_000);
    // Ten minutes of test-clock polls, a few queries each: on PostgreSQL beside other suites, more than the default 20 s.
  }, 60_000);
});
