import twilio from 'twilio';
import { and, desc, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../../db/index.ts';
import { transaction } from '../../../db/transaction.ts';
import { ACTIVE_SIGNUP_STATUSES, contacts, messages, shops, signups, webhookEvents, type Shop, type Signup } from '../../../db/schema/index.ts';
import { translate } from '../../../emails/index.ts';
import type { Deps } from '../../context.ts';
import { Unauthorized } from '../../lib/errors.ts';
import { takeReply } from '../replies/take.ts';
import { leaveQueues } from '../signups/cancel.ts';

export type TwilioParams = Record<string, string>;

/** `X-Twilio-Signature` over the URL Twilio called (PUBLIC_URL + path + query) and the form params. */
export function verifyTwilio(deps: Pick<Deps, 'config'>, signature: string | undefined, pathAndQuery: string, params: TwilioParams): void {
  const token = deps.config.twilioAuthToken;
  if (!token || !signature || !twilio.validateRequest(token, signature, `${deps.config.publicUrl}${pathAndQuery}`, params)) {
    throw Unauthorized('Webhook signature could not be verified');
  }
}

/** Stores the delivery once; false when Twilio is repeating itself. */
async function firstTime(tx: Tx, deps: Deps, deliveryId: string, topic: string, params: TwilioParams, shopId: string | null): Promise<boolean> {
  const [row] = await tx
    .insert(webhookEvents)
    .values({ source: 'twilio', deliveryId, shopId, topic, payload: params, receivedAt: deps.clock.now() })
    .onConflictDoNothing()
    .returning({ id: webhookEvents.id });
  return Boolean(row);
}

const STATUS: Record<string, 'sent' | 'delivered' | 'failed'> = {
  queued: 'sent',
  accepted: 'sent',
  sending: 'sent',
  sent: 'sent',
  delivered: 'delivered',
  undelivered: 'failed',
  failed: 'failed',
};

/** Delivery status for a message we sent; error 21610 means the number opted out at the carrier. */
export async function receiveTwilioStatus(deps: Deps, params: TwilioParams): Promise<'applied' | 'duplicate' | 'ignored'> {
  const sid = params.MessageSid;
  const status = STATUS[params.MessageStatus ?? ''];
  if (!sid || !status) return 'ignored';
  return transaction(deps.db, async (tx) => {
    const [message] = await tx.select().from(messages).where(eq(messages.providerId, sid)).orderBy(messages.id).limit(1);
    if (!(await firstTime(tx, deps, `status:${sid}:${params.MessageStatus}`, 'status', params, message?.shopId ?? null))) return 'duplicate';
    if (!message) return 'ignored';
    // Callbacks can arrive out of order: a late "sent" never undoes "delivered" or "failed".
    if (status !== 'sent' || ['queued', 'sending'].includes(message.status)) {
      await tx.update(messages).set({ status, error: params.ErrorCode ? `twilio ${params.ErrorCode}` : message.error }).where(eq(messages.id, message.id));
    }
    if (params.ErrorCode === '21610' && message.contactId !== null) {
      await tx.update(contacts).set({ smsOptOutAt: deps.clock.now() }).where(eq(contacts.id, message.contactId));
    }
    return 'applied';
  });
}

const STOP = /^\s*(stop|stopall|unsubscribe|cancel|end|quit|revoke|optout|opt out)\s*[.!]*\s*$/i;
const START = /^\s*(start|yes|unstop)\s*[.!]*\s*$/i;
const HELP = /^\s*(help|info)\s*[.!?]*\s*$/i;

/**
 * An SMS to our number. Opt-out keywords stop texts to that number from every
 * shop using it (the carrier's opt-out is per sender number); START restores
 * them; HELP is answered with the shop's help line. Anything else is a reply
 * for a person to read when it is unhappy or asks for a call.
 * Returns the TwiML to answer Twilio with.
 */
export async function receiveTwilioInbound(deps: Deps, params: TwilioParams): Promise<string> {
  const from = params.From ?? '';
  const body = params.Body ?? '';
  const sid = params.MessageSid ?? params.SmsSid ?? '';
  const shop = await shopReplyingTo(deps.db, from);
  if (!sid || !(await transaction(deps.db, (tx) => firstTime(tx, deps, `inbound:${sid}`, 'inbound', params, shop?.id ?? null)))) return twiml();
  const now = deps.clock.now();
  if (STOP.test(body)) {
    await transaction(deps.db, async (tx) => {
      await tx.update(contacts).set({ smsOptOutAt: now }).where(and(eq(contacts.phone, from), isNull(contacts.smsOptOutAt)));
      await tx.update(messages).set({ status: 'suppressed', error: 'recipient replied STOP' }).where(and(eq(messages.to, from), eq(messages.channel, 'sms'), eq(messages.status, 'queued')));
      // Where texts were the only way to reach someone, their places are given up, as with an email unsubscribe.
      const leaving: Signup[] = [];
      for (const contact of await tx.select().from(contacts).where(eq(contacts.phone, from)).orderBy(contacts.id)) {
        if (contact.email && !contact.emailOptOutAt) continue;
        leaving.push(...(await tx.select().from(signups).where(and(eq(signups.contactId, contact.id), inArray(signups.status, [...ACTIVE_SIGNUP_STATUSES]))).orderBy(signups.id)));
      }
      await leaveQueues(tx, deps, leaving, 'unsubscribed', now);
    });
    deps.wake();
    return twiml();
  }
  if (START.test(body)) {
    await transaction(deps.db, async (tx) => {
      await tx.update(contacts).set({ smsOptOutAt: null }).where(and(eq(contacts.phone, from), isNotNull(contacts.smsOptOutAt), isNotNull(contacts.smsConsentAt)));
    });
    return twiml();
  }
  if (!shop) return twiml();
  if (HELP.test(body)) {
    const [contact] = await deps.db.select({ locale: contacts.locale }).from(contacts).where(and(eq(contacts.shopId, shop.id), eq(contacts.phone, from))).orderBy(contacts.id).limit(1);
    return twiml(translate(contact?.locale ?? shop.settings.locale, 'sms.help', { shop: shop.name, contact: shop.settings.contact }, shop.settings.strings).replace(/\s+/g, ' '));
  }
  const taken = await transaction(deps.db, (tx) =>
    takeReply(tx, deps, { shop, channel: 'sms', providerId: sid, from, subject: null, text: body.slice(0, 4000), message: null, receivedAt: now }),
  );
  if (taken) deps.wake();
  return twiml();
}

/**
 * Whose conversation a text from this number continues: the shop that last texted it
 * (several shops share our sender number, so a reply answers the latest text it got).
 * A number no shop has texted yet belongs to a shop only when exactly one shop knows it;
 * otherwise any choice would hand one shop's customer to another.
 */
async function shopReplyingTo(db: DbOrTx, from: string): Promise<Shop | undefined> {
  const [lastText] = await db
    .select({ shop: shops })
    .from(messages)
    .innerJoin(shops, eq(shops.id, messages.shopId))
    // The literal channel lets SQLite use the partial index messages_sms_to_idx.
    .where(and(eq(messages.to, from), sql`${messages.channel} = 'sms'`, isNotNull(messages.sentAt)))
    .orderBy(desc(messages.sentAt), desc(messages.id))
    .limit(1);
  if (lastText) return lastText.shop;
  const known = await db.select({ shop: shops }).from(contacts).innerJoin(shops, eq(shops.id, contacts.shopId)).where(eq(contacts.phone, from)).limit(2);
  return known.length === 1 ? known[0]!.shop : undefined;
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const twiml = (reply?: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><Response>${reply ? `<Message>${escapeXml(reply)}</Message>` : ''}</Response>`;
