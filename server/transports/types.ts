import { createHash } from 'node:crypto';
import type { Channel, Message } from '../../db/schema/index.ts';

export type SendOutcome =
  /** `providerId` null: accepted earlier under this key, the id unknown (Resend's 409 for a re-sent batch). */
  | { ok: true; providerId: string | null }
  | {
      ok: false;
      /** Worth trying again later (429, 5xx, network); otherwise the message fails. */
      retryable: boolean;
      error: string;
      /** The provider asked us to wait this long before the next request. */
      retryAfterMs?: number;
      /** The recipient has opted out at the provider (Twilio 21610): suppress the channel. */
      optedOut?: boolean;
    };

/** A claimed message, rendered: what a transport sends. */
export type OutgoingMessage = Message & { text: string };

/** `provider:` and a hash of the credential that names the account: one lock per account, and the secret never leaves. */
export const accountOf = (provider: string, credential: string) =>
  `${provider}:${createHash('sha256').update(credential).digest('hex').slice(0, 16)}`;

/** The outcome of a message a transport did not send because `send`'s signal was aborted before its turn. */
export const NOT_SENT = 'not sent: this process stopped dispatching for the provider account';

/**
 * One way out for one channel. `send` gets at most `batchSize` messages and
 * returns one outcome per message, in order. `batchKey` is stable across
 * retries of the same group, so it doubles as the provider idempotency key.
 * A signal aborted while the batch waits for its turn keeps it from leaving:
 * its outcomes are retryable failures with the error `NOT_SENT`.
 */
export interface Transport {
  readonly name: 'outbox' | 'resend' | 'twilio';
  readonly channel: Channel;
  readonly batchSize: number;
  /**
   * Whom the provider's rate limit counts against (a hash of the API key or
   * account, never the secret itself). On PostgreSQL one replica at a time
   * dispatches per account, so its pacing holds across the fleet. Absent: no
   * shared limit (the outbox), every replica may send.
   */
  readonly account?: string;
  /** Batches worth having claimed and unsettled at once (default 1); see pace.ts createInFlight. */
  inFlight?(): number;
  send(messages: OutgoingMessage[], batchKey: string, signal?: AbortSignal): Promise<SendOutcome[]>;
}

export type Transports = Record<Channel, Transport>;
