import { performance } from 'node:perf_hooks';

/**
 * Above this share of the event loop spent on other work, background work
 * waits. Half: 1,000 signups/s fill about a quarter of the loop, so steady
 * traffic never slows sending; a burst beyond twice that is served first, and
 * its confirmations follow a few seconds later (`npm run bench signup` prints
 * how long). At 85%, sending took a third of the loop in a burst, since the
 * share it left to requests never crossed the line.
 */
const BUSY = 0.5;
/** The window over which the share is measured. */
const WINDOW_MS = 50;
/**
 * However busy the server, background work advances at least once per this
 * long: a chunk of 16 every 50 ms is 320 emails/s, above Resend's 200/s, so a
 * burst of signups never holds offers back past what the provider would take.
 */
const MAX_WAIT_MS = 50;

let mark = performance.eventLoopUtilization();
let ours = 0;
let busy = false;

/**
 * Lets requests go first. Background work (rendering and dispatching a
 * backlog) calls this between chunks with the milliseconds its last chunk
 * took. It always yields one turn of the event loop; and while the rest of
 * the server keeps the loop more than half busy (a burst of signups), it waits
 * in steps up to 50 ms, so the backlog drains in the gaps rather than taking
 * CPU from requests. Messages are durable rows: lagging behind during a burst
 * loses nothing, and providers are rate-limited anyway.
 */
export async function giveWay(spentMs: number): Promise<void> {
  ours += spentMs;
  await new Promise((resolve) => setImmediate(resolve));
  for (let waited = 0; othersBusy() && waited < MAX_WAIT_MS; waited += WINDOW_MS) {
    await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
  }
}

/** Event-loop utilisation over the last window, our own chunks left out. */
function othersBusy(): boolean {
  const now = performance.eventLoopUtilization();
  const { active, idle } = performance.eventLoopUtilization(now, mark);
  if (active + idle < WINDOW_MS) return busy;
  // A long gap means we were not running: what filled it (a restock that queued
  // these very messages, say) says nothing about requests now. Start afresh.
  const stale = active + idle > 4 * WINDOW_MS;
  busy = !stale && (active - ours) / (active + idle) > BUSY;
  mark = now;
  ours = 0;
  return busy;
}
