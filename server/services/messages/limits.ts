import { eq, sql } from 'drizzle-orm';
import type { Tx } from '../../../db/index.ts';
import { execute, first, statementRows } from '../../../db/raw.ts';
import type { Statement } from '../../../db/sql/statement.ts';
import { escalations, type Shop } from '../../../db/schema/index.ts';
import { sha256 } from '../../lib/tokens.ts';
import { openEscalation } from '../escalations/open.ts';

/**
 * Emails a stranger can cause by typing an address into any shop's form: the
 * ones `emailCapPerDay` bounds. Besides the confirmation and the double
 * opt-in, that is a repeat's "your place" link (`signup-exists`), the link
 * that confirms a new phone or address (`contact-confirm`, which a bot could
 * ask for with ever new numbers) and the way back after an opt-out.
 */
export const CAPPED_EMAILS: ReadonlySet<string> = new Set(['signup-confirmation', 'signup-optin', 'signup-exists', 'contact-confirm', 'email-resubscribe']);

/** One more capped email to an address today, and the day's count so far. Dialect-neutral; on SQLite prepared once per connection (a signup runs it). */
const countEmail: Statement<void, { count: number }> = {
  text: () => `insert into email_caps (day, address_hash, count) values (@day, @hash, 1)
    on conflict (day, address_hash) do update set count = email_caps.count + 1 returning count`,
  row: (r) => ({ count: Number(r.count) }),
};

const HOUR = 3_600_000;
const DAY = 86_400_000;

/**
 * One address however it is spelled: case, a `+tag`, and (at Gmail) dots do
 * not change the inbox, so a bot varying them is still one victim.
 */
export function capAddress(address: string): string {
  const at = address.lastIndexOf('@');
  const domain = address.slice(at + 1).toLowerCase();
  let local = address.slice(0, at).toLowerCase().replace(/\+.*$/, '');
  if (domain === 'gmail.com' || domain === 'googlemail.com') local = local.replaceAll('.', '');
  return `${local}@${domain === 'googlemail.com' ? 'gmail.com' : domain}`;
}

export const addressHash = (address: string) => sha256(capAddress(address));

interface ShopTexts {
  shop: Shop;
  /** Texts of this batch the budget has room for; the rest are held. */
  room: number;
  reserved: number;
  queued: number;
  held: number;
}

/**
 * The SMS budget and the email cap, as one batch of messages is written.
 * Counters move by upserts in the caller's transaction (`tx`), so every process
 * counts the same rows: per batch one statement per shop that texts, and one
 * per capped email.
 */
export class SendLimits {
  private readonly texts = new Map<string, ShopTexts>();
  private readonly hour: number;
  private readonly day: number;

  constructor(
    private readonly tx: Tx,
    private readonly now: Date,
  ) {
    this.hour = Math.floor(now.getTime() / HOUR);
    this.day = Math.floor(now.getTime() / DAY);
  }

  /** Takes budget for `count` texts of the shop at once, before any is written. */
  async reserveTexts(shop: Shop, count: number): Promise<void> {
    const { sent } = (await first<{ sent: number }>(
      this.tx,
      sql`insert into sms_budget (hour, shop_id, sent, held) values (${this.hour}, ${shop.id}, ${count}, 0)
          on conflict (hour, shop_id) do update set sent = sms_budget.sent + excluded.sent returning sent`,
    ))!;
    const room = Math.max(0, Math.min(count, shop.settings.sms.hourlyBudget - (sent - count)));
    this.texts.set(shop.id, { shop, room, reserved: count, queued: 0, held: 0 });
  }

  /** Why this text is held back, or null to queue it. */
  textRefusal(shopId: string): string | null {
    const t = this.texts.get(shopId)!;
    if (t.room > 0) {
      t.room--;
      return null;
    }
    return `SMS budget of ${t.shop.settings.sms.hourlyBudget}/hour reached`;
  }

  /** The text's row was written (`queued` or held), or was already there. */
  textWritten(shopId: string, held: boolean, written: boolean): void {
    const t = this.texts.get(shopId)!;
    if (written && held) t.held++;
    else if (written) t.queued++;
  }

  /** Why this email is held back, or null to queue it; counts it against the address's day. */
  async emailRefusal(shop: Shop, template: string, to: string): Promise<string | null> {
    if (!CAPPED_EMAILS.has(template)) return null;
    const [{ count }] = (await statementRows(this.tx, countEmail, undefined, { day: this.day, hash: addressHash(to) })) as [{ count: number }];
    return count > shop.settings.emailCapPerDay ? `daily cap of ${shop.settings.emailCapPerDay} confirmation emails for this address reached` : null;
  }

  /** The email's row was already there (one event, one message): it did not count. */
  async emailNotWritten(template: string, to: string): Promise<void> {
    if (!CAPPED_EMAILS.has(template)) return;
    await execute(this.tx, sql`update email_caps set count = count - 1 where day = ${this.day} and address_hash = ${addressHash(to)}`);
  }

  /**
   * Gives back budget that was reserved but not used, and tells the merchant,
   * once an hour per shop, that texts are being held back.
   */
  async settle(): Promise<void> {
    for (const [, t] of this.texts) {
      const unused = t.reserved - t.queued;
      if (unused === 0 && t.held === 0) continue;
      const { held } = (await first<{ held: number }>(
        this.tx,
        sql`update sms_budget set sent = sent - ${unused}, held = held + ${t.held} where hour = ${this.hour} and shop_id = ${t.shop.id} returning held`,
      ))!;
      if (t.held > 0) await this.escalate(t.shop, held);
    }
  }

  private async escalate(shop: Shop, held: number): Promise<void> {
    const budget = shop.settings.sms.hourlyBudget;
    const summary = `SMS budget of ${budget}/hour reached: ${held} ${held === 1 ? 'text' : 'texts'} held back this hour.`;
    const opened = await openEscalation(this.tx, {}, {
      shop,
      kind: 'sms_budget',
      key: String(this.hour),
      summary,
      recommendedAction:
        'If this is real demand (a launch, a restock), raise sms.hourlyBudget in the settings. If not, it may be SMS pumping: bots signing up numbers that earn from each text. Look at the latest SMS signups for unfamiliar countries or runs of similar numbers, and narrow sms.allowedCountries.',
      now: this.now,
    });
    // Already open this hour: keep its count true rather than open another.
    if (opened === null) await this.tx.update(escalations).set({ summary }).where(eq(escalations.key, `${shop.id}:sms_budget:${this.hour}`));
  }
}
