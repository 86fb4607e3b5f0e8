import type { Channel } from '../../db/schema/index.ts';
import type { Transport } from './types.ts';

/**
 * The transport when no provider is configured: the message row already holds
 * the rendered message, so "sending" only marks it sent, and the dashboard and
 * `GET /v1/admin/messages` show it like a local mail catcher.
 */
export function createOutboxTransport(channel: Channel): Transport {
  return {
    name: 'outbox',
    channel,
    // Nothing to save by batching here, and a claim holds the event loop for
    // its whole batch: small batches keep storefront p99 low during a backlog.
    batchSize: 16,
    send: async (messages) => messages.map((m) => ({ ok: true, providerId: `outbox_${m.id}` })),
  };
}
