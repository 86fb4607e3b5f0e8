import { Resend, type CreateEmailOptions, type ErrorResponse } from 'resend';
import type { OutgoingMessage as Message } from './types.ts';
import type { Config } from '../config.ts';
import type { Clock } from '../lib/clock.ts';
import { createInFlight, createWindowPacer, type RateLimitReport } from './pace.ts';
import { accountOf, NOT_SENT, type SendOutcome, type Transport } from './types.ts';
import { countProvider429 } from '../metrics/registry.ts';

type Failure = Extract<SendOutcome, { ok: false }>;

/** Resend's batch endpoint takes at most 100 emails. */
const BATCH_SIZE = 100;
/** A 429 without a usable Retry-After: Resend's windows are one second. */
const DEFAULT_RETRY_MS = 1_000;
/** Quota errors reset daily or monthly; try again in an hour rather than hammer. */
const QUOTA_RETRY_MS = 60 * 60_000;
/** Longer pauses are the dispatcher's job (retryAfterMs), not a pacer stall. */
const MAX_PACER_PAUSE_MS = 60_000;
/** The SDK's fetch has no timeout of its own; a hung request would hold the lease forever. */
const DEFAULT_TIMEOUT_MS = 30_000;

export interface ResendTransportOptions {
  timeoutMs?: number;
}

export function createResendTransport(
  config: NonNullable<Config['resend']>,
  clock: Clock,
  options: ResendTransportOptions = {},
): Transport {
  const resend = config.baseUrl ? new Resend(config.apiKey, { baseUrl: config.baseUrl }) : new Resend(config.apiKey);
  // Resend counts arrivals in a sliding second: starts are paced by that window, checked against its headers.
  const pacer = createWindowPacer(config.rps, clock);
  const inFlight = createInFlight(config.rps);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  async function request(messages: Message[], batchKey: string): Promise<Answer> {
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      const [only] = messages;
      // A batch claimed alone is keyed by its message (claim.ts); one that shrank to one member keeps its batch key and endpoint.
      if (messages.length === 1 && only && batchKey === only.idempotencyKey) {
        const res = await resend.emails.send(toEmail(only), { idempotencyKey: only.idempotencyKey, signal });
        if (res.error) return failed(messages, res.error, res.headers, signal);
        return { headers: res.headers, outcomes: [{ ok: true, providerId: res.data.id }] };
      }
      const res = await resend.batch.send(messages.map(toEmail), { idempotencyKey: batchKey, signal });
      if (res.error) return failed(messages, res.error, res.headers, signal);
      const outcomes = messages.map((_, i): SendOutcome => {
        const id = res.data.data[i]?.id;
        // A replay of the same key returns the same list, so retrying cannot fill a gap.
        return id ? { ok: true, providerId: id } : { ok: false, retryable: false, error: 'resend: no id returned' };
      });
      return { headers: res.headers, outcomes };
    } catch (err) {
      // The SDK rethrows only an abort that lands while it reads an error body.
      const error = signal.aborted ? `resend: timed out after ${timeoutMs} ms` : `resend: ${String(err)}`;
      return { headers: null, outcomes: messages.map(() => ({ ok: false, retryable: true, error })) };
    }
  }

  function failed(messages: Message[], error: ErrorResponse, headers: Record<string, string> | null, signal: AbortSignal): Answer {
    // Resend keeps a key only for a request it accepted. A batch re-sent after an answer we never
    // read can come back smaller (a member suppressed meanwhile, never added: claim.ts), so a
    // different payload under its key means the first request, with everyone here in it, went out.
    if (error.name === 'invalid_idempotent_request') return { headers, outcomes: messages.map(() => ({ ok: true, providerId: null })) };
    const outcome = classifyResendError(error, headers, clock.now().getTime());
    if (signal.aborted) outcome.error = `resend: timed out after ${timeoutMs} ms`;
    const throttled = error.name === 'rate_limit_exceeded' || (error.statusCode === 429 && !isQuota(error));
    if (error.statusCode === 429 || error.name === 'rate_limit_exceeded') countProvider429('resend');
    return {
      headers,
      outcomes: messages.map(() => ({ ...outcome })),
      pauseMs: throttled ? Math.min(outcome.retryAfterMs ?? DEFAULT_RETRY_MS, MAX_PACER_PAUSE_MS) : undefined,
    };
  }

  return {
    name: 'resend',
    channel: 'email',
    batchSize: BATCH_SIZE,
    account: accountOf('resend', config.apiKey),
    inFlight: () => inFlight.limit(),
    async send(messages, batchKey, stop) {
      if (messages.length === 0) return [];
      if (messages.length > BATCH_SIZE) {
        throw new Error(`resend transport got ${messages.length} messages; batchSize is ${BATCH_SIZE}`);
      }
      const turn = await pacer.take();
      if (stop?.aborted) {
        turn.answered();
        return messages.map(() => ({ ok: false, retryable: true, error: NOT_SENT }));
      }
      const answer = await request(messages, batchKey);
      if (answer.headers) {
        inFlight.answered(clock.now().getTime() - turn.startedAt);
        turn.answered({ ...rateLimitReport(answer.headers), retryAfterMs: answer.pauseMs });
      } else {
        turn.answered();
        if (answer.pauseMs !== undefined) pacer.pause(answer.pauseMs);
      }
      return answer.outcomes;
    },
  };
}

/** An HTTP answer's outcomes and headers (null without one), and how long a 429 holds every later request. */
interface Answer {
  outcomes: SendOutcome[];
  headers: Record<string, string> | null;
  pauseMs?: number;
}

/** Resend's `ratelimit-limit`, `ratelimit-remaining` and `ratelimit-reset` (seconds), as the pacer reads them. */
export function rateLimitReport(headers: Record<string, string>): RateLimitReport {
  const number = (name: string) => {
    const raw = headers[name];
    const n = raw === undefined || raw === '' ? NaN : Number(raw);
    return Number.isFinite(n) && n >= 0 ? n : undefined;
  };
  const reset = number('ratelimit-reset');
  return { limit: number('ratelimit-limit'), remaining: number('ratelimit-remaining'), resetMs: reset === undefined ? undefined : reset * 1000 };
}

/**
 * Null fields go through as empty strings so Resend answers 422 instead of us
 * guessing. A stored Reply-To header goes as Resend's own `replyTo` field.
 */
function toEmail(message: Message): CreateEmailOptions {
  const { 'Reply-To': replyTo, ...headers } = message.headers;
  return {
    from: message.from ?? '',
    to: [message.to],
    ...(replyTo ? { replyTo } : {}),
    subject: message.subject ?? '',
    html: message.html ?? undefined,
    text: message.text,
    headers,
  };
}

const isQuota = (error: ErrorResponse) =>
  error.name === 'daily_quota_exceeded' || error.name === 'monthly_quota_exceeded';

/**
 * The SDK never throws for HTTP errors. On a JSON error body, `error` IS that body,
 * so `statusCode` is whatever Resend wrote there (it always writes the HTTP status).
 * A non-JSON body gets `application_error` with the real HTTP status; a network
 * failure gets `application_error`, `statusCode: null` and `headers: null`.
 */
export function classifyResendError(
  error: ErrorResponse,
  headers: Record<string, string> | null,
  nowMs: number,
): Failure {
  const status = typeof error.statusCode === 'number' ? error.statusCode : null;
  const name = typeof error.name === 'string' ? error.name : 'unknown_error';
  const message = `resend ${status ?? 'network'} ${name}: ${error.message ?? ''}`.trim();
  const retryAfterMs = parseRetryAfter(headers, nowMs);

  if (isQuota(error)) return { ok: false, retryable: true, error: message, retryAfterMs: retryAfterMs ?? QUOTA_RETRY_MS };
  if (name === 'rate_limit_exceeded' || status === 429) {
    return { ok: false, retryable: true, error: message, retryAfterMs: retryAfterMs ?? DEFAULT_RETRY_MS };
  }
  // Another request with this key is still in flight; its answer will be replayed to us.
  if (name === 'concurrent_idempotent_requests') {
    return { ok: false, retryable: true, error: message, retryAfterMs: retryAfterMs ?? DEFAULT_RETRY_MS };
  }
  // No status means no HTTP answer we can read (network, timeout, odd body): try again.
  if (status === null || status >= 500) {
    return retryAfterMs === undefined
      ? { ok: false, retryable: true, error: message }
      : { ok: false, retryable: true, error: message, retryAfterMs };
  }
  // 4xx: validation, auth. Retrying sends the same thing.
  return { ok: false, retryable: false, error: message };
}

/** `retry-after` is seconds or an HTTP date; `ratelimit-reset` is seconds. */
export function parseRetryAfter(headers: Record<string, string> | null, nowMs: number): number | undefined {
  const raw = headers?.['retry-after'] ?? headers?.['ratelimit-reset'];
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000));
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
