import type { Channel, Message } from '../../db/schema/index.ts';

export type SendOutcome =
  | { ok: true; providerId: string }
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

/**
 * One way out for one channel. `send` gets at most `batchSize` messages and
 * returns one outcome per message, in order. `batchKey` is stable across
 * retries of the same group, so it doubles as the provider idempotency key.
 */
export interface Transport {
  readonly name: 'outbox' | 'resend' | 'twilio';
  readonly channel: Channel;
  readonly batchSize: number;
  send(messages: OutgoingMessage[], batchKey: string): Promise<SendOutcome[]>;
}

export type Transports = Record<Channel, Transport>;
