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
    batchSize: 100,
    send: async (messages) => messages.map((m) => ({ ok: true, providerId: `outbox_${m.id}` })),
  };
}
