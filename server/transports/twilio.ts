import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';
import type { OutgoingMessage as Message } from './types.ts';
import type { Config } from '../config.ts';
import type { Clock } from '../lib/clock.ts';
import { createInFlight, createPacer } from './pace.ts';
import { accountOf, NOT_SENT, type SendOutcome, type Transport } from './types.ts';
import { countProvider429 } from '../metrics/registry.ts';

type TwilioConfig = NonNullable<Config['twilio']>;
type Failure = Extract<SendOutcome, { ok: false }>;

/** Twilio sends no Retry-After we can reach through the SDK; its windows are about a second. */
const DEFAULT_RETRY_MS = 1_000;
/** A sender's queue is full (21611): it drains at the number's MPS, so wait a while. */
const QUEUE_FULL_RETRY_MS = 60_000;
/** The SDK default, stated so the rebased client (which takes no ClientOpts) gets it too. */
const TIMEOUT_MS = 30_000;
/** Longer waits are the dispatcher's job (retryAfterMs), not a pacer stall. */
const MAX_PACER_PAUSE_MS = 60_000;
/** How far back a retry looks for its own earlier send (newest first; one number gets few texts). */
const RECENT_LIMIT = 50;

/**
 * `edge`/`region` can only rename the host within twilio.com, so a local stub
 * (TWILIO_API_URL) is reached by rewriting each request's origin here.
 */
class RebasedRequestClient extends twilio.RequestClient {
  readonly #base: string;

  constructor(apiUrl: string) {
    super({ timeout: TIMEOUT_MS });
    this.#base = apiUrl.replace(/\/+$/, '');
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    const uri = new URL(opts.uri);
    const rebased = uri.hostname.endsWith('twilio.com') ? `${this.#base}${uri.pathname}${uri.search}` : opts.uri;
    return super.request({ ...opts, uri: rebased });
  }
}

export function createTwilioTransport(config: TwilioConfig, clock: Clock): Transport {
  const client = twilio(config.accountSid, config.authToken, {
    httpClient: config.apiUrl ? new RebasedRequestClient(config.apiUrl) : undefined,
    timeout: TIMEOUT_MS,
  });
  // Twilio queues per sender and drains at its MPS: starts are spaced evenly, never bunched.
  const pacer = createPacer(config.mps, clock);
  const inFlight = createInFlight(config.mps);

  /**
   * Twilio takes no idempotency key. A message on its second attempt or later
   * may already have gone: a crash after Twilio accepted it, or an answer lost
   * to a timeout. So before sending it again we look among Twilio's latest
   * messages to that number for one with the same text, made since we wrote
   * ours; if it is there, that was our send.
   */
  async function sentBefore(message: Message): Promise<string | null> {
    const since = Math.floor(message.createdAt.getTime() / 1000) * 1000; // Twilio dates have whole seconds
    const recent = await client.messages.list({ to: message.to, limit: RECENT_LIMIT });
    return recent.find((m) => m.body === message.text && m.dateCreated.getTime() >= since)?.sid ?? null;
  }

  async function sendOne(message: Message): Promise<SendOutcome> {
    // A Messaging Service picks the sender from its pool; otherwise use our number.
    const sender = config.messagingServiceSid
      ? { messagingServiceSid: config.messagingServiceSid }
      : { from: message.from ?? config.from };
    try {
      const earlier = message.attempts > 1 ? await sentBefore(message) : null;
      if (earlier) return { ok: true, providerId: earlier };
      const created = await client.messages.create({ to: message.to, body: message.text, ...sender });
      return { ok: true, providerId: created.sid };
    } catch (err) {
      if (err instanceof twilio.RestException && (err.status === 429 || err.code === 20429)) countProvider429('twilio');
      const outcome = classifyTwilioError(err);
      if (outcome.retryAfterMs !== undefined) pacer.pause(Math.min(outcome.retryAfterMs, MAX_PACER_PAUSE_MS));
      return outcome;
    }
  }

  return {
    name: 'twilio',
    channel: 'sms',
    batchSize: 1,
    account: accountOf('twilio', config.accountSid),
    inFlight: () => inFlight.limit(),
    async send(messages, _batchKey, stop) {
      const outcomes: SendOutcome[] = [];
      // batchSize is 1, but a longer list is still answered one by one, in order.
      for (const message of messages) {
        await pacer.take();
        if (stop?.aborted) {
          outcomes.push({ ok: false, retryable: true, error: NOT_SENT });
          continue;
        }
        const started = clock.now().getTime();
        const outcome = await sendOne(message);
        inFlight.answered(clock.now().getTime() - started);
        outcomes.push(outcome);
      }
      return outcomes;
    },
  };
}

/** Twilio's SDK throws: RestException for an HTTP answer, an axios error for the network. */
export function classifyTwilioError(err: unknown): Failure {
  if (err instanceof twilio.RestException) {
    const { status, code } = err;
    const error = `twilio ${status}${code ? ` ${code}` : ''}: ${err.message}`;
    if (code === 21610) return { ok: false, retryable: false, optedOut: true, error };
    if (status === 429 || code === 20429) return { ok: false, retryable: true, error, retryAfterMs: DEFAULT_RETRY_MS };
    if (code === 21611) return { ok: false, retryable: true, error, retryAfterMs: QUEUE_FULL_RETRY_MS };
    if (status >= 500) return { ok: false, retryable: true, error };
    return { ok: false, retryable: false, error };
  }
  const error = `twilio: ${err instanceof Error ? err.message : String(err)}`;
  // Anything else that is not a transport failure (e.g. the SDK's own argument checks) will not heal.
  return { ok: false, retryable: isNetworkError(err), error };
}

function isNetworkError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'isAxiosError' in err && err.isAxiosError === true;
}
