import { inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/index.ts';
import { contacts, messages, type Contact, type Shop } from '../../../db/schema/index.ts';
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
import { sign } from '../../lib/signing.ts';
import { token } from '../../lib/tokens.ts';

type NewMessage = typeof messages.$inferInsert;

export interface MessageArgs {
  shop: Shop;
  contact: Contact;
  signupId?: number;
  offerId?: number;
  /** Names the event: one event is one message, however often it is enqueued. */
  key: string;
  /** Hold until quiet hours end (SMS always; follow-up emails too). */
  respectQuietHours?: boolean;
  /** Add the open pixel and sign the button links for click tracking. */
  track?: boolean;
}

export function renderContext(shop: Shop, contact: Contact, publicUrl: string): RenderContext {
  const s = shop.settings;
  return {
    locale: contact.locale,
    timeZone: s.timezone,
    strings: s.strings,
    shop: { name: shop.name },
    sender: s.sender,
    contact: s.contact,
    unsubscribeUrl: `${publicUrl}/u/${contact.token}`,
  };
}

export const clickUrl = (publicUrl: string, secret: string, publicId: string, target: string) =>
  `${publicUrl}/t/c/${publicId}?u=${encodeURIComponent(target)}&s=${sign(secret, publicId, target)}`;

/**
 * Collects rendered messages and writes them in one go inside the caller's
 * transaction: a restock renders thousands, and row-at-a-time inserts would
 * dominate its cost. Contacts without a usable channel are skipped.
 */
export class MessageBatch {
  private rows: NewMessage[] = [];
  private introduced = new Set<number>();

  constructor(private readonly env: { now: Date; publicUrl: string; secret: string }) {}

  static for(deps: { config: { publicUrl: string }; secret: string }, now: Date): MessageBatch {
    return new MessageBatch({ now, publicUrl: deps.config.publicUrl, secret: deps.secret });
  }

  email<T extends EmailTemplate>(args: MessageArgs & { template: T; props: EmailProps<T> }): boolean {
    const { shop, contact } = args;
    if (!contact.email || contact.emailOptOutAt) return false;
    const publicId = token(12);
    const { publicUrl, secret } = this.env;
    const ctx: RenderContext = {
      ...renderContext(shop, contact, publicUrl),
      ...(args.track
        ? { track: { pixelUrl: `${publicUrl}/t/o/${publicId}.gif`, link: (url: string) => clickUrl(publicUrl, secret, publicId, url) } }
        : {}),
    };
    const render = emailTemplates[args.template] as (p: EmailProps<T>, c: RenderContext) => ReturnType<(typeof emailTemplates)[T]>;
    const { subject, html, text } = render(args.props, ctx);
    const sender = shop.settings.sender;
    this.rows.push({
      ...this.common(args, args.template, publicId, 'email'),
      channel: 'email',
      to: contact.email,
      from: `${sender.name.replace(/["<>]/g, '')} <${sender.email}>`,
      subject,
      text,
      html,
      headers: { 'List-Unsubscribe': `<${ctx.unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      sendAfter: args.respectQuietHours ? quiet(shop, this.env.now) : this.env.now,
    });
    return true;
  }

  /** Only with consent, never after STOP, always outside quiet hours; the first SMS says how to stop. */
  sms<T extends SmsTemplate>(args: MessageArgs & { template: T; props: SmsProps<T> }): boolean {
    const { shop, contact } = args;
    if (!contact.phone || !contact.smsConsentAt || contact.smsOptOutAt) return false;
    const ctx = renderContext(shop, contact, this.env.publicUrl);
    const render = smsTemplates[args.template] as (p: SmsProps<T>, c: RenderContext) => string;
    let text = render(args.props, ctx);
    if (!contact.smsIntroducedAt && !this.introduced.has(contact.id)) {
      text = `${text} ${translate(ctx.locale, 'sms.stop', {}, ctx.strings)}`;
      this.introduced.add(contact.id);
    }
    this.rows.push({
      ...this.common(args, args.template, token(12), 'sms'),
      channel: 'sms',
      to: contact.phone,
      text,
      sendAfter: quiet(shop, this.env.now),
    });
    return true;
  }

  get size(): number {
    return this.rows.length;
  }

  /** Writes every collected message; a key already used is skipped (the event was already told). */
  flush(db: DbOrTx): void {
    for (let i = 0; i < this.rows.length; i += CHUNK) {
      db.insert(messages).values(this.rows.slice(i, i + CHUNK)).onConflictDoNothing().run();
    }
    const ids = [...this.introduced];
    for (let i = 0; i < ids.length; i += CHUNK) {
      db.update(contacts).set({ smsIntroducedAt: this.env.now }).where(inArray(contacts.id, ids.slice(i, i + CHUNK))).run();
    }
    this.rows = [];
    this.introduced.clear();
  }

  private common(args: MessageArgs, template: string, publicId: string, channel: 'email' | 'sms') {
    return {
      shopId: args.shop.id,
      contactId: args.contact.id,
      signupId: args.signupId,
      offerId: args.offerId,
      publicId,
      template,
      idempotencyKey: `${args.shop.id}:${args.key}:${channel}`,
      createdAt: this.env.now,
    } as const;
  }
}

// SQLite takes up to 32,766 bound values; a message row binds about 25.
const CHUNK = 500;

const quiet = (shop: Shop, now: Date) => outsideQuietHours(now, shop.settings.quietHours, shop.settings.timezone);
