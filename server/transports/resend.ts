import { Resend, type CreateEmailOptions, type ErrorResponse } from 'resend';
import type { OutgoingMessage as Message } from './types.ts';
import type { Config } from '../config.ts';
import type { Clock } from '../lib/clock.ts';
import { createWindowPacer } from './pace.ts';
import type { SendOutcome, Transport } from './types.ts';

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
  // Resend counts arrivals in a sliding second, so we pace by its answers, not our starts.
  const pacer = createWindowPacer(config.rps, clock);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  async function request(messages: Message[], batchKey: string): Promise<SendOutcome[]> {
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      const [only] = messages;
      if (messages.length === 1 && only) {
        const res = await resend.emails.send(toEmail(only), { idempotencyKey: only.idempotencyKey, signal });
        if (res.error) return [fail(res.error, res.headers, signal)];
        return [{ ok: true, providerId: res.data.id }];
      }
      const res = await resend.batch.send(messages.map(toEmail), { idempotencyKey: batchKey, signal });
      if (res.error) return messages.map(() => fail(res.error, res.headers, signal));
      return messages.map((_, i): SendOutcome => {
        const id = res.data.data[i]?.id;
        // A replay of the same key returns the same list, so retrying cannot fill a gap.
        return id ? { ok: true, providerId: id } : { ok: false, retryable: false, error: 'resend: no id returned' };
      });
    } catch (err) {
      // The SDK rethrows only an abort that lands while it reads an error body.
      const error = signal.aborted ? `resend: timed out after ${timeoutMs} ms` : `resend: ${String(err)}`;
      return messages.map(() => ({ ok: false, retryable: true, error }));
    }
  }

  function fail(error: ErrorResponse, headers: Record<string, string> | null, signal: AbortSignal): Failure {
    const outcome = classifyResendError(error, headers, clock.now().getTime());
    if (signal.aborted) outcome.error = `resend: timed out after ${timeoutMs} ms`;
    if (error.name === 'rate_limit_exceeded' || (error.statusCode === 429 && !isQuota(error))) {
      pacer.pause(Math.min(outcome.retryAfterMs ?? DEFAULT_RETRY_MS, MAX_PACER_PAUSE_MS));
    }
    return outcome;
  }

  return {
    name: 'resend',
    channel: 'email',
    batchSize: BATCH_SIZE,
    async send(messages, batchKey) {
      if (messages.length === 0) return [];
      if (messages.length > BATCH_SIZE) {
        throw new Error(`resend transport got ${messages.length} messages; batchSize is ${BATCH_SIZE}`);
      }
      const answered = await pacer.take();
      try {
        return await request(messages, batchKey);
      } finally {
        answered();
      }
    },
  };
}

/** Null fields go through as empty strings so Resend answers 422 instead of us guessing. */
function toEmail(message: Message): CreateEmailOptions {
  return {
    from: message.from ?? '',
    to: [message.to],
    subject: message.subject ?? '',
    html: message.html ?? undefined,
    text: message.text,
    headers: message.headers,
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
  // 4xx: validation, auth, invalid_idempotent_request. Retrying sends the same thing.
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
