import { and, eq, isNull, or, sql } from 'drizzle-orm';
import { Resend } from 'resend';
import { contacts, messages, webhookEvents } from '../../../db/schema/index.ts';
import { transaction } from '../../../db/transaction.ts';
import type { Deps } from '../../context.ts';
import { recordEngagement } from '../messages/track.ts';
import { Unauthorized } from '../../lib/errors.ts';
import { queueEmailReply } from '../replies/email.ts';

export interface ResendEvent {
  type: string;
  data: { email_id?: string; bounce?: { type?: string }; from?: string; to?: string[]; received_for?: string[] };
}

/** Standard Webhooks verification through the SDK's own `webhooks.verify` (5-minute tolerance). */
export function verifyResend(deps: Pick<Deps, 'config'>, headers: { id?: string; timestamp?: string; signature?: string }, rawBody: string): ResendEvent {
  const secret = deps.config.resendWebhookSecret;
  if (!secret || !headers.id || !headers.timestamp || !headers.signature) throw Unauthorized('Webhook signature could not be verified');
  try {
    // verify() needs no API call; the key only satisfies the constructor.
    const resend = new Resend(deps.config.resend?.apiKey ?? 're_verify_only');
    return resend.webhooks.verify({ payload: rawBody, headers: { id: headers.id, timestamp: headers.timestamp, signature: headers.signature }, webhookSecret: secret }) as ResendEvent;
  } catch {
    throw Unauthorized('Webhook signature could not be verified');
  }
}

const STATUS: Record<string, 'delivered' | 'failed' | 'bounced'> = { 'email.delivered': 'delivered', 'email.failed': 'failed', 'email.bounced': 'bounced' };

/**
 * One verified event, once (by svix-id): opens and clicks feed the follow-up
 * rule and the funnel; delivered, failed and bounced set the status; a hard
 * bounce or a complaint stops email to that contact for that shop.
 */
export function receiveResend(deps: Deps, deliveryId: string, event: ResendEvent): Promise<'applied' | 'duplicate' | 'ignored'> {
  if (event.type === 'email.received') return receiveReply(deps, deliveryId, event);
  return transaction(deps.db, async (tx) => {
    const now = deps.clock.now();
    const emailId = event.data?.email_id;
    const [message] = emailId ? await tx.select().from(messages).where(eq(messages.providerId, emailId)).orderBy(messages.id).limit(1) : [];
    const [row] = await tx
      .insert(webhookEvents)
      .values({ source: 'resend', deliveryId, shopId: message?.shopId ?? null, topic: event.type, payload: event as never, receivedAt: now })
      .onConflictDoNothing()
      .returning({ id: webhookEvents.id });
    if (!row) return 'duplicate';
    if (!message) {
      deps.log('resend event for an unknown message ignored', { type: event.type, email: event.data?.email_id });
      return 'ignored';
    }
    const set = async (fields: Partial<typeof messages.$inferInsert>) => void (await tx.update(messages).set(fields).where(eq(messages.id, message.id)));
    switch (event.type) {
      case 'email.opened':
      case 'email.clicked':
        await recordEngagement(tx, eq(messages.id, message.id), event.type === 'email.opened' ? 'open' : 'click', now);
        break;
      case 'email.delivered':
      case 'email.failed':
        await set({ status: STATUS[event.type] });
        break;
      case 'email.bounced':
      case 'email.complained': {
        if (event.type === 'email.bounced') await set({ status: 'bounced' });
        // A hard bounce or a complaint: no more email to this contact from this shop.
        const stop = event.type === 'email.complained' || event.data.bounce?.type === 'Permanent';
        if (stop && message.contactId !== null) {
          // The reason matters: an unsubscribed buyer still hears about an order, a bounced or complaining one does not.
          const reason = event.type === 'email.complained' ? 'complained' : 'bounced';
          await tx
            .update(contacts)
            .set({ emailOptOutAt: sql`coalesce(${contacts.emailOptOutAt}, ${now.getTime()})`, emailOptOutReason: reason })
            .where(and(eq(contacts.id, message.contactId), or(isNull(contacts.emailOptOutReason), eq(contacts.emailOptOutReason, 'unsubscribed'))));
        }
        break;
      }
      default:
        deps.log('resend event type ignored', { type: event.type });
        return 'ignored';
    }
    return 'applied';
  });
}

/**
 * An inbound email: kept once (by svix-id) with the shop its Reply-To names,
 * and read by a job (the event carries no body). Mail that answers nothing of
 * ours is kept as an event and goes no further.
 */
function receiveReply(deps: Deps, deliveryId: string, event: ResendEvent): Promise<'applied' | 'duplicate' | 'ignored'> {
  return transaction(deps.db, async (tx) => {
    const { email_id: emailId, from } = event.data ?? {};
    const shopId = emailId && from ? await queueEmailReply(tx, deps, { ...event.data, email_id: emailId, from }) : null;
    const [row] = await tx
      .insert(webhookEvents)
      .values({ source: 'resend', deliveryId, shopId, topic: event.type, payload: event as never, receivedAt: deps.clock.now() })
      .onConflictDoNothing()
      .returning({ id: webhookEvents.id });
    // A repeat: its job, keyed by the email id, was scheduled once anyway.
    if (!row) return 'duplicate';
    return shopId ? 'applied' : 'ignored';
  });
}
