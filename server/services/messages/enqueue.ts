import type { DbOrTx } from '../../../db/index.ts';
import { messages, contacts, type Contact, type Shop } from '../../../db/schema/index.ts';
import { eq } from 'drizzle-orm';
import {
  emailTemplates,
  smsTemplates,
  translate,
  type EmailProps,
  type EmailTemplate,
  type RenderContext,
  type SmsProps,
  type SmsTemplate,
} from '../../../emails/index.ts';
import { outsideQuietHours } from '../../lib/quiet-hours.ts';

interface Common {
  shop: Shop;
  contact: Contact;
  signupId?: number;
  /** Names the event: one event is one message, however often it is enqueued. */
  key: string;
  now: Date;
  publicUrl: string;
  /** Hold until quiet hours end (SMS always; emails such as follow-ups when asked). */
  respectQuietHours?: boolean;
}

export function renderContext(shop: Shop, contact: Contact, publicUrl: string, locale = contact.locale): RenderContext {
  const s = shop.settings;
  return {
    locale,
    strings: s.strings,
    shop: { name: shop.name },
    sender: s.sender,
    contact: s.contact,
    unsubscribeUrl: `${publicUrl}/u/${contact.token}`,
  };
}

/**
 * Renders an email and writes it as a queued message, inside the caller's
 * transaction. Returns null when the contact has no usable email address.
 */
export function enqueueEmail<T extends EmailTemplate>(
  db: DbOrTx,
  args: Common & { template: T; props: EmailProps<T> },
): number | null {
  const { shop, contact, now } = args;
  if (!contact.email || contact.emailOptOutAt) return null;
  const ctx = renderContext(shop, contact, args.publicUrl);
  const render = emailTemplates[args.template] as (p: EmailProps<T>, c: RenderContext) => ReturnType<typeof emailTemplates[T]>;
  const { subject, html, text } = render(args.props, ctx);
  const sender = shop.settings.sender;
  const row = db
    .insert(messages)
    .values({
      shopId: shop.id,
      contactId: contact.id,
      signupId: args.signupId,
      template: args.template,
      channel: 'email',
      to: contact.email,
      from: `${sender.name.replace(/["<>]/g, '')} <${sender.email}>`,
      subject,
      text,
      html,
      headers: {
        'List-Unsubscribe': `<${ctx.unsubscribeUrl}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      },
      idempotencyKey: `${shop.id}:${args.key}:email`,
      sendAfter: args.respectQuietHours ? quiet(shop, now) : now,
      createdAt: now,
    })
    .onConflictDoNothing()
    .returning({ id: messages.id })
    .get();
  return row?.id ?? null;
}

/** The SMS twin of `enqueueEmail`: only with consent, never after STOP, never in quiet hours. */
export function enqueueSms<T extends SmsTemplate>(
  db: DbOrTx,
  args: Common & { template: T; props: SmsProps<T> },
): number | null {
  const { shop, contact, now } = args;
  if (!contact.phone || !contact.smsConsentAt || contact.smsOptOutAt) return null;
  const ctx = renderContext(shop, contact, args.publicUrl);
  const render = smsTemplates[args.template] as (p: SmsProps<T>, c: RenderContext) => string;
  let text = render(args.props, ctx);
  // The first message to a number tells how to stop them.
  if (!contact.smsIntroducedAt) text = `${text} ${translate(ctx.locale, 'sms.stop', {}, ctx.strings)}`;
  const row = db
    .insert(messages)
    .values({
      shopId: shop.id,
      contactId: contact.id,
      signupId: args.signupId,
      template: args.template,
      channel: 'sms',
      to: contact.phone,
      text,
      idempotencyKey: `${shop.id}:${args.key}:sms`,
      sendAfter: quiet(shop, now),
      createdAt: now,
    })
    .onConflictDoNothing()
    .returning({ id: messages.id })
    .get();
  if (row && !contact.smsIntroducedAt) {
    db.update(contacts).set({ smsIntroducedAt: now }).where(eq(contacts.id, contact.id)).run();
    contact.smsIntroducedAt = now;
  }
  return row?.id ?? null;
}

const quiet = (shop: Shop, now: Date) => outsideQuietHours(now, shop.settings.quietHours, shop.settings.timezone);
