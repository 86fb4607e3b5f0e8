import type { Database } from 'better-sqlite3';
import type { Db } from '../../../db/index.ts';
import type { Contact, Shop } from '../../../db/schema/index.ts';
import type { EmailProps, EmailTemplate, SmsProps, SmsTemplate } from '../../../emails/index.ts';
import { outsideQuietHours } from '../../lib/quiet-hours.ts';
import { smsRefusal } from '../../lib/sms-numbers.ts';
import { rowToken } from '../../lib/tokens.ts';
import { smsCountries } from '../settings/schema.ts';
import { SendLimits } from './limits.ts';
import { sendsDespiteOptOut } from './transactional.ts';
import { insertMessage } from '../../../db/sql/sqlite/messages.ts';

export interface MessageArgs {
  shop: Shop;
  contact: Contact;
  signupId?: number;
  offerId?: number;
  backorderId?: number;
  /** Names the event: one event is one message, however often it is enqueued. */
  key: string;
  /** Hold until quiet hours end (SMS always; follow-up emails too). */
  respectQuietHours?: boolean;
  /** Add the open pixel and sign the button links for click tracking. */
  track?: boolean;
  /** Only the way back after an opt-out (`email-resubscribe`), which that very address asked for. */
  evenIfOptedOut?: boolean;
}

interface Row {
  shop: Shop;
  shopId: string;
  contactId: number;
  signupId: number | null;
  offerId: number | null;
  backorderId: number | null;
  publicId: string;
  template: string;
  channel: 'email' | 'sms';
  to: string;
  props: string;
  track: number;
  intro: number;
  idempotencyKey: string;
  sendAfter: number;
}

/**
 * Collects messages and writes them in one go inside the caller's transaction.
 * A message is stored as template + props and rendered when first dispatched,
 * so a restock of thousands writes small rows fast. Contacts without a usable
 * channel (no address, opted out (save order notices after an unsubscribe), no SMS consent, a number that is not a
 * mobile in the shop's SMS countries) are skipped here. Texts past the shop's
 * hourly budget, and confirmation emails past an address's daily cap, are
 * written `suppressed` with the reason, so the record shows what was held back.
 */
export class MessageBatch {
  private rows: Row[] = [];
  private introduced = new Set<number>();

  /** `db` is the connection: the batch writes inside whatever transaction is open on it. */
  constructor(
    private readonly db: Db,
    private readonly now: Date,
  ) {}

  static for(deps: { db: Db }, now: Date): MessageBatch {
    return new MessageBatch(deps.db, now);
  }

  email<T extends EmailTemplate>(args: MessageArgs & { template: T; props: EmailProps<T> }): boolean {
    const { contact } = args;
    if (!contact.email) return false;
    if (contact.emailOptOutAt && !args.evenIfOptedOut && !sendsDespiteOptOut(contact.emailOptOutReason, args.template, args.backorderId)) return false;
    this.rows.push(this.row(args, 'email', contact.email, args.respectQuietHours ?? false, false));
    return true;
  }

  /**
   * Only with consent, never after STOP, only to mobiles in the shop's SMS
   * countries (numbers from orders and imports are kept, not texted), always
   * outside quiet hours; the first SMS says how to stop.
   */
  sms<T extends SmsTemplate>(args: MessageArgs & { template: T; props: SmsProps<T> }): boolean {
    const { contact, shop } = args;
    if (!contact.phone || !contact.smsConsentAt || contact.smsOptOutAt) return false;
    if (smsRefusal(contact.phone, smsCountries(shop.settings))) return false;
    const intro = !contact.smsIntroducedAt && !this.introduced.has(contact.id);
    if (intro) this.introduced.add(contact.id);
    this.rows.push(this.row(args, 'sms', contact.phone, true, intro));
    return true;
  }

  get size(): number {
    return this.rows.length;
  }

  /** Writes every collected message; a key already used is skipped (that event was already told). */
  flush(): void {
    if (this.rows.length === 0) return;
    const { insert, introduce } = statements(this.db.$client);
    const createdAt = this.now.getTime();
    const limits = new SendLimits(this.db, this.now);
    for (const { shop, count } of textsByShop(this.rows)) limits.reserveTexts(shop, count);
    const introduced: number[] = [];
    for (const r of this.rows) {
      const held = r.channel === 'sms' ? limits.textRefusal(r.shopId) : limits.emailRefusal(r.shop, r.template, r.to);
      const written =
        insert.run(r.shopId, r.contactId, r.signupId, r.offerId, r.backorderId, r.publicId, r.template, r.channel, r.to, r.props, r.track, r.intro, r.idempotencyKey, r.sendAfter, createdAt, held ? 'suppressed' : 'queued', held).changes === 1;
      if (r.channel === 'sms') limits.textWritten(r.shopId, held !== null, written);
      else if (!written) limits.emailNotWritten(r.template, r.to);
      // A held text introduces no one: the next one must still say how to stop.
      if (r.intro && written && !held) introduced.push(r.contactId);
    }
    limits.settle();
    for (const id of introduced) introduce.run(createdAt, id);
    this.rows = [];
    this.introduced.clear();
  }

  private row(args: MessageArgs & { template: string; props: unknown }, channel: 'email' | 'sms', to: string, quiet: boolean, intro: boolean): Row {
    const { shop } = args;
    const sendAfter = quiet ? outsideQuietHours(this.now, shop.settings.quietHours, shop.settings.timezone) : this.now;
    return {
      shop,
      shopId: shop.id,
      contactId: args.contact.id,
      signupId: args.signupId ?? null,
      offerId: args.offerId ?? null,
      backorderId: args.backorderId ?? null,
      publicId: rowToken(this.now, 12),
      template: args.template,
      channel,
      to,
      props: JSON.stringify(args.props),
      track: args.track && channel === 'email' ? 1 : 0,
      intro: intro ? 1 : 0,
      idempotencyKey: idempotencyKey(shop.id, args.key, channel),
      sendAfter: sendAfter.getTime(),
    };
  }
}

function textsByShop(rows: Row[]) {
  const counts = new Map<string, { shop: Shop; count: number }>();
  for (const r of rows) {
    if (r.channel !== 'sms') continue;
    const found = counts.get(r.shopId);
    if (found) found.count++;
    else counts.set(r.shopId, { shop: r.shop, count: 1 });
  }
  return counts.values();
}

/** One event, one message per channel: the unique key of a message row. */
export const idempotencyKey = (shopId: string, key: string, channel: 'email' | 'sms') => `${shopId}:${key}:${channel}`;

/**
 * Bounds [from, to) of every message key whose event key starts with
 * `prefix:`: one range scan of the unique index. `;` sorts right after `:`.
 */
export const idempotencyKeyRange = (shopId: string, prefix: string) => ({ from: `${shopId}:${prefix}:`, to: `${shopId}:${prefix};` });

const cache = new WeakMap<Database, ReturnType<typeof prepare>>();

function prepare(client: Database) {
  return {
    // db/sql/sqlite/messages.ts; its PostgreSQL twin is db/sql/pg/messages.ts.
    insert: client.prepare(insertMessage.text()),
    introduce: client.prepare('update contacts set sms_introduced_at = ? where id = ? and sms_introduced_at is null'),
  };
}

/** Prepared once per connection: a restock runs these tens of thousands of times. */
function statements(client: Database) {
  let found = cache.get(client);
  if (!found) {
    found = prepare(client);
    cache.set(client, found);
  }
  return found;
}
