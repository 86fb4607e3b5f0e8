import type { Config } from '../config.ts';
import type { Clock } from '../lib/clock.ts';
import { createResendTransport } from './resend.ts';
import { createTwilioTransport } from './twilio.ts';
import type { Transport, Transports } from './types.ts';

/** A configured provider wins; without one, the channel falls back to the outbox. */
export function createTransports(
  config: Config,
  clock: Clock,
  outbox: { email: Transport; sms: Transport },
): Transports {
  return {
    email: config.resend ? createResendTransport(config.resend, clock) : outbox.email,
    sms: config.twilio ? createTwilioTransport(config.twilio, clock) : outbox.sms,
  };
}
