import { and, desc, eq, inArray, isNull } from 'drizzle-orm';
import type { Tx } from '../../../db/index.ts';
import {
  ACTIVE_SIGNUP_STATUSES,
  backorders,
  contacts,
  escalations,
  replies,
  signups,
  variants,
  type Backorder,
  type Contact,
  type EscalationKind,
  type Message,
  type Reply,
  type ReplyAction,
  type Shop,
  type Signup,
  type Variant,
} from '../../../db/schema/index.ts';
import type { Deps } from '../../context.ts';
import { backorderStatus } from '../backorders/view.ts';
import { optOutOfEmail } from '../contacts/unsubscribe.ts';
import { openEscalation } from '../escalations/open.ts';
import { noteOnTicket } from '../helpdesk/queue.ts';
import { localDate } from '../../lib/local-days.ts';
import { MessageBatch } from '../messages/enqueue.ts';
import { itemName, productInfo } from '../variants/upsert.ts';
import { bareAddress } from './address.ts';
import { forwardReply } from './forward.ts';
import { readReply, type ReplyReading } from './intent.ts';

export interface IncomingReply {
  shop: Shop;
  channel: 'email' | 'sms';
  /** Resend's email id or Twilio's message sid: the same reply twice is one. */
  providerId: string;
  /** The From header (`Jo <jo@example.com>`) or the E.164 number. */
  from: string;
  subject: string | null;
  /** What the sender wrote, quoted history and signature cut. */
  text: string;
  /** The message it answers, when it came to that message's Reply-To. */
  message: Message | null;
  receivedAt: Date;
}

/** What the reply is about: one backorder line, or one place in a line (or neither). */
interface Subject {
  contact: Contact | null;
  line: Backorder | null;
  place: Signup | null;
  variant: Variant | null;
}

/**
 * Reads a customer's reply and acts on it, in the caller's transaction:
 * - cancel, and a refund before anything shipped: the customer is sent the
 *   link to confirm on their status page, under the cancel policy, so a misread
 *   reply never cancels an order by itself;
 * - a chargeback threat, a refund after shipping, a call request, an angry
 *   reply or a question: an escalation carrying the text (a later reply joins
 *   the open one of its kind for that order);
 * - stop: no more email (or texts) from this shop, as the unsubscribe link;
 * - thanks and anything else: recorded.
 * A sender who matches no customer of the shop (a reply from another address
 * than the one we wrote to) is escalated to that shop and told nothing: a
 * status link goes only to the inbox it belongs to. Every reply is recorded,
 * shows in the timeline and the escalation, and is forwarded to the shop's
 * support address. Null when this reply was taken already.
 */
export async function takeReply(tx: Tx, deps: Deps, input: IncomingReply): Promise<Reply | null> {
  const [seen] = await tx.select({ id: replies.id }).from(replies).where(and(eq(replies.channel, input.channel), eq(replies.providerId, input.providerId)));
  if (seen) return null;
  const { shop } = input;
  const subject = await subjectOf(tx, input);
  const reading = readReply(input.text, subject.contact?.locale ?? shop.settings.locale);
  const now = input.receivedAt;
  let action: ReplyAction = 'recorded';
  let escalationId: number | null = null;

  let joined = false;
  const escalate = async (kind: EscalationKind, summary: string, recommendedAction: string) => {
    ({ id: escalationId, joined } = await joinOrOpen(tx, deps, shop, subject, kind, `reply:${input.channel}:${input.providerId}`, summary, recommendedAction, now));
    action = 'escalated';
  };
  // Who wrote, as they wrote: the number they texted from, the address they mailed from.
  const who = input.channel === 'sms' ? input.from : bareAddress(input.from).toLowerCase();
  const about = describe(subject);
  const quoted = quote(input.text);

  if (!subject.contact) {
    await escalate('unmatched_reply', `A ${input.channel === 'sms' ? 'text' : 'reply'} from ${bareAddress(input.from)}, who is not a customer we wrote to${about ? `, about ${about}` : ''}: “${quoted}”`, 'Check who wrote before acting: nothing was sent back, and no order was changed.');
  } else {
    action = await act(tx, deps, input, subject, reading, escalate, { who, about, quoted });
  }

  const [reply] = await tx
    .insert(replies)
    .values({
      shopId: shop.id,
      channel: input.channel,
      providerId: input.providerId,
      from: input.from.slice(0, 320),
      contactId: subject.contact?.id ?? null,
      messageId: input.message?.id ?? null,
      signupId: subject.place?.id ?? null,
      backorderId: subject.line?.id ?? null,
      orderId: subject.line?.orderId ?? null,
      subject: input.subject?.slice(0, 300) ?? null,
      text: input.text,
      intent: reading.intent,
      intents: reading.intents,
      sentiment: reading.sentiment,
      action,
      escalationId,
      receivedAt: now,
    })
    .returning();
  await forwardReply(tx, deps, shop, reply!, { who, about });
  // A new escalation's ticket opens with this text already; one it joined gets it as a note.
  if (escalationId !== null && joined) await noteOnTicket(tx, shop, { id: escalationId, orderId: subject.line?.orderId ?? null, contactId: subject.contact?.id ?? null }, `Reply (${input.channel}, read as ${reading.intent}) from ${who}: “${quoted}”`, `reply:${reply!.id}`, now);
  return reply!;
}

type Escalate = (kind: EscalationKind, summary: string, recommendedAction: string) => Promise<void>;

/** The policy for a reply from a known customer; returns what was done. */
async function act(
  tx: Tx,
  deps: Deps,
  input: IncomingReply,
  subject: Subject,
  reading: ReplyReading,
  escalate: Escalate,
  words: { who: string; about: string; quoted: string },
): Promise<ReplyAction> {
  const { shop } = input;
  const contact = subject.contact!;
  const { who, about, quoted } = words;
  const on = about ? ` about ${about}` : '';
  const status = subject.line ? backorderStatus(subject.line) : null;
  switch (reading.intent) {
    case 'chargeback':
      await escalate('chargeback', `${who} says they will dispute the charge with their bank${on}: “${quoted}”`, 'Reply or call today: a refund or a firm date now costs less than a chargeback and its fee.');
      return 'escalated';
    case 'cancel':
    case 'refund': {
      // Nothing shipped yet (or a place in a line): the customer confirms the cancel on their status page.
      const open = status === 'open' || (subject.place !== null && !subject.line);
      if (open && (await sendCancelLink(tx, deps, shop, contact, subject, input.channel, input.receivedAt))) return 'cancel_link';
      const kind = reading.intent === 'refund' ? 'refund' : 'cancel_request';
      const state = status ? ` (${status})` : '';
      await escalate(kind, `${who} asks ${reading.intent === 'refund' ? 'for a refund' : 'to cancel'}${on}${state}: “${quoted}”`, status === 'shipped' || status === 'allocated' ? 'It has shipped or is being packed: arrange a return or refund with the customer.' : 'Check the order and answer the customer.');
      return 'escalated';
    }
    case 'call':
      await escalate('call_request', `${who}${reading.intents.includes('angry') ? ', unhappy,' : ''} asked for a call${on}: “${quoted}”`, `Call ${contact.phone ?? 'the customer (no phone on file: ask for one by email)'} today.`);
      return 'escalated';
    case 'stop':
      if (input.channel === 'email') await optOutOfEmail(tx, deps, contact, input.receivedAt);
      else await tx.update(contacts).set({ smsOptOutAt: input.receivedAt }).where(and(eq(contacts.id, contact.id), isNull(contacts.smsOptOutAt)));
      return 'unsubscribed';
    case 'angry':
      await escalate('negative_reply', `Unhappy ${input.channel} reply from ${who}${on} (sentiment ${reading.sentiment}): “${quoted}”`, 'Reply personally within the day; offer the latest ETA, an alternative or a refund.');
      return 'escalated';
    case 'question':
      await escalate('question', `${who} asks${on}: “${quoted}”`, 'Answer the customer; the status page link shows them the latest ETA.');
      return 'escalated';
    default:
      return 'recorded';
  }
}

/** The reply-cancel message, on the channel the reply came by; false when it cannot be sent there. */
async function sendCancelLink(tx: Tx, deps: Pick<Deps, 'config'>, shop: Shop, contact: Contact, subject: Subject, channel: 'email' | 'sms', now: Date): Promise<boolean> {
  const { line, place, variant } = subject;
  const token = line?.token ?? place?.token;
  if (!token || !variant) return false;
  const batch = MessageBatch.for(tx, now);
  const url = `${deps.config.publicUrl}/s/${token}`;
  const kind = line ? 'order' : place!.kind;
  const order = line?.orderName ?? null;
  const item = itemName(variant);
  // One answer per line or place a day, however many times they ask.
  const day = localDate(now.getTime(), shop.settings.timezone);
  const common = { shop, contact, backorderId: line?.id, signupId: place?.id, key: `reply-cancel:${line ? `b${line.id}` : `s${place!.id}`}:${day}` };
  const sent =
    channel === 'sms'
      ? batch.sms({ ...common, template: 'reply-cancel', props: { kind, item, order, url } })
      : batch.email({ ...common, template: 'reply-cancel', props: { kind, item, product: productInfo(variant), quantity: line ? line.quantity - line.served : 1, order, url } });
  await batch.flush();
  return sent;
}

/**
 * The customer and what they wrote about. Routed by Reply-To, the message
 * names both; the sender must still be that message's recipient. A text names
 * only its number: of the shop's contacts with it (an order and a signup may
 * each have made one), the one with the newest waiting order line, else the
 * newest active place, else the first.
 */
async function subjectOf(tx: Tx, input: IncomingReply): Promise<Subject> {
  const { shop, message } = input;
  const sender = input.channel === 'sms' ? input.from : bareAddress(input.from).toLowerCase();
  let contact: Contact | null = null;
  let line: Backorder | null = null;
  let place: Signup | null = null;
  if (message) {
    const [c] = message.contactId === null ? [] : await tx.select().from(contacts).where(and(eq(contacts.shopId, shop.id), eq(contacts.id, message.contactId)));
    if (c && (input.channel === 'sms' ? c.phone === sender : c.email?.toLowerCase() === sender)) contact = c;
    if (message.backorderId !== null) [line = null] = await tx.select().from(backorders).where(and(eq(backorders.shopId, shop.id), eq(backorders.id, message.backorderId)));
    else if (message.signupId !== null) [place = null] = await tx.select().from(signups).where(and(eq(signups.shopId, shop.id), eq(signups.id, message.signupId)));
  } else {
    const byAddress = and(eq(contacts.shopId, shop.id), eq(input.channel === 'sms' ? contacts.phone : contacts.email, sender));
    const [waiting] = await tx
      .select({ line: backorders, contact: contacts })
      .from(backorders)
      .innerJoin(contacts, eq(contacts.id, backorders.contactId))
      .where(and(byAddress, eq(backorders.shopId, shop.id), eq(backorders.status, 'waiting')))
      .orderBy(desc(backorders.id))
      .limit(1);
    const [active] = waiting
      ? []
      : await tx
          .select({ place: signups, contact: contacts })
          .from(signups)
          .innerJoin(contacts, eq(contacts.id, signups.contactId))
          .where(and(byAddress, eq(signups.shopId, shop.id), inArray(signups.status, [...ACTIVE_SIGNUP_STATUSES])))
          .orderBy(desc(signups.id))
          .limit(1);
    const [any] = waiting || active ? [] : await tx.select({ contact: contacts }).from(contacts).where(byAddress).orderBy(contacts.id).limit(1);
    contact = (waiting ?? active ?? any)?.contact ?? null;
    line = waiting?.line ?? null;
    place = active?.place ?? null;
    // Nothing waiting: their newest order line, so a refund after shipping still names the order.
    if (contact && !line && !place) [line = null] = await tx.select().from(backorders).where(and(eq(backorders.shopId, shop.id), eq(backorders.contactId, contact.id))).orderBy(desc(backorders.id)).limit(1);
  }
  const variantId = line?.variantId ?? place?.variantId;
  const [variant = null] = variantId ? await tx.select().from(variants).where(and(eq(variants.shopId, shop.id), eq(variants.id, variantId))) : [];
  return { contact, line, place, variant };
}

/** "order #1042 (Ocean Tee)" or "their place for Ocean Tee": what a person reads in the summary. */
function describe({ line, place, variant }: Subject): string {
  const item = variant ? itemName(variant) : (line?.variantId ?? place?.variantId ?? '');
  if (line) return `order ${line.orderName} (${item})`;
  if (place) return `their ${place.kind === 'preorder' ? 'pre-order' : 'waitlist'} place for ${item}`;
  return '';
}

const quote = (text: string) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 280 ? `${flat.slice(0, 277)}…` : flat;
};

/**
 * One open escalation per kind and order (or customer): a second angry reply
 * about the same order joins the first rather than opening another.
 */
async function joinOrOpen(
  tx: Tx,
  deps: object,
  shop: Shop,
  subject: Subject,
  kind: EscalationKind,
  key: string,
  summary: string,
  recommendedAction: string,
  now: Date,
): Promise<{ id: number | null; joined: boolean }> {
  const orderId = subject.line?.orderId ?? null;
  const contactId = subject.contact?.id ?? null;
  if (orderId !== null || contactId !== null) {
    const [open] = await tx
      .select({ id: escalations.id })
      .from(escalations)
      .where(and(eq(escalations.shopId, shop.id), eq(escalations.kind, kind), eq(escalations.status, 'open'), orderId !== null ? eq(escalations.orderId, orderId) : eq(escalations.contactId, contactId!)))
      .orderBy(desc(escalations.id))
      .limit(1);
    if (open) return { id: open.id, joined: true };
  }
  return { id: await openEscalation(tx, deps, { shop, kind, key, orderId, contactId, summary, recommendedAction, now }), joined: false };
}
