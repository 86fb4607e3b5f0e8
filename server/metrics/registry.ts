import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/**
 * One registry per process: counters count what this process did, so each
 * replica is scraped on its own and Prometheus sums them. The gauges read
 * from the database (./gauges.ts) say the same on every replica.
 */
export const registry = new Registry();

// Memory, CPU, event-loop delay and handles: what an operator looks at first.
collectDefaultMetrics({ register: registry });

export const requests = new Counter({
  name: 'waitline_http_requests_total',
  help: 'HTTP requests answered, by method, route pattern and status class',
  labelNames: ['method', 'route', 'status'] as const,
  registers: [registry],
});

export const requestSeconds = new Histogram({
  name: 'waitline_http_request_duration_seconds',
  help: 'Time to answer an HTTP request (until the handler returned), by method and route pattern',
  labelNames: ['method', 'route'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

const signups = new Counter({
  name: 'waitline_signups_total',
  help: 'Places taken in a line from the storefront, by kind (waitlist, preorder, backorder)',
  labelNames: ['kind'] as const,
  registers: [registry],
});

const throttled = new Counter({
  name: 'waitline_provider_429_total',
  help: 'Answers of 429 (too many requests) from an email or SMS provider',
  labelNames: ['provider'] as const,
  registers: [registry],
});
// Both providers are always listed, so a rate() over them starts from 0, not from the first 429.
for (const provider of ['resend', 'twilio']) throttled.inc({ provider }, 0);

/** A new place in a line (not a repeat of one the contact holds). */
export const countSignup = (kind: string) => signups.inc({ kind });

/** A provider answered 429: counted once per HTTP answer, however many messages it carried. */
export const countProvider429 = (provider: 'resend' | 'twilio') => throttled.inc({ provider });

/** `200` → `2xx`: the label a dashboard groups by, with few values. */
export const statusClass = (status: number) => `${Math.floor(status / 100)}xx`;

/** Counts and times one answered request. */
export function observeRequest(r: { method: string; route: string; status: number; ms: number }) {
  requests.inc({ method: r.method, route: r.route, status: statusClass(r.status) });
  requestSeconds.observe({ method: r.method, route: r.route }, r.ms / 1000);
}
