import { and, inArray, isNull } from 'drizzle-orm';
import type { Tx } from '../../../db/index.ts';
import { runWrite, statementRows } from '../../../db/raw.ts';
import { twins } from '../../../db/sql/index.ts';
import { contacts, type Contact, type Shop } from '../../../db/schema/index.ts';
import type { EmailProps, EmailTemplate, SmsProps, SmsTemplate } from '../../../emails/index.ts';
import { outsideQuietHours } from '../../lib/quiet-hours.ts';
import { smsRefusal } from '../../lib/sms-numbers.ts';
import { rowToken } from '../../lib/tokens.ts';
import { smsCountries } from '../settings/schema.ts';
import { addressHash, CAPPED_EMAILS, SendLimits } from './limits.ts';
import { sendsDespiteOptOut } from './transactional.ts';

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

  /** `tx` is the transaction the batch writes in, when flushed. */
  constructor(
    private readonly tx: Tx,
    private readonly now: Date,
  ) {}

  static for(tx: Tx, now: Date): MessageBatch {
    return new MessageBatch(tx, now);
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
  async flush(): Promise<void> {
    if (this.rows.length === 0) return;
    if (twins(this.tx).messages.insertsTogether) return this.flushTogether();
    const { tx, now } = this;
    const rows = this.rows;
    this.rows = [];
    this.introduced.clear();
    // db/sql/<engine>/messages.ts: `insert or ignore` / `on conflict do nothing` (on SQLite prepared once per connection).
    const insert = twins(tx).messages.insertMessage;
    const createdAt = now.getTime();
    const limits = new SendLimits(tx, now);
    for (const { shop, count } of textsByShop(rows)) await limits.reserveTexts(shop, count);
    const introduced: number[] = [];
    for (const r of rows) {
      const held = r.channel === 'sms' ? limits.textRefusal(r.shopId) : CAPPED_EMAILS.has(r.template) ? await limits.emailRefusal(r.shop, r.template, r.to) : null;
      const { changes } = await runWrite(tx, insert, [
        r.shopId, r.contactId, r.signupId, r.offerId, r.backorderId, r.publicId, r.template, r.channel, r.to, r.props, r.track, r.intro, r.idempotencyKey, r.sendAfter, createdAt, held ? 'suppressed' : 'queued', held,
      ]);
      const written = changes === 1;
      if (r.channel === 'sms') limits.textWritten(r.shopId, held !== null, written);
      else if (!written) await limits.emailNotWritten(r.template, r.to);
      // A held text introduces no one: the next one must still say how to stop.
      if (r.intro && written && !held) introduced.push(r.contactId);
    }
    await this.settle(limits, introduced);
  }

  /**
   * What flush() does, with all the messages in one statement and the capped
   * emails counted in one more (db/sql/<engine>/signup-batch.ts): on
   * PostgreSQL, where every statement is a round trip (a restock's 10,000
   * offers were 10,000 inserts, 4 s of its time). The same limits hold,
   * counted the same way.
   */
  private async flushTogether(): Promise<void> {
    if (this.rows.length === 0) return;
    const { tx, now } = this;
    const rows = this.rows;
    this.rows = [];
    this.introduced.clear();
    const limits = new SendLimits(tx, now);
    for (const { shop, count } of textsByShop(rows)) await limits.reserveTexts(shop, count);
    const emailCounts = await countCappedEmails(tx, now, rows);
    const held = rows.map((r, i) => {
      if (r.channel === 'sms') return limits.textRefusal(r.shopId);
      const count = emailCounts.get(i);
      return count !== undefined && count > r.shop.settings.emailCapPerDay ? emailCapRefusal(r.shop) : null;
    });
    const createdAt = now.getTime();
    const payload = rows.map((r, i) => ({
      shop_id: r.shopId, contact_id: r.contactId, signup_id: r.signupId, offer_id: r.offerId, backorder_id: r.backorderId, public_id: r.publicId,
      template: r.template, channel: r.channel, to: r.to, props: r.props, track: r.track === 1, intro: r.intro === 1, idempotency_key: r.idempotencyKey,
      send_after: r.sendAfter, created_at: createdAt, status: held[i] ? 'suppressed' : 'queued', error: held[i],
    }));
    const { shared, own } = splitShared(payload);
    const written = new Set(
      (await statementRows(tx, twins(tx).signupBatch.insertMessages, undefined, { shared: JSON.stringify(shared), rows: JSON.stringify(own) })).map((w) => w.key),
    );
    const introduced: number[] = [];
    for (const [i, r] of rows.entries()) {
      const wrote = written.has(r.idempotencyKey);
      if (r.channel === 'sms') limits.textWritten(r.shopId, held[i] !== null, wrote);
      else if (!wrote) await limits.emailNotWritten(r.template, r.to);
      if (r.intro && wrote && !held[i]) introduced.push(r.contactId);
    }
    await this.settle(limits, introduced);
  }

  /** Gives back unused text budget and marks the contacts whose first text says how to stop. */
  private async settle(limits: SendLimits, introduced: number[]): Promise<void> {
    const { tx, now } = this;
    await limits.settle();
    for (let i = 0; i < introduced.length; i += 500) {
      await tx
        .update(contacts)
        .set({ smsIntroducedAt: now })
        .where(and(inArray(contacts.id, introduced.slice(i, i + 500)), isNull(contacts.smsIntroducedAt)));
    }
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

/**
 * SendLimits.emailRefusal for every capped email of `rows` at once: one upsert
 * per address, by as many as the batch sends it. Answers, by row index, the
 * address's count for the day with that email included, in row order, as the
 * one-by-one count would have been.
 */
async function countCappedEmails(tx: Tx, now: Date, rows: Row[]): Promise<Map<number, number>> {
  const byHash = new Map<string, number[]>();
  for (const [i, r] of rows.entries()) {
    if (r.channel !== 'email' || !CAPPED_EMAILS.has(r.template)) continue;
    const hash = addressHash(r.to);
    const list = byHash.get(hash);
    if (list) list.push(i);
    else byHash.set(hash, [i]);
  }
  const counts = new Map<number, number>();
  if (byHash.size === 0) return counts;
  const day = Math.floor(now.getTime() / DAY);
  const payload = Array.from(byHash, ([hash, list]) => ({ day, hash, n: list.length }));
  for (const { hash, count } of await statementRows(tx, twins(tx).signupBatch.countEmails, undefined, { rows: JSON.stringify(payload) })) {
    const list = byHash.get(hash)!;
    list.forEach((row, k) => counts.set(row, count - list.length + 1 + k));
  }
  return counts;
}

const DAY = 86_400_000;

/** SendLimits.emailRefusal's reason, word for word. */
const emailCapRefusal = (shop: Shop) => `daily cap of ${shop.settings.emailCapPerDay} confirmation emails for this address reached`;

function textsByShop(rows: Row[]) {
  const counts = new Map<string, { shop: Shop; count: number }>();
  for (const r of rows) {
    if (r.channel !== 'sms') continue;
    const found = counts.get(r.shopId);
    if (found) found.count++;
    else counts.set(r.shopId, { shop: r.shop, count: 1 });
  }
  return Array.from(counts, ([, byShop]) => byShop);
}

/** One event, one message per channel: the unique key of a message row. */
export const idempotencyKey = (shopId: string, key: string, channel: 'email' | 'sms') => `${shopId}:${key}:${channel}`;

/**
 * Bounds [from, to) of every message key whose event key starts with
 * `prefix:`: one range scan of the unique index. `;` sorts right after `:`.
 */
export const idempotencyKeyRange = (shopId: string, prefix: string) => ({ from: `${shopId}:${prefix}:`, to: `${shopId}:${prefix};` });

/**
 * The columns every row has alike, once, and what each row has of its own:
 * the batch's statement puts them back together (db/sql/<engine>/signup-batch.ts
 * `insertMessages`). A value is alike when it is the same primitive in every row.
 */
function splitShared<T extends Record<string, unknown>>(rows: readonly T[]): { shared: Partial<T>; own: Array<Partial<T>> } {
  const first = rows[0]!;
  const keys = Object.keys(first) as Array<keyof T>;
  const alike = keys.filter((k) => rows.every((r) => r[k] === first[k]));
  const varying = keys.filter((k) => !alike.includes(k));
  const shared: Partial<T> = {};
  for (const k of alike) shared[k] = first[k];
  const own = rows.map((r) => {
    const o: Partial<T> = {};
    for (const k of varying) o[k] = r[k];
    return o;
  });
  return { shared, own };
}
