import { eq, inArray, sql } from 'drizzle-orm';
import { perConnection, type Db, type DbOrTx, type Tx } from '../../../db/index.ts';
import { twins } from '../../../db/sql/index.ts';
import { contacts, shops, type Contact, type Message, type Shop } from '../../../db/schema/index.ts';
import { emailTemplates, smsTemplates, translate, type RenderContext } from '../../../emails/index.ts';
import type { Deps } from '../../context.ts';
import { sign } from '../../lib/signing.ts';
import { replyAddress } from '../replies/address.ts';
import type { OutgoingMessage } from '../../transports/types.ts';

type Rendered = Pick<Message, 'from' | 'subject' | 'html' | 'headers'> & { text: string };

export const clickUrl = (publicUrl: string, secret: string, publicId: string, target: string) =>
  `${publicUrl}/t/c/${publicId}?u=${encodeURIComponent(target)}&s=${sign(secret, publicId, target)}`;

export function renderContext(shop: Shop, contact: Contact, publicUrl: string): RenderContext {
  const s = shop.settings;
  return {
    locale: contact.locale,
    timeZone: s.timezone,
    strings: s.strings,
    shop: { name: shop.name },
    brand: s.brand,
    sender: s.sender,
    contact: s.contact,
    unsubscribeUrl: `${publicUrl}/u/${contact.token}`,
  };
}

/**
 * A stored message made into what is sent: the template with its props, in the
 * contact's locale, with the shop's strings, sender and time zone. Emails carry
 * both parts and the one-click unsubscribe headers; a first SMS says how to stop.
 */
export function renderMessage(message: Message, shop: Shop, contact: Contact, deps: Pick<Deps, 'config' | 'secret'>): Rendered {
  const { publicUrl } = deps.config;
  const ctx = renderContext(shop, contact, publicUrl);
  const props = message.props as never;
  if (message.channel === 'sms') {
    const render = smsTemplates[message.template as keyof typeof smsTemplates] as (p: never, c: RenderContext) => string;
    if (!render) throw new Error(`unknown SMS template "${message.template}"`);
    const suffix = message.intro ? ` ${translate(ctx.locale, 'sms.stop', {}, ctx.strings)}` : '';
    return { from: null, subject: null, html: null, headers: {}, text: fitSms(render, message.props, ctx, suffix) };
  }
  const render = emailTemplates[message.template as keyof typeof emailTemplates] as (p: never, c: RenderContext) => { subject: string; html: string; text: string };
  if (!render) throw new Error(`unknown email template "${message.template}"`);
  if (message.track) {
    ctx.track = {
      pixelUrl: `${publicUrl}/t/o/${message.publicId}.gif`,
      link: (url) => clickUrl(publicUrl, deps.secret, message.publicId, url),
    };
  }
  const { subject, html, text } = render(props, ctx);
  const sender = shop.settings.sender;
  return {
    from: `${oneLine(sender.name).replace(/["<>]/g, '')} <${sender.email}>`,
    subject: oneLine(subject),
    html,
    text,
    headers: {
      'List-Unsubscribe': `<${ctx.unsubscribeUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      // A reply comes back through Resend inbound to this message: its shop, its customer, its order.
      ...(deps.config.replyDomain ? { 'Reply-To': replyAddress(message.publicId, deps.config.replyDomain) } : {}),
    },
  };
}

/** Header values are one line: a CR or LF from a name or title would start a header of its own. */
const oneLine = (value: string) => value.replace(/[\r\n\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim();

export const SMS_LIMIT = 160;

/**
 * One segment where possible: a long shop or item name is shortened (with an
 * ellipsis) before a text is split into several billed segments.
 */
export function fitSms(render: (p: never, c: RenderContext) => string, props: Record<string, unknown>, ctx: RenderContext, suffix: string): string {
  const at = (item: unknown, shop: string) => render({ ...props, item } as never, { ...ctx, shop: { name: shop } }) + suffix;
  const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, Math.max(1, n - 1)).trimEnd()}…` : s);
  let shop = clip(ctx.shop.name, 24);
  let text = at(props.item, shop);
  if (text.length <= SMS_LIMIT) return text;
  if (typeof props.item === 'string') {
    const item = clip(props.item, Math.max(6, props.item.length - (text.length - SMS_LIMIT)));
    text = at(item, shop);
    if (text.length <= SMS_LIMIT) return text;
    shop = clip(shop, Math.max(8, shop.length - (text.length - SMS_LIMIT)));
    text = at(item, shop);
  }
  return text;
}

type RenderedRows = { rendered: OutgoingMessage[]; failed: Array<{ row: Message; error: string }> };

/**
 * Renders the rows that are not rendered yet. With `store`, the result is
 * written back once (so `db` is the transaction), and every later send of the
 * message (a retry, a re-send after a crash) carries the same payload under
 * the same provider key. A row that cannot be rendered is returned in `failed`
 * rather than stopping the rest.
 */
export async function renderRows(db: Tx, deps: Pick<Deps, 'config' | 'secret' | 'clock'>, rows: Message[], opts: { store: true }): Promise<RenderedRows>;
export async function renderRows(db: DbOrTx, deps: Pick<Deps, 'config' | 'secret' | 'clock'>, rows: Message[], opts: { store: false }): Promise<RenderedRows>;
export async function renderRows(db: DbOrTx, deps: Pick<Deps, 'config' | 'secret' | 'clock'>, rows: Message[], opts: { store: boolean }): Promise<RenderedRows> {
  const pending = rows.filter((r) => r.text === null);
  if (pending.length === 0) return { rendered: rows as OutgoingMessage[], failed: [] };
  const q = statements(db);
  const shopById = new Map<string, Shop | undefined>();
  for (const r of pending) if (!shopById.has(r.shopId)) shopById.set(r.shopId, (await q.shop.execute({ id: r.shopId }))[0]);
  const contactById = await contactsOf(db, pending);
  const now = deps.clock.now();
  const rendered: OutgoingMessage[] = [];
  const failed: Array<{ row: Message; error: string }> = [];
  const stored: Array<Rendered & { id: number }> = [];
  for (const row of rows) {
    if (row.text !== null) {
      rendered.push(row as OutgoingMessage);
      continue;
    }
    let out: Rendered;
    try {
      const shop = shopById.get(row.shopId);
      const contact = row.contactId === null ? undefined : contactById.get(row.contactId);
      if (!shop || !contact) throw new Error('no shop or contact to render with');
      out = renderMessage(row, shop, contact, deps);
    } catch (error) {
      failed.push({ row, error: `render failed: ${error instanceof Error ? error.message : String(error)}` });
      continue;
    }
    stored.push({ id: row.id, ...out });
    rendered.push({ ...row, ...out, renderedAt: opts.store ? now : null });
  }
  // Not caught above: a failed write must fail the transaction, not pass for a render failure.
  if (opts.store) await twins(db).messages.storeRendered(db as Tx, stored, now);
  return { rendered, failed };
}

/** A backlog of thousands is rendered a few rows at a time: statements prepared once per connection. */
const statements = perConnection((db: Db) => ({
  shop: db.select().from(shops).where(eq(shops.id, sql.placeholder('id'))).prepare(),
}));

/** The contacts of the rows, in one read (on PostgreSQL a read per contact was a round trip per message). */
async function contactsOf(db: DbOrTx, rows: Message[]): Promise<Map<number, Contact>> {
  const ids = [...new Set(rows.flatMap((r) => (r.contactId === null ? [] : [r.contactId])))];
  const found = new Map<number, Contact>();
  if (ids.length > 0) for (const c of await db.select().from(contacts).where(inArray(contacts.id, ids))) found.set(c.id, c);
  return found;
}
